//! Subprocesses, as asyncio's: [`create_subprocess_exec`] starts a child
//! whose piped stdin, stdout and stderr are streams, and [`Process`] waits
//! for it, talks to it, and signals it, all without blocking the loop.

use std::fmt;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus};

use stepio_reactor::Child;

use crate::streams::{StreamReader, StreamWriter};

// ANCHOR: process
/// Starts `command` as a child of this process, as asyncio's
/// `create_subprocess_exec`. Each of its stdin, stdout and stderr that the
/// command pipes ([`Stdio::piped`](std::process::Stdio::piped)) becomes a
/// stream of the [`Process`]; the others are inherited, as with asyncio's
/// default (`None`).
///
/// ```
/// use std::process::{Command, Stdio};
///
/// let (out, code) = stepio::run(async {
///     let mut child = Command::new("echo");
///     let mut child = stepio::create_subprocess_exec(child.arg("hi").stdout(Stdio::piped()))?;
///     let (out, _) = child.communicate(None).await?;
///     Ok::<_, std::io::Error>((out, child.wait().await?))
/// })
/// .unwrap()
/// .unwrap();
/// assert_eq!((out.as_slice(), code), (&b"hi\n"[..], 0));
/// ```
///
/// # Errors
///
/// As [`Command::spawn`]: `NotFound` for a program that does not exist;
/// or no running loop.
pub fn create_subprocess_exec(command: &mut Command) -> io::Result<Process> {
    Ok(Process::from(Child::spawn(command)?))
}

/// A child process, as asyncio's `Process`.
pub struct Process {
    child: Child,
    /// The child's stdin, if piped: close it to end the child's input.
    pub stdin: Option<StreamWriter>,
    /// The child's stdout, if piped.
    pub stdout: Option<StreamReader>,
    /// The child's stderr, if piped.
    pub stderr: Option<StreamReader>,
}

impl From<Child> for Process {
    /// Streams over the child's pipes.
    fn from(mut child: Child) -> Process {
        Process {
            stdin: child.stdin.take().map(|pipe| StreamWriter::new(Some(pipe))),
            stdout: child.stdout.take().map(StreamReader::new),
            stderr: child.stderr.take().map(StreamReader::new),
            child,
        }
    }
}

impl Process {
    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How the child ended, as asyncio's `returncode`: its exit code, or
    /// `-N` if signal `N` ended it; `None` until [`wait`](Process::wait)
    /// has seen it end.
    pub fn returncode(&self) -> Option<i32> {
        self.child.status().map(returncode)
    }

    /// Waits for the child to end and gives its [`returncode`](Process::returncode).
    ///
    /// Like asyncio's, it does not read the child's pipes: a child that
    /// writes more than a pipe holds (64 KiB on Linux) to a stdout nobody
    /// reads never ends. Use [`communicate`](Process::communicate).
    ///
    /// # Errors
    ///
    /// As `waitpid(2)`.
    pub async fn wait(&mut self) -> io::Result<i32> {
        self.child.wait().await.map(returncode)
    }

    // ANCHOR: communicate
    /// Sends `input` to the child's stdin and closes it, reads its stdout
    /// and stderr to their end, all at once, then waits for it to end, as
    /// asyncio's `communicate()`. Gives (stdout, stderr); each is empty
    /// unless piped.
    ///
    /// A child that exits without reading all its input is not an error
    /// (the pipe is broken, as asyncio ignores).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for `input` to a child whose stdin is not piped (or
    /// was taken); a pipe that fails, or `waitpid(2)`.
    pub async fn communicate(
        &mut self,
        input: Option<&[u8]>,
    ) -> io::Result<(Vec<u8>, Vec<u8>)> {
        if input.is_some() && self.stdin.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "communicate() has input for a child whose stdin is not piped",
            ));
        }
        let stdin = self.stdin.take();
        let feed = async move {
            let Some(stdin) = stdin else { return Ok(()) };
            if let Some(input) = input {
                stdin.write(input);
            }
            stdin.close();
            match stdin.wait_closed().await {
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        };
        let (fed, (stdout, stderr)) = stepio_waker::join(
            feed,
            stepio_waker::join(
                read_all(self.stdout.as_mut()),
                read_all(self.stderr.as_mut()),
            ),
        )
        .await;
        fed?;
        let output = (stdout?, stderr?);
        self.wait().await?;
        Ok(output)
    }
    // ANCHOR_END: communicate

    /// Sends signal `signum` to the child, as `send_signal()`.
    ///
    /// # Errors
    ///
    /// `ESRCH` ("No such process", asyncio's `ProcessLookupError`) once
    /// [`wait`](Process::wait) has seen the child end.
    pub fn send_signal(&mut self, signum: i32) -> io::Result<()> {
        self.child.send_signal(signum)
    }

    /// Asks the child to end (`SIGTERM`), as `terminate()`.
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Process::send_signal).
    pub fn terminate(&mut self) -> io::Result<()> {
        self.child.terminate()
    }

    /// Kills the child (`SIGKILL`), as `kill()`.
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Process::send_signal).
    pub fn kill(&mut self) -> io::Result<()> {
        self.child.kill()
    }
}

/// Everything `reader` has left, or nothing if there is no reader.
async fn read_all(reader: Option<&mut StreamReader>) -> io::Result<Vec<u8>> {
    match reader {
        Some(reader) => reader.read_to_end().await,
        None => Ok(Vec::new()),
    }
}

