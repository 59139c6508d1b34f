//! Chapter 8, step 2: step 1's crawler, with a time limit of 1 s on each
//! request (`wait_for`): page 7 no longer holds the crawl for 5 s, but the
//! other pages are still fetched one after another.

use std::error::Error;
use std::time::{Duration, Instant};

use stepio_examples::servers;

#[allow(dead_code)] // its crawl is used here; its main is step 1's
#[path = "ch08_step1_one_at_a_time.rs"]
mod step1;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), Box<dyn Error>> {
    let addr = servers::start_in_thread(step1::ch08_crawler::site)?;
    let start = Instant::now();
    let handled = stepio::run(step1::crawl(addr, Some(Duration::from_secs(1))))?;
    let took = start.elapsed().as_secs_f64();
    println!("one request at a time, 1 s each at most: {handled} URLs in {took:.2} s");
    Ok(())
}
// ANCHOR_END: main
