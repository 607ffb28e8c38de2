//! The user's own configuration: the hand-written bookmarks file (parsed,
//! validated and edited without losing comments), the recently-used list, and
//! where rolehop keeps its files.

pub mod bookmarks;
pub mod history;

pub use bookmarks::ConfigError;
