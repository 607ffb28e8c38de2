//! The stand-in's own tests: its state machines over real HTTP (`oidc`, `portal`,
//! `control`), and its shapes against real clients (`real_clients`: boto3, the
//! Rust SDK, moto, the binary).

mod client;
mod control;
mod oidc;
mod portal;
mod real_clients;
