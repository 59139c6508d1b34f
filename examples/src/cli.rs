//! The command-line flags of the chapter 4 servers and clients.

use std::str::FromStr;

/// The value after `flag` on the command line (`--port 8000`), or `default`
/// when the flag is absent.
///
/// # Errors
///
/// A message for the user when the flag has no value or a value that does
/// not parse.
pub fn flag<T: FromStr>(flag: &str, default: T) -> Result<T, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().position(|arg| arg == flag) {
        None => Ok(default),
        Some(i) => {
            let value = args.get(i + 1).ok_or_else(|| format!("{flag} needs a value"))?;
            value.parse().map_err(|_| format!("{flag}: cannot use {value:?}"))
        }
    }
}