/// asyncio's returncode: the exit code, or minus the signal that ended it.
fn returncode(status: ExitStatus) -> i32 {
    status.code().or_else(|| status.signal().map(|signum| -signum)).unwrap_or(-1)
}
// ANCHOR_END: process

impl fmt::Debug for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Process")
            .field("pid", &self.pid())
            .field("returncode", &self.returncode())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use super::create_subprocess_exec;
    use stepio_waker::testing::within;

    use crate::{run, sleep, timeout};

    /// Longer than any test here takes on a busy machine: a bound, so a
    /// lost wake-up fails the test instead of hanging it.
    const PATIENCE: Duration = Duration::from_secs(30);

    /// More than a pipe holds (64 KiB on Linux), both ways.
    const BIG: usize = 1 << 20;

    // ANCHOR: subprocess_tests
    #[test]
    fn lines_go_to_a_child_and_come_back_and_its_exit_is_seen() {
        within(PATIENCE, || {
            run(async {
                let mut cat = create_subprocess_exec(
                    Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()),
                )
                .unwrap();
                let stdin = cat.stdin.take().unwrap();
                let mut stdout = cat.stdout.take().unwrap();
                for line in ["one\n", "two\n"] {
                    stdin.write(line.as_bytes());
                    assert_eq!(stdout.readline().await.unwrap(), line.as_bytes());
                }
                assert_eq!(cat.returncode(), None, "cat waits for more");
                stdin.close();
                assert_eq!(stdout.read(10).await.unwrap(), b"", "its stdout ended");
                assert_eq!(cat.wait().await.unwrap(), 0);
                assert_eq!(cat.returncode(), Some(0));
                // Its stdin was taken: input for it is refused, not lost.
                let err = cat.communicate(Some(b"more")).await.unwrap_err();
                assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
            })
            .unwrap()
        });
    }

    #[test]
    fn wait_alone_never_ends_for_a_child_with_a_full_pipe_and_communicate_does() {
        within(PATIENCE, || {
            run(async {
                let mut child = create_subprocess_exec(
                    Command::new("head")
                        .args(["-c", &BIG.to_string(), "/dev/zero"])
                        .stdout(Stdio::piped()),
                )
                .unwrap();
                // The child is blocked writing to a full pipe: however long we
                // wait, it cannot end until someone reads.
                let waited = timeout(Duration::from_millis(100), child.wait()).await;
                assert!(waited.is_err(), "{waited:?}");
                assert_eq!(child.returncode(), None);
                let (out, err) = child.communicate(None).await.unwrap();
                assert_eq!((out.len(), err.len()), (BIG, 0));
                assert_eq!(child.returncode(), Some(0));
            })
            .unwrap();
        });
    }

    #[test]
    fn communicate_feeds_and_reads_more_than_a_pipe_holds_at_once() {
        let input: Vec<u8> = (0..BIG).map(|n| (n % 251) as u8).collect();
        let sent = input.clone();
        let (out, err, code) = within(PATIENCE, move || {
            run(async {
                let mut cat = create_subprocess_exec(
                    Command::new("sh")
                        .args(["-c", "cat; echo done >&2; exit 3"])
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped()),
                )
                .unwrap();
                let (out, err) = cat.communicate(Some(&sent)).await.unwrap();
                (out, err, cat.returncode())
            })
            .unwrap()
        });
        assert!(out == input, "stdout is stdin, {} bytes of {}", out.len(), input.len());
        assert_eq!((err.as_slice(), code), (&b"done\n"[..], Some(3)));
    }

    #[test]
    fn a_killed_child_reports_the_signal_and_then_cannot_be_signalled() {
        within(PATIENCE, || {
            run(async {
                let mut child =
                    create_subprocess_exec(Command::new("sleep").arg("1000")).unwrap();
                child.kill().unwrap();
                assert_eq!(child.wait().await.unwrap(), -9);
                let err = child.terminate().unwrap_err();
                assert_eq!(err.raw_os_error(), Some(3), "ESRCH: {err}");
            })
            .unwrap()
        });
    }

    #[test]
    fn a_cancelled_wait_loses_nothing_and_a_missing_program_is_named() {
        within(PATIENCE, || {
            run(async {
                let mut child = create_subprocess_exec(
                    Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()),
                )
                .unwrap();
                // Cancelled while the child runs: the child goes on.
                assert!(timeout(Duration::from_millis(10), child.wait()).await.is_err());
                child.stdin.take().unwrap().close();
                assert_eq!(child.wait().await.unwrap(), 0);

                let err =
                    create_subprocess_exec(&mut Command::new("no-such-program-here"))
                        .unwrap_err();
                assert_eq!(err.kind(), io::ErrorKind::NotFound);
                assert!(err.to_string().contains("\"no-such-program-here\""), "{err}");
            })
            .unwrap()
        });
    }

    #[test]
    fn a_child_dropped_while_running_is_collected_and_not_left_a_zombie() {
        run(async {
            let child = create_subprocess_exec(
                Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()),
            )
            .unwrap();
            let status = format!("/proc/{}/stat", child.pid());
            // Its stdin closes with it, so cat ends; the loop collects it.
            drop(child);
            let start = std::time::Instant::now();
            while std::path::Path::new(&status).exists() {
                assert!(start.elapsed() < PATIENCE, "{status} stayed: a zombie");
                sleep(Duration::from_millis(1)).await;
            }
        })
        .unwrap();
    }
    // ANCHOR_END: subprocess_tests
}
