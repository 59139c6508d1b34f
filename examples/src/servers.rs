//! Servers for the chapter 4 examples: started on a thread for the tour,
//! or as a child process for the tests.

use std::future::Future;
use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use stepio_reactor::TcpListener;

/// Binds a listener on a free loopback port, on a new thread with a loop
/// of its own, and runs `serve(listener)` there for as long as the process
/// lives. Returns the listener's address.
///
/// # Errors
///
/// When the thread's loop or listener cannot be created.
pub fn start_in_thread<F, Fut>(serve: F) -> io::Result<SocketAddr>
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<()>>,
{
    let (addr_tx, addr_rx) = mpsc::channel();
    thread::spawn(move || {
        let sender = addr_tx.clone();
        let served = stepio_reactor::run(async move {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            // The receiver waits for this; it cannot be gone yet.
            let _ = sender.send(Ok(listener.local_addr()?));
            serve(listener).await
        });
        let err = match served {
            Ok(Ok(())) => return,
            Ok(Err(err)) => err,
            Err(err) => io::Error::other(err),
        };
        // Before the address was sent: the caller gets the error; after:
        // it is the server's only way out.
        if let Err(mpsc::SendError(Err(err))) = addr_tx.send(Err(err)) {
            eprintln!("server thread: {err}");
        }
    });
    addr_rx.recv().map_err(io::Error::other)?
}

/// The path of the example binary `name`, for the tests: `cargo test`
/// builds the examples beside the `deps` folder the test binary runs from.
///
/// # Panics
///
/// When the binary is missing (after `cargo test --test <name>` alone, which
/// does not build the examples).
pub fn example_binary(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary has a path");
    let profile_dir =
        test_exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds it; after `cargo test --test <name>` alone, run `cargo build --examples`",
        binary.display()
    );
    binary
}

/// A server example running as a child process; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it printed after the line with its address, drained by a thread
    /// so that a chatty server never blocks on a full pipe.
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `binary` with `args` (which should include `--port 0`).
    ///
    /// # Errors
    ///
    /// As [`ServerProcess::spawn`].
    pub fn start(binary: &Path, args: &[&str]) -> io::Result<ServerProcess> {
        let mut command = Command::new(binary);
        command.args(args);
        ServerProcess::spawn(command)
    }

    /// Starts `command`, and reads the server's address from the first line
    /// it prints, which must end with `127.0.0.1:PORT`.
    ///
    /// # Errors
    ///
    /// When the command cannot start, or its first line names no address.
    pub fn spawn(mut command: Command) -> io::Result<ServerProcess> {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
        let mut first = String::new();
        stdout.read_line(&mut first)?;
        let addr =
            first.trim_end().rsplit(['/', ' ']).next().and_then(|addr| addr.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other(format!(
                "{command:?}: no address in {first:?}"
            )));
        };
        Ok(ServerProcess { child, addr, stdout: drain(stdout), stderr: drain(stderr) })
    }

    /// The lines the server printed to stdout so far (after the first).
    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The lines the server printed to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether the process is still running (it has not crashed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// Collects the lines of `reader` on a thread of its own.
fn drain(reader: impl BufRead + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    thread::spawn(move || {
        for line in reader.lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    });
    lines
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
