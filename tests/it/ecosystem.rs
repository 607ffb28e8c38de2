//! Fitting the AWS ecosystem, end to end with the real binary: `import`
//! (AWS config, Extend Switch Roles), shell integration (`init`, `use`,
//! `completions`) and `prompt`, in real shells against moto.

use crate::common;

use common::{Moto, TestEnv};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// A realistic ~/.aws/config: comments, a base profile in credentials, a
/// chain (prod via tooling), role paths, odd names, and profiles that cannot
/// become bookmarks.
const AWS_CONFIG: &str = "\
# my AWS config, hand-written
[default]
region = us-east-1

; the hub: base keys live in ~/.aws/credentials [default]
[profile tooling]
role_arn = arn:aws:iam::111111111111:role/Tooling
source_profile = default
duration_seconds = 3600
region = eu-west-1

[profile prod]  # the one that matters
role_arn = arn:aws:iam::210987654321:role/ops/Admin
source_profile = tooling
external_id = ext-123
role_session_name = alice-prod
region = eu-central-1

[profile team/dev]
role_arn = arn:aws:iam::222222222222:role/Dev
source_profile = default
mfa_serial = arn:aws:iam::123456789012:mfa/alice

[profile existing]
role_arn = arn:aws:iam::333333333333:role/New
source_profile = default

[profile on-ec2]
role_arn = arn:aws:iam::444444444444:role/X
credential_source = Ec2InstanceMetadata

[profile broken]
role_arn = arn:aws:iam::4444:role/X
source_profile = default

[profile orphan]
role_arn = arn:aws:iam::555555555555:role/Y
source_profile = nowhere

[profile Weird Name]
role_arn = arn:aws:iam::666666666666:role/Z

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
";

const EXISTING: &str = "# my bookmarks\n[bookmarks.existing] # keep me\naccount = \"999999999999\"\nrole = \"Old\"\ncolor = \"green\"\n";

fn row<'a>(table: &'a str, from: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.split("  ").next() == Some(from))
        .unwrap_or_else(|| panic!("no row for {from:?} in\n{table}"))
}

#[test]
fn import_aws_config_dry_run_then_import_then_replace() {
    let env = TestEnv::new(Moto::shared());
    fs::write(env.config_path(), AWS_CONFIG).unwrap();
    fs::write(env.bookmarks_path(), EXISTING).unwrap();

    let out = env.run(&["import", "aws-config", "--dry-run"]).success();
    let t = &out.stdout;
    assert!(row(t, "prod").contains("would import (via tooling)"), "{t}");
    assert!(row(t, "tooling").contains("would import"), "{t}");
    assert!(row(t, "team/dev").contains("team-dev"), "{t}");
    assert!(row(t, "existing").contains("bookmark exists"), "{t}");
    assert!(row(t, "on-ec2").contains("credential_source"), "{t}");
    assert!(row(t, "broken").contains("12 digits"), "{t}");
    assert!(
        row(t, "orphan").contains("\"nowhere\" does not exist"),
        "{t}"
    );
    assert!(row(t, "Weird Name").contains("not valid"), "{t}");
    assert!(row(t, "default").contains("no role_arn"), "{t}");
    assert!(!t.contains("sso-session"), "{t}");
    assert!(t.contains("dry run: nothing written"), "{t}");
    assert_eq!(fs::read_to_string(env.bookmarks_path()).unwrap(), EXISTING);

    let out = env.run(&["import", "aws-config"]).success();
    assert!(out.stdout.contains("imported 3; 1 already in"));
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(text.starts_with(EXISTING), "existing text kept:\n{text}");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).success().stdout).unwrap();
    let by_name = |n: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == n)
            .unwrap_or_else(|| panic!("{n} in {json}"))
            .clone()
    };
    let prod = by_name("prod");
    assert_eq!(prod["account"], "210987654321");
    assert_eq!(prod["role"], "ops/Admin", "role path kept");
    assert_eq!(prod["external_id"], "ext-123");
    assert_eq!(prod["session_name"], "alice-prod");
    assert_eq!(prod["region"], "eu-central-1");
    assert!(text.contains("via = \"tooling\""), "{text}");
    let tooling = by_name("tooling");
    assert_eq!(tooling["duration"], 3600);
    assert_eq!(tooling["source_profile"], "default");
    let dev = by_name("team-dev");
    assert_eq!(dev["display"], "team/dev");
    assert_eq!(dev["mfa_serial"], "arn:aws:iam::123456789012:mfa/alice");
    assert_eq!(by_name("existing")["role"], "Old", "not overwritten");

    // The chain works end to end: tooling from the base keys, then prod.
    let out = env.run(&["env", "prod", "--shell", "bash"]).success();
    assert!(
        out.stdout.contains("ROLEHOP_BOOKMARK='prod'"),
        "{}",
        out.stdout
    );

    // Again: everything exists now.
    let out = env.run(&["import", "aws-config"]).success();
    assert!(
        out.stdout.contains("imported 0; 4 already in"),
        "{}",
        out.stdout
    );

    let out = env.run(&["import", "aws-config", "--replace"]).success();
    assert!(out.stdout.contains("replaced 4"), "{}", out.stdout);
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(
        text.starts_with("# my bookmarks\n[bookmarks.existing] # keep me\n"),
        "{text}"
    );
    assert!(text.contains("role = \"New\""), "{text}");
    assert!(!text.contains("green"), "replaced means replaced: {text}");
}

