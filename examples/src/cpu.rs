//! How much CPU this process has used: what chapter 1's first steps
//! measure, to show a thread that spins and one that sleeps.

use std::time::Duration;

/// The CPU time (user + system) this process has used so far, read from
/// Linux's `/proc/self/stat` in clock ticks of 10 ms; `None` where there is
/// no such file.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The second field, the command name, may hold spaces: count fields
    // after its closing parenthesis. `utime` and `stime` are the 14th and
    // 15th fields, so the 12th and 13th after the name.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    // USER_HZ is 100 on every architecture Linux runs on.
    Some(Duration::from_millis((user + system) * 10))
}

/// `cpu_time` as "0.98 s of CPU", or why it is unknown.
pub fn describe(cpu: Option<Duration>) -> String {
    match cpu {
        Some(cpu) => format!("{:.2} s of CPU", cpu.as_secs_f64()),
        None => "CPU time unknown here (no /proc/self/stat)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spinning_thread_uses_cpu_time() {
        let Some(before) = cpu_time() else { return };
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_millis(200) {
            std::hint::spin_loop();
        }
        let used = cpu_time().unwrap() - before;
        // At least a tick, on any machine that gave us any CPU at all.
        assert!(used >= Duration::from_millis(10), "{used:?}");
    }
}
