//! Numbers from Linux's `/proc/self/status`: how many threads this process
//! has and how much memory it holds, for chapter 4.1's thread-per-connection
//! server.

/// The number after `name:` in `/proc/self/status` (`Threads`, or a memory
/// figure in KiB such as `VmRSS`); `None` where there is no such file or
/// line.
pub fn status_field(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line =
        status.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?;
    line.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_thread_is_counted() {
        let Some(before) = status_field("Threads") else { return };
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || rx.recv());
        // Other tests' threads come and go, so compare with a thread of our
        // own held alive: at least one more than a count taken without it
        // would be is all we can say on a shared test binary.
        assert!(status_field("Threads").unwrap() >= 2, "{before}");
        drop(tx);
        thread.join().unwrap().unwrap_err();
        assert!(status_field("VmRSS").unwrap() > 0);
        assert_eq!(status_field("NoSuchField"), None);
    }
}
