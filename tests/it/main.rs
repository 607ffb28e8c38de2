//! The integration tests: the real binary against moto, real shells, real
//! SDK clients and a pseudo-terminal. One test binary with a module per
//! area (as jj and ripgrep do), so the AWS SDK is linked once, not nine times.
//!
//! `cargo test --test it` runs them all; `cargo test --test it live::` one area.

mod common;

mod cli;
mod conformance;
mod console;
mod ecosystem;
mod endpoint;
mod hardening;
mod live;
mod policy;
mod sessions;
mod sso;
mod tui_e2e;
