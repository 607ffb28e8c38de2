//! Hand-over as text: `eval`-able exports for each shell and the JSON of the
//! `credential_process` protocol. These are the only outputs meant to print
//! secrets.

use super::Credentials;
use super::Handover;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    /// The user's shell from `$SHELL` (pwsh counts as PowerShell); POSIX otherwise.
    pub fn detect(shell_var: Option<&str>) -> Shell {
        let name = shell_var
            .and_then(|s| std::path::Path::new(s).file_name())
            .and_then(|n| n.to_str())
            .unwrap_or("");
        match name.trim_end_matches(".exe") {
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "pwsh" | "powershell" => Shell::Powershell,
            _ => Shell::Bash,
        }
    }
}

/// Shell code that applies `h` when evaluated.
pub fn script(shell: Shell, h: &Handover) -> String {
    let mut out = String::new();
    for var in &h.unset {
        out.push_str(&match shell {
            Shell::Bash | Shell::Zsh => format!("unset {var}\n"),
            Shell::Fish => format!("set -e {var}\n"),
            Shell::Powershell => {
                format!("Remove-Item Env:{var} -ErrorAction SilentlyContinue\n")
            }
        });
    }
    for (var, value) in &h.set {
        out.push_str(&match shell {
            Shell::Bash | Shell::Zsh => format!("export {var}={}\n", posix_quote(value)),
            Shell::Fish => format!("set -gx {var} {}\n", fish_quote(value)),
            Shell::Powershell => format!("$Env:{var} = {}\n", powershell_quote(value)),
        });
    }
    out
}

/// Single quotes protect everything in POSIX shells except `'` itself.
fn posix_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

/// In fish single quotes, only `\` and `'` need a backslash.
fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell single-quoted strings double their quote characters, and
/// PowerShell takes the typographic single quotes U+2018..U+201B as quotes too.
fn powershell_quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for c in v.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The `credential_process` protocol's JSON (Version 1).
pub fn credential_process_json(c: &Credentials) -> secrecy::SecretString {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Process<'a> {
        version: u8,
        access_key_id: &'a str,
        secret_access_key: &'a str,
        session_token: &'a str,
        expiration: String,
    }
    super::secret_json(&Process {
        version: 1,
        access_key_id: &c.access_key_id,
        secret_access_key: c.secret_access_key(),
        session_token: c.session_token(),
        expiration: c.expiration_rfc3339(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handover() -> Handover {
        Handover {
            set: vec![("AWS_SESSION_TOKEN".into(), "a'b\\c$d`e\"f".into())],
            unset: vec!["AWS_PROFILE".into()],
        }
    }

    #[test]
    fn each_shell_quotes_safely() {
        assert_eq!(
            script(Shell::Bash, &handover()),
            "unset AWS_PROFILE\nexport AWS_SESSION_TOKEN='a'\\''b\\c$d`e\"f'\n"
        );
        assert_eq!(
            script(Shell::Fish, &handover()),
            "set -e AWS_PROFILE\nset -gx AWS_SESSION_TOKEN 'a\\'b\\\\c$d`e\"f'\n"
        );
        assert_eq!(
            script(Shell::Powershell, &handover()),
            "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n$Env:AWS_SESSION_TOKEN = 'a''b\\c$d`e\"f'\n"
        );
    }

    #[test]
    fn powershell_doubles_typographic_single_quotes_too() {
        let h = Handover {
            set: vec![("X".into(), "a\u{2018}b\u{2019}c\u{201A}d\u{201B}e'f".into())],
            unset: vec![],
        };
        assert_eq!(
            script(Shell::Powershell, &h),
            "$Env:X = 'a\u{2018}\u{2018}b\u{2019}\u{2019}c\u{201A}\u{201A}d\u{201B}\u{201B}e''f'\n"
        );
    }

    #[test]
    fn shell_is_detected_from_path() {
        assert_eq!(Shell::detect(Some("/usr/bin/fish")), Shell::Fish);
        assert_eq!(Shell::detect(Some("/bin/zsh")), Shell::Zsh);
        assert_eq!(Shell::detect(Some("C:/pwsh.exe")), Shell::Powershell);
        assert_eq!(Shell::detect(None), Shell::Bash);
    }

    #[test]
    fn credential_process_has_version_and_expiration() {
        use std::time::{Duration, SystemTime};
        let c = super::super::sample(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
        let v: serde_json::Value = serde_json::from_str(secrecy::ExposeSecret::expose_secret(
            &credential_process_json(&c),
        ))
        .unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["AccessKeyId"], "ASIAEXAMPLEKEY");
        assert_eq!(v["Expiration"], "2027-01-15T08:00:00Z");
        assert_eq!(v["SessionToken"], c.session_token());
    }
}
