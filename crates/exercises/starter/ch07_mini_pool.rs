//! Exercise ch07_mini_pool: a fixed pool of worker threads on one channel.
//!
//! Read first: chapter 7.1 of the book, "The pool: a queue and its workers"
//! (`book/src/ch07-1-pool.md`).
//!
//! `MiniPool::new(n)` starts `n` workers that share the receiving end of
//! one `mpsc` channel (behind a `Mutex`); `execute(job)` sends the job. A
//! job that panics must not kill its worker. Dropping the pool closes the
//! channel, and waits for the workers to finish the queued jobs and exit.
//! Check with `cargo exercises verify ch07_mini_pool`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// A job for the pool.
type Job = Box<dyn FnOnce() + Send>;

/// `n` threads taking jobs from one queue.
pub struct MiniPool {
    /// `None` once dropping began: that closes the channel.
    sender: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for MiniPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniPool").field("workers", &self.workers.len()).finish()
    }
}

impl MiniPool {
    /// Starts `workers` threads, named `mini-pool-0`, `mini-pool-1`, ...
    pub fn new(workers: usize) -> MiniPool {
        todo!(
            "one channel; the receiver in an Arc<Mutex<_>>; spawn `workers` named threads that run `work`"
        )
    }

    /// Queues `job` for the next free worker.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        todo!("box the job and send it")
    }
}

/// A worker: take a job (holding the lock only while taking it), run it,
/// again, until the channel is closed and empty.
fn work(receiver: &Mutex<Receiver<Job>>) {
    todo!(
        "loop: lock, recv, unlock; run the job under catch_unwind; return when recv fails"
    )
}

impl Drop for MiniPool {
    fn drop(&mut self) {
        todo!("close the channel (drop the sender), then join every worker")
    }
}
