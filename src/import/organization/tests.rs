use super::*;
use aws_sdk_organizations::operation::list_accounts_for_parent::ListAccountsForParentOutput;
use aws_sdk_organizations::operation::list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput;
use aws_sdk_organizations::types::{Account as OrgAccount, OrganizationalUnit};
use aws_smithy_mocks::{RuleMode, mock, mock_client};

fn acct(id: &str, name: &str, state: &str) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        state: state.into(),
    }
}

fn bookmark(name: &str, account: &str, role: &str, display: &str) -> Bookmark {
    Bookmark::sample(name, account, role, display)
}

const ORG: &str = "o-aa11bb22cc";

/// A bookmarks file holding `items`, `marks` naming the ones with `org = ...`.
fn file(items: &[Bookmark], marks: &[(&str, &str)]) -> Bookmarks {
    Bookmarks {
        path: "bookmarks.toml".into(),
        items: std::sync::Arc::new(items.to_vec()),
        extras: marks
            .iter()
            .map(|(name, org)| {
                let e = Extras {
                    org: Some((*org).to_owned()),
                    ..Extras::default()
                };
                ((*name).to_owned(), e)
            })
            .collect(),
        settings: rolehop_files::bookmarks::Settings::default(),
    }
}

fn opts() -> Options {
    Options {
        role: DEFAULT_ROLE.into(),
        ..Options::default()
    }
}

