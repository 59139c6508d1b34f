//! Log lines from the loop's thread that never block it.
//!
//! `println!` waits when stdout is a pipe that nobody reads (the kernel
//! keeps 64 KiB of it): a server that logs each request that way stops
//! serving after about a thousand requests, with every client waiting.
//! Here the loop hands each line to a writer thread through a bounded
//! queue. When the queue is full the line is dropped and counted, and the
//! writer says how many were lost once it can write again. Lines still
//! queued when the process ends are lost too: this is for servers, which
//! run until stopped.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::thread;

/// Lines that may wait for the writer thread.
const QUEUE: usize = 4_096;

/// Lines dropped since the writer last wrote.
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// The queue to the writer thread, started at the first line.
fn queue() -> Option<&'static SyncSender<String>> {
    static QUEUE_TO_WRITER: OnceLock<Option<SyncSender<String>>> = OnceLock::new();
    QUEUE_TO_WRITER
        .get_or_init(|| {
            let (sender, lines) = sync_channel::<String>(QUEUE);
            let writer =
                thread::Builder::new().name("stepio-log".into()).spawn(move || {
                    for line in lines {
                        // Blocking here is the point: this thread, not the loop's.
                        let mut out = std::io::stdout().lock();
                        let dropped = DROPPED.swap(0, Ordering::Relaxed);
                        if dropped > 0 {
                            let _ = writeln!(
                                out,
                                "({dropped} log lines dropped: stdout was full)"
                            );
                        }
                        let _ = writeln!(out, "{line}");
                        let _ = out.flush();
                    }
                });
            writer.ok().map(|_| sender)
        })
        .as_ref()
}

/// Logs `line` on stdout without ever waiting: from the loop's thread, the
/// way to report each connection or request. If stdout is not keeping up,
/// the line is dropped and counted instead.
pub fn log_line(line: impl Into<String>) {
    let Some(queue) = queue() else {
        DROPPED.fetch_add(1, Ordering::Relaxed); // no thread could be started
        return;
    };
    if let Err(TrySendError::Full(_)) = queue.try_send(line.into()) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}