#[test]
fn import_aws_config_honours_aws_config_file_and_file_flag() {
    let env = TestEnv::new(Moto::shared());
    let other = env.home.path().join("other-config");
    fs::write(
        &other,
        "[profile elsewhere]\nrole_arn = arn:aws:iam::777777777777:role/E\n",
    )
    .unwrap();
    let mut cmd = env.cmd();
    cmd.env("AWS_CONFIG_FILE", &other)
        .args(["import", "aws-config", "--dry-run"]);
    let out = common::output(cmd).success();
    assert!(
        row(&out.stdout, "elsewhere").contains("would import"),
        "{}",
        out.stdout
    );
    let p = other.to_str().unwrap();
    let out = env
        .run(&["import", "aws-config", "--file", p, "--dry-run"])
        .success();
    assert!(out.stdout.contains("elsewhere"), "{}", out.stdout);
}

/// aws-vault's `mfa_process` is a command rolehop runs later on its own
/// (renewals, the agent): the report shows it, and from a file given with
/// `--file` (a shared team file) it comes along only with `--with-commands`.
#[test]
fn import_aws_config_shows_mfa_process_and_drops_it_from_file_unless_asked() {
    let env = TestEnv::new(Moto::shared());
    let config = "[profile base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n\
        [profile team]\nrole_arn = arn:aws:iam::777777777777:role/T\nsource_profile = base\n\
        mfa_serial = arn:aws:iam::123456789012:mfa/alice\nmfa_process = curl -s https://example.invalid/otp\n";
    let shared = env.home.path().join("team-config");
    fs::write(&shared, config).unwrap();
    let p = shared.to_str().unwrap();

    let out = env.run(&["import", "aws-config", "--file", p]).success();
    let team = row(&out.stdout, "team");
    assert!(team.contains("imported"), "{}", out.stdout);
    assert!(
        team.contains("mfa_process not imported (a command from --file; --with-commands imports it): curl -s https://example.invalid/otp"),
        "{}",
        out.stdout
    );
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(!text.contains("mfa_process"), "{text}");

    fs::remove_file(env.bookmarks_path()).unwrap();
    let out = env
        .run(&["import", "aws-config", "--file", p, "--with-commands"])
        .success();
    assert!(
        row(&out.stdout, "team").contains("mfa_process: curl -s https://example.invalid/otp"),
        "{}",
        out.stdout
    );
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(
        text.contains("mfa_process = \"curl -s https://example.invalid/otp\""),
        "{text}"
    );

    // The user's own config file: imported, and shown.
    fs::remove_file(env.bookmarks_path()).unwrap();
    fs::create_dir_all(env.config_path().parent().unwrap()).unwrap();
    fs::write(env.config_path(), config).unwrap();
    let out = env.run(&["import", "aws-config"]).success();
    assert!(
        row(&out.stdout, "team").contains("mfa_process: curl -s https://example.invalid/otp"),
        "{}",
        out.stdout
    );
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(text.contains("mfa_process = "), "{text}");
}

