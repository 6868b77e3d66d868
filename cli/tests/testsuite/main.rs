//! Integration tests: each drives the real `ironsmith` binary over a fixture site from
//! `fixtures/` and compares its output tree or its error messages with the fixture's
//! expected files. See `support.rs` for the harness and `fixtures/README.md` for the
//! layout of a fixture (and `IRONSMITH_BLESS=1`, which rewrites the expected files).
//!
//! Run with `cargo test -p ironsmith --test testsuite`.

mod build;
mod command_line;
mod errors;
mod exec;
mod parity;
mod scaffold;
mod serve;
mod site_example;
mod support;
mod timings;
