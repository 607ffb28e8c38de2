//! Role profiles of the AWS config file → bookmarks.
//!
//! The files are read with aws-config's own parser, so its rules apply:
//! `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, the merge of config and
//! credentials (credentials win per key), `[profile x]` vs `[default]`, and
//! dropping sections whose names it considers invalid.

use super::{Entry, Parsed, Skipped, bookmark_name, parse_role_arn, partition_mismatch};
use crate::error::{Error, Result};
use aws_config::profile::{Profile, ProfileSet};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::os_shim_internal::{Env, Fs};
use rolehop_files::bookmarks::{BookmarkSpec, Extras, MfaSource};
use rolehop_files::credentials::OTHER_SOURCES;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Read the AWS config (and credentials) files: `config_file` instead of
/// `AWS_CONFIG_FILE` / `~/.aws/config` when given. From such a file its
/// `mfa_process` commands come along only `with_commands`.
pub fn read(config_file: Option<&Path>, with_commands: bool) -> Result<Parsed> {
    let files = match config_file {
        Some(p) => EnvConfigFiles::builder()
            .include_default_credentials_file(true)
            .with_file(EnvConfigFileKind::Config, p)
            .build(),
        None => EnvConfigFiles::default(),
    };
    let set = crate::rt::block_on(aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &files,
        None,
    ))?
    .map_err(|e| Error::Usage {
        message: format!(
            "cannot read the AWS config: {}",
            crate::sts::profile_file::describe(&e)
                .unwrap_or_else(|| DisplayErrorContext(&e).to_string())
        ),
        hint: None,
    })?;
    let path = config_file
        .map(Path::to_path_buf)
        .or_else(default_config_path);
    let text = path
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let headers = headers(&text);
    let mut parsed = from_profiles(&set, &section_order(&headers));
    parsed.skipped.extend(dropped(&set, &headers));
    if config_file.is_some() && !with_commands {
        drop_commands(&mut parsed);
    }
    Ok(parsed)
}

/// Take every `mfa_process` out, naming it in the entry's notes. A file given
/// with `--file` may be someone else's (a team's shared config), and rolehop
/// runs these commands later on its own (live renewals, the agent).
pub fn drop_commands(parsed: &mut Parsed) {
    for e in &mut parsed.entries {
        if let Some(MfaSource::Process(cmd)) = &e.extras.mfa_source {
            e.notes.push(format!(
                "mfa_process not imported (a command from --file; --with-commands imports it): {cmd}"
            ));
            e.extras.mfa_source = None;
        }
    }
}

/// `$AWS_CONFIG_FILE`, else `~/.aws/config` (only for the report's order).
fn default_config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return Some(match (p.strip_prefix("~"), std::env::var_os("HOME")) {
            (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => p,
        });
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws").join("config"))
}

/// A `[...]` header of the config file, in file order.
#[derive(Debug, PartialEq, Eq)]
pub struct Header {
    /// The profile name (`[profile NAME]`, `[default]`) or the raw header.
    pub name: String,
    /// `[profile NAME]` or `[default]`; false for `[sso-session x]`,
    /// `[services x]` and a bare `[NAME]` (which config files ignore).
    pub is_profile: bool,
}

/// The section headers of a config file's `text`.
pub fn headers(text: &str) -> Vec<Header> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(inner) = line.strip_prefix('[').and_then(|l| l.split(']').next()) else {
            continue;
        };
        let inner = inner.trim();
        out.push(match inner.strip_prefix("profile") {
            Some(rest) if rest.starts_with([' ', '\t']) => Header {
                name: rest.trim().to_owned(),
                is_profile: true,
            },
            _ => Header {
                name: inner.to_owned(),
                is_profile: inner == "default",
            },
        });
    }
    out
}

/// Profile names in the order their sections first appear.
pub fn section_order(headers: &[Header]) -> HashMap<String, usize> {
    let mut order = HashMap::new();
    for h in headers.iter().filter(|h| h.is_profile) {
        let n = order.len();
        order.entry(h.name.clone()).or_insert(n);
    }
    order
}

