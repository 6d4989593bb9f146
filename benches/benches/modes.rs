//! Each `search-index` mode over a generated catalogue, from JSONL and (with
//! `CKAN_SEARCH_BENCH_PG=1`, PostgreSQL on 127.0.0.1) from CKAN 2.12's tables: full rebuild,
//! refresh with 1 % and 100 % of datasets changed, only-missing with 1 % missing, one named
//! dataset, and rebuild-publisher. In-place modes run on a fresh copy of a prepared data
//! directory each iteration (the copy is not timed).
//!
//! ```sh
//! CKAN_SEARCH_BENCH_DATASETS=10000 CKAN_SEARCH_BENCH_PG=1 cargo bench -p ckan-search-benches --bench modes
//! CKAN_SEARCH_BENCH_DATASETS=100000 CKAN_SEARCH_BENCH_PG=1 CKAN_SEARCH_BENCH_ONCE=1 cargo bench -p ckan-search-benches --bench modes
//! ```
//!
//! With `CKAN_SEARCH_BENCH_ONCE=1` each mode is timed once, on the same prepared inputs,
//! and printed as a Markdown table row: criterion takes at least ten samples, and ten
//! samples of every mode of a 100k catalogue from two sources would take over an hour.

use std::path::Path;
use std::time::Instant;

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput,
};
use serde_json::Value;

use ckan_search_data::test_db::TestDb;
use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{self, NoProgress, RebuildOptions};
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::{JsonlSource, PostgresSource, Source};
use ckan_search_server::cli::publisher::rebuild_publisher;

fn datasets() -> usize {
    std::env::var("CKAN_SEARCH_BENCH_DATASETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn store(dir: &Path) -> GenerationStore {
    GenerationStore::open(dir, CkanSchema::new(), AnalysisConfig::default()).expect("store")
}

fn write_jsonl(path: &Path, packages: &[Value]) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for p in packages {
        serde_json::to_writer(&mut out, p).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
}

/// `packages` with every `step`-th one edited as CKAN would (new title, later
/// `metadata_modified`).
fn changed(packages: &[Value], step: usize) -> Vec<Value> {
    packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            if i % step == 0 {
                if let Some(t) = p["title"].as_str().map(|t| format!("{t} (revised)")) {
                    p["title"] = Value::String(t);
                }
                p["metadata_modified"] = Value::String("2026-11-25T12:34:56.000000".into());
            }
            p
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A data directory holding a full rebuild of `source`.
fn prepared(source: &dyn Source) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    rebuild::full_rebuild(
        &store(dir.path()),
        source,
        &RebuildOptions::default(),
        &NoProgress,
    )
    .expect("prepare");
    dir
}

/// How the modes are timed: criterion's samples, or one run each.
enum Timer<'a> {
    Criterion(BenchmarkGroup<'a, WallTime>),
    Once { group: String, datasets: usize },
}

impl Timer<'_> {
    /// Times `run` on what `setup` makes (not timed), once per sample.
    fn time<S, R>(&mut self, name: &str, setup: impl Fn() -> S, run: impl Fn(S) -> R) {
        match self {
            Timer::Criterion(group) => {
                group.bench_function(name, |b| {
                    b.iter_batched(&setup, &run, BatchSize::PerIteration)
                });
            }
            Timer::Once { group, datasets } => {
                let input = setup();
                let started = Instant::now();
                let output = run(input);
                let secs = started.elapsed().as_secs_f64();
                drop(output);
                println!(
                    "| {group} | {name} | {secs:.2} s | {:.0} datasets/s |",
                    *datasets as f64 / secs
                );
            }
        }
    }

    /// Times `run` on a fresh copy of `base` (the copy is not timed).
    fn in_place(&mut self, name: &str, base: &Path, run: impl Fn(&GenerationStore)) {
        self.time(
            name,
            || {
                let copy = tempfile::tempdir().expect("tempdir");
                copy_dir(base, copy.path());
                copy
            },
            |copy| {
                run(&store(copy.path()));
                copy
            },
        );
    }

    fn finish(self) {
        if let Timer::Criterion(group) = self {
            group.finish();
        }
    }
}

struct Sources {
    name: &'static str,
    spec: String,
    all: Box<dyn Source>,
    changed_1: Box<dyn Source>,
    changed_100: Box<dyn Source>,
    without_1: Box<dyn Source>,
    one: Box<dyn Source>,
}

