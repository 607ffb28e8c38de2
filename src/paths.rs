//! Where rolehop keeps its files. An environment variable wins over the
//! platform's conventional directory so tests, CI and portable setups can
//! point rolehop elsewhere without touching the user's real files.

use std::ffi::OsString;
use std::path::PathBuf;

use directories::ProjectDirs;
use rolehop_files::bookmarks::NoConfigDir;

/// The bookmarks file: `$ROLEHOP_CONFIG`, else `bookmarks.toml` in the
/// platform config directory (e.g. `~/.config/rolehop/` on Linux).
pub fn bookmarks_path() -> Result<PathBuf, NoConfigDir> {
    bookmarks_path_with(env, project_dirs)
}

/// Where downloaded or generated data lives: `$ROLEHOP_DATA_DIR`, else the
/// platform data directory; `None` when the user has no home directory.
pub fn data_dir() -> Option<PathBuf> {
    env_path(env, "ROLEHOP_DATA_DIR").or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
}

/// Where disposable files live: `$ROLEHOP_CACHE_DIR`, else the platform cache
/// directory; `None` when the user has no home directory.
pub fn cache_dir() -> Option<PathBuf> {
    env_path(env, "ROLEHOP_CACHE_DIR")
        .or_else(|| project_dirs().map(|d| d.cache_dir().to_path_buf()))
}

/// Where sockets and other per-login files live (the agent's socket):
/// `$ROLEHOP_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/rolehop`, else `run/` in
/// the cache directory.
pub fn runtime_dir() -> Option<PathBuf> {
    env_path(env, "ROLEHOP_RUNTIME_DIR")
        .or_else(|| env_path(env, "XDG_RUNTIME_DIR").map(|d| d.join("rolehop")))
        .or_else(|| cache_dir().map(|d| d.join("run")))
}

fn env(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "rolehop")
}

/// An empty variable counts as unset: `ROLEHOP_CONFIG= rolehop` should not
/// mean "the file named ''".
fn env_path(env: impl Fn(&str) -> Option<OsString>, name: &str) -> Option<PathBuf> {
    env(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn bookmarks_path_with(
    env: impl Fn(&str) -> Option<OsString>,
    dirs: impl Fn() -> Option<ProjectDirs>,
) -> Result<PathBuf, NoConfigDir> {
    if let Some(path) = env_path(env, "ROLEHOP_CONFIG") {
        return Ok(path);
    }
    dirs()
        .map(|d| d.config_dir().join("bookmarks.toml"))
        .ok_or(NoConfigDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_override_wins_and_empty_counts_as_unset() {
        let set = |n: &str| (n == "ROLEHOP_CONFIG").then(|| OsString::from("/x/b.toml"));
        assert_eq!(
            bookmarks_path_with(set, || None).unwrap(),
            PathBuf::from("/x/b.toml")
        );
        let empty = |_: &str| Some(OsString::new());
        assert!(matches!(
            bookmarks_path_with(empty, || None),
            Err(NoConfigDir)
        ));
        assert_eq!(env_path(empty, "ROLEHOP_DATA_DIR"), None);
    }

    #[test]
    fn default_is_bookmarks_toml_in_the_config_dir() {
        let Some(dirs) = project_dirs() else { return };
        let p = bookmarks_path_with(|_| None, project_dirs).unwrap();
        assert_eq!(p, dirs.config_dir().join("bookmarks.toml"));
    }
}