/// Sections of the file the SDK's parser left out, with the reason.
pub fn dropped(set: &ProfileSet, headers: &[Header]) -> Vec<Skipped> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for h in headers {
        if !seen.insert(h.name.as_str()) || set.get_profile(&h.name).is_some() {
            continue;
        }
        let other = ["sso-session", "services", "plugins", "preview"]
            .iter()
            .any(|p| h.name.starts_with(p));
        let reason = if h.is_profile {
            "the AWS SDK ignores this profile: its name is not valid (letters, digits and -_./@:+= only)"
        } else if other {
            continue;
        } else {
            "the AWS SDK ignores [NAME] in the config file: profiles are [profile NAME]"
        };
        out.push(Skipped {
            from: h.name.clone(),
            reason: reason.to_owned(),
        });
    }
    out
}

/// The `[sso-session]` an `sso_account_id` / `sso_role_name` profile uses,
/// as rolehop's `[sso.NAME]`; why not, when it cannot be one.
fn sso_profile(
    set: &ProfileSet,
    session: Option<&str>,
    account: &str,
    role: &str,
) -> std::result::Result<(String, rolehop_files::bookmarks::SsoConfig), String> {
    use rolehop_files::bookmarks::{Field, validate_field};
    let Some(session) = session else {
        return Err("a legacy SSO profile (sso_start_url without sso_session): its token is not shared by name; give it an [sso-session] (aws configure sso) to import it".into());
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("sso_account_id must be 12 digits, got {account:?}"));
    }
    if validate_field(Field::Role, role).is_err() {
        return Err(format!(
            "sso_role_name {role:?} is not a permission set name"
        ));
    }
    if validate_field(Field::Name, session).is_err() {
        return Err(format!(
            "sso_session {session:?} cannot name a rolehop instance (letters, digits, '.', '_' and '-')"
        ));
    }
    let s = set.sso_session(session).ok_or_else(|| {
        format!("sso_session = {session}, but there is no [sso-session {session}]")
    })?;
    let (Some(start_url), Some(region)) = (s.get("sso_start_url"), s.get("sso_region")) else {
        return Err(format!(
            "[sso-session {session}] lacks sso_start_url or sso_region"
        ));
    };
    let cfg = rolehop_files::bookmarks::SsoConfig {
        start_url: start_url.trim().to_owned(),
        region: region.trim().to_owned(),
        ..Default::default()
    };
    rolehop_files::bookmarks::check_start_url(&cfg.start_url)
        .map_err(|e| format!("[sso-session {session}]: sso_start_url {e}"))?;
    validate_field(Field::Region, &cfg.region)
        .map_err(|e| format!("[sso-session {session}]: sso_region {e}"))?;
    Ok((session.to_owned(), cfg))
}

/// Why a profile without `role_arn` is no bookmark.
fn no_role_reason(set: &ProfileSet, name: &str) -> String {
    let p = set.get_profile(name);
    let has = |k: &str| p.and_then(|p| p.get(k)).is_some();
    if has("sso_account_id") || has("sso_role_name") {
        "no role_arn (an SSO profile: usable as a bookmark's source_profile)".into()
    } else if has("aws_access_key_id") || has("credential_process") {
        "no role_arn (base credentials: usable as a bookmark's source_profile)".into()
    } else {
        "no role_arn".into()
    }
}

