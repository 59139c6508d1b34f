//! Every chapter example written so far, in chapter order.
//!
//! `cargo run --example tour` runs them one after the other, under a heading
//! per chapter. Each example is also a program of its own:
//! `cargo run --example ch02_call_soon`.

#[path = "ch01_state_machine.rs"]
mod ch01_state_machine;
#[path = "ch02_call_soon.rs"]
mod ch02_call_soon;
#[path = "ch02_lazy_coroutine.rs"]
mod ch02_lazy_coroutine;
#[path = "ch02_run_forever_stop.rs"]
mod ch02_run_forever_stop;
#[path = "ch03_call_later.rs"]
mod ch03_call_later;
#[path = "ch03_count_down.rs"]
mod ch03_count_down;
#[path = "ch03_count_down_sequential.rs"]
mod ch03_count_down_sequential;
#[path = "ch03_hello.rs"]
mod ch03_hello;
#[path = "ch03_run_forever_stop.rs"]
mod ch03_run_forever_stop;

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
    println!("The stepio tour: every chapter example so far, in order.");

    chapter("Chapter 1: futures, wakers and block_on");
    example("ch01_state_machine");
    ch01_state_machine::main();

    chapter("Chapter 2: the poll loop");
    example("ch02_call_soon");
    ch02_call_soon::main()?;
    example("ch02_run_forever_stop");
    ch02_run_forever_stop::main()?;
    example("ch02_lazy_coroutine");
    ch02_lazy_coroutine::main()?;

    chapter("Chapter 3: timers on a timing wheel");
    example("ch03_count_down_sequential");
    ch03_count_down_sequential::main();
    example("ch03_count_down");
    ch03_count_down::main()?;
    example("ch03_hello");
    ch03_hello::main()?;
    example("ch03_call_later");
    ch03_call_later::main()?;
    example("ch03_run_forever_stop");
    ch03_run_forever_stop::main()?;

    println!();
    println!("Chapters 4 to 7 are coming: epoll, tasks, gather, thread pools.");
    Ok(())
}
