//! The chapter 4 servers under bad input: each test starts the real
//! `ch04_http_server` (or `ch04_echo_server`) binary on a free loopback
//! port, misbehaves at it, and checks that it answers or closes as it
//! should, and goes on serving everyone else. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use stepio_examples::servers::{ServerProcess, example_binary};
use stepio_reactor::server::ACCEPT_RETRY_DELAY;

/// Longer than anything here should take; a server that stalls fails the
/// test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(10);

fn http_server(args: &[&str]) -> ServerProcess {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    ServerProcess::start(&example_binary("ch04_http_server"), &all).unwrap()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Sends `request` as is on a new connection, and reads one response.
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = connect(addr);
    stream.write_all(request).unwrap();
    read_response(&mut stream).expect("the server closed without an answer")
}

/// Reads one response, head and `Content-Length` body; `None` if the
/// server closes the connection first.
fn read_response(stream: &mut TcpStream) -> Option<String> {
    let mut response = Vec::new();
    let mut byte = [0];
    while !response.ends_with(b"\r\n\r\n") {
        let n = stream
            .read(&mut byte)
            .expect("the server neither answered nor closed in time");
        if n == 0 {
            assert!(response.is_empty(), "closed mid-response: {response:?}");
            return None;
        }
        response.push(byte[0]);
    }
    let head = String::from_utf8(response.clone()).unwrap();
    let length: usize = head
        .split("\r\n")
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .unwrap_or_else(|| panic!("no Content-Length in {head}"))
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    response.extend_from_slice(&body);
    Some(String::from_utf8(response).unwrap())
}

/// Whether the server closes `stream` (within PATIENCE) without sending more.
fn is_closed_by_server(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("the server did not close in time");
    assert_eq!(rest, b"", "{}", String::from_utf8_lossy(&rest));
    true
}

fn status(response: &str) -> u16 {
    let status = response
        .split(' ')
        .nth(1)
        .unwrap_or_else(|| panic!("not a response: {response:?}"));
    status.parse().unwrap()
}

