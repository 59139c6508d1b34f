//! Tests of the reactor and TCP, all on loopback, all bounded in time.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, get_running_loop};
use stepio_timer_wheel::{Clock, LoopTime, sleep, timeout};

use crate::reactor::{Direction, Registry};
use crate::{TcpListener, TcpStream, event_loop_with_clock, new_event_loop, sys};

/// A generous bound for "this must not hang": far above any normal run.
const HANG: Duration = Duration::from_secs(20);

/// Runs `future` on a fresh reactor loop, failing if it takes over `HANG`.
fn run<T>(future: impl Future<Output = T>) -> T {
    let event_loop = new_event_loop().unwrap();
    let output = event_loop.run_until_complete(timeout(HANG, future)).unwrap();
    event_loop.close().unwrap();
    output.expect("the test hung")
}

/// A connected pair: (client side, server side).
async fn pair() -> io::Result<(TcpStream, TcpStream)> {
    let mut listener = TcpListener::bind("127.0.0.1:0")?;
    let client = TcpStream::connect(listener.local_addr()?).await?;
    let (server, _) = listener.accept().await?;
    Ok((client, server))
}

fn registry() -> Rc<Registry> {
    get_running_loop().unwrap().extension::<Registry>().unwrap()
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future>(future: &mut std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.as_mut().poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_connection_carries_bytes_both_ways() {
    run(async {
        let (mut client, mut server) = pair().await.unwrap();
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
        client.write_all(b"hello").await.unwrap();
        let mut buf = [0; 5];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello");
        server.write_all(b"world").await.unwrap();
        server.shutdown(Shutdown::Write).unwrap();
        let mut reply = Vec::new();
        client.read_to_end(&mut reply).await.unwrap();
        assert_eq!(reply, b"world");
    });
}

#[test]
fn a_large_transfer_waits_for_the_send_buffer_to_drain() {
    // 8 MiB is far more than the socket buffers hold, so the writer must
    // see "would block", wait for a write edge, and go on.
    let data: Vec<u8> = (0..8 << 20).map(|i| (i % 251) as u8).collect();
    let received = run(async {
        let (mut client, mut server) = pair().await.unwrap();
        let (mut reader, _) = server.split();
        let (_, mut writer) = client.split();
        let write = async {
            writer.write_all(&data).await.unwrap();
        };
        let read = async {
            let mut received = vec![0; data.len()];
            reader.read_exact(&mut received).await.unwrap();
            received
        };
        let (_, received) = stepio_waker::join(write, read).await;
        received
    });
    assert!(received == data, "the bytes arrived changed");
}

// ANCHOR: lost_readiness_test
#[test]
fn readiness_that_arrives_while_nobody_waits_is_kept() {
    let event_loop = new_event_loop().unwrap();
    let (mut client, mut server) =
        event_loop.run_until_complete(pair()).unwrap().unwrap();
    let mut buf = [0; 16];
    event_loop
        .run_until_complete(async {
            // A read that finds nothing: readiness is cleared, and a waker
            // (one that does nothing) is registered.
            let mut read = pin!(server.read(&mut buf));
            assert!(poll_once(&mut read).is_pending());
        })
        .unwrap();
    // Data arrives. A turn of the loop takes in the event: it wakes the
    // do-nothing waker, and nobody is waiting any more. (Loopback data is
    // usually there when `write` returns; a busy kernel may take longer,
    // so the loop turns until the event is in.)
    event_loop.run_until_complete(client.write_all(b"late")).unwrap().unwrap();
    let events_seen =
        || event_loop.run_until_complete(async { registry().events_seen() }).unwrap();
    let events_before = events_seen();
    let give_up = Instant::now() + HANG;
    while events_seen() == events_before {
        assert!(Instant::now() < give_up, "no turn took in the read event");
        event_loop.stop();
        event_loop.run_forever().unwrap();
    }
    // Edge-triggered epoll will not report the data again. The read must
    // still find it, from the readiness the reactor kept.
    let n = event_loop
        .run_until_complete(timeout(Duration::from_secs(5), server.read(&mut buf)))
        .unwrap()
        .expect("the readiness was lost: the read waited for an edge that never comes")
        .unwrap();
    assert_eq!(&buf[..n], b"late");
    event_loop.close().unwrap();
}
// ANCHOR_END: lost_readiness_test

// ANCHOR: generation_test
#[test]
fn an_event_for_a_dropped_source_does_not_reach_the_next_one() {
    run(async {
        let registry = registry();
        let (_old_client, old_server) = pair().await.unwrap();
        let old_token = old_server.source_token();
        let old_fd = old_server.raw_fd();
        drop(old_server);
        // The next source takes the freed slot (the free list is last in,
        // first out), and here the freed fd number too.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let token = listener.source_token();
        assert_eq!(token.index(), old_token.index(), "the slot is reused");
        assert_ne!(token, old_token, "with a new generation");
        // Let the loop take in the new source's first events (writable).
        sleep(Duration::ZERO).await;
        assert!(!registry.is_ready(token, Direction::Read));
        // An event naming the old registration, as epoll_wait may have
        // returned it just before the drop: ignored.
        registry.inject(old_token, sys::EPOLLIN);
        assert!(
            !registry.is_ready(token, Direction::Read),
            "a stale event reached fd {old_fd}'s successor"
        );
        // The same event with the live token is taken.
        registry.inject(token, sys::EPOLLIN);
        assert!(registry.is_ready(token, Direction::Read));
    });
}
// ANCHOR_END: generation_test

#[test]
fn a_closed_fd_number_reused_by_a_new_socket_gets_no_old_data() {
    run(async {
        let (mut client, server) = pair().await.unwrap();
        // Data waits unread on the server side; then the server side closes.
        client.write_all(b"for the old socket").await.unwrap();
        sleep(Duration::ZERO).await;
        let old_fd = server.raw_fd();
        drop(server);
        drop(client);
        let (_client, mut server) = pair().await.unwrap();
        let reused = server.raw_fd() == old_fd;
        let mut buf = [0; 32];
        let read = timeout(Duration::from_millis(50), server.read(&mut buf)).await;
        assert!(read.is_err(), "the new socket (fd reused: {reused}) read {read:?}");
    });
}

#[test]
fn sources_deregister_when_dropped() {
    run(async {
        let registry = registry();
        assert_eq!(registry.len(), 0);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (client, server) = pair().await.unwrap();
        assert_eq!(registry.len(), 3);
        drop((client, server, listener));
        assert_eq!(registry.len(), 0);
    });
}

// ANCHOR: cross_thread_test
#[test]
fn another_thread_wakes_a_loop_parked_in_epoll_wait() {
    // 1,000 round trips: the loop parks with no timers and no I/O, so only
    // the eventfd can wake it; a lost wake would hang (and fail at HANG).
    const ROUNDS: usize = 1_000;
    let (waker_tx, waker_rx) = mpsc::channel::<(Waker, Arc<AtomicBool>)>();
    let helper = thread::spawn(move || {
        for (waker, flag) in waker_rx {
            flag.store(true, Ordering::Release);
            waker.wake();
        }
    });
    run(async move {
        for _ in 0..ROUNDS {
            let flag = Arc::new(AtomicBool::new(false));
            let mut sent = false;
            poll_fn(|cx| {
                if flag.load(Ordering::Acquire) {
                    return Poll::Ready(());
                }
                if !sent {
                    waker_tx.send((cx.waker().clone(), Arc::clone(&flag))).unwrap();
                    sent = true;
                }
                Poll::Pending
            })
            .await;
        }
    });
    helper.join().unwrap();
}
// ANCHOR_END: cross_thread_test

#[test]
fn a_thousand_connections_at_once() {
    const CLIENTS: usize = 1_000;
    // Each connection takes two fds here (both ends live in this process).
    let limit = sys::raise_fd_limit(4_096).unwrap();
    assert!(
        limit >= 2 * CLIENTS as u64 + 64,
        "the open-file limit ({limit}) is too low for this test"
    );
    let echoed = run(async {
        let event_loop = get_running_loop().unwrap();
        let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        event_loop
            .spawn(async move {
                for _ in 0..CLIENTS {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    get_running_loop()
                        .unwrap()
                        .spawn(async move {
                            let mut buf = [0; 8];
                            stream.read_exact(&mut buf).await.unwrap();
                            stream.write_all(&buf).await.unwrap();
                        })
                        .unwrap();
                }
            })
            .unwrap();
        let echoed = Rc::new(Cell::new(0));
        for i in 0..CLIENTS {
            let echoed = Rc::clone(&echoed);
            event_loop
                .spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let message = (i as u64).to_le_bytes();
                    stream.write_all(&message).await.unwrap();
                    let mut buf = [0; 8];
                    stream.read_exact(&mut buf).await.unwrap();
                    assert_eq!(buf, message);
                    echoed.set(echoed.get() + 1);
                })
                .unwrap();
        }
        // Every client has its connection open until it got its echo, so
        // all 1,000 are open at once at some point.
        while event_loop.task_count() > 0 {
            sleep(Duration::from_millis(1)).await;
        }
        echoed.get()
    });
    assert_eq!(echoed, CLIENTS);
}

