//! The async runtime of one-shot commands: a current-thread tokio runtime
//! per command (it starts faster than a thread pool).

use crate::error::{Error, Result};

/// A one-shot command needs no thread pool: a current-thread runtime starts faster.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            context: "cannot start the async runtime".into(),
            source,
        })
}

pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    Ok(runtime()?.block_on(f))
}

/// [`block_on`] for commands that end when their child does: an MFA code
/// source still running (ykman waiting for a touch) must not hold the exit,
/// as dropping a runtime waits for its blocking threads.
pub fn block_on_detached<F: std::future::Future>(f: F) -> Result<F::Output> {
    let rt = runtime()?;
    let out = rt.block_on(f);
    rt.shutdown_background();
    Ok(out)
}
