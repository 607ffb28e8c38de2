//! Concurrency, links, names and values the SDKs cannot read, and secrets
//! kept out of errors.

use super::*;

#[test]
fn fifty_concurrent_writers_lose_nothing() {
    let (_dir, path) = file_with(&fixture());
    let path = Arc::new(path);
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let path = Arc::clone(&path);
            std::thread::spawn(move || {
                let id = format!("ASIA{i}");
                let token = format!("token-{i}");
                let values = [("aws_access_key_id", &*id), ("aws_session_token", &*token)];
                write_profile(&path, &format!("p{i}"), &values, &[], false).unwrap()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), WriteOutcome::Added);
    }
    let text = read(&path);
    assert!(text.starts_with(&fixture()), "{text}");
    for i in 0..50 {
        let got = read_profile(&path, &format!("p{i}")).unwrap().unwrap();
        let want = [
            ("aws_access_key_id".to_owned(), format!("ASIA{i}")),
            ("aws_session_token".to_owned(), format!("token-{i}")),
        ];
        assert_eq!(got, want);
        assert_eq!(text.matches(&format!("[p{i}]\n")).count(), 1);
    }
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[cfg(unix)]
#[test]
fn symlinked_file_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dotfiles").join("credentials");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::write(&target, fixture()).unwrap();
    let link = dir.path().join(".aws").join("credentials");
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();

    write_profile(&link, "work", ROTATE, &["aws_security_token"], false).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(&target).contains("aws_session_token = newToken\n"));
    assert!(remove_profile(&link, "work").unwrap());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read(&target), format!("{HEAD}{TAIL}"));
    assert_eq!(mode(&target), 0o600);
}

#[test]
fn bad_names_keys_and_values_are_refused_without_writing() {
    let (_dir, path) = file_with(&fixture());
    for name in ["", "  ", "a]b", "[a", "a\nb", "a\rb", " lead", "trail\t"] {
        let err = write_profile(&path, name, &[("k", "v")], &[], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidProfileName { .. }),
            "{name:?}: {err:?}"
        );
    }
    for key in ["", "a=b", "a\nb", " k", "[k", "#k", ";k"] {
        let err = write_profile(&path, "p", &[(key, "v")], &[], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidKey { .. }),
            "{key:?}: {err:?}"
        );
        let err = write_profile(&path, "p", &[], &[key], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidKey { .. }),
            "{key:?}: {err:?}"
        );
    }
    for value in ["a\nb", "a\rb", "\r\n"] {
        let err = write_profile(&path, "p", &[("k", value)], &[], false).unwrap_err();
        assert!(
            matches!(&err, CredFileError::InvalidValue { key, .. } if key == "k"),
            "{err:?}"
        );
    }
    assert_eq!(read(&path), fixture());
}

#[test]
fn keys_match_in_any_case_and_keep_their_spelling() {
    // Long-term keys written in capitals are still long-term keys.
    let (_dir, path) =
        file_with("[prod]\nAWS_ACCESS_KEY_ID = AKIALONGTERM\nAWS_Secret_Access_Key = s\n");
    let err = write_profile(&path, "prod", ROTATE, &[], false).unwrap_err();
    assert!(matches!(err, CredFileError::LongTermKeys { .. }), "{err:?}");
    assert!(check_writable(&path, "prod").is_err());
    // Temporary keys in capitals are updated in place, not duplicated
    // (botocore refuses a whole file with a key twice in a section).
    let text = "[work]\nAWS_ACCESS_KEY_ID = ASIAOLD\nAws_Secret_Access_Key = old\nAWS_SESSION_TOKEN = old\nAWS_SECURITY_TOKEN = stale\n";
    let (_dir, path) = file_with(text);
    write_profile(&path, "work", ROTATE, &["aws_security_token"], false).unwrap();
    assert_eq!(
        read(&path),
        "[work]\nAWS_ACCESS_KEY_ID = ASIANEW\nAws_Secret_Access_Key = newSecret\nAWS_SESSION_TOKEN = newToken\n"
    );
}

