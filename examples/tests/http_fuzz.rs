//! Generated requests, well and badly formed, for the request reader every
//! example server shares (`stepio_examples::http`): first to its parser
//! alone, then over loopback to the real `ch04_http_server`, in pieces.
//!
//! The generator is a small seeded xorshift, so a failure names the seed
//! and case that reproduce it (`HTTP_FUZZ_SEED=N` picks another seed; CI
//! runs the fixed one). Bounded: a fixed number of cases, and every wait on
//! the server has a deadline.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use stepio_examples::http::{Limits, parse_head};
use stepio_examples::servers::{ServerProcess, example_binary};

/// A seeded xorshift64* generator: the same seed, the same requests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `good` most of the time, else one of `bad`; and which.
    fn pick<'a>(&mut self, good: &[&'a str], bad: &[&'a str]) -> (&'a str, bool) {
        if self.chance(90) {
            (good[self.below(good.len())], true)
        } else {
            (bad[self.below(bad.len())], false)
        }
    }
}

fn seed() -> u64 {
    std::env::var("HTTP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe)
}

/// A generated request: its head (without the blank line), its body, and
/// whether every part was chosen well-formed (before any mutation).
struct Generated {
    head: Vec<u8>,
    body: Vec<u8>,
    well_formed: bool,
    method: String,
    path: String,
}

fn generate(rng: &mut Rng) -> Generated {
    let (method, good_method) =
        rng.pick(&["GET", "GET", "GET", "POST", "DELETE"], &["get", "G=T", "", "GET\0"]);
    let (path, good_path) = rng.pick(
        &["/", "/nowhere", "/hello/ada", "/hello/%3Cb%3E", "/hello/a/b", "/a?b=1"],
        &["nowhere", "/a b", "*", "/\u{e9}", "/\x7f"],
    );
    let (version, good_version) = rng.pick(
        &["HTTP/1.1", "HTTP/1.1", "HTTP/1.0"],
        &["HTTP/2.0", "HTTP/1.1x", "http/1.1", ""],
    );
    let mut well_formed = good_method && good_path && good_version;
    let mut head = format!("{method} {path} {version}");
    if version == "HTTP/1.1" || rng.chance(30) {
        head.push_str("\r\nHost: localhost");
    }
    for _ in 0..rng.below(4) {
        let (line, good) = rng.pick(
            &[
                "X-A: 1",
                "Accept: */*",
                "User-Agent: fuzz/1",
                "X-Empty:",
                "Connection: close",
            ],
            &["no colon", "Bad Name: x", " folded", "X-Nul: a\0b", ": x", "Host: again"],
        );
        well_formed &= good;
        head.push_str("\r\n");
        head.push_str(line);
    }
    let mut body = Vec::new();
    // A POST without a length is refused (411), so it counts as badly formed.
    if method == "POST" && rng.chance(15) {
        well_formed = false;
    } else if method == "POST" || rng.chance(20) {
        let (length, good) = rng.pick(
            &["0", "5", "17"],
            &["-1", "x", "5, 6", "99999999", "70000", "70000", ""],
        );
        well_formed &= good;
        head.push_str(&format!("\r\nContent-Length: {length}"));
        if let Ok(n) = length.parse::<usize>() {
            body = (0..n.min(64)).map(|_| rng.below(256) as u8).collect();
        }
    }
    if rng.chance(5) {
        head.push_str("\r\nTransfer-Encoding: chunked");
        well_formed = false;
    }
    let mut head = head.into_bytes();
    // Then, now and again, damage: a byte put in, taken out, or a piece
    // repeated.
    for _ in 0..usize::from(rng.chance(20)) * (1 + rng.below(3)) {
        let at = rng.below(head.len() + 1);
        match rng.below(3) {
            0 => head.insert(at, [0, b'\r', b'\n', b' ', b':', 0xff, b'a'][rng.below(7)]),
            1 if at < head.len() => drop(head.remove(at)),
            _ => {
                let piece =
                    head[at..].iter().take(rng.below(12)).copied().collect::<Vec<_>>();
                head.splice(at..at, piece);
            }
        }
        well_formed = false;
    }
    Generated { head, body, well_formed, method: method.into(), path: path.into() }
}

#[test]
fn the_parser_gives_every_generated_head_a_request_or_a_status() {
    let mut rng = Rng(seed());
    let allowed = [400, 411, 413, 501, 505];
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..50_000 {
        let generated = generate(&mut rng);
        let parsed = parse_head(&generated.head, Limits::default().max_body);
        let shown = String::from_utf8_lossy(&generated.head);
        match parsed {
            Ok(head) => {
                accepted += 1;
                if generated.well_formed {
                    assert_eq!(
                        (&*head.method, &*head.path),
                        (&*generated.method, &*generated.path)
                    );
                }
            }
            Err(status) => {
                refused += 1;
                assert!(
                    !generated.well_formed,
                    "case {case}: {shown:?} refused {status:?}"
                );
                assert!(
                    allowed.contains(&status.code),
                    "case {case}: {shown:?} got {status:?}"
                );
            }
        }
    }
    // The generator is worth something only if it makes both kinds.
    assert!(
        accepted > 10_000 && refused > 5_000,
        "{accepted} accepted, {refused} refused"
    );
}

/// The statuses the server may answer with.
const STATUSES: [u16; 10] = [200, 400, 404, 405, 408, 411, 413, 431, 501, 505];

/// Splits the responses in `bytes`, checking each is whole and well
/// formed; their status codes.
fn statuses(bytes: &[u8], case: usize) -> Vec<u16> {
    let mut codes = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let text = String::from_utf8_lossy(rest);
        let end = text
            .find("\r\n\r\n")
            .unwrap_or_else(|| panic!("case {case}: cut head {text:?}"));
        let head = &text[..end];
        let code: u16 = head
            .strip_prefix("HTTP/1.1 ")
            .and_then(|line| line.get(..3)?.parse().ok())
            .unwrap_or_else(|| panic!("case {case}: not a status line: {head:?}"));
        let length: usize = head
            .split("\r\n")
            .find_map(|line| line.strip_prefix("Content-Length: "))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("case {case}: no length in {head:?}"));
        assert!(rest.len() >= end + 4 + length, "case {case}: cut body after {head:?}");
        assert!(STATUSES.contains(&code), "case {case}: {head:?}");
        codes.push(code);
        rest = &rest[end + 4 + length..];
    }
    codes
}

