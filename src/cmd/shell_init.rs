//! Shell integration: `rolehop completions SHELL` and `rolehop init SHELL`.
//!
//! Completions are clap_complete's dynamic ones: the registration script
//! calls the binary back with `ROLEHOP_COMPLETE=<shell>` and the words typed,
//! and the binary answers from the CLI definition, bookmark names included
//! ([`crate::cli::bookmark_candidates`]). One mechanism for bash, zsh, fish and
//! PowerShell, always in step with the installed binary and the bookmarks file.

use crate::cli::{CompletionShell, InitShell};
use crate::error::{Error, Result};
use clap_complete::env::EnvCompleter;
use std::io::Write;
use std::process::ExitCode;

/// The variable the registration scripts set to ask for completions.
pub const COMPLETE_VAR: &str = "ROLEHOP_COMPLETE";

/// Answer a completion request if this run is one (called first in `main`).
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(<crate::cli::Cli as clap::CommandFactory>::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// The registration script for `shell`.
pub fn completion_script(shell: CompletionShell) -> String {
    let completer: &dyn EnvCompleter = match shell {
        CompletionShell::Bash => &clap_complete::env::Bash,
        CompletionShell::Zsh => &clap_complete::env::Zsh,
        CompletionShell::Fish => &clap_complete::env::Fish,
        CompletionShell::Powershell => &clap_complete::env::Powershell,
    };
    // The binary that printed the script answers the completions: no PATH
    // lookup that a `rolehop` shell function (rolehop init) would intercept.
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.into_os_string().into_string().ok())
        .unwrap_or_else(|| "rolehop".into());
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail; were it to, the script is what was written.
    let _ = completer.write_registration(COMPLETE_VAR, "rolehop", "rolehop", &exe, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub fn completions(shell: CompletionShell) -> Result<ExitCode> {
    print_out(&completion_script(shell))
}

const INIT_POSIX: &str = r#"# rolehop shell integration (SHELL): `rolehop use NAME` exports NAME's
# credentials into this shell; `rolehop use` picks one in the picker.
# Every other subcommand runs the binary as usual.
rolehop() {
    if [ "${1-}" = use ]; then
        shift
        local __rolehop_out
        if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
            __rolehop_out="$(command rolehop pick --shell SHELL "$@")" || return $?
        else
            __rolehop_out="$(command rolehop env --shell SHELL "$@")" || return $?
        fi
        eval "$__rolehop_out"
    else
        command rolehop "$@"
    fi
}
"#;

const INIT_FISH: &str = r#"# rolehop shell integration (fish): `rolehop use NAME` exports NAME's
# credentials into this shell; `rolehop use` picks one in the picker.
# Every other subcommand runs the binary as usual.
function rolehop --description 'rolehop; `rolehop use NAME` switches this shell'
    if test (count $argv) -ge 1; and test "$argv[1]" = use
        set -l rest $argv[2..-1]
        set -l out
        if test (count $rest) -eq 0; or string match -q -- '-*' "$rest[1]"
            set out (command rolehop pick --shell fish $rest); or return $status
        else
            set out (command rolehop env --shell fish $rest); or return $status
        end
        # `set -e` of an unset variable fails harmlessly: the status is not ours.
        string join \n -- $out | source
        return 0
    else
        command rolehop $argv
    end
end
"#;

/// The shell function `rolehop init SHELL` prints.
pub fn init_script(shell: InitShell) -> String {
    match shell {
        InitShell::Bash => INIT_POSIX.replace("SHELL", "bash"),
        InitShell::Zsh => INIT_POSIX.replace("SHELL", "zsh"),
        InitShell::Fish => INIT_FISH.to_owned(),
    }
}

pub fn init(shell: InitShell) -> Result<ExitCode> {
    print_out(&init_script(shell))
}

/// `rolehop use` reached the binary: the shell function is not installed.
pub fn use_without_init(name: Option<&str>) -> Result<ExitCode> {
    let export = match name {
        Some(n) => format!("eval \"$(rolehop env {n})\""),
        None => "eval \"$(rolehop pick)\"".to_owned(),
    };
    Err(Error::Usage {
        message: "`rolehop use` needs the shell function: a program cannot change its parent shell's environment".into(),
        hint: Some(format!(
            "add `eval \"$(rolehop init bash)\"` to ~/.bashrc (zsh: init zsh in ~/.zshrc; fish: `rolehop init fish | source`), or run: {export}"
        )),
    })
}

/// `rolehop man [--dir DIR]`: the manual page(s) from the CLI definition.
pub fn man(dir: Option<&std::path::Path>) -> Result<ExitCode> {
    let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let io = |context: String| move |source| Error::Io { context, source };
    match dir {
        Some(dir) => {
            clap_mangen::generate_to(cmd, dir).map_err(io(format!(
                "cannot write manual pages into {}",
                dir.display()
            )))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(io("cannot render the manual page".into()))?;
            print_out(&String::from_utf8_lossy(&buf))
        }
    }
}

fn print_out(text: &str) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            context: "cannot write to stdout".into(),
            source,
        })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_scripts_name_their_shell() {
        assert!(init_script(InitShell::Bash).contains("env --shell bash"));
        assert!(init_script(InitShell::Zsh).contains("pick --shell zsh"));
        assert!(init_script(InitShell::Fish).contains("env --shell fish"));
    }

    #[test]
    fn completion_scripts_call_back_with_the_variable() {
        for shell in [
            CompletionShell::Bash,
            CompletionShell::Zsh,
            CompletionShell::Fish,
            CompletionShell::Powershell,
        ] {
            let s = completion_script(shell);
            assert!(s.contains(COMPLETE_VAR), "{shell:?}: {s}");
        }
    }
}