#[test]
fn profile_names_the_sdks_cannot_read_are_refused_before_writing() {
    let (_dir, path) = file_with(&fixture());
    for name in ["a#b", "a;b", "a b", "a=b", "a\"b", "prod!", "été"] {
        let err = write_profile(&path, name, ROTATE, &[], false).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("only letters, digits and - / . % @ _ : +"),
            "{name:?}: {shown}"
        );
        assert!(check_writable(&path, name).is_err(), "{name:?}");
    }
    assert_eq!(read(&path), fixture());
    for name in [
        "a-b",
        "team/prod",
        "x.y",
        "50%",
        "me@corp",
        "a_b",
        "ns:p",
        "a+b",
    ] {
        write_profile(&path, name, ROTATE, &[], false).unwrap();
    }
}

#[test]
fn no_error_shows_a_value() {
    const SECRET: &str = "s3cr3tV4lue";
    let multi = format!("{SECRET}\nline2");
    let values = [("aws_secret_access_key", SECRET)];
    let dir = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();

    errors.push(resolve_path(None, || None).unwrap_err());
    let (_d, creds) = file_with(&fixture());
    errors.push(write_profile(&creds, "default", &values, &[], false).unwrap_err());
    errors.push(
        write_profile(
            &creds,
            "p",
            &[("aws_secret_access_key", &multi)],
            &[],
            false,
        )
        .unwrap_err(),
    );
    errors.push(write_profile(&creds, "bad\nname", &values, &[], false).unwrap_err());
    errors.push(write_profile(&creds, "p", &[("bad=key", SECRET)], &[], false).unwrap_err());
    let a_dir = dir.path().join("a-dir");
    fs::create_dir(&a_dir).unwrap();
    errors.push(write_profile(&a_dir, "p", &values, &[], false).unwrap_err());
    // Locks live in the runtime directory now: a lock failure is built too.
    errors.push(CredFileError::Lock {
        path: creds.clone(),
        source: io::Error::other("no locks"),
    });
    let latin1 = dir.path().join("latin1");
    fs::write(&latin1, b"[p]\nk = caf\xe9\n").unwrap();
    errors.push(write_profile(&latin1, "p", &values, &[], false).unwrap_err());
    // Hard to provoke from outside; built directly so every variant is checked.
    errors.push(CredFileError::Write {
        path: creds.clone(),
        source: io::Error::other("disk full"),
    });
    errors.push(CredFileError::Unparsable {
        path: creds.clone(),
    });

    let kinds: Vec<_> = errors.iter().map(std::mem::discriminant).collect();
    for (i, kind) in kinds.iter().enumerate() {
        assert!(
            !kinds[..i].contains(kind),
            "duplicate variant: {:?}",
            errors[i]
        );
    }
    assert_eq!(errors.len(), 10, "one of each variant");
    for err in &errors {
        let shown = format!("{err} | {err:?} | {err:#?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("line2"), "{shown}");
        let line = err.to_string();
        assert!(!line.contains('\n'), "{line}");
        if !matches!(err, CredFileError::NoHome) {
            assert!(
                line.contains(&*dir.path().to_string_lossy())
                    || line.contains(&*creds.to_string_lossy()),
                "{line}"
            );
        }
    }
}

#[test]
fn default_path_resolution() {
    let home = || Some(PathBuf::from("/home/u"));
    let creds = PathBuf::from("/home/u/.aws/credentials");
    assert_eq!(resolve_path(None, home).unwrap(), creds);
    assert_eq!(resolve_path(Some("".into()), home).unwrap(), creds);
    assert_eq!(
        resolve_path(Some("/etc/creds".into()), home).unwrap(),
        PathBuf::from("/etc/creds")
    );
    assert_eq!(
        resolve_path(Some("~/x/creds".into()), home).unwrap(),
        PathBuf::from("/home/u/x/creds")
    );
    assert!(matches!(
        resolve_path(None, || None),
        Err(CredFileError::NoHome)
    ));
    assert!(default_path().is_ok());
}

#[test]
fn parse_round_trips_odd_input() {
    for doc in [
        "",
        "\n",
        "\r\n\r\n",
        "a\rb\r\nc\n",
        "[x\nnot a header]\n  [indented]\n=\n  \n\t\n;c\n#c",
        "é = ü\n[ünï]\nk=v",
    ] {
        let lines = parse(doc).unwrap();
        let joined: String = lines.iter().flat_map(|l| [l.text, l.eol]).collect();
        assert_eq!(joined, doc);
    }
}