const AESR: &str = "\
# Extend Switch Roles configuration
[profile marketingadmin]
role_arn = arn:aws:iam::123456789012:role/marketingadmin
color = ffaaee

[anotheraccount]
aws_account_id = 987654321987
role_name = anotherrole
color=bbeeff

[organization1]
aws_account_id = your-account-alias
target_role_name = Developer
target_region = eu-west-1

[Org1 Account2]
aws_account_id = 210987654321
source_profile = organization1

[AnotherRole]
role_name = SomeOtherRole
aws_account_id = account-3-alias
";

#[test]
fn import_extend_switch_roles() {
    let env = TestEnv::new(Moto::shared());
    let file = env.home.path().join("aesr.ini");
    fs::write(&file, AESR).unwrap();
    let f = file.to_str().unwrap();
    let out = env
        .run(&["import", "extend-switch-roles", f, "--dry-run"])
        .success();
    assert!(!env.bookmarks_path().exists(), "dry run wrote nothing");
    let t = &out.stdout;
    assert!(row(t, "organization1").contains("base account"), "{t}");
    assert!(row(t, "AnotherRole").contains("alias"), "{t}");

    env.run(&["import", "extend-switch-roles", f]).success();
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).success().stdout).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 3, "{json}");
    assert_eq!(items[0]["color"], "#ffaaee");
    assert_eq!(items[1]["color"], "#bbeeff");
    assert_eq!(items[2]["name"], "Org1-Account2");
    assert_eq!(items[2]["display"], "Org1 Account2");
    assert_eq!(items[2]["role"], "Developer");
    assert_eq!(items[2]["region"], "eu-west-1");
}

/// `shell` with the same clean environment as `env.cmd()`, the binary's
/// directory first on PATH.
fn shell(env: &TestEnv, program: &str) -> Command {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_rolehop"));
    let mut cmd = Command::new(program);
    cmd.env_clear();
    for (k, v) in env.cmd().get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    cmd.env("PATH", path).current_dir(env.home.path());
    cmd
}

fn installed(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()));
    if !found {
        common::skip_part(&format!("{program} is not installed"));
    }
    found
}

fn env_with_prod() -> TestEnv {
    let env = TestEnv::new(Moto::shared());
    env.run(&[
        "add",
        "prod",
        "--account",
        "210987654321",
        "--role",
        "Admin",
        "--region",
        "eu-west-1",
    ])
    .success();
    env
}

