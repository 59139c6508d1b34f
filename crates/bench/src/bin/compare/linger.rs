//! `SO_LINGER` 0 on a std socket (std's `set_linger` is not stable yet).

use std::ffi::{c_int, c_void};
use std::net::TcpStream;
use std::os::fd::AsRawFd;

const SOL_SOCKET: c_int = 1;
const SO_LINGER: c_int = 13;

/// `struct linger` of `<sys/socket.h>`.
#[repr(C)]
struct Linger {
    onoff: c_int,
    seconds: c_int,
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn setsockopt(
        fd: c_int,
        level: c_int,
        name: c_int,
        value: *const c_void,
        len: u32,
    ) -> c_int;
}

/// Makes closing `stream` send a reset, leaving nothing in TIME_WAIT.
pub fn reset_on_close(stream: &TcpStream) {
    let linger = Linger { onoff: 1, seconds: 0 };
    // SAFETY: the fd is open (borrowed from `stream`), and the value points
    // at a `struct linger` of the size passed, alive for the call.
    let result = unsafe {
        setsockopt(
            stream.as_raw_fd(),
            SOL_SOCKET,
            SO_LINGER,
            (&raw const linger).cast(),
            size_of::<Linger>() as u32,
        )
    };
    assert_eq!(result, 0, "setsockopt(SO_LINGER): {}", std::io::Error::last_os_error());
}