// ANCHOR: timeout_test
#[test]
fn a_read_with_a_timeout_on_a_simulated_clock() {
    // Timers and I/O in one loop: epoll waits for the socket and the
    // deadline at once. On a simulated clock the 30 s pass at once.
    let event_loop = event_loop_with_clock(Clock::simulated()).unwrap();
    let start = event_loop.time();
    let outcome = event_loop
        .run_until_complete(async {
            let (_client, mut server) = pair().await.unwrap();
            let mut buf = [0; 4];
            timeout(Duration::from_secs(30), server.read(&mut buf)).await
        })
        .unwrap();
    assert!(outcome.is_err(), "nothing was sent, yet the read returned {outcome:?}");
    assert_eq!(event_loop.time() - start, 30.0);
    event_loop.close().unwrap();
}
// ANCHOR_END: timeout_test

#[test]
fn a_read_with_a_timeout_on_the_real_clock() {
    run(async {
        let (mut client, mut server) = pair().await.unwrap();
        let mut buf = [0; 4];
        let start = Instant::now();
        let outcome = timeout(Duration::from_millis(30), server.read(&mut buf)).await;
        assert!(outcome.is_err());
        assert!(start.elapsed() >= Duration::from_millis(30), "the timeout fired early");
        // Data that does arrive in time wins.
        client.write_all(b"ok").await.unwrap();
        let n = timeout(Duration::from_secs(5), server.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf[..n], b"ok");
    });
}

