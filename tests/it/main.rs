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

/// A file in tests/it/ that no `mod` line names is never compiled, so its
/// tests silently never run: every `.rs` file here must be mounted above.
#[test]
fn every_test_file_is_mounted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    let mut unmounted = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = path.extension().is_some_and(|e| e == "rs") || path.join("mod.rs").is_file();
        if module && stem != "main" && !main.lines().any(|l| l == format!("mod {stem};")) {
            unmounted.push(stem);
        }
    }
    assert!(
        unmounted.is_empty(),
        "add `mod NAME;` to tests/it/main.rs for: {unmounted:?}"
    );
}