fn bench_modes(c: &mut Criterion) {
    let n = datasets();
    let config = ckan_search_data::GeneratorConfig {
        datasets: n,
        seed: 1,
        ..Default::default()
    };
    let packages: Vec<Value> = ckan_search_data::packages(&config).collect();
    let one_name = packages
        .iter()
        .find(|p| p["state"] == "active")
        .and_then(|p| p["name"].as_str())
        .expect("an active dataset")
        .to_string();
    let organization = packages
        .iter()
        .find_map(|p| p["organization"]["name"].as_str())
        .expect("an organisation")
        .to_string();
    let files = tempfile::tempdir().expect("tempdir");
    let jsonl = |name: &str, packages: &[Value]| -> Box<dyn Source> {
        let path = files.path().join(name);
        write_jsonl(&path, packages);
        Box::new(JsonlSource::file(path))
    };
    let without: Vec<Value> = packages
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 100 != 0)
        .map(|(_, p)| p.clone())
        .collect();
    let mut sets = vec![Sources {
        name: "jsonl",
        spec: format!("jsonl:{}", files.path().join("all.jsonl").display()),
        all: jsonl("all.jsonl", &packages),
        changed_1: jsonl("changed1.jsonl", &changed(&packages, 100)),
        changed_100: jsonl("changed100.jsonl", &changed(&packages, 1)),
        without_1: jsonl("without1.jsonl", &without),
        one: jsonl("all.jsonl", &packages),
    }];
    // The databases live until the end of the bench.
    let mut dbs = Vec::new();
    if std::env::var("CKAN_SEARCH_BENCH_PG").is_ok_and(|v| v == "1") {
        let load = |packages: &[Value]| {
            let db = TestDb::create("ckan_search_bench_modes");
            db.load(packages);
            db.analyze();
            db
        };
        let (all, c1, c100, w1) = (
            load(&packages),
            load(&changed(&packages, 100)),
            load(&changed(&packages, 1)),
            load(&without),
        );
        let pg = |db: &TestDb| -> Box<dyn Source> {
            Box::new(PostgresSource::new(&db.url()).expect("source"))
        };
        sets.push(Sources {
            name: "postgres",
            spec: all.url(),
            all: pg(&all),
            changed_1: pg(&c1),
            changed_100: pg(&c100),
            without_1: pg(&w1),
            one: Box::new(
                PostgresSource::new(&all.url())
                    .expect("source")
                    .only_datasets([one_name.clone()]),
            ),
        });
        dbs.extend([all, c1, c100, w1]);
    }

    let options = RebuildOptions::default();
    let once = std::env::var("CKAN_SEARCH_BENCH_ONCE").is_ok_and(|v| v == "1");
    for set in &sets {
        let group_name = format!("modes_{}_{n}", set.name);
        let mut timer = if once {
            Timer::Once {
                group: group_name,
                datasets: n,
            }
        } else {
            let mut group = c.benchmark_group(group_name);
            group.sample_size(10);
            group.throughput(Throughput::Elements(n as u64));
            Timer::Criterion(group)
        };
        timer.time(
            "full_rebuild",
            || tempfile::tempdir().expect("tempdir"),
            |data| {
                rebuild::full_rebuild(&store(data.path()), set.all.as_ref(), &options, &NoProgress)
                    .expect("rebuild");
                data
            },
        );
        let full = prepared(set.all.as_ref());
        timer.in_place("refresh_1pct_changed", full.path(), |s| {
            rebuild::refresh(s, set.changed_1.as_ref(), &options, &NoProgress).expect("refresh");
        });
        timer.in_place("refresh_100pct_changed", full.path(), |s| {
            rebuild::refresh(s, set.changed_100.as_ref(), &options, &NoProgress).expect("refresh");
        });
        let partial = prepared(set.without_1.as_ref());
        timer.in_place("only_missing_1pct", partial.path(), |s| {
            rebuild::only_missing(s, set.all.as_ref(), &options, &NoProgress).expect("-o");
        });
        timer.in_place("one_dataset", full.path(), |s| {
            rebuild::rebuild_datasets(
                s,
                set.one.as_ref(),
                std::slice::from_ref(&one_name),
                &options,
                &NoProgress,
            )
            .expect("named");
        });
        timer.in_place("rebuild_publisher", full.path(), |s| {
            rebuild_publisher(s, &set.spec, &organization, &options, &NoProgress)
                .expect("rebuild-publisher");
        });
        timer.finish();
    }
    drop(dbs);
}

criterion_group!(benches, bench_modes);
criterion_main!(benches);