#[test]
fn a_refused_connection_is_an_error() {
    run(async {
        let addr: SocketAddr = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err}");
    });
}

#[test]
fn a_peer_that_resets_gives_errors_not_a_crash() {
    run(async {
        let (client, mut server) = pair().await.unwrap();
        client.set_linger(Some(Duration::ZERO)).unwrap();
        drop(client); // sends RST
        let mut buf = [0; 4];
        let err = server.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
        // Writing to the dead connection: an error (EPIPE), not SIGPIPE.
        let err = server.write_all(&[0; 1024]).await.unwrap_err();
        assert!(
            matches!(
                err.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
            ),
            "{err}"
        );
    });
}

#[test]
fn sockets_outside_a_reactor_loop_say_what_is_missing() {
    let err = TcpListener::bind("127.0.0.1:0").unwrap_err();
    assert!(err.to_string().contains("running event loop"), "{err}");
    let stage3 = stepio_timer_wheel::new_event_loop();
    let err = stage3
        .run_until_complete(async { TcpListener::bind("127.0.0.1:0").unwrap_err() })
        .unwrap();
    assert!(err.to_string().contains("no reactor"), "{err}");
    stage3.close().unwrap();
}

#[test]
fn a_loop_closed_with_tasks_waiting_on_sockets_releases_them() {
    let event_loop = new_event_loop().unwrap();
    let registry = event_loop.run_until_complete(async { registry() }).unwrap();
    let (_client, mut server) = event_loop.run_until_complete(pair()).unwrap().unwrap();
    event_loop
        .spawn(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let _ = listener.accept().await;
        })
        .unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(registry.len(), 3);
    event_loop.close().unwrap();
    // The task (and its listener) is gone; the pair is still ours.
    assert_eq!(registry.len(), 2);
    let mut buf = [0; 1];
    let _ = poll_once(&mut pin!(server.read(&mut buf)));
    drop(server);
    assert_eq!(registry.len(), 1);
}

#[test]
fn an_idle_loop_sleeps_in_epoll_until_its_timer() {
    run(async {
        let start = Instant::now();
        sleep(Duration::from_millis(20)).await;
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(20), "woke early: {elapsed:?}");
    });
}