/// What the profile named by another's `source_profile` gives the AWS SDK.
enum Source {
    /// A role it assumes in turn (a `via` bookmark).
    Role,
    /// Base credentials, read with the profile on its own (`source_profile`);
    /// with a note when the SDK cannot use them as they are now (the keys
    /// may be added later: the bookmark then works as the SDK does).
    Base(Option<&'static str>),
    /// Nothing rolehop can use as the SDK does: why.
    Unusable(String),
}

/// How the Rust SDK resolves `s` as a source (its `resolve_chain`): complete
/// access keys win over everything else there, a `role_arn` (without
/// `web_identity_token_file`) is chained, anything else is a base provider.
/// rolehop reads a `source_profile` on its own, where those keys come last,
/// so keys next to another credential source cannot be used as the SDK does.
fn source_kind(s: &Profile) -> Source {
    let has = |k: &str| s.get(k).is_some();
    let keys = has("aws_access_key_id") && has("aws_secret_access_key");
    let role = has("role_arn") && !has("web_identity_token_file");
    let rival = OTHER_SOURCES.into_iter().find(|k| has(k));
    match (keys, rival) {
        (true, Some(k)) => Source::Unusable(format!(
            "holds access keys and {k}: the AWS SDK assumes from those keys, rolehop (reading the profile on its own) would use {k}; move the keys to a profile of their own"
        )),
        (true, None) => Source::Base(None),
        (false, _) if role => Source::Role,
        (false, Some("web_identity_token_file")) => Source::Base(Some(
            "has web_identity_token_file but no role_arn: the AWS SDK refuses it as it is",
        )),
        (false, Some(_)) => Source::Base(None),
        (false, None) if has("aws_access_key_id") => Source::Base(Some(
            "has aws_access_key_id but no aws_secret_access_key: the AWS SDK refuses it as it is",
        )),
        (false, None) if has("aws_secret_access_key") => Source::Base(Some(
            "has aws_secret_access_key but no aws_access_key_id: the AWS SDK refuses it as it is",
        )),
        (false, None) => Source::Base(Some(
            "holds no credentials yet: the AWS SDK refuses it until it does",
        )),
    }
}

/// Turn the profiles of `set` into candidates, in file order (`order`; the
/// rest by name), each `via` target before its users.
pub fn from_profiles(set: &ProfileSet, order: &HashMap<String, usize>) -> Parsed {
    let mut names: Vec<&str> = set.profiles().collect();
    names.sort_by(|a, b| {
        let key = |n: &str| order.get(n).copied().unwrap_or(usize::MAX);
        key(a).cmp(&key(b)).then(a.cmp(b))
    });
    let mut parsed = Parsed::default();
    let mut entries: HashMap<&str, Entry> = HashMap::new();
    let mut via_of: HashMap<&str, &str> = HashMap::new();
    for &name in &names {
        let Some(p) = set.get_profile(name) else {
            continue;
        };
        let get = |k: &str| p.get(k).map(str::trim).filter(|v| !v.is_empty());
        let skip = |reason: String| Skipped {
            from: name.to_owned(),
            reason,
        };
        // Keys beside the sso_* keys win in the SDK: a base profile then.
        if get("role_arn").is_none()
            && get("aws_access_key_id").is_none()
            && let (Some(acct), Some(role)) = (get("sso_account_id"), get("sso_role_name"))
        {
            let beside = ["sso_start_url", "sso_region"]
                .into_iter()
                .find(|k| get("sso_session").is_some() && get(k).is_some());
            let found = match beside {
                // The SDKs refuse such a profile; so does the import.
                Some(k) => Err(format!(
                    "{k} can only be set in the [sso-session] this profile names, not beside sso_session"
                )),
                None => sso_profile(set, get("sso_session"), acct, role),
            };
            match found {
                Ok((session, cfg)) => {
                    let bookmark = bookmark_name(name);
                    let mut notes = Vec::new();
                    let mut display = None;
                    if bookmark != name {
                        notes.push(format!("renamed from {name:?}"));
                        display = Some(name.chars().take(64).collect());
                    }
                    if !parsed.sso.iter().any(|(n, _)| *n == session) {
                        parsed.sso.push((session.clone(), cfg));
                    }
                    let e = Entry {
                        from: name.to_owned(),
                        spec: BookmarkSpec {
                            name: bookmark,
                            account: acct.to_owned(),
                            role: role.to_owned(),
                            display,
                            region: get("region").map(str::to_owned),
                            ..BookmarkSpec::default()
                        },
                        extras: Extras {
                            sso: Some(session),
                            ..Extras::default()
                        },
                        notes,
                    };
                    entries.insert(name, e);
                }
                Err(why) => parsed.skipped.push(skip(why)),
            }
            continue;
        }
        let Some(arn) = get("role_arn") else {
            parsed.skipped.push(skip(no_role_reason(set, name)));
            continue;
        };
        if let Some(cs) = get("credential_source") {
            parsed.skipped.push(skip(format!(
                "credential_source = {cs} is not supported (rolehop assumes from a profile or the standard chain); use source_profile"
            )));
            continue;
        }
        if get("web_identity_token_file").is_some() {
            parsed.skipped.push(skip(
                "web_identity_token_file (AssumeRoleWithWebIdentity) is not supported".into(),
            ));
            continue;
        }
        let (partition, account, role) = match parse_role_arn(arn) {
            Ok(parts) => parts,
            Err(why) => {
                parsed.skipped.push(skip(why));
                continue;
            }
        };
        let region = get("region");
        if let Some(why) = partition_mismatch(partition, region) {
            parsed.skipped.push(skip(why));
            continue;
        }
        let bookmark = bookmark_name(name);
        let mut notes = Vec::new();
        let mut display = None;
        if bookmark != name {
            notes.push(format!("renamed from {name:?}"));
            display = Some(name.chars().take(64).collect());
        }
        let mut spec = BookmarkSpec {
            name: bookmark,
            account: account.to_owned(),
            role: role.to_owned(),
            display,
            color: None,
            mfa_serial: get("mfa_serial").map(str::to_owned),
            external_id: get("external_id").map(str::to_owned),
            region: region.map(str::to_owned),
            duration: get("duration_seconds").map(str::to_owned),
            source_profile: None,
            session_name: get("role_session_name").map(str::to_owned),
        };
        let mut extras = Extras::default();
        // aws-vault's key: the command whose output is the code.
        if let Some(cmd) = get("mfa_process") {
            match rolehop_files::bookmarks::validate_mfa_process(cmd) {
                Ok(()) => extras.mfa_source = Some(MfaSource::Process(cmd.to_owned())),
                Err(e) => notes.push(format!("mfa_process ignored: it {e}")),
            }
        }
        match get("source_profile") {
            Some(src) if src == name => {
                parsed.skipped.push(skip(
                    "source_profile names the profile itself (its own keys assume the role); move the keys to a base profile".into(),
                ));
                continue;
            }
            Some(src) => match set.get_profile(src).map(source_kind) {
                None => {
                    parsed
                        .skipped
                        .push(skip(format!("source_profile {src:?} does not exist")));
                    continue;
                }
                Some(Source::Role) => {
                    extras.via = Some(bookmark_name(src));
                    via_of.insert(name, src);
                }
                Some(Source::Base(note)) => {
                    spec.source_profile = Some(src.to_owned());
                    notes.extend(note.map(|n| format!("source_profile {src:?} {n}")));
                }
                Some(Source::Unusable(why)) => {
                    parsed
                        .skipped
                        .push(skip(format!("source_profile {src:?} {why}")));
                    continue;
                }
            },
            None => notes.push("no source_profile: assumes from the standard chain".into()),
        }
        entries.insert(
            name,
            Entry {
                from: name.to_owned(),
                spec,
                extras,
                notes,
            },
        );
    }
    // File order, but a via target before the profiles chained from it.
    let mut done: HashSet<&str> = HashSet::new();
    for &name in &names {
        let mut stack = vec![name];
        let mut cur = name;
        while let Some(&next) = via_of.get(cur) {
            if stack.contains(&next) {
                break; // a loop: plan_many reports the unresolved via
            }
            stack.push(next);
            cur = next;
        }
        for n in stack.into_iter().rev() {
            if done.insert(n)
                && let Some(e) = entries.remove(n)
            {
                parsed.entries.push(e);
            }
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's own view of these two files.
    fn sdk_set(config: &str, credentials: &str) -> aws_config::profile::ProfileSet {
        let files = EnvConfigFiles::builder()
            .with_contents(EnvConfigFileKind::Config, config)
            .with_contents(EnvConfigFileKind::Credentials, credentials)
            .build();
        crate::rt::block_on(aws_config::profile::load(
            &Fs::from_slice(&[]),
            &Env::from_slice(&[]),
            &files,
            None,
        ))
        .unwrap()
        .unwrap()
    }

    fn parse(config: &str, credentials: &str) -> Parsed {
        let set = sdk_set(config, credentials);
        let headers = headers(config);
        let mut parsed = from_profiles(&set, &section_order(&headers));
        parsed.skipped.extend(dropped(&set, &headers));
        parsed
    }

    /// The parser suites' header and merge cases: the profiles imported are
    /// exactly the role profiles the SDK itself sees.
    #[test]
    fn imports_exactly_the_role_profiles_the_sdk_sees() {
        let config = "\
[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\n\
[profile\tb]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = base\n\
[ profile c ]\nrole_arn = arn:aws:iam::111111111111:role/C\nsource_profile = base\n\
[profile d] # comment\nrole_arn = arn:aws:iam::111111111111:role/D\nsource_profile = base\n\
[profile e];comment\nrole_arn = arn:aws:iam::111111111111:role/E\nsource_profile = base\n\
[f]\nrole_arn = arn:aws:iam::111111111111:role/F\nsource_profile = base\n\
[profile g h]\nrole_arn = arn:aws:iam::111111111111:role/G\nsource_profile = base\n\
[sso-session corp]\nsso_region = us-east-1\n\
[profile j]\nregion = eu-west-1\n\
[profile j]\nrole_arn = arn:aws:iam::111111111111:role/J\nsource_profile = base\n\
[profile k]\nROLE_ARN = arn:aws:iam::111111111111:role/K\nsource_profile = base\n\
[profile l]\ns3 =\n  role_arn = arn:aws:iam::111111111111:role/NotTopLevel\n";
        let credentials = "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n";
        let set = sdk_set(config, credentials);
        let mut sdk: Vec<&str> = set
            .profiles()
            .filter(|n| set.get_profile(n).and_then(|p| p.get("role_arn")).is_some())
            .collect();
        sdk.sort();
        let p = parse(config, credentials);
        let mut imported: Vec<&str> = p.entries.iter().map(|e| e.from.as_str()).collect();
        imported.sort();
        assert_eq!(imported, sdk, "skipped: {:?}", p.skipped);
        assert!(imported.contains(&"j"), "duplicates merge");
        assert!(!imported.contains(&"l"), "a nested key is not a role_arn");
    }

    /// The SDK takes a source profile's access keys before anything else in
    /// it, and a web-identity role is a base there, not a chained role.
    #[test]
    fn source_profiles_are_used_as_the_sdk_uses_them() {
        let p = parse(
            "[profile keys-and-role]\nrole_arn = arn:aws:iam::111111111111:role/Mid\nsource_profile = base\n\
             [profile on-keys-and-role]\nrole_arn = arn:aws:iam::222222222222:role/Top\nsource_profile = keys-and-role\n\
             [profile web]\nrole_arn = arn:aws:iam::111111111111:role/Web\nweb_identity_token_file = /t\n\
             [profile on-web]\nrole_arn = arn:aws:iam::222222222222:role/OnWeb\nsource_profile = web\n\
             [profile half]\naws_access_key_id = AKIAHALF\n\
             [profile on-half]\nrole_arn = arn:aws:iam::222222222222:role/OnHalf\nsource_profile = half\n\
             [profile token-only]\nweb_identity_token_file = /t\n\
             [profile on-token-only]\nrole_arn = arn:aws:iam::222222222222:role/T\nsource_profile = token-only\n\
             [profile settings]\nregion = eu-west-1\n\
             [profile on-settings]\nrole_arn = arn:aws:iam::222222222222:role/S\nsource_profile = settings\n",
            "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n\
             [keys-and-role]\naws_access_key_id = AKIAMID\naws_secret_access_key = s\n",
        );
        let entry = |n: &str| p.entries.iter().find(|e| e.from == n);
        let skipped = |n: &str| {
            p.skipped
                .iter()
                .find(|s| s.from == n)
                .map(|s| s.reason.as_str())
                .unwrap_or_else(|| panic!("{n} not skipped: {p:?}"))
        };
        // Before: via keys-and-role, i.e. its role first; the SDK uses its keys.
        assert!(skipped("on-keys-and-role").contains("holds access keys and role_arn"));
        // Before: via web, which is skipped, so never imported.
        let on_web = entry("on-web").expect("on-web imported");
        assert_eq!(on_web.spec.source_profile.as_deref(), Some("web"));
        assert_eq!(on_web.extras.via, None);
        // Before: imported without a word, failing each time it is used.
        let noted = |n: &str, what: &str| {
            let e = entry(n).unwrap_or_else(|| panic!("{n} imported"));
            assert!(
                e.notes.iter().any(|note| note.contains(what)),
                "{n}: {:?}",
                e.notes
            );
        };
        noted(
            "on-half",
            "no aws_secret_access_key: the AWS SDK refuses it",
        );
        noted("on-token-only", "no role_arn: the AWS SDK refuses it");
        noted("on-settings", "holds no credentials yet");
        // Unchanged: a plain key profile is a source, a role profile a via.
        assert_eq!(
            entry("keys-and-role")
                .unwrap()
                .spec
                .source_profile
                .as_deref(),
            Some("base")
        );
    }

    #[test]
    fn mfa_process_comes_along_as_aws_vault_writes_it() {
        let p = parse(
            "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nmfa_process = ykman oath accounts code --single 'AWS alice'\n\
             [profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = base\nmfa_process = op 'unclosed\n",
            "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
        );
        assert_eq!(
            p.entries[0].extras.mfa_source,
            Some(MfaSource::Process(
                "ykman oath accounts code --single 'AWS alice'".into()
            ))
        );
        assert_eq!(p.entries[1].extras.mfa_source, None);
        assert!(
            p.entries[1].notes.contains(
                &"mfa_process ignored: it has an unclosed quote: \"op 'unclosed\"".to_owned()
            ),
            "{:?}",
            p.entries[1].notes
        );
    }

    #[test]
    fn commands_from_another_file_are_dropped_and_named() {
        let mut p = parse(
            "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nmfa_process = sh -c 'curl x'\n\
             [profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
        );
        let b_before = p.entries[1].clone();
        drop_commands(&mut p);
        assert_eq!(p.entries[0].extras.mfa_source, None);
        assert_eq!(
            p.entries[0].notes.last().map(String::as_str),
            Some(
                "mfa_process not imported (a command from --file; --with-commands imports it): sh -c 'curl x'"
            )
        );
        assert_eq!(p.entries[1], b_before);
    }

    #[test]
    fn chains_put_the_via_target_first_and_credentials_merge() {
        let p = parse(
            "[profile c]\nrole_arn = arn:aws:iam::333333333333:role/C\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::222222222222:role/B\nsource_profile = a\n\
             [profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = base\n\
             [profile loop1]\nrole_arn = arn:aws:iam::111111111111:role/L\nsource_profile = loop2\n\
             [profile loop2]\nrole_arn = arn:aws:iam::111111111111:role/L\nsource_profile = loop1\n\
             [notaprofile]\nregion = eu-west-1\n",
            "[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n\
             [a]\nregion = eu-west-2\n",
        );
        let names: Vec<&str> = p.entries.iter().map(|e| e.spec.name.as_str()).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(p.entries[0].spec.source_profile.as_deref(), Some("base"));
        // credentials win per key: region of [a] came from there.
        assert_eq!(p.entries[0].spec.region.as_deref(), Some("eu-west-2"));
        assert_eq!(p.entries[1].extras.via.as_deref(), Some("a"));
        assert_eq!(p.entries[2].extras.via.as_deref(), Some("b"));
        // A loop is not resolved here: plan_many refuses the unresolvable via.
        let existing = [];
        let pairs: Vec<_> = p
            .entries
            .iter()
            .map(|e| (e.spec.clone(), e.extras.clone()))
            .collect();
        let outcomes = rolehop_files::bookmarks::plan_many(&existing, &pairs, false);
        assert!(outcomes[..3].iter().all(|o| o.writes()), "{outcomes:?}");
        assert!(
            outcomes[3..].iter().any(|o| !o.writes()),
            "a via loop cannot be imported: {outcomes:?}"
        );
        assert!(
            p.skipped
                .iter()
                .any(|s| s.from == "notaprofile" && s.reason.contains("[profile NAME]")),
            "{:?}",
            p.skipped
        );
    }
}
