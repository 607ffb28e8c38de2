//! The region a bookmark's STS calls and hand-overs use, and where it comes
//! from: the bookmark (its own `region` or `[defaults]`), else the original
//! environment's `AWS_REGION` / `AWS_DEFAULT_REGION`, else the base profile's
//! `region` in the AWS config (following `source_profile`, as aws-config's
//! `ProfileFileRegionProvider` does), else rolehop's default, us-east-1.
//!
//! The profile files are read once ([`Regions::load`]); resolving is then
//! pure, so `list` and the picker say it for every bookmark without an SDK
//! config load each, and a switch resolves it the same way.

use super::FALLBACK_REGION;
use crate::env::{BaseSource, EnvView};
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

/// Where an effective region comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionFrom {
    /// The bookmark's `region` (or `[defaults]`).
    Bookmark,
    /// `AWS_REGION` or `AWS_DEFAULT_REGION` of the environment rolehop started in.
    Env(&'static str),
    /// `region` of this profile in the AWS config, shown as `file`.
    Profile { profile: String, file: String },
    /// Nothing names one: STS's global endpoint's region.
    Fallback,
    /// An IAM Identity Center role: its `[sso.NAME]`'s `default_region`
    /// (else `region`).
    Sso(String),
}

/// A region and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    pub name: String,
    pub from: RegionFrom,
}

impl Effective {
    /// The region something names, None when it is rolehop's default (a
    /// hand-over then leaves `AWS_REGION` unset).
    pub fn named(self) -> Option<String> {
        (self.from != RegionFrom::Fallback).then_some(self.name)
    }
}

impl std::fmt::Display for Effective {
    /// `eu-west-1 (bookmark)`, `us-east-1 (AWS_REGION)`, `us-east-1
    /// (~/.aws/config)`, `eu-west-2 (~/.aws/config, profile ops)`,
    /// `us-east-1 (rolehop's default)`: short enough for the detail pane.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = crate::text::sanitize(&self.name);
        match &self.from {
            RegionFrom::Bookmark => write!(f, "{name} (bookmark)"),
            RegionFrom::Env(var) => write!(f, "{name} ({var})"),
            RegionFrom::Profile { profile, file } if profile == "default" => {
                write!(f, "{name} ({})", crate::text::sanitize(file))
            }
            RegionFrom::Profile { profile, file } => write!(
                f,
                "{name} ({}, profile {})",
                crate::text::sanitize(file),
                crate::text::sanitize(profile)
            ),
            RegionFrom::Fallback => write!(f, "{name} (rolehop's default)"),
            RegionFrom::Sso(inst) => write!(f, "{name} ([sso.{}])", crate::text::sanitize(inst)),
        }
    }
}

/// Which profile's region a bookmark falls back to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Lookup {
    /// This profile (None: the one the SDK selects, `AWS_PROFILE` or default).
    Profile(Option<String>),
    /// Base credentials from keys: no profile is read.
    NoProfile,
}

impl Lookup {
    fn of(source: &BaseSource) -> Lookup {
        match source {
            BaseSource::Keys { .. } | BaseSource::NotCopied { .. } => Lookup::NoProfile,
            other => Lookup::Profile(other.profile_name().map(str::to_owned)),
        }
    }
}

/// What every bookmark's region resolves against, read once. Holds no
/// credentials (the profile files' secrets are dropped at load).
#[derive(Clone, Debug, Default)]
pub struct Regions {
    env: Option<(String, &'static str)>,
    /// Each profile's `region` and `source_profile`, from the AWS config.
    profiles: Vec<(String, Option<String>, Option<String>)>,
    /// The profile the SDK selects when none is named.
    selected: String,
    /// How the config file is named on screen.
    file: String,
}

impl Regions {
    /// Only the environment's region: for when every bookmark names its own
    /// or the environment does, so no file needs reading.
    pub fn without_files(env: &EnvView) -> Regions {
        Regions::from_parts(env, None, String::new())
    }

    /// The environment's region and the AWS config's profile regions, read
    /// with aws-config's parser (the files the SDK reads, `AWS_CONFIG_FILE`
    /// included). Unreadable files count as no region, as for the SDK.
    pub async fn load(env: &EnvView) -> Regions {
        let set =
            aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
                .await
                .ok();
        Regions::from_parts(env, set.as_ref(), config_file_shown())
    }

    fn from_parts(env: &EnvView, set: Option<&ProfileSet>, file: String) -> Regions {
        let base = env.base();
        let env_region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .into_iter()
            .find_map(|k| base.get(k).map(|v| (v.to_owned(), k)));
        let profiles = set.map_or_else(Vec::new, |set| {
            set.profiles()
                .filter_map(|name| set.get_profile(name))
                .map(|p| {
                    (
                        p.name().to_owned(),
                        p.get("region").map(str::to_owned),
                        p.get("source_profile").map(str::to_owned),
                    )
                })
                .collect()
        });
        Regions {
            env: env_region,
            profiles,
            selected: set.map_or("default", |s| s.selected_profile()).to_owned(),
            file,
        }
    }

    /// The region of a bookmark with `region` whose base credentials come
    /// from `source` (a via chain's: its root's).
    pub fn resolve(&self, region: Option<&str>, source: &BaseSource) -> Effective {
        self.resolve_lookup(region, &Lookup::of(source))
    }

