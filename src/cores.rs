//! How many threads a CPU-bound job may spread over.

use std::sync::OnceLock;

/// The cores this process may use, at most 8; asked once (on Linux the
/// answer reads cgroup files).
pub fn available() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}
