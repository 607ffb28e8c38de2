//! The live-credentials endpoint (src/serve): what an SDK's credential
//! fetch costs, alone and with 50 clients asking at once. Each request is a
//! new loopback connection, as SDKs make when they refresh.
//!
//! `cargo bench --bench serve`: criterion's figure for one request, then
//! p50/p99/max of every request made by 50 concurrent clients, printed and
//! written to `target/criterion/serve_concurrent/percentiles.json` (read by
//! scripts/bench for BENCHMARKS.md).

mod support;

use criterion::Criterion;
use rolehop::assume::Assumed;
use rolehop::cache::Mode;
use rolehop::creds::Credentials;
use rolehop::engine::{Engine, Switched};
use rolehop::env::EnvView;
use rolehop::serve::Server;
use rolehop_files::bookmarks::Bookmarks;
use secrecy::{ExposeSecret, SecretString};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

struct Endpoint {
    port: u16,
    request: String,
    _dir: tempfile::TempDir,
}

/// A server with one route (a 12 h session with a token of real size),
/// driven by a runtime on its own thread, as in `rolehop exec`.
fn endpoint() -> Endpoint {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bookmarks.toml");
    std::fs::write(
        &path,
        "[bookmarks.bench]\naccount = \"123456789012\"\nrole = \"BenchRole\"\n",
    )
    .expect("write bookmarks");
    let bookmarks = Bookmarks::load(&path).expect("load bookmarks");
    let engine = Arc::new(Engine::new(bookmarks, EnvView::default(), None));
    let session = Switched {
        assumed: Assumed {
            creds: Credentials {
                access_key_id: "ASIAEXAMPLEBENCHKEY1".into(),
                secret_access_key: SecretString::from(
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
                ),
                // Session tokens of chained roles run to ~1 KiB; 4 KiB is the worst case.
                session_token: SecretString::from("FwoGZXIvYXdzEBenchToken".repeat(180)),
                expiration: SystemTime::now() + Duration::from_secs(43_200),
                assumed_role_arn: None,
            },
            region: None,
        },
        obtained: SystemTime::now(),
        limit: None,
        cached: false,
        mode: Mode::Plain,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let server = Server::bind(Arc::new(|_: &str| {})).await.expect("bind");
            let b = engine.bookmarks.get("bench").expect("bookmark").clone();
            let opened = server.open(engine.clone(), b, session).expect("open");
            tx.send((server.port(), opened)).expect("send");
            std::future::pending::<()>().await
        })
    });
    let (port, opened) = rx.recv().expect("endpoint");
    let path = opened
        .uri
        .split_once(&format!(":{port}"))
        .expect("uri")
        .1
        .to_owned();
    Endpoint {
        port,
        request: format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
            opened.token.expose_secret()
        ),
        _dir: dir,
    }
}

fn fetch(e: &Endpoint) -> usize {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", e.port)).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s.write_all(e.request.as_bytes()).expect("write");
    let mut buf = Vec::with_capacity(8192);
    s.read_to_end(&mut buf).expect("read");
    assert!(buf.starts_with(b"HTTP/1.1 200"), "not served");
    buf.len()
}

fn request(c: &mut Criterion, e: &Endpoint) {
    c.bench_function("serve_request", |b| b.iter(|| fetch(e)));
}

/// 50 clients, each fetching `per_client` times, `pace` apart (None: back
/// to back): every request's latency, sorted.
fn clients(e: &Endpoint, per_client: usize, pace: Option<Duration>) -> Vec<Duration> {
    let mut all: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                s.spawn(|| {
                    (0..per_client)
                        .map(|_| {
                            let t = Instant::now();
                            fetch(e);
                            let took = t.elapsed();
                            if let Some(p) = pace {
                                std::thread::sleep(p.saturating_sub(took));
                            }
                            took
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client"))
            .collect()
    });
    all.sort();
    all
}

/// p50/p99/max of 50 clients asking every 5 ms (10,000 requests a second,
/// far more than SDKs ask), and back to back (saturation: the latency is
/// then the queue of 50 requests on 2 cores).
fn concurrent(e: &Endpoint) {
    let per_client = if support::full_run() { 400 } else { 4 };
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mut json = Vec::new();
    for (name, pace) in [
        ("paced", Some(Duration::from_millis(5))),
        ("saturated", None),
    ] {
        let all = clients(e, per_client, pace);
        let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
        let (p50, p99, max) = (pick(0.50), pick(0.99), all[all.len() - 1]);
        println!(
            "serve_concurrent/{name}: 50 clients x {per_client} requests: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
            us(p50),
            us(p99),
            us(max)
        );
        json.push(format!(
            "\"{name}\": {{\"requests\": {}, \"p50_us\": {:.1}, \"p99_us\": {:.1}, \"max_us\": {:.1}}}",
            all.len(),
            us(p50),
            us(p99),
            us(max)
        ));
    }
    if support::full_run() {
        let dir = std::path::Path::new("target/criterion/serve_concurrent");
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(
            dir.join("percentiles.json"),
            format!("{{{}}}\n", json.join(", ")),
        );
    }
}

fn main() {
    let e = endpoint();
    let mut c = Criterion::default().configure_from_args();
    request(&mut c, &e);
    concurrent(&e);
    c.final_summary();
}
