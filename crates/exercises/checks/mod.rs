//! The tests of every exercise, one module each. They run against the
//! starter (`cargo exercises verify <name>`) or the reference solution
//! (`cargo test`, where the `solutions` feature is on by default).

mod ch01_counting_waker;
mod ch01_race;
mod ch02_counting_driver;
mod ch02_run_all;
mod ch03_generations;
mod ch03_level_and_slot;
mod ch04_poll_io;
mod ch04_read_line;
mod ch05_cancel_token;
mod ch05_join_handle;
mod ch06_first_ok;
mod ch06_join_all;
mod ch07_mini_pool;
mod ch07_result_slot;
mod ch09_slow_polls;
