//! Every chapter example written so far, in chapter order.
//!
//! `cargo run --example tour` runs them one after the other, under a heading
//! per chapter. Each example is also a program of its own:
//! `cargo run --example ch02_call_soon`.

// Chapters 6 and 7 reuse chapter 3's and 4's functions by including their
// files as modules, so the tour compiles those files twice, on purpose.
#![allow(clippy::duplicate_mod)]

#[path = "ch01_pin.rs"]
mod ch01_pin;
#[path = "ch01_state_machine.rs"]
mod ch01_state_machine;
#[path = "ch01_step1_busy_poll.rs"]
mod ch01_step1_busy_poll;
#[path = "ch01_step2_lost_wake.rs"]
mod ch01_step2_lost_wake;
#[path = "ch01_step3_parker.rs"]
mod ch01_step3_parker;
#[path = "ch02_call_soon.rs"]
mod ch02_call_soon;
#[path = "ch02_lazy_coroutine.rs"]
mod ch02_lazy_coroutine;
#[path = "ch02_run_forever_stop.rs"]
mod ch02_run_forever_stop;
#[path = "ch02_step1_drain.rs"]
mod ch02_step1_drain;
#[path = "ch02_step2_turns.rs"]
mod ch02_step2_turns;
#[path = "ch03_call_later.rs"]
mod ch03_call_later;
#[path = "ch03_count_down.rs"]
mod ch03_count_down;
#[path = "ch03_count_down_sequential.rs"]
mod ch03_count_down_sequential;
#[path = "ch03_hello.rs"]
mod ch03_hello;
#[path = "ch03_no_timers.rs"]
mod ch03_no_timers;
#[path = "ch03_run_forever_stop.rs"]
mod ch03_run_forever_stop;
#[path = "ch03_step1_sorted_vec.rs"]
mod ch03_step1_sorted_vec;
#[path = "ch03_step2_heap.rs"]
mod ch03_step2_heap;
#[path = "ch04_downloads.rs"]
mod ch04_downloads;
#[allow(dead_code)] // its `main` serves or parses flags; the tour does not call it
#[path = "ch04_echo_client.rs"]
mod ch04_echo_client;
#[allow(dead_code)] // its `main` serves or parses flags; the tour does not call it
#[path = "ch04_echo_server.rs"]
mod ch04_echo_server;
#[allow(dead_code)] // its `main` serves or parses flags; the tour does not call it
#[path = "ch04_http_client.rs"]
mod ch04_http_client;
#[allow(dead_code)] // its `main` serves or parses flags; the tour does not call it
#[path = "ch04_http_server.rs"]
mod ch04_http_server;
#[path = "ch04_step1_threads.rs"]
mod ch04_step1_threads;
#[path = "ch04_step2_poll.rs"]
mod ch04_step2_poll;
#[path = "ch04_step3_epoll.rs"]
mod ch04_step3_epoll;
#[path = "ch04_step4_edge_level.rs"]
mod ch04_step4_edge_level;
#[path = "ch05_blocking_mistake.rs"]
mod ch05_blocking_mistake;
#[path = "ch05_done_callback.rs"]
mod ch05_done_callback;
#[path = "ch05_done_order.rs"]
mod ch05_done_order;
#[path = "ch05_step1_round_robin.rs"]
mod ch05_step1_round_robin;
#[path = "ch05_step2_woken_only.rs"]
mod ch05_step2_woken_only;
#[path = "ch05_task_cancel.rs"]
mod ch05_task_cancel;
#[path = "ch05_task_panic.rs"]
mod ch05_task_panic;
#[path = "ch05_task_result.rs"]
mod ch05_task_result;
#[path = "ch06_gather_hello.rs"]
mod ch06_gather_hello;
#[path = "ch06_gather_two.rs"]
mod ch06_gather_two;
#[path = "ch06_run_forever_gather_stop.rs"]
mod ch06_run_forever_gather_stop;
#[path = "ch06_step1_join_vec.rs"]
mod ch06_step1_join_vec;
#[path = "ch06_step2_join_all.rs"]
mod ch06_step2_join_all;
#[path = "ch06_wait_count_down.rs"]
mod ch06_wait_count_down;
#[path = "ch06_wait_first.rs"]
mod ch06_wait_first;
#[path = "ch06_wait_for_zero.rs"]
mod ch06_wait_for_zero;
#[path = "ch07_call_soon_threadsafe.rs"]
mod ch07_call_soon_threadsafe;
#[path = "ch07_cpu_parallel.rs"]
mod ch07_cpu_parallel;
#[path = "ch07_downloads_fixed.rs"]
mod ch07_downloads_fixed;
#[path = "ch07_executor_count_down.rs"]
mod ch07_executor_count_down;
#[path = "ch07_step1_thread_per_call.rs"]
mod ch07_step1_thread_per_call;
#[path = "ch07_step2_pool.rs"]
mod ch07_step2_pool;
#[path = "ch07_step4_lost_wake.rs"]
mod ch07_step4_lost_wake;
#[path = "ch07_thread_pool_submit.rs"]
mod ch07_thread_pool_submit;
#[path = "ch08_crawler.rs"]
mod ch08_crawler;
#[path = "ch08_handoff.rs"]
mod ch08_handoff;
#[path = "ch08_step1_one_at_a_time.rs"]
mod ch08_step1_one_at_a_time;
#[path = "ch08_step2_timeout.rs"]
mod ch08_step2_timeout;
#[path = "ch09_timeline.rs"]
mod ch09_timeline;
#[path = "ch10_barrier.rs"]
mod ch10_barrier;
#[path = "ch10_ctrl_c.rs"]
mod ch10_ctrl_c;
#[path = "ch10_http_streams.rs"]
mod ch10_http_streams;
#[path = "ch10_step1_blocking_children.rs"]
mod ch10_step1_blocking_children;
#[path = "ch10_streams.rs"]
mod ch10_streams;
#[path = "ch10_subprocess.rs"]
mod ch10_subprocess;
#[path = "ch10_task_group.rs"]
mod ch10_task_group;
#[path = "ch10_udp.rs"]
mod ch10_udp;

