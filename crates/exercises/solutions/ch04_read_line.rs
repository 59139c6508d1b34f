//! Exercise ch04_read_line: lines out of a byte stream.
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
        // Where to look for '\n': bytes before it were searched already.
        let mut searched = 0;
        let mut chunk = [0; 4096];
        loop {
            if let Some(at) = self.buffered[searched..].iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffered.drain(..=searched + at).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return to_line(line).map(Some);
            }
            searched = self.buffered.len();
            if searched > MAX_LINE {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
            }
            match self.stream.read(&mut chunk).await? {
                0 if self.buffered.is_empty() => return Ok(None),
                0 => return to_line(std::mem::take(&mut self.buffered)).map(Some),
                n => self.buffered.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

fn to_line(bytes: Vec<u8>) -> io::Result<String> {
    if bytes.len() > MAX_LINE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "line is not UTF-8"))
}
