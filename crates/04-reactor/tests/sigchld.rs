//! Children whose exit is noticed by `SIGCHLD` rather than a pidfd: the
//! way on kernels before 5.3 and on macOS and FreeBSD. A test binary of
//! its own: the signal's handler is the process's, and no other test's
//! loop may take it meanwhile.

use std::future::{Future, poll_fn};
use std::os::unix::process::ExitStatusExt;
use std::pin::pin;
use std::process::{Command, Stdio};
use std::task::Poll;
use std::time::Duration;

use stepio_reactor::{Child, ChildWatch, run};
use stepio_timer_wheel::sleep;

/// A bound, so that a lost `SIGCHLD` fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(30);

/// `future`, or a failure once `PATIENCE` is over. Unlike a timeout, it
/// looks at the time first: a wait that only the timer's wake-up made
/// look again (its `SIGCHLD` lost) fails.
async fn within<F: Future>(future: F) -> Result<F::Output, &'static str> {
    let (mut future, mut deadline) = (pin!(future), pin!(sleep(PATIENCE)));
    poll_fn(|cx| {
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err("not woken within PATIENCE: a SIGCHLD was lost"));
        }
        future.as_mut().poll(cx).map(Ok)
    })
    .await
}

fn spawn(command: &mut Command) -> Child {
    Child::spawn_watched(command, ChildWatch::Sigchld).unwrap()
}

#[test]
fn every_exit_is_noticed_though_one_signal_may_stand_for_several() {
    run(async {
        // Three children that end at about the same time, and one that
        // ends only when killed after them.
        let mut quick: Vec<Child> = (0..3)
            .map(|code| spawn(Command::new("sh").args(["-c", &format!("exit {code}")])))
            .collect();
        let mut sleeper = spawn(Command::new("sleep").arg("1000"));
        for (code, child) in quick.iter_mut().enumerate() {
            let status = within(child.wait()).await.unwrap().unwrap();
            assert_eq!(status.code(), Some(code as i32));
        }
        assert!(sleeper.status().is_none(), "the sleeper still runs");
        sleeper.kill().unwrap();
        let status = within(sleeper.wait()).await.unwrap().unwrap();
        assert_eq!(status.signal(), Some(9));
    })
    .unwrap();
}

#[test]
fn a_pipe_ends_and_the_exit_follows() {
    run(async {
        let mut child = spawn(Command::new("echo").arg("hello").stdout(Stdio::piped()));
        let mut stdout = child.stdout.take().unwrap();
        let mut buf = [0; 16];
        let n = within(stdout.read(&mut buf)).await.unwrap().unwrap();
        assert_eq!(&buf[..n], b"hello\n");
        let status = within(child.wait()).await.unwrap().unwrap();
        assert!(status.success());
    })
    .unwrap();
}
