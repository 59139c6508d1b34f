//! The chapter examples of the stepio book live beside this file, one
//! `chNN_<topic>.rs` each, with their expected output in `expected/` and the
//! Python version of each scenario in `python/`.
//!
//! Run one with `cargo run --example ch02_call_soon`, or all of them in
//! chapter order with `cargo run --example tour`.
//!
//! This library holds what the examples' tests share (the comparison of a
//! run's output with the expected output, where printed times may differ
//! within a tolerance; starting a server example and finding its port), and
//! the command-line flags of the chapter 4 servers and clients, and the
//! book's includes.

#![forbid(unsafe_code)]

pub mod book;
pub mod cli;
pub mod compare;
pub mod cpu;
pub mod http;
pub mod json;
pub mod polls;
pub mod servers;
pub mod status;
