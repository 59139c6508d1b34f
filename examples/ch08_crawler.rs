//! Chapter 8, the capstone: a web crawler on the assembled runtime.
//!
//! The example serves its own site on loopback (a thread of its own, with
//! its own loop): 13 pages, each linking to two more and back home; page 5
//! is slow, page 7 never answers in time, and page 11 links to a page that
//! does not exist. The crawler uses every stage:
//!
//! - a bounded `Queue` of URLs (stage 8's primitives) feeding 4 worker tasks
//!   (stage 5), which stop on a sentinel and are gathered at the end
//!   (stage 6);
//! - each request is a TCP connection on the epoll reactor (stage 4) with a
//!   1 s timeout (stages 3 and 6);
//! - the HTML is parsed on the thread pool (stage 7), off the loop;
//! - `queue.join()` waits until every URL found has been handled.
//!
//! The pages are printed sorted, with a summary, since the workers finish
//! them in an order that depends on the parse threads.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::error::Error;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use stepio::sync::Queue;
use stepio::{
    TcpListener, TcpStream, create_task, gather_tasks, serve, sleep, to_thread, wait_for,
};
use stepio_examples::http::{Connection, Limits, Next, Response, Status};
use stepio_examples::servers;

const PAGES: usize = 13;
const WORKERS: usize = 4;
const QUEUE_SIZE: usize = 10;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);

// ANCHOR: site
/// The site: `/` and `/page/1` to `/page/12`. Page i links to pages 2i + 1
/// and 2i + 2 and back to `/`; page 11 also links to `/missing`. Every
/// page takes 0.1 s, page 5 takes 0.5 s, and page 7 takes 5 s (longer than
/// the crawler waits).
pub async fn site(listener: TcpListener) -> io::Result<()> {
    serve(listener, |stream, _peer| async move {
        let mut connection = Connection::new(stream, Limits::default());
        let request = match connection.next_request().await {
            Next::Request(request) if request.head.method == "GET" => request,
            Next::Request(_) => {
                return connection.refuse(Status::METHOD_NOT_ALLOWED).await;
            }
            Next::Refuse(status) => return connection.refuse(status).await,
            Next::Closed(_) => return,
        };
        let path = &*request.head.path;
        let page = match path {
            "/" => Some(0),
            _ => path
                .strip_prefix("/page/")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| (1..PAGES).contains(&n)),
        };
        let (status, body) = match page {
            None => (Status::NOT_FOUND, "<h1>Not found</h1>".to_owned()),
            Some(n) => {
                let delay = match n {
                    5 => 500,
                    7 => 5000,
                    _ => 100,
                };
                sleep(Duration::from_millis(delay)).await;
                let mut links: Vec<String> = [2 * n + 1, 2 * n + 2]
                    .into_iter()
                    .filter(|&k| k < PAGES)
                    .map(|k| format!("/page/{k}"))
                    .collect();
                links.push("/".to_owned());
                if n == 11 {
                    links.push("/missing".to_owned());
                }
                let anchors: String = links
                    .iter()
                    .map(|link| format!("<a href=\"{link}\">{link}</a>\n"))
                    .collect();
                (Status::OK, format!("<h1>Page {n}</h1>\n{anchors}"))
            }
        };
        // One request a connection: the crawler asks for no more.
        let _ = connection.respond(&Response::html(status, body), false).await;
    })
    .await
}
// ANCHOR_END: site

// ANCHOR: fetch
/// GETs `path`: the status code and the body.
pub async fn fetch(addr: SocketAddr, path: &str) -> io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split_whitespace().nth(1).and_then(|code| code.parse().ok());
    let status = status
        .ok_or_else(|| io::Error::other(format!("{path}: not an HTTP response")))?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned();
    Ok((status, body))
}

/// The links of a page: every `href="..."`. Runs on the thread pool.
pub fn parse_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"'))
        .map(|(link, _)| link.to_owned())
        .collect()
}
// ANCHOR_END: fetch

