//! The checks of exercise `ch04_read_line`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch04_read_line.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::io;
use std::time::Duration;

use stepio_reactor::{TcpListener, TcpStream};
use stepio_timer_wheel::timeout;

use crate::ch04_read_line::{LineReader, MAX_LINE};
use crate::support::within;

/// Sends each of `pieces` in a separate write (with a turn of the loop in
/// between, so they arrive as separate reads), closes, and returns every
/// `read_line` result until `None` or an error.
fn lines_of(pieces: Vec<Vec<u8>>) -> Vec<io::Result<Option<String>>> {
    within(Duration::from_secs(20), move || {
        stepio_reactor::run(async move {
            let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut writer =
                TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (reader, _) = listener.accept().await.unwrap();
            let mut lines = LineReader::new(reader);
            let mut results = Vec::new();
            let write = async move {
                for piece in pieces {
                    writer.write_all(&piece).await.unwrap();
                    stepio_timer_wheel::sleep(Duration::from_millis(1)).await;
                }
            };
            let read = async {
                loop {
                    let result =
                        timeout(Duration::from_secs(10), lines.read_line()).await;
                    let result =
                        result.expect("read_line waited for ever: the stream had ended");
                    let end = !matches!(result, Ok(Some(_)));
                    results.push(result);
                    if end {
                        break;
                    }
                }
            };
            stepio_waker::join(write, read).await;
            results
        })
        .unwrap()
    })
}

fn texts(results: Vec<io::Result<Option<String>>>) -> Vec<Option<String>> {
    results.into_iter().map(|result| result.unwrap()).collect()
}

fn some(lines: &[&str]) -> Vec<Option<String>> {
    lines.iter().map(|line| Some((*line).to_owned())).chain([None]).collect()
}

#[test]
fn lines_split_across_reads() {
    let got =
        texts(lines_of(vec![b"hel".to_vec(), b"lo\nwor".to_vec(), b"ld\n".to_vec()]));
    assert_eq!(got, some(&["hello", "world"]));
}

#[test]
fn several_lines_in_one_read() {
    let got = texts(lines_of(vec![b"one\ntwo\nthree\n".to_vec()]));
    assert_eq!(got, some(&["one", "two", "three"]));
}

#[test]
fn crlf_and_empty_lines() {
    let got = texts(lines_of(vec![b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()]));
    assert_eq!(got, some(&["GET / HTTP/1.1", "Host: x", ""]));
}

#[test]
fn a_last_line_without_a_newline_counts() {
    let got = texts(lines_of(vec![b"first\nlast".to_vec()]));
    assert_eq!(got, some(&["first", "last"]));
}

#[test]
fn an_empty_stream_has_no_lines() {
    assert_eq!(texts(lines_of(vec![])), vec![None]);
}

#[test]
fn a_huge_line_is_refused() {
    let got = lines_of(vec![vec![b'x'; MAX_LINE + 10], b"\n".to_vec()]);
    let err = got.into_iter().last().unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
}

#[test]
fn a_line_that_is_not_utf8_is_refused() {
    let got = lines_of(vec![b"ok\n\xff\xfe\n".to_vec()]);
    assert_eq!(got[0].as_ref().unwrap().as_deref(), Some("ok"));
    assert_eq!(got[1].as_ref().unwrap_err().kind(), io::ErrorKind::InvalidData);
}