#[test]
fn init_use_exports_into_the_shell_and_prompt_shows_it() {
    let env = env_with_prod();
    // Without the function the binary explains what to do.
    let out = env.run(&["use", "prod"]).failure();
    assert!(out.stderr.contains("rolehop init"), "{}", out.stderr);
    // Outside a rolehop environment the prompt prints nothing.
    assert_eq!(env.run(&["prompt"]).success().stdout, "");

    for sh in ["bash", "zsh", "fish"] {
        if !installed(sh) {
            continue;
        }
        let script = if sh == "fish" {
            "rolehop init fish | source
             rolehop use prod; or exit 9
             echo \"key=$AWS_ACCESS_KEY_ID bookmark=$ROLEHOP_BOOKMARK\"
             echo \"prompt=\"(rolehop prompt)
             rolehop list | head -n 1
             rolehop use nosuch; or echo \"failed=$status\""
        } else {
            "eval \"$(rolehop init SH)\"
             rolehop use prod || exit 9
             echo \"key=$AWS_ACCESS_KEY_ID bookmark=$ROLEHOP_BOOKMARK\"
             echo \"prompt=$(rolehop prompt)\"
             rolehop list | head -n 1
             rolehop use nosuch || echo \"failed=$?\""
        };
        let mut cmd = shell(&env, sh);
        cmd.arg("-c").arg(script.replace("SH", sh));
        let out = common::output(cmd).success();
        let o = &out.stdout;
        let key = o
            .lines()
            .find_map(|l| l.strip_prefix("key="))
            .unwrap_or_else(|| panic!("{sh}: {o}\n{}", out.stderr));
        assert!(
            key.starts_with("ASIA") || key.starts_with("FSIA"),
            "{sh}: session key exported: {o}"
        );
        assert!(key.ends_with("bookmark=prod"), "{sh}: {o}");
        let prompt = o.lines().find_map(|l| l.strip_prefix("prompt=")).unwrap();
        assert!(
            prompt.starts_with("prod ") && prompt.ends_with('m'),
            "{sh}: prompt {prompt:?}"
        );
        assert!(
            o.contains("NAME"),
            "{sh}: other subcommands pass through: {o}"
        );
        assert!(
            o.contains("failed=3"),
            "{sh}: exit code kept: {o}\n{}",
            out.stderr
        );
    }
}

#[test]
fn completions_offer_bookmark_names() {
    let env = env_with_prod();
    env.run(&["add", "dev", "--account", "111122223333", "--role", "Dev"])
        .success();
    for sh in ["bash", "zsh", "fish", "powershell"] {
        let out = env.run(&["completions", sh]).success();
        assert!(
            out.stdout.contains("ROLEHOP_COMPLETE"),
            "{sh}: {}",
            out.stdout
        );
    }

    if installed("bash") {
        let script = env.home.path().join("c.bash");
        fs::write(&script, env.run(&["completions", "bash"]).stdout).unwrap();
        let mut cmd = shell(&env, "bash");
        cmd.arg("-c").arg(format!(
            "source {}
             COMP_WORDS=(rolehop exec p); COMP_CWORD=2
             _clap_complete_rolehop rolehop p exec
             echo \"exec:${{COMPREPLY[*]}}\"
             COMP_WORDS=(rolehop ''); COMP_CWORD=1
             _clap_complete_rolehop rolehop '' rolehop
             echo \"top:${{COMPREPLY[*]}}\"",
            script.display()
        ));
        let out = common::output(cmd).success();
        let exec = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("exec:"))
            .unwrap();
        assert_eq!(exec.trim(), "prod", "{}", out.stdout);
        let top = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("top:"))
            .unwrap();
        for sub in ["import", "use", "init", "completions", "prompt", "exec"] {
            assert!(top.split_whitespace().any(|w| w == sub), "{sub}: {top}");
        }
    }
    if installed("fish") {
        let mut cmd = shell(&env, "fish");
        cmd.arg("-c")
            .arg("rolehop completions fish | source; complete -C 'rolehop env '");
        let out = common::output(cmd).success();
        let names: Vec<&str> = out
            .stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(
            names.contains(&"prod") && names.contains(&"dev"),
            "{names:?}"
        );
    }
    if installed("zsh") {
        // compsys needs an interactive shell: check the script loads, and ask
        // the callback the way its function does.
        let mut cmd = shell(&env, "zsh");
        cmd.arg("-c")
            .arg("autoload -U compinit && compinit -u && source <(rolehop completions zsh) && echo loaded");
        let out = common::output(cmd).success();
        assert!(out.stdout.contains("loaded"), "{out:?}");
        let mut cmd = env.cmd();
        cmd.env("ROLEHOP_COMPLETE", "zsh")
            .env("_CLAP_COMPLETE_INDEX", "2")
            .env("_CLAP_IFS", "\n")
            .args(["--", "rolehop", "logout", "d"]);
        let out = common::output(cmd).success();
        assert_eq!(out.stdout.trim(), "dev", "{out:?}");
    }
}

