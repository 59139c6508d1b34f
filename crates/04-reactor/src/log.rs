//! Log lines from the loop's thread that never block it.
//!
//! `println!` waits when stdout is a pipe that nobody reads (the kernel
//! keeps 64 KiB of it): a server that logs each request that way stops
//! serving after about a thousand requests, with every client waiting.
//! Here the loop hands each line to a writer thread through a bounded
//! queue. When the queue is full the line is dropped and counted, and the
//! writer says how many were lost once it can write again. Lines still
//! queued when the process ends are lost too: this is for servers, which
//! run until stopped. [`log_error`] does the same for stderr, which can be
//! a pipe nobody reads just as well.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::thread;

/// Lines that may wait for the writer thread.
const QUEUE: usize = 4_096;

/// Where a line goes.
#[derive(Clone, Copy)]
enum Stream {
    Out,
    Err,
}

/// Lines dropped since the writer last wrote, for stdout and stderr.
static DROPPED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// The queue to the writer thread, started at the first line.
fn queue() -> Option<&'static SyncSender<(Stream, String)>> {
    static QUEUE_TO_WRITER: OnceLock<Option<SyncSender<(Stream, String)>>> =
        OnceLock::new();
    QUEUE_TO_WRITER
        .get_or_init(|| {
            let (sender, lines) = sync_channel::<(Stream, String)>(QUEUE);
            let writer =
                thread::Builder::new().name("stepio-log".into()).spawn(move || {
                    for (stream, line) in lines {
                        // Blocking here is the point: this thread, not the loop's.
                        let _ = match stream {
                            Stream::Out => write(std::io::stdout().lock(), stream, &line),
                            Stream::Err => write(std::io::stderr().lock(), stream, &line),
                        };
                    }
                });
            writer.ok().map(|_| sender)
        })
        .as_ref()
}

/// Writes `line`, after the count of lines dropped before it.
fn write(mut out: impl Write, stream: Stream, line: &str) -> std::io::Result<()> {
    let dropped = DROPPED[stream as usize].swap(0, Ordering::Relaxed);
    if dropped > 0 {
        writeln!(out, "({dropped} log lines dropped: the output was full)")?;
    }
    writeln!(out, "{line}")?;
    out.flush()
}

fn send(stream: Stream, line: String) {
    let full = match queue() {
        Some(queue) => {
            matches!(queue.try_send((stream, line)), Err(TrySendError::Full(_)))
        }
        None => true, // no thread could be started
    };
    if full {
        DROPPED[stream as usize].fetch_add(1, Ordering::Relaxed);
    }
}

/// Logs `line` on stdout without ever waiting: from the loop's thread, the
/// way to report each connection or request. If stdout is not keeping up,
/// the line is dropped and counted instead.
pub fn log_line(line: impl Into<String>) {
    send(Stream::Out, line.into());
}

/// [`log_line`], on stderr: for errors the loop reports and goes on.
pub fn log_error(line: impl Into<String>) {
    send(Stream::Err, line.into());
}
