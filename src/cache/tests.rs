//! The cache's storage, entries and code guard, without AWS.

use super::totp::{self, Guard, REUSE_STEPS, STEP_SECS, TotpRecord};
use super::*;
use crate::creds::Credentials;
use secrecy::SecretString;
use std::time::Duration;

fn t(secs: u64) -> SystemTime {
    // A multiple of 30 s: steps start at round numbers.
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

fn creds(expires: SystemTime) -> Credentials {
    Credentials {
        access_key_id: "ASIACACHETEST".into(),
        secret_access_key: SecretString::from("cache-secret-value".to_string()),
        session_token: SecretString::from("cache-token-value".to_string()),
        expiration: expires,
        assumed_role_arn: Some("arn:aws:sts::210987654321:assumed-role/Admin/alice".into()),
    }
}

fn role_entry(name: &str) -> Entry {
    Entry::Role(RoleSession {
        bookmark: name.into(),
        role_arn: "arn:aws:iam::210987654321:role/Admin".into(),
        external_id: None,
        session_name: "alice".into(),
        duration: None,
        base: "key:AKIATEST".into(),
        mfa_serial: None,
        via: vec![],
        mode: Mode::Plain,
        creds: StoredCreds::from(&creds(t(3600))),
        obtained: unix(t(0)),
        region: Some("eu-west-1".into()),
        limit: None,
    })
}

fn file_cache() -> (tempfile::TempDir, Cache) {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::open_in(&dir.path().join("cache"), Choice::File)
        .unwrap()
        .quiet();
    (dir, cache)
}

#[test]
fn entries_round_trip_and_never_show_secrets_in_debug() {
    let e = role_entry("prod");
    let back = Entry::decode(&e.encode()).unwrap();
    let Entry::Role(r) = &back else {
        panic!("wrong kind")
    };
    assert_eq!(r.bookmark, "prod");
    let c = r.creds.to_credentials();
    assert_eq!(c.secret_access_key(), "cache-secret-value");
    assert_eq!(c.session_token(), "cache-token-value");
    assert_eq!(c.expiration, t(3600));
    let debug = format!("{back:?} {:?}", r.creds);
    assert!(!debug.contains("cache-secret-value") && !debug.contains("cache-token-value"));
    let text = String::from_utf8(e.encode().to_vec()).unwrap();
    assert!(
        text.contains("\"version\":1") && text.contains("\"kind\":\"role\""),
        "{text}"
    );
}

#[test]
fn decode_errors_say_where_never_what() {
    let mut v: serde_json::Value = serde_json::from_slice(&role_entry("p").encode()).unwrap();
    // A secret in the wrong place must not be quoted back by the error.
    v["obtained"] = serde_json::Value::String("leaked-secret-token".into());
    let err = Entry::decode(v.to_string().as_bytes()).unwrap_err();
    assert!(err.starts_with("unexpected content at line 1"), "{err}");
    assert!(!err.contains("leaked"), "{err}");
    assert!(
        Entry::decode(b"{not json")
            .unwrap_err()
            .starts_with("not JSON")
    );
    v["obtained"] = serde_json::json!(1);
    v["version"] = serde_json::json!(99);
    assert_eq!(
        Entry::decode(v.to_string().as_bytes()).unwrap_err(),
        "format version 99, this rolehop reads 1"
    );
}

#[cfg(unix)]
#[test]
fn file_backend_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let (dir, cache) = file_cache();
    let root = dir.path().join("cache");
    assert_eq!(mode(&root), 0o700, "created private");
    cache
        .put(&Cache::role_name("prod"), &role_entry("prod"))
        .unwrap();
    let file = root.join("role.prod.json");
    assert_eq!(mode(&file), 0o600);
    assert!(cache.role("prod").is_some());
    assert_eq!(cache.entries().unwrap().len(), 1);

    // Looser modes are tightened: the directory on open, files on read.
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let cache = Cache::open_in(&root, Choice::File).unwrap().quiet();
    assert_eq!(mode(&root), 0o700);
    let warnings = cache.take_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("was mode 0755; changed it to 0700")),
        "{warnings:?}"
    );
    assert!(cache.role("prod").is_some());
    assert_eq!(mode(&file), 0o600);

    cache.delete(&Cache::role_name("prod")).unwrap();
    assert!(!file.exists());
    cache.delete(&Cache::role_name("prod")).unwrap();
}