/// What happened to one URL.
#[derive(Debug, Clone)]
enum Outcome {
    Fetched { links: usize },
    NotFound,
    TimedOut,
    Failed(String),
}

// ANCHOR: worker
/// What the workers share.
struct Crawl {
    addr: SocketAddr,
    queue: Queue<Option<String>>,
    /// Every URL ever queued: each is fetched once.
    seen: RefCell<HashSet<String>>,
    outcomes: RefCell<BTreeMap<String, Outcome>>,
}

/// A worker: take a URL, fetch it (1 s at most), parse it on the thread
/// pool, queue the links not seen yet; stop at the sentinel `None`.
async fn worker(crawl: Rc<Crawl>) -> usize {
    let mut handled = 0;
    while let Some(path) = crawl.queue.get().await {
        let outcome = match wait_for(fetch(crawl.addr, &path), REQUEST_TIMEOUT).await {
            Err(_elapsed) => Outcome::TimedOut,
            Ok(Err(err)) => Outcome::Failed(err.to_string()),
            Ok(Ok((404, _))) => Outcome::NotFound,
            Ok(Ok((_, body))) => {
                let links = to_thread(move || parse_links(&body))
                    .await
                    .expect("parsing does not panic");
                for link in &links {
                    if crawl.seen.borrow_mut().insert(link.clone()) {
                        // Waits while the queue is full: back-pressure.
                        crawl.queue.put(Some(link.clone())).await;
                    }
                }
                Outcome::Fetched { links: links.len() }
            }
        };
        crawl.outcomes.borrow_mut().insert(path, outcome);
        crawl.queue.task_done().expect("one task_done per get");
        handled += 1;
    }
    handled
}
// ANCHOR_END: worker

// ANCHOR: main
/// Serves the site, crawls it, prints what it found.
pub fn main() -> Result<(), Box<dyn Error>> {
    let addr = servers::start_in_thread(site)?;
    println!(
        "A site of {PAGES} pages on loopback (page 5 is slow, page 7 never answers \
         in time)."
    );
    println!(
        "Crawling with {WORKERS} workers, a queue of {QUEUE_SIZE} URLs, \
         {REQUEST_TIMEOUT:?} per request:"
    );
    let start = Instant::now();
    let crawl = Rc::new(Crawl {
        addr,
        queue: Queue::new(QUEUE_SIZE),
        seen: RefCell::new(HashSet::from(["/".to_owned()])),
        outcomes: RefCell::new(BTreeMap::new()),
    });
    let handled = stepio::run({
        let crawl = Rc::clone(&crawl);
        async move {
            let workers: Vec<_> =
                (0..WORKERS).map(|_| create_task(worker(Rc::clone(&crawl)))).collect();
            crawl.queue.put(Some("/".to_owned())).await;
            // Every URL queued has been handled (its task_done called).
            crawl.queue.join().await;
            for _ in 0..WORKERS {
                crawl.queue.put(None).await;
            }
            let handled = gather_tasks(workers).await.expect("no worker fails");
            handled.into_iter().sum::<usize>()
        }
    })?;
    let elapsed = start.elapsed().as_secs_f64();

    let outcomes = crawl.outcomes.borrow();
    let (mut fetched, mut links, mut missing, mut timed_out) = (0, 0, 0, 0);
    for (path, outcome) in outcomes.iter() {
        let what = match outcome {
            Outcome::Fetched { links: n } => {
                fetched += 1;
                links += n;
                format!("200, {n} link{}", if *n == 1 { "" } else { "s" })
            }
            Outcome::NotFound => {
                missing += 1;
                "404 not found".to_owned()
            }
            Outcome::TimedOut => {
                timed_out += 1;
                format!("no answer within {REQUEST_TIMEOUT:?}")
            }
            Outcome::Failed(err) => format!("failed: {err}"),
        };
        println!("  {path:<10} {what}");
    }
    println!(
        "{handled} URLs: {fetched} pages, {links} links, {missing} not found, \
         {timed_out} timed out, in {elapsed:.2} s."
    );
    Ok(())
}
// ANCHOR_END: main
