//! Chapter 8, step 1: the crawler a newcomer writes first. One request at
//! a time, each awaited to its end, from a list of URLs still to fetch, on
//! the same site as the full crawler. Page 7 takes 5 s to answer, and the
//! whole crawl waits for it.

use std::collections::{HashSet, VecDeque};
use std::error::Error;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use stepio::wait_for;
use stepio_examples::servers;

#[allow(dead_code)] // its site and fetch are used here; its workers are step 3
#[path = "ch08_crawler.rs"]
pub mod ch08_crawler;

use ch08_crawler::{fetch, parse_links, site};

// ANCHOR: crawl
/// Crawls from `/`, one request at a time, each within `limit` if there is
/// one. Returns how many URLs it handled.
pub async fn crawl(addr: SocketAddr, limit: Option<Duration>) -> usize {
    let mut seen = HashSet::from(["/".to_owned()]);
    let mut to_fetch = VecDeque::from(["/".to_owned()]);
    while let Some(path) = to_fetch.pop_front() {
        let answer = match limit {
            Some(limit) => wait_for(fetch(addr, &path), limit).await.ok(),
            None => Some(fetch(addr, &path).await),
        };
        if let Some(Ok((200, body))) = answer {
            for link in parse_links(&body) {
                if seen.insert(link.clone()) {
                    to_fetch.push_back(link);
                }
            }
        }
    }
    seen.len()
}
// ANCHOR_END: crawl

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), Box<dyn Error>> {
    let addr = servers::start_in_thread(site)?;
    let start = Instant::now();
    let handled = stepio::run(crawl(addr, None))?;
    let took = start.elapsed().as_secs_f64();
    println!("one request at a time: {handled} URLs in {took:.2} s");
    Ok(())
}
// ANCHOR_END: main