#[cfg(unix)]
#[test]
fn a_directory_of_someone_else_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("theirs");
    std::fs::create_dir(&other).unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o700)).unwrap();
    // Only root can give a directory away; elsewhere there is nothing to test.
    if std::os::unix::fs::chown(&other, Some(file::euid() + 1), None).is_err() {
        crate::testskip::skip("only root can give a directory to another user");
        return;
    }
    let err = Cache::open_in(&other, Choice::File).unwrap_err();
    assert!(
        err.to_string().contains("not by you") && err.hint().is_some(),
        "{err}"
    );
}

#[test]
fn unreadable_entries_are_deleted_with_a_warning() {
    let (dir, cache) = file_cache();
    let path = dir.path().join("cache/role.prod.json");
    std::fs::write(&path, "{\"version\":1,\"kind\":\"role\",\"bookmark\":").unwrap();
    assert!(cache.role("prod").is_none());
    assert!(!path.exists());
    let w = cache.take_warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("cached role.prod is unreadable (truncated at line 1"),
        "{w:?}"
    );
    assert!(w[0].ends_with("; deleted it"), "{w:?}");
}

#[test]
fn names_are_safe_for_files() {
    assert_eq!(Cache::role_name("prod.eu"), "role.prod.eu");
    let m = Cache::mfa_name("key:AKIA", "arn:aws:iam::1:mfa/a b");
    assert!(m.starts_with("mfa.") && m.len() == 20, "{m}");
    assert_ne!(m, Cache::mfa_name("key:AKIB", "arn:aws:iam::1:mfa/a b"));
    for bad in ["../x", ".hidden", "a/b", ""] {
        assert!(file::check_name(bad).is_err(), "{bad}");
    }
    let (_dir, cache) = file_cache();
    assert!(cache.put("../escape", &role_entry("x")).is_err());
}

#[test]
fn keyring_backend_with_the_mock_store() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let backend = super::keyring::KeyringBackend::new(store.clone(), dir.path());
    assert!(backend.describe().starts_with("OS keyring (Mock store"));
    let cache = Cache::new(Box::new(backend)).quiet();
    cache
        .put(&Cache::role_name("prod"), &role_entry("prod"))
        .unwrap();
    cache
        .put(&Cache::role_name("dev"), &role_entry("dev"))
        .unwrap();

    // The secret lives in the keyring ...
    let raw = store
        .build(super::keyring::SERVICE, "role.prod", None)
        .unwrap()
        .get_secret()
        .unwrap();
    assert!(
        String::from_utf8(raw)
            .unwrap()
            .contains("cache-secret-value")
    );
    // ... the index beside it has names and expiry only.
    let index = std::fs::read_to_string(dir.path().join("keyring-index.json")).unwrap();
    assert!(index.contains("role.prod") && index.contains(&unix(t(3600)).to_string()));
    assert!(!index.contains("cache-secret-value") && !index.contains("cache-token-value"));

    let names: Vec<String> = cache
        .entries()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["role.dev", "role.prod"]);
    assert_eq!(
        cache.role("prod").unwrap().creds.access_key_id,
        "ASIACACHETEST"
    );

    cache.delete(&Cache::role_name("prod")).unwrap();
    assert!(cache.role("prod").is_none());
    assert_eq!(cache.entries().unwrap().len(), 1);

    // A keyring failure is an error of the backend, reported, not a panic.
    let entry = store
        .build(super::keyring::SERVICE, "role.dev", None)
        .unwrap();
    let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
    mock.set_error(keyring_core::Error::NoStorageAccess(Box::new(
        std::io::Error::other("locked"),
    )));
    assert!(cache.role("dev").is_none());
    assert!(cache.take_warnings()[0].starts_with("cannot read cached role.dev: OS keyring:"));
    assert!(cache.role("dev").is_some(), "the error was one-off");

    // Corrupt data in the keyring is deleted like a corrupt file.
    store
        .build(super::keyring::SERVICE, "role.dev", None)
        .unwrap()
        .set_secret(b"garbage")
        .unwrap();
    assert!(cache.role("dev").is_none());
    assert!(cache.entries().unwrap().is_empty());
}

