//! What a session *is*, apart from how it is got: plain data the engine, the
//! caches, the commands and the picker share, with no I/O.

pub mod sso;