#[test]
fn the_eventfd_is_written_only_when_the_loop_is_parked() {
    let reactor = crate::Reactor::with_backend(crate::Backend::Epoll).unwrap();
    let wake = reactor.wake_fd();
    // Running: a wake only leaves a note; no system call.
    wake.unpark_for_test();
    assert_eq!(wake.take_signals(), 0);
    // Parked (or about to be): the wake must write the eventfd.
    wake.set_parked_for_test();
    wake.unpark_for_test();
    assert_eq!(wake.take_signals(), 1);
    // Notified already: further wakes write nothing more.
    wake.unpark_for_test();
    assert_eq!(wake.take_signals(), 0);
}

#[test]
fn the_loops_observer_hears_of_sockets_ready_and_of_its_parks() {
    use std::any::Any;
    use std::sync::Mutex;

    use stepio_poll_loop::Observer;

    /// Keeps the sources reported ready, and counts waits.
    #[derive(Default)]
    struct Recorder {
        ready: Mutex<Vec<crate::IoReady>>,
        parks: Mutex<(usize, usize)>,
    }

    impl Observer for Recorder {
        fn parking(&self, _: &EventLoop, _: Option<Duration>) {
            self.parks.lock().unwrap().0 += 1;
        }

        fn unparked(&self, _: &EventLoop) {
            self.parks.lock().unwrap().1 += 1;
        }

        fn event(&self, event: &dyn Any) {
            if let Some(ready) = event.downcast_ref::<crate::IoReady>() {
                self.ready.lock().unwrap().push(*ready);
            }
        }
    }

    let event_loop = new_event_loop().unwrap();
    let recorder = Arc::new(Recorder::default());
    assert!(event_loop.set_observer(Arc::clone(&recorder) as Arc<dyn Observer>));
    event_loop
        .run_until_complete(timeout(HANG, async {
            let (mut client, mut server) = pair().await.unwrap();
            client.write_all(b"ping").await.unwrap();
            let mut buf = [0; 4];
            server.read_exact(&mut buf).await.unwrap();
        }))
        .unwrap()
        .expect("the test hung");
    event_loop.close().unwrap();
    let ready = recorder.ready.lock().unwrap();
    assert!(
        ready.iter().any(|ready| ready.readable),
        "the server side became readable: {ready:?}"
    );
    let (parks, unparks) = *recorder.parks.lock().unwrap();
    assert_eq!(parks, unparks);
}

#[test]
fn a_busy_address_and_a_refused_connection_say_where_and_what_to_do() {
    let (busy, refused) = crate::run(async {
        let first = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = first.local_addr().unwrap();
        let busy = TcpListener::bind(addr).map(drop).unwrap_err();
        drop(first); // nothing listens there now
        let refused = TcpStream::connect(addr).await.map(drop).unwrap_err();
        (busy, refused, addr)
    })
    .map(|(busy, refused, addr)| {
        let text = |err: &io::Error| err.to_string();
        assert!(text(&busy).contains(&format!("cannot listen on {addr}")), "{busy}");
        assert!(
            text(&refused).contains(&format!("cannot connect to {addr}")),
            "{refused}"
        );
        (busy, refused)
    })
    .unwrap();
    assert_eq!(busy.kind(), io::ErrorKind::AddrInUse);
    assert!(busy.to_string().contains("pick another port"), "{busy}");
    assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    assert!(refused.to_string().contains("is the server running"), "{refused}");
}

/// Schedules itself again on every turn until `stop`, counting turns: keeps
/// the loop's ready queue from ever draining.
fn spin(event_loop: EventLoop, turns: Rc<Cell<u32>>, stop: Rc<Cell<bool>>) {
    if !stop.get() {
        turns.set(turns.get() + 1);
        let again = event_loop.clone();
        event_loop.call_soon(move || spin(again, turns, stop)).unwrap();
    }
}

