//! TCP echo on loopback, shared by `benches/reactor.rs` and the
//! `echo_load` program (which `strace -c` counts system calls of): an echo
//! server and 50 clients on one loop on one thread, each client sending
//! 64-byte messages and reading them back: on chapter 4's loop and tasks,
//! or on the assembled runtime's (see [`Tasks`]).

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use std::future::Future;

use stepio::LoopTasks;
use stepio_poll_loop::EventLoop;
use stepio_reactor::{TcpListener, TcpStream};

/// Connections in the echo workload.
pub const CONNECTIONS: usize = 50;
/// Bytes per message.
pub const MESSAGE: usize = 64;

/// The 50 client connections, each taken by its task while it runs.
pub type Clients = Rc<RefCell<Vec<Option<TcpStream>>>>;

/// Which tasks run the server's connections and the clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tasks {
    /// Chapter 4's: `stepio_reactor::serve`, and the loop's own tasks.
    Loop,
    /// The assembled runtime's: `stepio::serve`, and stage 5's tasks.
    Runtime,
}

impl Tasks {
    /// Spawns `future` as a task of this kind on `event_loop`, detached.
    fn spawn(self, event_loop: &EventLoop, future: impl Future<Output = ()> + 'static) {
        match self {
            Tasks::Loop => drop(event_loop.spawn(future).unwrap()),
            Tasks::Runtime => drop(event_loop.create_task(future).unwrap()),
        }
    }
}

// ANCHOR: echo
/// One echo exchange: send 64 bytes, read the 64 echoed bytes.
async fn round_trip(stream: &mut TcpStream, buf: &mut [u8; MESSAGE]) {
    stream.write_all(buf).await.unwrap();
    stream.read_exact(buf).await.unwrap();
}

/// A loop with an echo server and 50 connected clients on it.
pub fn stepio_echo_setup(tasks: Tasks) -> (EventLoop, Clients) {
    let event_loop = stepio_reactor::new_event_loop().unwrap();
    let clients = event_loop
        .run_until_complete(async {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let echo = |mut stream: TcpStream, _| async move {
                stream.set_nodelay(true).unwrap();
                let mut buf = [0; 4096];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            };
            let event_loop = stepio::get_running_loop().unwrap();
            match tasks {
                Tasks::Loop => {
                    let server = stepio_reactor::serve(listener, echo);
                    tasks.spawn(&event_loop, async move { server.await.unwrap() });
                }
                Tasks::Runtime => {
                    let server = stepio::serve(listener, echo);
                    tasks.spawn(&event_loop, async move { server.await.unwrap() });
                }
            }
            let mut clients = Vec::new();
            for _ in 0..CONNECTIONS {
                let stream = TcpStream::connect(addr).await.unwrap();
                stream.set_nodelay(true).unwrap();
                clients.push(Some(stream));
            }
            clients
        })
        .unwrap();
    (event_loop, Rc::new(RefCell::new(clients)))
}

/// Every client makes `rounds` round trips, all clients at once, each in a
/// task of its own; returns when all are done.
pub fn stepio_echo_rounds(
    event_loop: &EventLoop,
    tasks: Tasks,
    clients: &Clients,
    rounds: u64,
) {
    let remaining = Rc::new(Cell::new(CONNECTIONS));
    let done_waker: Rc<RefCell<Option<Waker>>> = Rc::default();
    for index in 0..CONNECTIONS {
        let (clients, remaining, done_waker) =
            (Rc::clone(clients), Rc::clone(&remaining), Rc::clone(&done_waker));
        tasks.spawn(event_loop, async move {
            let mut stream = clients.borrow_mut()[index].take().unwrap();
            let mut buf = [7; MESSAGE];
            for _ in 0..rounds {
                round_trip(&mut stream, &mut buf).await;
            }
            clients.borrow_mut()[index] = Some(stream);
            remaining.set(remaining.get() - 1);
            if remaining.get() == 0 {
                done_waker.borrow_mut().take().unwrap().wake();
            }
        });
    }
    event_loop
        .run_until_complete(poll_fn(|cx| {
            if remaining.get() == 0 {
                return Poll::Ready(());
            }
            *done_waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }))
        .unwrap();
}
// ANCHOR_END: echo

/// The same workload on tokio's current-thread runtime.
#[cfg(feature = "peers")]
pub mod peers {
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::runtime::{Builder, Runtime};

    use super::{CONNECTIONS, MESSAGE};

    /// The 50 client connections.
    pub type Clients = Arc<Mutex<Vec<Option<TcpStream>>>>;

    /// The same server and clients on tokio's current-thread runtime.
    pub fn tokio_echo_setup() -> (Runtime, Clients) {
        let runtime = Builder::new_current_thread().enable_io().build().unwrap();
        let clients = runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                loop {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    tokio::spawn(async move {
                        let mut buf = [0; 4096];
                        loop {
                            match stream.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => {
                                    if stream.write_all(&buf[..n]).await.is_err() {
                                        return;
                                    }
                                }
                            }
                        }
                    });
                }
            });
            let mut clients = Vec::new();
            for _ in 0..CONNECTIONS {
                let stream = TcpStream::connect(addr).await.unwrap();
                stream.set_nodelay(true).unwrap();
                clients.push(Some(stream));
            }
            clients
        });
        (runtime, Arc::new(Mutex::new(clients)))
    }

    /// Every client makes `rounds` round trips, all at once.
    pub fn tokio_echo_rounds(runtime: &Runtime, clients: &Clients, rounds: u64) {
        runtime.block_on(async {
            let handles: Vec<_> = (0..CONNECTIONS)
                .map(|index| {
                    let clients = Arc::clone(clients);
                    tokio::spawn(async move {
                        let mut stream = clients.lock().unwrap()[index].take().unwrap();
                        let mut buf = [7; MESSAGE];
                        for _ in 0..rounds {
                            stream.write_all(&buf).await.unwrap();
                            stream.read_exact(&mut buf).await.unwrap();
                        }
                        clients.lock().unwrap()[index] = Some(stream);
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        });
    }
}

/// `trips` echo round trips of 64 bytes between `client` and `server` (an
/// echo task is made for `server`), on the running loop: each round trip's
/// time in µs, sorted. What `io_latency` and `backends` both measure.
///
/// # Panics
///
/// Outside a running loop, or if the connection fails.
pub async fn round_trip_times(
    mut client: TcpStream,
    mut server: TcpStream,
    trips: usize,
) -> Vec<f64> {
    let echo = stepio::create_task(async move {
        let mut buf = [0; 64];
        for _ in 0..trips {
            server.read_exact(&mut buf).await.unwrap();
            server.write_all(&buf).await.unwrap();
        }
    });
    let mut times = Vec::with_capacity(trips);
    let mut buf = [7; 64];
    for _ in 0..trips {
        let start = std::time::Instant::now();
        client.write_all(&buf).await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
        times.push(start.elapsed().as_nanos() as f64 / 1e3);
    }
    echo.await.unwrap();
    times.sort_by(f64::total_cmp);
    times
}
