//! Exercise ch07_mini_pool: a fixed pool of worker threads on one channel.
//!
//! `MiniPool::new(n)` starts `n` workers that share the receiving end of
//! one `mpsc` channel (behind a `Mutex`); `execute(job)` sends the job. A
//! job that panics must not kill its worker. Dropping the pool closes the
//! channel, and waits for the workers to finish the queued jobs and exit.
//! Check with `cargo exercises verify ch07_mini_pool`.

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
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers)
            .map(|n| {
                let receiver = Arc::clone(&receiver);
                thread::Builder::new()
                    .name(format!("mini-pool-{n}"))
                    .spawn(move || work(&receiver))
                    .unwrap()
            })
            .collect();
        MiniPool { sender: Some(sender), workers }
    }

    /// Queues `job` for the next free worker.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.sender
            .as_ref()
            .expect("open until dropped")
            .send(Box::new(job))
            .expect("the workers are alive");
    }
}

/// A worker: take a job (holding the lock only while taking it), run it,
/// again, until the channel is closed and empty.
fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = receiver.lock().unwrap().recv();
        match job {
            // A panic stays in its job.
            Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
            Err(_) => return,
        }
    }
}

impl Drop for MiniPool {
    fn drop(&mut self) {
        // Closing the channel: `recv` fails once the queue is empty.
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}