// ANCHOR: look_every_test
#[test]
fn with_work_ready_the_reactor_looks_every_few_turns_and_misses_nothing() {
    run(async {
        let registry = registry();
        // The main future yields: a turn with work each time, a zero-timeout
        // park each time, and one `epoll_wait` in LOOK_EVERY of them.
        let looks_before = registry.looks();
        for _ in 0..10 * crate::LOOK_EVERY {
            stepio_waker::yield_now().await;
        }
        let looks = registry.looks() - looks_before;
        assert!((9..=11).contains(&looks), "{looks} looks in 10 x LOOK_EVERY turns");

        // A read waits while a callback keeps every turn busy: its event is
        // still seen, within LOOK_EVERY turns.
        let (mut client, mut server) = pair().await.unwrap();
        let (turns, stop) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(false)));
        spin(get_running_loop().unwrap(), Rc::clone(&turns), Rc::clone(&stop));
        let mut buf = [0; 1];
        let mut read = pin!(server.read(&mut buf));
        poll_fn(|cx| {
            assert!(read.as_mut().poll(cx).is_pending(), "nothing was sent yet");
            Poll::Ready(())
        })
        .await;
        client.write_all(b"x").await.unwrap();
        let turns_before = turns.get();
        assert_eq!(read.await.unwrap(), 1);
        stop.set(true);
        let waited = turns.get() - turns_before;
        assert!(waited <= crate::LOOK_EVERY + 1, "the read waited {waited} busy turns");
    });
}
// ANCHOR_END: look_every_test

// ANCHOR: poll_backend_test
#[test]
fn the_poll_backend_serves_sockets_and_sleeps_beside_one_nobody_reads() {
    let event_loop = crate::new_event_loop_with(crate::Backend::Poll).unwrap();
    let looks = event_loop
        .run_until_complete(timeout(HANG, async {
            assert_eq!(registry().backend(), crate::Backend::Poll);
            let (mut client, mut server) = pair().await.unwrap();
            client.write_all(b"ping").await.unwrap();
            let mut buf = [0; 4];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"ping");
            // Bytes wait on `server` and nobody reads them: level-triggered
            // `poll` would report them at every wait, and the loop would
            // spin through this sleep instead of sleeping.
            client.write_all(b"unread").await.unwrap();
            sleep(Duration::ZERO).await;
            let before = registry().looks();
            sleep(Duration::from_millis(30)).await;
            registry().looks() - before
        }))
        .unwrap()
        .expect("the test hung");
    event_loop.close().unwrap();
    assert!(looks < 10, "{looks} waits in a 30 ms sleep: the loop spun");
}
// ANCHOR_END: poll_backend_test

#[test]
fn another_thread_wakes_a_loop_parked_in_poll() {
    let event_loop = crate::new_event_loop_with(crate::Backend::Poll).unwrap();
    let (tx, rx) = mpsc::channel::<Waker>();
    let helper = thread::spawn(move || {
        for waker in rx {
            waker.wake();
        }
    });
    let rounds = event_loop
        .run_until_complete(timeout(HANG, async {
            let mut rounds = 0;
            for _ in 0..200 {
                let mut sent = false;
                poll_fn(|cx| {
                    if sent {
                        return Poll::Ready(());
                    }
                    sent = true;
                    tx.send(cx.waker().clone()).unwrap();
                    Poll::Pending
                })
                .await;
                rounds += 1;
            }
            drop(tx);
            rounds
        }))
        .unwrap()
        .expect("a wake through the pipe was lost");
    helper.join().unwrap();
    event_loop.close().unwrap();
    assert_eq!(rounds, 200);
}

#[test]
fn an_unknown_backend_is_refused_with_its_name() {
    // Not through the environment (tests share it): the parser itself.
    let err = crate::Backend::parse("kqueue").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("kqueue"), "{err}");
    assert_eq!(crate::Backend::parse("poll").unwrap(), crate::Backend::Poll);
    assert_eq!(crate::Backend::parse("").unwrap(), crate::Backend::Epoll);
}

// ANCHOR: udp_test
#[test]
fn udp_datagrams_go_whole_and_a_receiver_waits_for_one() {
    run(async {
        let (a, b) = (
            crate::UdpSocket::bind("127.0.0.1:0").unwrap(),
            crate::UdpSocket::bind("127.0.0.1:0").unwrap(),
        );
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
        // Nothing yet: the receive waits (a timeout says it did not end).
        let mut buf = [0; 16];
        assert!(timeout(Duration::from_millis(20), b.recv_from(&mut buf)).await.is_err());
        assert_eq!(a.send_to(b"ping", b_addr).await.unwrap(), 4);
        assert_eq!(b.recv_from(&mut buf).await.unwrap(), (4, a_addr));
        assert_eq!(&buf[..4], b"ping");
        // One datagram per receive; a long one is cut to the buffer.
        a.send_to(b"0123456789abcdefXYZ", b_addr).await.unwrap();
        a.send_to(b"next", b_addr).await.unwrap();
        assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 16);
        assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 4);
        assert_eq!(&buf[..4], b"next");
    });
}
// ANCHOR_END: udp_test