#[test]
fn totp_verdicts() {
    let rec = TotpRecord {
        serial: "s".into(),
        step: totp::step(t(0)),
        mac: "aa".into(),
    };
    // Same code: refused in its step and the next REUSE_STEPS steps.
    let reused = totp::verdict(Some(&rec), "aa", t(5)).unwrap_err();
    assert_eq!(reused.wait, Duration::from_secs(25));
    assert!(totp::verdict(Some(&rec), "aa", t(STEP_SECS * REUSE_STEPS)).is_err());
    assert!(totp::verdict(Some(&rec), "aa", t(STEP_SECS * (REUSE_STEPS + 1))).is_ok());
    // Another code, or no record: fine.
    assert!(totp::verdict(Some(&rec), "bb", t(0)).is_ok());
    assert!(totp::verdict(None, "aa", t(0)).is_ok());
    // A new code in the step that used one: wait for the next.
    assert_eq!(
        totp::wait_for_next(Some(&rec), t(12)),
        Some(Duration::from_secs(18))
    );
    assert_eq!(totp::wait_for_next(Some(&rec), t(30)), None);
    assert_eq!(totp::until_next_step(t(29)), Duration::from_secs(1));
}

#[test]
fn totp_guard_stores_a_keyed_hash_only() {
    let (dir, cache) = file_cache();
    let guard = Guard::new(&cache);
    let serial = "arn:aws:iam::123456789012:mfa/alice";
    assert!(guard.check(serial, "975310", t(0)).is_ok());
    guard.record(serial, "975310", t(0));
    assert!(guard.check(serial, "975310", t(40)).is_err(), "typed again");
    assert!(guard.check(serial, "654321", t(1)).is_ok(), "another code");
    assert!(guard.check("other-device-serial", "975310", t(1)).is_ok());
    assert_eq!(guard.wait(serial, t(1)), Some(Duration::from_secs(29)));
    // The record holds neither the code nor an unkeyed hash of it.
    // Besides the writers' locks (empty files beside each).
    let files: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".rolehop.lock"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let plain = totp::mac(b"", serial, "975310");
    for f in &files {
        assert!(!f.contains("975310") && !f.contains(&plain), "{f}");
    }
    assert_eq!(files.len(), 2, "record + key");
}

#[test]
fn files_rolehop_did_not_make_are_never_listed_or_touched() {
    let (dir, cache) = file_cache();
    let root = dir.path().join("cache");
    // A shared directory: someone's JSON, an SSO token, the keyring's index.
    let foreign = [
        ("notes.json", "not a cache entry"),
        ("0123abcd.json", "{\"accessToken\": \"sso\"}"),
        ("keyring-index.json", "{\"role.prod\": 0}"),
    ];
    for (name, text) in foreign {
        std::fs::write(root.join(name), text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root.join(name), std::fs::Permissions::from_mode(0o644))
                .unwrap();
        }
    }
    cache.put_or_warn(&Cache::role_name("prod"), &role_entry("prod"));
    let names: Vec<String> = cache
        .entries()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["role.prod"]);
    for (name, _) in cache.entries().unwrap() {
        cache.delete(&name).unwrap();
    }
    for (name, text) in foreign {
        assert_eq!(
            std::fs::read_to_string(root.join(name)).unwrap(),
            text,
            "{name}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(root.join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "{name} keeps its mode");
        }
    }
    assert!(cache.take_warnings().is_empty());
}

#[test]
fn an_absurd_expiry_is_no_panic() {
    let far = from_unix(u64::MAX);
    assert!(far > t(0));
    let e = match role_entry("prod") {
        Entry::Role(mut r) => {
            r.creds.expires = u64::MAX;
            r.obtained = u64::MAX;
            Entry::Role(r)
        }
        other => other,
    };
    let (_dir, cache) = file_cache();
    cache.put_or_warn(&Cache::role_name("prod"), &e);
    let Some(r) = cache.role("prod") else {
        panic!("entry")
    };
    let c = r.creds.to_credentials();
    let _ = c.remaining(SystemTime::now());
    let _ = c.expiration_rfc3339();
}

#[test]
fn the_other_backend_is_found_for_logout() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cache");
    // A run with files stored a session...
    let files = Cache::open_in(&root, Choice::File).unwrap().quiet();
    files.put_or_warn(&Cache::role_name("prod"), &role_entry("prod"));
    assert!(
        files.other().is_none(),
        "no keyring index: nothing else to clear"
    );
    // ...and this run uses the keyring (the mock store) over the same directory.
    let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let mut keyring = Cache::new(Box::new(super::keyring::KeyringBackend::new(store, &root)));
    keyring.dir = Some(root.clone());
    keyring.keyring = true;
    let other = keyring.other().expect("the file backend");
    let names: Vec<String> = other
        .entries()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["role.prod"]);
    other.delete("role.prod").unwrap();
    assert!(files.role("prod").is_none());
}
