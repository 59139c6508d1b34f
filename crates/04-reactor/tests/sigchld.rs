//! Children whose exit is noticed by `SIGCHLD` rather than a pidfd: the
//! way on kernels before 5.3 and on macOS and FreeBSD. A test binary of
//! its own: the signal's handler is the process's, and no other test's
//! loop may take it meanwhile.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use stepio_reactor::{Child, ChildWatch, run};
use stepio_waker::testing::within;

/// A bound, so that a lost `SIGCHLD` fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

fn spawn(command: &mut Command) -> Child {
    Child::spawn_watched(command, ChildWatch::Sigchld).unwrap()
}

#[test]
fn every_exit_is_noticed_though_one_signal_may_stand_for_several() {
    within(PATIENCE, || {
        run(async {
            // Three children that end at about the same time, and one that
            // ends only when killed after them.
            let mut quick: Vec<Child> = (0..3)
                .map(|code| {
                    spawn(Command::new("sh").args(["-c", &format!("exit {code}")]))
                })
                .collect();
            let mut sleeper = spawn(Command::new("sleep").arg("1000"));
            for (code, child) in quick.iter_mut().enumerate() {
                let status = child.wait().await.unwrap();
                assert_eq!(status.code(), Some(code as i32));
            }
            assert!(sleeper.status().is_none(), "the sleeper still runs");
            sleeper.kill().unwrap();
            let status = sleeper.wait().await.unwrap();
            assert_eq!(status.signal(), Some(9));
        })
        .unwrap();
    });
}

#[test]
fn a_pipe_ends_and_the_exit_follows() {
    within(PATIENCE, || {
        run(async {
            let mut child =
                spawn(Command::new("echo").arg("hello").stdout(Stdio::piped()));
            let mut stdout = child.stdout.take().unwrap();
            let mut buf = [0; 16];
            let n = stdout.read(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"hello\n");
            let status = child.wait().await.unwrap();
            assert!(status.success());
        })
        .unwrap();
    });
}
