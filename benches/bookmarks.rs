//! Loading the bookmarks file (read + parse + validate) at 100 to 100,000
//! bookmarks: what every command and the picker pay before anything else.
//! `cargo bench --bench bookmarks`

mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rolehop_files::bookmarks::Bookmarks;
use std::hint::black_box;

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("bookmarks_load");
    for n in support::sizes(&[100, 1_000, 10_000, 100_000], 1_000) {
        let path = dir.path().join(format!("bookmarks-{n}.toml"));
        std::fs::write(&path, support::bookmarks_toml(n)).expect("write bookmarks");
        // Fail loudly rather than benchmark the error path.
        assert_eq!(Bookmarks::load(&path).expect("loads").items.len(), n);
        group.throughput(Throughput::Elements(n as u64));
        if n >= 10_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &path, |b, path| {
            b.iter(|| black_box(Bookmarks::load(path).expect("loads")))
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
