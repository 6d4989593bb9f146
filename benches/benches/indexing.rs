//! Indexing benchmarks: analysis (tokens/s), package dict → tantivy document mapping
//! (documents/s), and a full rebuild of a generated catalogue (datasets/s).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use ckan_search_indexer::analysis::{self, AnalysisConfig};
use ckan_search_indexer::document::package::{package_to_solr, PackageAction, PackageOptions};
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions};
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::JsonlSource;
use tantivy::tokenizer::TokenizerManager;

fn catalogue(datasets: usize) -> Vec<serde_json::Value> {
    let config = ckan_search_data::GeneratorConfig {
        datasets,
        seed: 1,
        ..Default::default()
    };
    ckan_search_data::packages(&config).collect()
}

fn bench_analysis(c: &mut Criterion) {
    let manager = TokenizerManager::default();
    analysis::register_ckan_analyzers(&manager, &AnalysisConfig::default());
    let notes: Vec<String> = catalogue(200)
        .iter()
        .filter_map(|p| p["notes"].as_str().map(str::to_string))
        .collect();
    let tokens: usize = notes
        .iter()
        .map(|n| analysis::analyze(&manager, analysis::TEXT, n).len())
        .sum();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("text_index_notes", |b| {
        b.iter(|| {
            notes
                .iter()
                .map(|n| analysis::analyze(&manager, analysis::TEXT, n).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn bench_mapping(c: &mut Criterion) {
    let packages = catalogue(1_000);
    let schema = CkanSchema::new();
    let options = PackageOptions::default();
    let mut group = c.benchmark_group("mapping");
    group.throughput(Throughput::Elements(packages.len() as u64));
    group.bench_function("package_to_tantivy", |b| {
        b.iter(|| {
            let mut n = 0;
            for p in &packages {
                if let Ok(PackageAction::Index(doc)) = package_to_solr(p, &options) {
                    if schema.to_tantivy(&doc, 0, 1).is_ok() {
                        n += 1;
                    }
                }
            }
            n
        })
    });
    group.finish();
}

fn bench_rebuild(c: &mut Criterion) {
    const DATASETS: usize = 10_000;
    let (_dir, path) = ckan_search_benches::catalogue::generated_jsonl(DATASETS);
    let source = JsonlSource::file(&path);
    let mut group = c.benchmark_group("rebuild");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DATASETS as u64));
    group.bench_function("full_10k_jsonl", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |data| {
                let store = GenerationStore::open(
                    data.path(),
                    CkanSchema::new(),
                    AnalysisConfig::default(),
                )
                .expect("store");
                full_rebuild(&store, &source, &RebuildOptions::default(), &NoProgress)
                    .expect("rebuild")
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_analysis, bench_mapping, bench_rebuild);
criterion_main!(benches);
