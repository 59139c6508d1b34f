//! The assembled runtime's `serve` runs each connection as a task, and its
//! accept loop is a task too: a loop dropped without `close` while it
//! serves still gives back its descriptors. A test binary of its own, so no
//! other test opens descriptors while it counts them.

use std::time::Duration;
use stepio::{TcpListener, TcpStream, create_task, new_event_loop, serve, sleep};

#[test]
fn a_serving_loop_dropped_without_close_leaves_no_descriptor_open() {
    let open_fds = || std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count);
    let before = open_fds();
    for _ in 0..300 {
        let event_loop = new_event_loop().unwrap();
        event_loop
            .run_until_complete(async {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let addr = listener.local_addr().unwrap();
                create_task(serve(listener, |_stream, _peer| async {
                    sleep(Duration::from_secs(3600)).await; // never ends
                }));
                // One connection, whose task is still waiting at the drop.
                let client = TcpStream::connect(addr).await.unwrap();
                sleep(Duration::from_millis(1)).await;
                drop(client);
            })
            .unwrap();
        drop(event_loop); // no close
    }
    assert_eq!(open_fds(), before);
}