use std::error::Error;

/// Prints a heading for a chapter.
fn chapter(title: &str) {
    println!();
    println!("==== {title} ====");
}

/// Prints the name of the example about to run.
fn example(name: &str) {
    println!();
    println!("---- cargo run --example {name}");
}

fn main() -> Result<(), Box<dyn Error>> {
    // `STEPIO_DEBUG=1` or `STEPIO_TRACE=1` watch every loop of the tour.
    stepio::watch_from_env();
    println!("The stepio tour: every chapter example so far, in order.");

    chapter("Chapter 1: futures, wakers and block_on");
    example("ch01_step1_busy_poll");
    ch01_step1_busy_poll::main();
    example("ch01_step2_lost_wake (waits 2 s on purpose)");
    ch01_step2_lost_wake::main();
    example("ch01_step3_parker");
    ch01_step3_parker::main();
    example("ch01_state_machine");
    ch01_state_machine::main();
    example("ch01_pin");
    ch01_pin::main();

    chapter("Chapter 2: the poll loop");
    example("ch02_step1_drain");
    ch02_step1_drain::main();
    example("ch02_step2_turns");
    ch02_step2_turns::main();
    example("ch02_call_soon");
    ch02_call_soon::main()?;
    example("ch02_run_forever_stop");
    ch02_run_forever_stop::main()?;
    example("ch02_lazy_coroutine");
    ch02_lazy_coroutine::main()?;

    chapter("Chapter 3: timers on a timing wheel");
    example("ch03_step1_sorted_vec");
    ch03_step1_sorted_vec::main();
    example("ch03_step2_heap");
    ch03_step2_heap::main();
    example("ch03_count_down_sequential");
    ch03_count_down_sequential::main();
    example("ch03_count_down");
    ch03_count_down::main()?;
    example("ch03_hello");
    ch03_hello::main()?;
    example("ch03_call_later");
    ch03_call_later::main()?;
    example("ch03_no_timers");
    ch03_no_timers::main()?;
    example("ch03_run_forever_stop");
    ch03_run_forever_stop::main()?;

    chapter("Chapter 4: an epoll reactor, TCP, and a small web server");
    example("ch04_step1_threads");
    ch04_step1_threads::main()?;
    example("ch04_step2_poll");
    ch04_step2_poll::main()?;
    example("ch04_step3_epoll");
    ch04_step3_epoll::main()?;
    example("ch04_step4_edge_level");
    ch04_step4_edge_level::main()?;
    // The servers run until stopped, so the tour runs each on a thread of
    // its own, on a free port, and points its client at it.
    let addr = ch04_echo_server::start_in_thread()?;
    example("ch04_echo_client (against ch04_echo_server, started on a thread)");
    ch04_echo_client::run(addr, 10)?;
    let addr = ch04_http_server::start_in_thread()?;
    example("ch04_http_client (against ch04_http_server, started on a thread)");
    ch04_http_client::run(addr)?;
    example("ch04_downloads");
    ch04_downloads::main()?;

    chapter("Chapter 5: tasks and futures");
    example("ch05_step1_round_robin");
    ch05_step1_round_robin::main()?;
    example("ch05_step2_woken_only");
    ch05_step2_woken_only::main()?;
    example("ch05_task_result");
    ch05_task_result::main()?;
    example("ch05_task_cancel");
    ch05_task_cancel::main()?;
    example("ch05_task_panic (a panic on stderr is part of it)");
    ch05_task_panic::main()?;
    example("ch05_done_callback");
    ch05_done_callback::main()?;
    example("ch05_done_order");
    ch05_done_order::main()?;
    example("ch05_blocking_mistake");
    ch05_blocking_mistake::main()?;

    chapter("Chapter 6: gather and wait");
    example("ch06_step1_join_vec");
    ch06_step1_join_vec::main()?;
    example("ch06_step2_join_all");
    ch06_step2_join_all::main()?;
    example("ch06_gather_hello");
    ch06_gather_hello::main()?;
    example("ch06_wait_count_down");
    ch06_wait_count_down::main()?;
    example("ch06_gather_two");
    ch06_gather_two::main()?;
    example("ch06_run_forever_gather_stop");
    ch06_run_forever_gather_stop::main()?;
    example("ch06_wait_first");
    ch06_wait_first::main()?;
    example("ch06_wait_for_zero");
    ch06_wait_for_zero::main()?;

    chapter("Chapter 7: the thread-pool executor bridge");
    example("ch07_step1_thread_per_call");
    ch07_step1_thread_per_call::main();
    example("ch07_step2_pool");
    ch07_step2_pool::main();
    example("ch07_executor_count_down");
    ch07_executor_count_down::main()?;
    example("ch07_thread_pool_submit");
    ch07_thread_pool_submit::main();
    example("ch07_downloads_fixed");
    ch07_downloads_fixed::main()?;
    example("ch07_cpu_parallel");
    ch07_cpu_parallel::main();
    example("ch07_step4_lost_wake (sleeps 2 s on purpose)");
    ch07_step4_lost_wake::main()?;
    example("ch07_call_soon_threadsafe");
    ch07_call_soon_threadsafe::main()?;

    chapter("Chapter 8: a crawler on the assembled runtime");
    example("ch08_handoff");
    ch08_handoff::main()?;
    example("ch08_step1_one_at_a_time");
    ch08_step1_one_at_a_time::main()?;
    example("ch08_step2_timeout");
    ch08_step2_timeout::main()?;
    example("ch08_crawler");
    ch08_crawler::main()?;

    chapter("Chapter 9: seeing the loop");
    example("ch09_timeline (the timeline goes to stderr)");
    ch09_timeline::main()?;

    chapter("Chapter 10: the rest of asyncio");
    example("ch10_task_group");
    ch10_task_group::main()?;
    example("ch10_barrier");
    ch10_barrier::main()?;
    example("ch10_streams");
    ch10_streams::main()?;
    example("ch10_http_streams");
    ch10_http_streams::main()?;
    example("ch10_udp");
    ch10_udp::main()?;
    example("ch10_step1_blocking_children");
    ch10_step1_blocking_children::main()?;
    example("ch10_subprocess");
    ch10_subprocess::main()?;
    example("ch10_ctrl_c (sends itself a Ctrl-C)");
    ch10_ctrl_c::main()?;
    Ok(())
}
