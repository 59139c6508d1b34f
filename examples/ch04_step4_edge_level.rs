//! Chapter 4.1, step 4: the choice epoll adds. One byte arrives and nobody
//! reads it: level-triggered, every wait reports the socket; edge-triggered,
//! only the first after the byte arrived.

use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use stepio_reactor::bare::{Epoll, Trigger};

// ANCHOR: triggers
/// Writes one byte, reads none, and counts how many of three waits report it.
fn reports(trigger: Trigger) -> io::Result<usize> {
    let (mut writer, reader) = UnixStream::pair()?;
    let mut epoll = Epoll::new()?;
    epoll.add_readable(reader.as_raw_fd(), trigger)?;
    writer.write_all(b"!")?;
    let mut ready = Vec::new();
    let mut reported = 0;
    for _ in 0..3 {
        epoll.wait(Some(Duration::from_millis(10)), &mut ready)?;
        reported += ready.len();
    }
    Ok(reported)
}
// ANCHOR_END: triggers

/// Runs the scenario (the tour calls this too).
pub fn main() -> io::Result<()> {
    for trigger in [Trigger::Level, Trigger::Edge] {
        let reported = reports(trigger)?;
        println!("{trigger:?}-triggered: the byte is reported by {reported} of 3 waits");
    }
    Ok(())
}