#[test]
fn import_the_example_config() {
    let env = TestEnv::new(Moto::shared());
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/aws-config.example");
    let out = env
        .run(&["import", "aws-config", "--file", example])
        .success();
    assert!(
        out.stdout.contains("imported 14; 0 already in"),
        "{}",
        out.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json"]).success().stdout).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sso-admin",
            "tooling",
            "prod",
            "prod-readonly",
            "staging",
            "staging.db",
            "dev",
            "dev_eu",
            "sandbox",
            "vendor-monitoring",
            "vendor-backup",
            "team-payments",
            "client-acme-prod",
            "cn-prod",
        ]
    );
    // The SSO profile came with its instance.
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(
        text.contains(
            "[sso.corp]\nstart_url = \"https://corp.awsapps.com/start\"\nregion = \"eu-west-1\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("role = \"AdministratorAccess\"\nsso = \"corp\"\n"),
        "{text}"
    );
    for (from, why) in [
        ("too-long", "duration must be between"),
        ("gov-nowhere", "partition aws-us-gov"),
        ("on-ec2", "credential_source"),
        ("eks-irsa", "web_identity_token_file"),
        ("typo-arn", "12 digits"),
        ("user-arn", "not an IAM role ARN"),
        ("orphan", "does not exist"),
        ("Legacy Account", "not valid"),
    ] {
        assert!(
            row(&out.stdout, from).contains(why),
            "{from}: {}",
            out.stdout
        );
    }
}

#[test]
fn import_two_thousand_role_profiles_in_one_write() {
    let env = TestEnv::new(Moto::shared());
    let mut config = String::from("[default]\nregion = us-east-1\n");
    for i in 0..2000 {
        config.push_str(&format!(
            "\n# role {i}\n[profile role-{i}]\nrole_arn = arn:aws:iam::{}:role/team/Role{i}\nsource_profile = default\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
            100_000_000_000u64 + i
        ));
    }
    fs::write(env.config_path(), &config).unwrap();
    let out = env.run(&["import", "aws-config"]).success();
    assert!(
        out.stdout.contains("imported 2000; 0 already in"),
        "{}",
        out.stdout.lines().last().unwrap_or("")
    );
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert_eq!(text.matches("[bookmarks.").count(), 2000);
    let out = env.run(&["list"]).success();
    assert_eq!(out.stdout.lines().count(), 2001);
}

#[test]
fn man_pages_come_from_the_cli_definition() {
    let env = TestEnv::new(Moto::shared());
    let out = env.run(&["man"]).success();
    assert!(
        out.stdout.starts_with(".ie"),
        "{}",
        &out.stdout[..80.min(out.stdout.len())]
    );
    assert!(out.stdout.contains(".TH rolehop 1"), "roff title");
    assert!(out.stdout.contains("import"), "subcommands listed");
    let dir = env.home.path().join("man1");
    fs::create_dir(&dir).unwrap();
    env.run(&["man", "--dir", dir.to_str().unwrap()]).success();
    for page in [
        "rolehop.1",
        "rolehop-import.1",
        "rolehop-import-aws-config.1",
        "rolehop-init.1",
    ] {
        assert!(dir.join(page).is_file(), "{page}");
    }
    if installed("man") {
        let mut cmd = Command::new("man");
        cmd.arg("-l")
            .arg(dir.join("rolehop-import-aws-config.1"))
            .env("MANPAGER", "cat");
        let out = common::output(cmd).success();
        assert!(out.stdout.contains("--dry-run"), "{}", out.stdout);
    }
}