/// ListAccounts answered with `status` and an awsJson error body, through
/// the SDK's real parser (moto lists no accounts instead of this error).
async fn list_failing(status: u16, kind: &str, message: &str) -> Error {
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    let body = format!(r#"{{"__type":"{kind}","Message":"{message}"}}"#);
    let rule = mock!(Client::list_accounts)
        .sequence()
        .http_status(status, Some(body))
        .build();
    let org = mock_client!(aws_sdk_organizations, RuleMode::Sequential, [&rule]);
    list_accounts(&org, "arn:aws:iam::123456789012:user/alice")
        .await
        .expect_err("should fail")
}

#[tokio::test]
async fn not_in_an_organization_and_denied_are_explained() {
    let e = list_failing(
        400,
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
    .await;
    assert_eq!(
        e.to_string(),
        "arn:aws:iam::123456789012:user/alice is not in an AWS Organization, so there are no accounts to import"
    );
    assert!(e.hint().unwrap().contains("rolehop import aws-config"));
    assert_eq!(e.exit_code(), crate::error::code::DENIED);
    let e = list_failing(
        400,
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
    .await;
    assert!(
            e.to_string().starts_with("arn:aws:iam::123456789012:user/alice may not read the organization (organizations:ListAccounts was denied): You don't have permissions"),
            "{e}"
        );
}

#[test]
fn names_are_made_valid() {
    let n = |name: &str| name_for(&acct("111111111111", name, "ACTIVE"));
    assert_eq!(n("Prod Payments"), "prod-payments");
    assert_eq!(n("  --Team / Data (EU)  "), "team-data-eu");
    assert_eq!(n("café_1.x"), "caf-_1.x");
    assert_eq!(n("☕"), "account-111111111111");
    assert_eq!(n(&"a".repeat(80)).len(), 64);
}

#[test]
fn active_accounts_become_bookmarks_and_the_rest_say_why() {
    let listing = Listing {
        caller_account: "100000000000".into(),
        accounts: vec![
            acct("300000000000", "Prod", "ACTIVE"),
            acct("100000000000", "Management", "ACTIVE"),
            acct("200000000000", "Old", "SUSPENDED"),
            acct("400000000000", "Joining", "PENDING_ACTIVATION"),
            // Same name as 300000000000, listed earlier but a later ID.
            acct("500000000000", "prod", "ACTIVE"),
        ],
        under_ou: None,
        org: Some(ORG.into()),
    };
    let p = plan(&listing, &file(&[], &[]), &opts()).unwrap();
    let names: Vec<(&str, &str)> = p
        .parsed
        .entries
        .iter()
        .map(|e| (e.spec.name.as_str(), e.spec.account.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("prod", "300000000000"),
            ("prod-500000000000", "500000000000")
        ]
    );
    assert_eq!(p.parsed.entries[0].spec.display.as_deref(), Some("Prod"));
    assert_eq!(p.parsed.entries[0].spec.role, DEFAULT_ROLE);
    let skipped: Vec<(&str, &str)> = p
        .parsed
        .skipped
        .iter()
        .map(|s| (s.from.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "Management (100000000000)",
                "your own account (the identity importing is already in it)"
            ),
            ("Old (200000000000)", "account is SUSPENDED"),
            ("Joining (400000000000)", "account is PENDING_ACTIVATION"),
        ]
    );
    assert_eq!(p.changes, Changes::default());
}

#[test]
fn a_rerun_updates_displays_and_reports_gone_accounts() {
    let listing = Listing {
        caller_account: "100000000000".into(),
        accounts: vec![
            acct("300000000000", "Prod (renamed)", "ACTIVE"),
            acct("600000000000", "Same", "ACTIVE"),
            acct("700000000000", "Shut", "SUSPENDED"),
        ],
        under_ou: None,
        org: Some(ORG.into()),
    };
    let existing = [
        bookmark("prod", "300000000000", DEFAULT_ROLE, "Prod"),
        bookmark("same", "600000000000", DEFAULT_ROLE, "Same"),
        bookmark("shut", "700000000000", DEFAULT_ROLE, "Shut"),
        bookmark("left", "800000000000", DEFAULT_ROLE, "Left"),
        // Another role in a vanished account is not this import's.
        bookmark("mine", "800000000000", "Admin", "Mine"),
        // Written by hand (or before imports marked their bookmarks).
        bookmark("hand", "810000000000", DEFAULT_ROLE, "Hand"),
        // Another organization's import, and this one's for another profile.
        bookmark("theirs", "820000000000", DEFAULT_ROLE, "Theirs"),
        Bookmark {
            source_profile: Some("other".into()),
            ..bookmark("profiled", "830000000000", DEFAULT_ROLE, "Profiled")
        },
    ];
    let existing = file(
        &existing,
        &[
            ("prod", ORG),
            ("left", ORG),
            ("theirs", "o-zz99yy88xx"),
            ("profiled", ORG),
        ],
    );
    let p = plan(&listing, &existing, &opts()).unwrap();
    assert!(p.parsed.entries.is_empty());
    assert_eq!(
        p.changes.displays,
        [("prod".to_owned(), "Prod (renamed)".to_owned())]
    );
    assert!(p.changes.remove.is_empty());
    let results: Vec<(&str, &str)> = p
        .existing
        .iter()
        .map(|r| (r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        results,
        [
            (
                "prod",
                "display \"Prod\" -> \"Prod (renamed)\" (renamed in the organization)"
            ),
            ("same", "unchanged"),
            ("shut", "kept: account is SUSPENDED in the organization"),
            (
                "left",
                "gone: the organization no longer lists this account (kept; --prune removes it)"
            ),
            (
                "hand",
                "not listed: kept (no org = \"o-aa11bb22cc\" mark, so this import did not make it; rolehop remove hand if it is stale)"
            ),
        ]
    );
    let pruned = plan(
        &listing,
        &existing,
        &Options {
            prune: true,
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(pruned.changes.remove, ["left"]);
}

#[test]
fn new_bookmarks_are_marked_and_an_empty_listing_prunes_nothing() {
    let listing = Listing {
        caller_account: "100000000000".into(),
        accounts: vec![acct("300000000000", "Prod", "ACTIVE")],
        under_ou: None,
        org: Some(ORG.into()),
    };
    let p = plan(&listing, &file(&[], &[]), &opts()).unwrap();
    assert_eq!(p.parsed.entries[0].extras.org.as_deref(), Some(ORG));

    let empty = Listing {
        accounts: Vec::new(),
        ..listing
    };
    let marked = file(
        &[bookmark("prod", "300000000000", DEFAULT_ROLE, "Prod")],
        &[("prod", ORG)],
    );
    let prune = Options {
        prune: true,
        ..opts()
    };
    let e = plan(&empty, &marked, &prune).unwrap_err();
    assert!(e.to_string().contains("listed no accounts"), "{e}");
    // Without --prune an empty answer only reports.
    assert!(
        plan(&empty, &marked, &opts())
            .unwrap()
            .changes
            .remove
            .is_empty()
    );
}

#[test]
fn the_organization_comes_from_an_account_arn() {
    assert_eq!(
        org_of_arn("arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222")
            .as_deref(),
        Some("o-exampleorgid")
    );
    assert_eq!(org_of_arn("arn:aws:organizations::1:account/nope/2"), None);
    assert_eq!(org_of_arn("garbage"), None);
}

#[test]
fn filters_by_glob_ou_and_a_taken_name() {
    let listing = Listing {
        caller_account: "100000000000".into(),
        accounts: vec![
            acct("200000000000", "prod-eu", "ACTIVE"),
            acct("300000000000", "prod-sandbox", "ACTIVE"),
            acct("400000000000", "dev", "ACTIVE"),
            acct("500000000000", "outside", "ACTIVE"),
        ],
        under_ou: Some(
            ["200000000000", "300000000000", "400000000000"]
                .map(String::from)
                .into(),
        ),
        org: Some(ORG.into()),
    };
    let existing = file(&[bookmark("prod-eu", "999999999999", "Admin", "x")], &[]);
    let p = plan(
        &listing,
        &existing,
        &Options {
            include: vec!["PROD*".into()],
            exclude: vec!["*sandbox*".into()],
            profile: Some("mgmt".into()),
            ..opts()
        },
    )
    .unwrap();
    let e = &p.parsed.entries;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].spec.name, "prod-eu-200000000000");
    assert_eq!(e[0].spec.source_profile.as_deref(), Some("mgmt"));
    assert_eq!(e[0].notes, ["\"prod-eu\" is taken"]);
    let reasons: Vec<&str> = p.parsed.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        ["--exclude \"*sandbox*\"", "not matched by --include"]
    );
    assert!(
        plan(
            &listing,
            &file(&[], &[]),
            &Options {
                include: vec!["[".into()],
                ..opts()
            }
        )
        .is_err()
    );
}

#[test]
fn an_ou_cycle_in_the_answers_ends() {
    // ou-a lists ou-b as its child and ou-b lists ou-a: a cycle no real
    // organization has, but a hostile or broken answer can.
    let ous = mock!(Client::list_organizational_units_for_parent).then_compute_output(|req| {
        let child = if req.parent_id() == Some("ou-a") {
            "ou-b"
        } else {
            "ou-a"
        };
        ListOrganizationalUnitsForParentOutput::builder()
            .organizational_units(OrganizationalUnit::builder().id(child).name(child).build())
            .build()
    });
    let accounts = mock!(Client::list_accounts_for_parent).then_compute_output(|req| {
        let id = if req.parent_id() == Some("ou-a") {
            "111111111111"
        } else {
            "222222222222"
        };
        ListAccountsForParentOutput::builder()
            .accounts(OrgAccount::builder().id(id).build())
            .build()
    });
    let org = mock_client!(aws_sdk_organizations, RuleMode::MatchAny, [&ous, &accounts]);
    // On a thread of its own: a walk that never ends fails the test instead
    // of hanging it (the mocked answers never yield to a timer).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut ids = HashSet::new();
        rt.block_on(collect_under(&org, "me", "ou-a", &mut ids))
            .unwrap();
        let _ = tx.send(ids);
    });
    let ids = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the walk ended");
    assert_eq!(ids.len(), 2);
    assert!(ous.num_calls() <= 2, "{} calls", ous.num_calls());
}
