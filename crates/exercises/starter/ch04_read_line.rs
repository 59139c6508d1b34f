//! Exercise ch04_read_line: lines out of a byte stream.
//!
//! Read first: chapter 4.2 of the book, "The short-read trap"
//! (`book/src/ch04-2-tcp.md`).
//!
//! TCP carries bytes, not messages: one `read` may return half a line, or
//! three lines and the start of a fourth. A line protocol (the echo client,
//! HTTP's request head, Python's `StreamReader.readline`) keeps what it read
//! past the end of a line for the next call.
//!
//! Complete `LineReader::read_line`: the next line without its `\n` (and
//! without a `\r` before it), `None` at end of stream. A last line without
//! `\n` still counts. A line longer than `MAX_LINE` bytes is an
//! `InvalidData` error, and so is a line that is not UTF-8.
//! Check with `cargo exercises verify ch04_read_line`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::io;

use stepio_reactor::TcpStream;

/// The longest line `read_line` accepts, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// Reads a stream line by line.
#[derive(Debug)]
pub struct LineReader {
    stream: TcpStream,
    /// Bytes read but not returned yet.
    buffered: Vec<u8>,
}

impl LineReader {
    /// Reads lines from `stream`.
    pub fn new(stream: TcpStream) -> LineReader {
        LineReader { stream, buffered: Vec::new() }
    }

    /// The next line, or `None` once the stream has ended and every line
    /// was returned.
    ///
    /// # Errors
    ///
    /// A read error; `InvalidData` for a line over `MAX_LINE` bytes or not
    /// UTF-8.
    pub async fn read_line(&mut self) -> io::Result<Option<String>> {
        todo!(
            "look for a newline in what is buffered; if none, read more with self.stream.read"
        )
    }
}