/// An organization of 3 OUs (one nested OU below the first), 250 accounts
/// (ListAccounts has 3 pages of 100, ListAccountsForParent pages of 20), one
/// of them suspended; a reader allowed to list it and a user who is not.
/// Auth is on, so the reader's keys really are checked. Returns the moto
/// server (auth on) and the users' keys.
fn organization() -> (Moto, serde_json::Value) {
    let moto = Moto::start();
    let out = moto.python(
        r#"
        org = client("organizations")
        org.create_organization(FeatureSet="ALL")
        root = org.list_roots()["Roots"][0]["Id"]
        ou = {n: org.create_organizational_unit(ParentId=root, Name=n)["OrganizationalUnit"]["Id"]
              for n in ["Workloads", "Sandbox", "Infra"]}
        ou["Prod"] = org.create_organizational_unit(ParentId=ou["Workloads"], Name="Prod")["OrganizationalUnit"]["Id"]
        ids = []
        for i in range(250):
            kind = "prod" if i % 10 == 0 else "dev"
            st = org.create_account(AccountName=f"Team {i:03d} {kind}", Email=f"team{i}@example.com")["CreateAccountStatus"]
            ids.append(st["AccountId"])
            dest = ["Prod", "Sandbox", "Infra", "Workloads"][i % 4]
            org.move_account(AccountId=st["AccountId"], SourceParentId=root, DestinationParentId=ou[dest])
        org.close_account(AccountId=ids[7])
        def user(name, actions):
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
            k = iam.create_access_key(UserName=name)["AccessKey"]
            return [k["AccessKeyId"], k["SecretAccessKey"]]
        print(json.dumps({
            "reader": user("reader", ["organizations:List*", "organizations:Describe*", "sts:GetCallerIdentity"]),
            "nobody": user("nobody", ["sts:GetCallerIdentity"]),
            "ids": ids,
        }))
        "#,
    );
    moto.enable_auth();
    (
        moto,
        serde_json::from_str(out.trim()).expect("fixture JSON"),
    )
}