    fn resolve_lookup(&self, region: Option<&str>, lookup: &Lookup) -> Effective {
        if let Some(r) = region {
            return Effective {
                name: r.to_owned(),
                from: RegionFrom::Bookmark,
            };
        }
        if let Some((r, var)) = &self.env {
            return Effective {
                name: r.clone(),
                from: RegionFrom::Env(var),
            };
        }
        if let Lookup::Profile(p) = lookup {
            let start = p.as_deref().unwrap_or(&self.selected);
            if let Some((profile, r)) = self.profile_region(start) {
                return Effective {
                    name: r.to_owned(),
                    from: RegionFrom::Profile {
                        profile: profile.to_owned(),
                        file: self.file.clone(),
                    },
                };
            }
        }
        Effective {
            name: FALLBACK_REGION.to_owned(),
            from: RegionFrom::Fallback,
        }
    }

    /// aws-config's rule: the profile's `region`, else its `source_profile`'s,
    /// and so on; a loop or a missing profile ends it with none.
    fn profile_region(&self, start: &str) -> Option<(&str, &str)> {
        let mut name = start;
        for _ in 0..=self.profiles.len() {
            let (n, region, source) = self.profiles.iter().find(|(n, ..)| n == name)?;
            match (region, source) {
                (Some(r), _) => return Some((n, r)),
                (None, Some(s)) if s != name => name = s,
                _ => return None,
            }
        }
        None
    }
}

/// The config file as the SDK finds it, under HOME written `~/...`.
fn config_file_shown() -> String {
    let Some(path) = std::env::var_os("AWS_CONFIG_FILE") else {
        return "~/.aws/config".into();
    };
    let path = std::path::PathBuf::from(path);
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Effective, RegionFrom, Regions};
    use crate::env::{BaseSource, EnvView};
    use aws_config::meta::region::ProvideRegion;
    use aws_config::profile::ProfileFileRegionProvider;
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    use aws_types::os_shim_internal::{Env, Fs};

    const CONFIG: &str = "[default]\nregion = eu-west-1\n\
        [profile ops]\nregion = eu-west-2\n\
        [profile child]\nsource_profile = ops\nrole_arn = arn:aws:iam::111122223333:role/R\n\
        [profile grandchild]\nsource_profile = child\n\
        [profile bare]\naws_access_key_id = AKIA\n\
        [profile self]\nsource_profile = self\n\
        [profile loop-a]\nsource_profile = loop-b\n\
        [profile loop-b]\nsource_profile = loop-a\n";

    fn files() -> EnvConfigFiles {
        EnvConfigFiles::builder()
            .with_contents(EnvConfigFileKind::Config, CONFIG)
            .build()
    }

    fn regions(env: &[(&str, &str)]) -> Regions {
        let set = crate::rt::block_on(aws_config::profile::load(
            &Fs::from_slice(&[]),
            &Env::from_slice(&[]),
            &files(),
            None,
        ))
        .unwrap()
        .unwrap();
        let env = EnvView::from_pairs(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Regions::from_parts(&env, Some(&set), "~/.aws/config".into())
    }

    fn profile(p: &str) -> BaseSource {
        BaseSource::Profile(p.into())
    }

    /// What the SDK's own provider says for `profile`.
    #[allow(deprecated)]
    fn sdk(profile: &str) -> Option<String> {
        let provider = ProfileFileRegionProvider::builder()
            .profile_files(files())
            .profile_name(profile)
            .build();
        crate::rt::block_on(provider.region())
            .unwrap()
            .map(|r| r.to_string())
    }

    #[test]
    fn a_profile_region_is_found_as_the_sdk_finds_it() {
        let r = regions(&[]);
        for p in [
            "default",
            "ops",
            "child",
            "grandchild",
            "bare",
            "self",
            "loop-a",
            "missing",
        ] {
            let ours = r.resolve(None, &profile(p)).named();
            assert_eq!(ours, sdk(p), "profile {p}");
        }
    }

    #[test]
    fn the_region_says_where_it_comes_from() {
        let r = regions(&[]);
        let said = |e: Effective| e.to_string();
        assert_eq!(
            said(r.resolve(Some("ap-south-1"), &profile("ops"))),
            "ap-south-1 (bookmark)"
        );
        assert_eq!(
            said(r.resolve(None, &BaseSource::Chain { profile: None })),
            "eu-west-1 (~/.aws/config)"
        );
        assert_eq!(
            said(r.resolve(None, &profile("child"))),
            "eu-west-2 (~/.aws/config, profile ops)"
        );
        assert_eq!(
            said(r.resolve(None, &profile("bare"))),
            "us-east-1 (rolehop's default)"
        );
        let env = regions(&[("AWS_DEFAULT_REGION", "ca-central-1")]);
        assert_eq!(
            said(env.resolve(None, &profile("ops"))),
            "ca-central-1 (AWS_DEFAULT_REGION)"
        );
        let both = regions(&[("AWS_DEFAULT_REGION", "x"), ("AWS_REGION", "sa-east-1")]);
        assert_eq!(
            both.resolve(None, &profile("ops")).from,
            RegionFrom::Env("AWS_REGION")
        );
        // Keys as the base identity: no profile is consulted.
        let keys = BaseSource::NotCopied {
            access_key_id: "AKIA".into(),
        };
        assert_eq!(r.resolve(None, &keys).from, RegionFrom::Fallback);
    }
}
