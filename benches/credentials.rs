//! `rolehop write`'s file edit: one session profile written into a
//! credentials file of 10 and 1,000 other profiles (lock, read, line edit,
//! temp file, fsync, rename, fsync of the directory), in a temp dir.
//! `cargo bench --bench credentials`

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rolehop::creds::Credentials;
use rolehop::creds::profile::write_session;
use secrecy::SecretString;
use std::time::{Duration, SystemTime};

fn creds() -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLEBENCHKEY1".into(),
        secret_access_key: SecretString::from(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        ),
        session_token: SecretString::from("FwoGZXIvYXdzEBenchToken".repeat(16)),
        expiration: SystemTime::now() + Duration::from_secs(3600),
        assumed_role_arn: Some("arn:aws:sts::210987654321:assumed-role/Admin/bench".into()),
    }
}

fn write(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let creds = creds();
    let mut group = c.benchmark_group("credentials_write");
    for n in [10usize, 1_000] {
        let path = dir.path().join(format!("credentials-{n}"));
        std::fs::write(&path, support::credentials_ini(n)).expect("write credentials");
        // The profile sits in the middle of the file: the edit scans all of it.
        let profile = format!("profile{:05}-session", n / 2);
        write_session(
            &path,
            &profile,
            &creds,
            "arn:aws:iam::210987654321:role/Admin",
            Some("us-east-1"),
            false,
        )
        .expect("first write");
        group.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, path| {
            b.iter(|| {
                write_session(
                    path,
                    &profile,
                    &creds,
                    "arn:aws:iam::210987654321:role/Admin",
                    Some("us-east-1"),
                    false,
                )
                .expect("write")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, write);
criterion_main!(benches);
