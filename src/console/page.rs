//! The sign-in link reaches the browser through a file, not the launcher's
//! command line: every user of the machine can read a process's argv (`ps`),
//! and the link opens a console session of up to 12 hours.
//!
//! - A redirect page (`location.replace`, a meta refresh as fallback) 0600
//!   in rolehop's private `console/` directory (0700, in the cache dir); the
//!   launcher gets its `file://` URL.
//! - The browser reads the file after the launcher returns (often after a
//!   cold start), so it is not removed at once: the next `console` run
//!   sweeps pages older than the sign-in token's 15 minutes, when the link
//!   inside no longer signs in. Until then only the user can read it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const PREFIX: &str = "signin-";
const SUFFIX: &str = ".html";

/// Write the redirect page to `url` in `dir` (created private) and answer
/// its path. Pages of earlier runs older than `keep` are removed first.
pub fn write(dir: &Path, url: &str, keep: Duration) -> io::Result<PathBuf> {
    rolehop_files::fsutil::private_dir(dir)?;
    sweep(dir, keep, SystemTime::now());
    let mut file = tempfile::Builder::new()
        .prefix(PREFIX)
        .suffix(SUFFIX)
        // tempfile creates it 0600 (the test checks).
        .tempfile_in(dir)?;
    file.write_all(html(url).as_bytes())?;
    file.as_file().sync_all()?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    Ok(path)
}

/// Remove pages written before `now - keep`: their sign-in token is spent.
pub fn sweep(dir: &Path, keep: Duration, now: SystemTime) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(PREFIX) && name.ends_with(SUFFIX)) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > keep));
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// The page: the script replaces it (no history entry to come back to);
/// without scripts the meta refresh does. `url` is percent-encoded by
/// `login_url`, but it is escaped for HTML and for the script regardless.
pub fn html(url: &str) -> String {
    let attr = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let js = serde_json::Value::String(url.to_owned())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta http-equiv=\"refresh\" content=\"0;url={attr}\">\n<title>rolehop: signing in to the AWS console</title>\n<script>location.replace({js});</script>\n</head><body><p><a href=\"{attr}\">Continue to the AWS console</a></p></body></html>\n"
    )
}

/// `file:///path/to/page.html`, percent-encoded.
pub fn file_url(path: &Path) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    format!(
        "file://{}",
        utf8_percent_encode(&path.to_string_lossy(), PATH)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_page_is_private_redirects_and_old_pages_are_swept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let pages = dir.path().join("console");
        let url = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%2Bb";
        let first = write(&pages, url, Duration::from_secs(900)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&first), 0o600);
        assert_eq!(mode(&pages), 0o700);
        let text = fs::read_to_string(&first).unwrap();
        assert!(text.contains("location.replace(\"https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%2Bb\")"), "{text}");
        assert!(text.contains("content=\"0;url=https://signin.aws.amazon.com/federation?Action=login&amp;SigninToken=a%2Bb\""), "{text}");
        // A page older than the token's life goes with the next run; a fresh one stays.
        let old = fs::File::options().write(true).open(&first).unwrap();
        old.set_modified(SystemTime::now() - Duration::from_secs(901))
            .unwrap();
        let other = pages.join("notes.txt");
        fs::write(&other, "not a page").unwrap();
        let second = write(&pages, url, Duration::from_secs(900)).unwrap();
        assert!(!first.exists() && second.exists() && other.exists());
    }

    #[test]
    fn scripts_and_attributes_cannot_be_broken_out_of() {
        let page = html("https://x/?a=\"</script><b>&c='");
        assert!(!page.contains("</script><b>"), "{page}");
        assert!(
            page.contains("url=https://x/?a=&quot;&lt;/script&gt;&lt;b&gt;&amp;c='"),
            "{page}"
        );
        assert_eq!(
            file_url(Path::new("/home/a b/#1.html")),
            "file:///home/a%20b/%231.html"
        );
    }
}
