//! Any text as a bookmarks file: never a panic, and (debug assertions are
//! on under cargo fuzz) the fast loader agrees with the validator.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rolehop_files::bookmarks::fuzz_load(text);
    }
});
