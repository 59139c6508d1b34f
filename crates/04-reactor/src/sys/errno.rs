//! How a system call reports failure, and what we do about it.

use std::io;

// ANCHOR: cvt
/// The one check every system call's result goes through: the C convention
/// (a return of `-1`, the reason in `errno`) as an [`io::Result`]. Works for
/// `int`, `ssize_t` and `long` alike.
pub(super) fn cvt<T: Copy + PartialEq + From<i8>>(result: T) -> io::Result<T> {
    if result == T::from(-1) { Err(io::Error::last_os_error()) } else { Ok(result) }
}

/// Makes `call` until a signal does not interrupt it (`EINTR`), and
/// checks its result with [`cvt`]. For every call but `close` and the wait.
pub(super) fn retry<T: Copy + PartialEq + From<i8>>(
    mut call: impl FnMut() -> T,
) -> io::Result<T> {
    loop {
        match cvt(call()) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}
// ANCHOR_END: cvt

#[cfg(target_os = "linux")]
pub(super) const EPERM: i32 = 1;
pub(super) const ENOMEM: i32 = 12;
pub(super) const ENFILE: i32 = 23;
pub(super) const EMFILE: i32 = 24;
#[cfg(target_os = "linux")]
pub(super) const ENOSYS: i32 = 38;
#[cfg(target_os = "linux")]
pub(super) const ENOBUFS: i32 = 105;
#[cfg(target_os = "linux")]
pub(super) const EINPROGRESS: i32 = 115;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(super) const ENOBUFS: i32 = 55;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(super) const EINPROGRESS: i32 = 36;

/// Whether `err`, from `accept`, is a network error of the connection
/// being accepted, which Linux reports on `accept` itself: accept(2) says
/// to treat these like "would block" and accept again. The listener is
/// fine.
pub(crate) fn is_accept_worth_retrying(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const RETRIED: [i32; 8] = [
        64,  // ENONET
        71,  // EPROTO
        92,  // ENOPROTOOPT
        95,  // EOPNOTSUPP
        100, // ENETDOWN
        101, // ENETUNREACH
        112, // EHOSTDOWN
        113, // EHOSTUNREACH
    ];
    // The same errors, by macOS's numbers, then FreeBSD's.
    #[cfg(target_os = "macos")]
    const RETRIED: [i32; 7] = [100, 42, 102, 50, 51, 64, 65];
    #[cfg(target_os = "freebsd")]
    const RETRIED: [i32; 7] = [92, 42, 45, 50, 51, 64, 65];
    err.kind() == io::ErrorKind::ConnectionAborted
        || err.raw_os_error().is_some_and(|code| RETRIED.contains(&code))
}

/// Whether `err` is the process or the system running out of descriptors,
/// buffers or memory.
pub(crate) fn is_out_of_resources(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(EMFILE | ENFILE | ENOBUFS | ENOMEM))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn minus_one_is_the_error_and_anything_else_the_result() {
        assert_eq!(cvt(3_i32).unwrap(), 3);
        assert_eq!(cvt(0_isize).unwrap(), 0);
        assert!(cvt(-1_i64).is_err());
    }

    #[test]
    fn a_connection_error_on_accept_is_retried_and_a_bad_listener_is_not() {
        let retried =
            [io::Error::from_raw_os_error(71), io::Error::from_raw_os_error(103)];
        assert!(retried.iter().all(is_accept_worth_retrying)); // EPROTO, ECONNABORTED
        let bad_fd = io::Error::from_raw_os_error(9);
        assert!(!is_accept_worth_retrying(&bad_fd) && !is_out_of_resources(&bad_fd));
        assert!(is_out_of_resources(&io::Error::from_raw_os_error(EMFILE)));
    }
}
