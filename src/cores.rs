//! How many threads a CPU-bound job (loading a large bookmarks file,
//! filtering a long list) may spread over.

use std::sync::OnceLock;

/// The cores this process may use, at most 8; asked once (on Linux the
/// answer reads cgroup files).
pub fn available() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// Run `job` over `items` on up to `workers` threads, this one included:
/// each thread takes the next item until none is left (so a busy core does
/// less), with its own scratch from `scratch`. The results come in no
/// particular order. A thread that cannot be had leaves its items to the
/// others; a job's panic is passed on.
pub fn spread<I, S, R>(
    workers: usize,
    items: I,
    scratch: impl Fn() -> S + Sync,
    job: impl Fn(&mut S, I::Item) -> R + Sync,
) -> Vec<R>
where
    I: Iterator + Send,
    R: Send,
{
    let items = std::sync::Mutex::new(items);
    let work = || {
        let mut s = scratch();
        let mut done = Vec::new();
        // The lock is let go before the job runs.
        while let Some(item) = items.lock().ok().and_then(|mut i| i.next()) {
            done.push(job(&mut s, item));
        }
        done
    };
    if workers <= 1 {
        return work();
    }
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..workers)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut done = work();
        for h in helpers {
            done.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        done
    })
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn spread_runs_every_item_once_on_any_number_of_threads() {
        for workers in [0, 1, 2, 5] {
            let mut done = spread(
                workers,
                0..1000u32,
                || 0u32,
                |seen, i| {
                    // Scratch is per thread: it counts this thread's items.
                    *seen += 1;
                    (i, *seen)
                },
            );
            if workers <= 1 {
                // One thread, one scratch: it saw every item.
                assert_eq!(done.iter().map(|&(_, seen)| seen).max(), Some(1000));
            }
            done.sort_unstable();
            let items: Vec<u32> = done.into_iter().map(|(i, _)| i).collect();
            assert_eq!(items, (0..1000).collect::<Vec<_>>(), "{workers} workers");
        }
    }

    #[test]
    fn spread_passes_a_helper_threads_panic_on() {
        let caller = std::thread::current().id();
        let caught = std::panic::catch_unwind(|| {
            spread(
                2,
                0..64u32,
                || (),
                |_, _| {
                    // Slow items, so the helper gets some; only it panics.
                    assert_eq!(std::thread::current().id(), caller, "a helper's job");
                    std::thread::sleep(std::time::Duration::from_millis(1));
                },
            )
        });
        assert!(caught.is_err());
    }
}