/// Waits (boundedly) until `lines()` has a line containing `needle`.
fn wait_for_line(what: &str, needle: &str, lines: impl Fn() -> Vec<String>) {
    let deadline = Instant::now() + PATIENCE;
    while !lines().iter().any(|line| line.contains(needle)) {
        assert!(
            Instant::now() < deadline,
            "{what} never printed {needle:?}; it printed {:?}",
            lines()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn good_requests_get_their_pages() {
    let server = http_server(&[]);
    let index = exchange(server.addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&index), 200);
    assert!(index.ends_with("\r\n\r\n<h1>Index</h1>"), "{index}");
    let hello = exchange(server.addr, b"GET /hello/<ada> HTTP/1.0\r\n\r\n");
    assert!(
        hello.ends_with("<h1>Hello, &lt;ada&gt;</h1>"),
        "the name must be escaped: {hello}"
    );
}

#[test]
fn bad_requests_get_clear_answers() {
    let mut server = http_server(&[]);
    let big_header =
        format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(9000));
    let cases: [(&[u8], u16); 20] = [
        (b"HELLO\r\n\r\n", 400),
        (b"get / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n\r\n", 400),
        (b"GET /hello/a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 413),
        (big_header.as_bytes(), 431),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
        (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /hello/ HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /hello/a/b HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405),
        (b"GET / HTTP/1.0\r\n\r\n", 200),
    ];
    for (request, expected) in cases {
        let response = exchange(server.addr, request);
        let shown = String::from_utf8_lossy(&request[..request.len().min(40)]);
        assert_eq!(status(&response), expected, "{shown:?} got {response}");
        if expected == 405 {
            assert!(response.contains("\r\nAllow: GET\r\n"), "{response}");
        }
    }
    assert!(server.is_running());
    assert_eq!(
        status(&exchange(
            server.addr,
            b"GET /hello/still-here HTTP/1.1\r\nHost: x\r\n\r\n"
        )),
        200
    );
}

#[test]
fn connections_are_kept_alive_as_the_client_asks() {
    let server = http_server(&["--max-requests", "4", "--idle-timeout-ms", "300"]);
    let mut stream = connect(server.addr);
    // Two requests one after the other, then two sent at once: four
    // answers on one connection, the fourth (the cap) closing it.
    for n in 0..2 {
        stream
            .write_all(format!("GET /nowhere/{n} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .unwrap();
        let response = read_response(&mut stream).unwrap();
        assert!(response.contains("\r\nConnection: keep-alive\r\n"), "{response}");
    }
    stream
        .write_all(
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .unwrap();
    assert!(read_response(&mut stream).unwrap().contains("keep-alive"));
    let last = read_response(&mut stream).unwrap();
    assert!(last.contains("\r\nConnection: close\r\n"), "{last}");
    assert!(is_closed_by_server(&mut stream));
    // `Connection: close` is honoured, and so is HTTP/1.0's default.
    for request in [
        &b"GET /hello/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"[..],
        b"GET /hello/x HTTP/1.0\r\n\r\n",
    ] {
        let mut stream = connect(server.addr);
        stream.write_all(request).unwrap();
        let response = read_response(&mut stream).unwrap();
        assert_eq!(status(&response), 200);
        assert!(response.contains("\r\nConnection: close\r\n"), "{response}");
        assert!(is_closed_by_server(&mut stream));
    }
    // HTTP/1.0 may ask to keep it; then a connection left idle is closed.
    let mut stream = connect(server.addr);
    stream.write_all(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").unwrap();
    assert!(read_response(&mut stream).unwrap().contains("keep-alive"));
    assert!(
        read_response(&mut stream).is_none(),
        "an idle connection is closed in silence"
    );
}

#[test]
fn a_slow_client_is_disconnected_and_the_others_are_served() {
    // The timeout leaves the patient client time to send its request even
    // on a busy machine (it is sent right after connecting).
    let server = http_server(&["--read-timeout-ms", "1500"]);
    // Half a request line, then nothing: the server must give up on it.
    let mut slow = connect(server.addr);
    slow.write_all(b"GET / HTT").unwrap();
    // Meanwhile another client is served as usual.
    let response =
        exchange(server.addr, b"GET /hello/patient HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&response), 200);
    // It is told why, and disconnected.
    let answer = read_response(&mut slow).expect("the slow client got no answer");
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");
    assert!(is_closed_by_server(&mut slow));
    wait_for_line("the server", "408 Request Timeout", || server.stdout());
}

#[test]
fn a_client_that_resets_mid_response_is_forgotten() {
    let mut server = http_server(&[]);
    let addr = server.addr;
    // Send a request, then reset the connection (RST, not FIN) while the
    // server waits its 0.5 s: its response meets a dead connection.
    stepio_reactor::run(async move {
        let mut stream = stepio_reactor::TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        stream.set_linger(Some(Duration::ZERO)).unwrap();
    })
    .unwrap();
    wait_for_line("the server", "200 not sent", || server.stdout());
    assert!(server.is_running());
    assert_eq!(status(&exchange(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

#[test]
fn out_of_file_descriptors_the_server_backs_off_and_recovers() {
    // Very few descriptors: about ten connections fit, the rest wait in the
    // kernel's accept queue while `accept` fails with EMFILE.
    let mut command = Command::new("sh");
    command.args([
        "-c",
        "ulimit -n 16 && exec \"$0\" --port 0",
        example_binary("ch04_http_server").to_str().unwrap(),
    ]);
    let mut server = ServerProcess::spawn(command).unwrap();
    let start = Instant::now();
    let clients: Vec<TcpStream> = (0..20).map(|_| connect(server.addr)).collect();
    wait_for_line("the server's stderr", "Too many open files", || server.stderr());
    // Hold the server out of descriptors for a while: with its backoff it
    // retries once per ACCEPT_RETRY_DELAY at most (a sleep is never short);
    // a busy loop would retry thousands of times. The bound is taken from
    // the time that really passed, which a busy machine may stretch.
    // The server reports once a second at most, with its count of tries.
    thread::sleep(Duration::from_millis(1_500));
    let elapsed = start.elapsed();
    let reports: Vec<String> = server
        .stderr()
        .into_iter()
        .filter(|line| line.contains("Too many open files"))
        .collect();
    assert!(reports.len() as u64 <= elapsed.as_secs() + 1, "{reports:?} in {elapsed:?}");
    let tries: u128 = reports
        .last()
        .and_then(|line| line.split('(').next_back()?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no count of tries in {reports:?}"));
    let most = elapsed.as_millis() / ACCEPT_RETRY_DELAY.as_millis() + 1;
    assert!(tries <= most, "{tries} accept tries in {elapsed:?}: the server spins");
    assert!(server.is_running());
    // The clients leave; their descriptors come back; service resumes.
    drop(clients);
    let response = exchange(server.addr, b"GET /hello/again HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&response), 200, "{response}");
}

#[test]
fn the_echo_server_echoes_and_survives_a_reset() {
    let mut server =
        ServerProcess::start(&example_binary("ch04_echo_server"), &["--port", "0"])
            .unwrap();
    let addr = server.addr;
    stepio_reactor::run(async move {
        let rude = stepio_reactor::TcpStream::connect(addr).await.unwrap();
        rude.set_linger(Some(Duration::ZERO)).unwrap();
    })
    .unwrap();
    let mut stream = connect(addr);
    stream.write_all(b"ping\n").unwrap();
    let mut echoed = [0; 5];
    stream.read_exact(&mut echoed).unwrap();
    assert_eq!(&echoed, b"ping\n");
    assert!(server.is_running());
}

/// Starts chapter 4's web app on a free port with its stdout piped to us
/// (and its stderr as given), and reads the first line for its address.
/// The rest of stdout is left unread in the returned reader.
fn web_app_with_piped_stdout(
    stderr: Stdio,
) -> (std::process::Child, SocketAddr, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(example_binary("ch04_http_server"))
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr: SocketAddr =
        first.trim().trim_start_matches("serving on http://").parse().unwrap();
    (child, addr, stdout)
}

#[test]
fn a_server_whose_stdout_nobody_reads_still_serves() {
    // Its stdout is a pipe of which we read the first line (the address)
    // and nothing more: the kernel keeps 64 KiB of it, and a line a
    // request fills that within about a thousand requests. A loop that
    // logged with `println!` would block there for good.
    let (mut child, addr, stdout) = web_app_with_piped_stdout(Stdio::null());
    for n in 0..5_000 {
        let response = exchange(
            addr,
            format!("GET /nowhere/{n} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes(),
        );
        assert_eq!(status(&response), 404, "request {n}: {response}");
    }
    assert!(matches!(child.try_wait(), Ok(None)), "the server is still running");
    let _ = child.kill();
    let _ = child.wait();
    drop(stdout);
}

// ANCHOR: ctrl_c_test
#[test]
fn ctrl_c_answers_the_request_in_flight_then_exits_zero() {
    let (mut child, addr, _stdout) = web_app_with_piped_stdout(Stdio::piped());
    // Connected (the kernel has the connection, accepted or not) and the
    // request sent: it is in flight, and the route takes 0.5 s to answer.
    let mut stream = connect(addr);
    stream
        .write_all(b"GET /hello/ctrl-c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    interrupt(&child);
    let response =
        read_response(&mut stream).expect("the request in flight was answered");
    assert_eq!(status(&response), 200, "{response}");
    assert!(response.contains("Hello, ctrl-c"), "{response}");
    // Then the server ends by itself, with status 0.
    let exit = exit_of(&mut child);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr)
        .unwrap();
    assert!(exit.success(), "exit {exit:?}, stderr: {stderr}");
    assert!(stderr.contains("stopping: answering the requests in flight"), "{stderr}");
}
// ANCHOR_END: ctrl_c_test

/// Sends `SIGINT` to `child`, as Ctrl-C in its terminal would.
fn interrupt(child: &std::process::Child) {
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(sent.unwrap().success(), "kill -INT failed");
}

/// How `child` ends, waited for at most PATIENCE.
fn exit_of(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit;
        }
        assert!(start.elapsed() < PATIENCE, "the program did not stop");
        // Polling for the exit, bounded by PATIENCE (std has no timed wait).
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_second_ctrl_c_ends_the_server_at_once_as_ctrl_c_does_without_a_handler() {
    let (mut child, addr, _stdout) = web_app_with_piped_stdout(Stdio::piped());
    // An idle connection: the graceful stop waits for it (up to the
    // server's read timeout, 5 s), so the second Ctrl-C finds it waiting.
    let _idle = connect(addr);
    interrupt(&child);
    // The first Ctrl-C is handled once the server says so; only then the
    // second, so that the kernel cannot merge the two into one.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("stopping") {
        line.clear();
        assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "stderr ended first");
    }
    interrupt(&child);
    // Killed by SIGINT, as a shell sees it (status 130 there).
    let exit = exit_of(&mut child);
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&exit), Some(2), "{exit:?}");
}

#[test]
fn ctrl_c_cancels_the_main_future_of_run_unless_it_is_ignored() {
    // The example sends itself the Ctrl-C; its expected output shows the
    // cancellation. Started with SIGINT ignored (as a shell starts a
    // background job), `run` leaves Ctrl-C alone, and main finishes.
    let binary = example_binary("ch10_ctrl_c");
    let script = format!("trap '' INT; exec '{}'", binary.display());
    let output = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout, "main: working; a Ctrl-C is on its way\nmain: finished\n");
}
