//! The stand-in's own tests: its state machines over real HTTP (`oidc`, `portal`,
//! `control`), and its shapes against real clients (`real_clients`: boto3,
//! moto, the binary; `rust_sdk`: aws-sdk-sso and aws-sdk-ssooidc).

mod client;
mod control;
mod oidc;
mod portal;
mod real_clients;
mod rust_sdk;