/// One connection: up to three generated requests, written in random
/// pieces; then (mostly) the end of what the client sends. The server must
/// answer well-formed responses and close the connection within the time
/// allowed, whatever came.
fn one_connection(addr: SocketAddr, rng: &mut Rng, case: usize) -> Vec<u16> {
    let mut sent = Vec::new();
    let requests = 1 + rng.below(3);
    for _ in 0..requests {
        let generated = generate(rng);
        sent.extend_from_slice(&generated.head);
        sent.extend_from_slice(b"\r\n\r\n");
        sent.extend_from_slice(&generated.body);
    }
    if rng.chance(10) {
        sent.truncate(rng.below(sent.len())); // cut short
    }
    let hang_up = rng.chance(90);
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut rest = &sent[..];
    while !rest.is_empty() {
        let n = (1 + rng.below(40)).min(rest.len());
        // The server may close as soon as it refuses a request.
        if stream.write_all(&rest[..n]).is_err() {
            break;
        }
        rest = &rest[n..];
    }
    if hang_up {
        let _ = stream.shutdown(Shutdown::Write);
    }
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => {}
        // A reset after its answers is a close too; a timeout is not.
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(err) => panic!("case {case}: neither answered nor closed: {err}"),
    }
    let codes = statuses(&received, case);
    // A refusal closes the connection: nothing is answered after it. (How
    // many answers come before it depends on where damage put blank lines.)
    let refusal = codes.iter().position(|code| ![200, 404, 405].contains(code));
    assert!(refusal.is_none_or(|at| at == codes.len() - 1), "case {case}: {codes:?}");
    codes
}

#[test]
fn the_server_answers_or_closes_every_generated_connection() {
    let mut server = ServerProcess::start(
        &example_binary("ch04_http_server"),
        &["--port", "0", "--read-timeout-ms", "300", "--idle-timeout-ms", "300"],
    )
    .unwrap();
    let addr = server.addr;
    // 8 clients at once, 40 connections each.
    let clients: Vec<_> = (0..8u64)
        .map(|client| {
            thread::spawn(move || {
                let mut rng =
                    Rng(seed() ^ (client + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                (0..40)
                    .flat_map(|n| {
                        one_connection(addr, &mut rng, client as usize * 1000 + n)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut seen = std::collections::BTreeMap::new();
    for client in clients {
        for code in client.join().expect("a client found a fault") {
            *seen.entry(code).or_insert(0) += 1;
        }
    }
    eprintln!("statuses answered: {seen:?}");
    // The generated requests reach the app and each kind of refusal.
    for code in [200, 400, 404, 405, 411, 413, 501, 505] {
        assert!(seen.contains_key(&code), "no {code} in {seen:?}");
    }
    assert!(server.is_running(), "the server died");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(b"GET /nowhere HTTP/1.0\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert_eq!(statuses(&answer, 0), [404]);
    let stderr = server.stderr().join("\n");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
