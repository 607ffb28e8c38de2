//! A malformed `~/.aws/config` or `~/.aws/credentials`, said as
//! `PATH:LINE: what is wrong; fix or remove that line`.
//!
//! The SDK's credentials provider keeps only "could not parse profile file"
//! of its parser's error (it formats the error into a string and drops the
//! source). So on that error the files are read again with the SDK's own
//! loader, whose parse error names the file and line: the very rules that
//! rejected the file, no second parser to drift from them.

use aws_config::profile::ProfileFileLoadError;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use futures::FutureExt;

/// What the credentials provider says when a profile file does not parse.
const PROVIDER_WORDS: &str = "could not parse profile file";

/// Whether a provider's error text is about a profile file that does not parse.
pub(super) fn is_parse_failure(text: &str) -> bool {
    text.contains(PROVIDER_WORDS)
}

/// The parse error of the files the SDK reads by default
/// (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` honoured), if any.
pub(super) fn default_files_error() -> Option<String> {
    // The SDK's file system shim reads with std::fs inside its async fns, so
    // the load finishes on its first poll; it needs no runtime, and this may
    // run on one (`now_or_never` never blocks it).
    let loaded =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .now_or_never()?;
    loaded.err().and_then(|e| describe(&e))
}

/// `PATH:LINE: message; fix or remove that line` for a parse error; `None`
/// for another load error (an unreadable file says so itself).
pub fn describe(err: &ProfileFileLoadError) -> Option<String> {
    if !matches!(err, ProfileFileLoadError::ParseError { .. }) {
        return None;
    }
    // The SDK keeps the parse error's place private; its Display is
    // "error parsing PATH on line N:\n  MESSAGE".
    let text = std::error::Error::source(err)?.to_string();
    let placed = text
        .strip_prefix("error parsing ")
        .and_then(|rest| rest.split_once(" on line "))
        .and_then(|(path, rest)| {
            let (line, message) = rest.split_once(':')?;
            line.parse::<usize>().ok()?;
            Some(format!("{path}:{line}: {}", message.trim()))
        });
    // A future SDK wording still names the file and line, on one line.
    let said = placed.unwrap_or_else(|| text.split_whitespace().collect::<Vec<_>>().join(" "));
    Some(format!("{said}; fix or remove that line"))
}

#[cfg(test)]
mod tests {
    use super::describe;
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    use aws_types::os_shim_internal::{Env, Fs};
    use futures::FutureExt;

    fn error_of(kind: EnvConfigFileKind, text: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file");
        std::fs::write(&path, text).unwrap();
        let files = EnvConfigFiles::builder().with_file(kind, &path).build();
        let loaded = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
            .now_or_never()
            .expect("the load finishes on its first poll");
        let said = describe(&loaded.unwrap_err())?;
        Some(said.replace(&path.display().to_string(), "PATH"))
    }

    #[test]
    fn parse_errors_name_the_file_and_line() {
        assert_eq!(
            error_of(
                EnvConfigFileKind::Config,
                "[default]\nregion = us-east-1\n\n[profile x\nregion = eu-west-1\n"
            )
            .as_deref(),
            Some("PATH:4: Profile definition must end with ']'; fix or remove that line")
        );
        assert_eq!(
            error_of(
                EnvConfigFileKind::Credentials,
                "# keys\naws_access_key_id = AKIA\n[default]\n"
            )
            .as_deref(),
            Some("PATH:2: Expected a profile definition; fix or remove that line")
        );
    }
}
