//! The files rolehop edits that the user owns, apart from the network: no
//! AWS, no async.
//!
//! - [`bookmarks`]: `bookmarks.toml`, its validating reader (`file:line:col`
//!   errors), the fast loader for valid files, and the comment-keeping editor.
//! - [`credentials`]: the `~/.aws/credentials` editor (every byte it does not
//!   own stays as it was).
//! - [`fsutil`]: what every write above goes through: a lock beside the
//!   file, a temp file and a rename, modes kept or made private.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod bookmarks;
pub mod credentials;
pub mod fsutil;

/// Tests that cannot run here say so (the file `scripts/test` reads is
/// written by the main crate's copy, the same source).
#[cfg(test)]
#[allow(dead_code, reason = "this crate's tests skip only whole tests")]
#[path = "../../../src/testskip.rs"]
mod testskip;