#[test]
fn import_an_organization_of_250_accounts() {
    let (moto, fx) = organization();
    let key = |who: &str, i: usize| fx[who][i].as_str().unwrap().to_owned();
    let env = TestEnv::new(&moto);
    env.set_base_keys(&key("reader", 0), &key("reader", 1));
    let suspended = fx["ids"][7].as_str().unwrap().to_owned();
    let prod0 = fx["ids"][0].as_str().unwrap().to_owned();

    // A dry run shows every account and writes nothing.
    let out = env.run(&["import", "organization", "--dry-run"]).success();
    assert!(!env.bookmarks_path().exists());
    assert!(
        out.stdout.contains("organization: would import 249;"),
        "{}",
        out.stdout.lines().last().unwrap_or("")
    );
    let own = out
        .stdout
        .lines()
        .find(|l| l.contains("your own account"))
        .expect("the caller's own account is skipped");
    assert!(own.contains("123456789012"), "{own}");
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains(&suspended))
        .expect("the suspended account has a row");
    assert!(row.contains("skipped: account is SUSPENDED"), "{row}");

    // The import: one write, every active account, named and displayed
    // from its name, with the role Organizations creates.
    env.run(&["import", "organization"]).success();
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert_eq!(text.matches("[bookmarks.").count(), 249);
    assert!(
        text.contains(&format!(
            "[bookmarks.team-000-prod]\naccount = \"{prod0}\"\nrole = \"OrganizationAccountAccessRole\"\ndisplay = \"Team 000 prod\"\n"
        )),
        "{}",
        &text[..400.min(text.len())]
    );

    // Colors by rule reach all the imported bookmarks without editing them.
    let mut edited = format!("[settings.colors]\n\"*prod*\" = \"red\"\n\n{text}");
    // A renamed account (the display was changed behind our back) and an
    // account that has left the organization.
    edited = edited.replace("display = \"Team 000 prod\"", "display = \"Old name\"");
    edited.push_str("\n[bookmarks.left]\naccount = \"999999999999\"\nrole = \"OrganizationAccountAccessRole\"\n");
    fs::write(env.bookmarks_path(), &edited).unwrap();
    let list = env.run(&["list", "--json"]).success();
    let items: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let color = |name: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .map(|b| b["color"].clone())
    };
    assert_eq!(color("team-010-prod"), Some(serde_json::json!("red")));
    assert_eq!(color("team-011-dev"), Some(serde_json::Value::Null));

    // A re-run updates the display, adds nothing, and keeps the hand-written
    // bookmark for an account it does not list (no org mark: not its own).
    let out = env.run(&["import", "organization"]).success();
    let last = out.stdout.lines().last().unwrap_or("");
    assert!(
        last.contains("imported 0;")
            && last.contains(
                "updated the display of 1; 248 unchanged; 1 not listed but not imported (kept)"
            ),
        "{last}"
    );
    let row = out.stdout.lines().find(|l| l.contains("left")).unwrap();
    assert!(row.contains("not listed: kept"), "{row}");
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(text.contains("display = \"Team 000 prod\""));
    assert!(text.starts_with("[settings.colors]\n\"*prod*\" = \"red\"\n"));
    assert!(text.contains("[bookmarks.left]"));

    // Every imported bookmark carries the organization's mark.
    let org = text
        .lines()
        .find_map(|l| l.strip_prefix("org = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("an org mark")
        .to_owned();
    assert!(org.starts_with("o-"), "{org}");
    assert_eq!(text.matches(&format!("org = \"{org}\"")).count(), 249);

    // Four of this organization's bookmarks whose accounts have left it, and
    // one from another organization: --prune is for the four only, and asks
    // first (more than 3); with no terminal to ask on, it changes nothing.
    let mut edited = text.clone();
    for i in 0..4 {
        edited.push_str(&format!(
            "\n[bookmarks.gone{i}]\naccount = \"99999999999{i}\"\nrole = \"OrganizationAccountAccessRole\"\norg = \"{org}\"\n"
        ));
    }
    edited.push_str("\n[bookmarks.theirs]\naccount = \"888888888888\"\nrole = \"OrganizationAccountAccessRole\"\norg = \"o-zz99yy88xx\"\n");
    fs::write(env.bookmarks_path(), &edited).unwrap();
    let out = env.run(&["import", "organization"]).success();
    assert!(
        out.stdout.lines().last().unwrap_or("").contains("; 4 gone"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("theirs"), "{}", out.stdout);
    let mut asked = env.cmd();
    asked.args(["import", "organization", "--prune"]);
    common::detach_from_terminal(&mut asked);
    let out = common::output(asked);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(env.bookmarks_path()).unwrap(), edited);
    env.run(&["import", "organization", "--prune", "--yes"])
        .success();
    let text = fs::read_to_string(env.bookmarks_path()).unwrap();
    assert!(!text.contains("[bookmarks.gone"), "pruned");
    assert!(text.contains("[bookmarks.left]") && text.contains("[bookmarks.theirs]"));
    assert_eq!(text.matches("[bookmarks.").count(), 251);

    // --ou by path: the accounts under Workloads and its nested Prod OU.
    let fresh = TestEnv::new(&moto);
    fresh.set_base_keys(&key("reader", 0), &key("reader", 1));
    let out = fresh
        .run(&[
            "import",
            "organization",
            "--ou",
            "Workloads",
            "--include",
            "*prod*",
        ])
        .success();
    // i % 4 in {0, 3} are under Workloads; prod ones are i % 10 == 0:
    // i % 20 == 0 -> 13 accounts (0, 20, ..., 240).
    assert!(
        out.stdout.contains("organization: imported 13;"),
        "{}",
        out.stdout
    );
    let out = fresh
        .run(&["import", "organization", "--ou", "Workloads/Nope"])
        .failure();
    assert!(
        out.stderr.contains("no OU named \"Nope\" under Workloads")
            && out.stderr.contains("OUs there: Prod"),
        "{}",
        out.stderr
    );

    // A caller who may not read the organization: one clear error.
    let denied = TestEnv::new(&moto);
    denied.set_base_keys(&key("nobody", 0), &key("nobody", 1));
    let out = denied.run(&["import", "organization"]).failure();
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("may not read the organization (organizations:ListAccounts was denied)")
            && out
                .stderr
                .contains("management account or a delegated administrator"),
        "{}",
        out.stderr
    );
    assert!(!denied.bookmarks_path().exists());
}
