//! Tests that cannot run here (no zsh, not root) say so instead of passing
//! in silence: [`skip`] and [`skip_part`] append one line to the file named by
//! `ROLEHOP_SKIP_LOG`, which `scripts/test` sets, counts and lists in its
//! closing summary (cargo counts such a test as passed and hides its output).
//! Without the variable the note goes to stderr only (`--nocapture` shows it).
//!
//! The unit tests and `tests/it` (through `#[path]`) share this one file, so
//! both write the one format `scripts/test` reads: `KIND<TAB>TEST<TAB>REASON`.

use std::io::Write;
use std::path::Path;

/// The file skips are recorded in.
pub const LOG_VAR: &str = "ROLEHOP_SKIP_LOG";

/// The whole test cannot run here: call this, then return.
pub fn skip(reason: &str) {
    record("skipped", reason);
}

/// A part of the test cannot run here; the rest does.
pub fn skip_part(reason: &str) {
    record("part skipped", reason);
}

fn record(kind: &str, reason: &str) {
    // libtest runs each test on a thread named after its path.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("an unnamed test");
    eprintln!("{kind}: {test}: {reason}");
    if let Some(log) = std::env::var_os(LOG_VAR) {
        let log = Path::new(&log);
        if let Err(e) = append(log, kind, test, reason) {
            panic!("cannot record the skip in {}: {e}", log.display());
        }
    }
}

fn line(kind: &str, test: &str, reason: &str) -> String {
    let one_line = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    format!("{kind}\t{}\t{}\n", one_line(test), one_line(reason))
}

/// One `write` of one short line in append mode: tests running in parallel,
/// and the test binary's own children, never interleave their lines.
fn append(log: &Path, kind: &str, test: &str, reason: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(log)?
        .write_all(line(kind, test, reason).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::append;

    #[test]
    fn each_skip_is_one_line_added_to_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("skips");
        append(&log, "skipped", "a::b", "needs root").unwrap();
        append(&log, "part skipped", "a::c", "fish is\tnot\ninstalled").unwrap();
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "skipped\ta::b\tneeds root\npart skipped\ta::c\tfish is not installed\n"
        );
    }
}