// ANCHOR: signal_test
#[test]
fn a_signal_runs_its_handler_on_the_loop_until_it_is_removed() {
    const SIGUSR1: i32 = 10; // Linux's number
    run(async {
        let caught = Rc::new(Cell::new(0));
        crate::add_signal_handler(SIGUSR1, {
            let caught = Rc::clone(&caught);
            move || caught.set(caught.get() + 1)
        })
        .unwrap();
        for expected in 1..=2 {
            sys::raise_signal(SIGUSR1).unwrap();
            // The handler runs on the loop, once the pipe is seen readable.
            for _ in 0..10_000 {
                if caught.get() == expected {
                    break;
                }
                stepio_waker::yield_now().await;
            }
            assert_eq!(caught.get(), expected);
        }
        assert!(crate::remove_signal_handler(SIGUSR1));
        assert!(!crate::remove_signal_handler(SIGUSR1), "removed already");
        // SIGKILL cannot be caught: the error says so.
        let err = crate::add_signal_handler(9, || {}).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(22), "EINVAL: {err}");
    });
}
// ANCHOR_END: signal_test

#[test]
fn a_dropped_ctrl_c_future_takes_its_handler_and_leaves_a_newer_one() {
    const SIGINT: i32 = 2;
    run(async {
        drop(crate::ctrl_c().unwrap());
        assert!(!crate::remove_signal_handler(SIGINT), "it went with the future");
        // A handler that replaced it is not the future's to take.
        let stop = crate::ctrl_c().unwrap();
        crate::add_signal_handler(SIGINT, || {}).unwrap();
        drop(stop);
        assert!(crate::remove_signal_handler(SIGINT), "the newer handler stays");
    });
}

/// A count of signals caught, and the task waiting for it to grow.
#[derive(Default)]
struct Caught {
    count: Cell<u32>,
    waiter: std::cell::RefCell<Option<Waker>>,
}

impl Caught {
    fn one_more(&self) {
        self.count.set(self.count.get() + 1);
        if let Some(waker) = self.waiter.take() {
            waker.wake();
        }
    }

    /// Waits until `expected` signals have been caught (however long the
    /// other thread takes to send them: the test's deadline bounds it).
    async fn until(&self, expected: u32) {
        poll_fn(|cx| {
            if self.count.get() >= expected {
                return Poll::Ready(());
            }
            *self.waiter.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        assert_eq!(self.count.get(), expected);
    }
}

#[test]
fn every_loop_with_a_handler_gets_the_signal_and_the_last_one_releases_it() {
    const SIGUSR2: i32 = 12; // Linux's number
    // Both handlers are in place before the first signal, and the first
    // loop has let go before the second.
    let both_in_place = Arc::new(std::sync::Barrier::new(2));
    let first_let_go = Arc::new(std::sync::Barrier::new(2));
    let loop_on_thread = move |raises: bool| {
        let (both_in_place, first_let_go) =
            (Arc::clone(&both_in_place), Arc::clone(&first_let_go));
        thread::spawn(move || {
            run(async move {
                let caught = Rc::new(Caught::default());
                crate::add_signal_handler(SIGUSR2, {
                    let caught = Rc::clone(&caught);
                    move || caught.one_more()
                })
                .unwrap();
                both_in_place.wait();
                if raises {
                    sys::raise_signal(SIGUSR2).unwrap();
                }
                caught.until(1).await;
                if raises {
                    assert!(crate::remove_signal_handler(SIGUSR2));
                    first_let_go.wait();
                } else {
                    // Still caught here: with its default action back, this
                    // signal would end the whole test process.
                    first_let_go.wait();
                    sys::raise_signal(SIGUSR2).unwrap();
                    caught.until(2).await;
                }
            })
        })
    };
    stepio_waker::testing::within(Duration::from_secs(30), move || {
        let (first, second) = (loop_on_thread(true), loop_on_thread(false));
        first.join().unwrap();
        second.join().unwrap();
    });
}
