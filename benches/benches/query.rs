//! Query benchmarks: parse + compile of real CKAN/Find queries, and a 10-query mix over a
//! generated catalogue (100k datasets by default; `CKAN_SEARCH_BENCH_DATASETS` overrides),
//! plus the `fl=id` walk of the whole catalogue and a `cursorMark` walk in pages of 1,000.

use criterion::{criterion_group, criterion_main, Criterion};

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions};
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::JsonlSource;
use ckan_search_query::build::{build, BuildContext};
use ckan_search_query::params::SolrParams;
use ckan_search_query::parse::{parse_query, ParseOptions};
use ckan_search_query::{search, PageFields, SearchRequest};

use ckan_search_benches::mix::{query_mix as mix, NOW_MS};

fn request(params: &[(&str, &str)]) -> SearchRequest {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.push(("NOW".into(), NOW_MS.to_string()));
    SearchRequest::from_params(&SolrParams::new(pairs), NOW_MS).expect("valid request")
}

fn bench_parse_and_compile(c: &mut Criterion) {
    let schema = CkanSchema::new();
    let index = tantivy::Index::create_in_ram(schema.tantivy_schema().clone());
    schema.register_analyzers(&index, &AnalysisConfig::default());
    let ctx = BuildContext::new(&schema, index.tokenizers(), NOW_MS, None).expect("context");
    let queries = mix();
    c.bench_function("query/parse_and_compile_mix", |b| {
        b.iter(|| {
            for (_, params) in &queries {
                let req = request(params);
                let opts = ParseOptions::from_request(&req).expect("options");
                let q = req.q.clone().unwrap_or_default();
                let ast = parse_query(&q, &opts).expect("parses");
                build(&ast, &ctx).expect("compiles");
            }
        })
    });
}

fn bench_mix(c: &mut Criterion) {
    let datasets: usize = std::env::var("CKAN_SEARCH_BENCH_DATASETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (dir, path) = ckan_search_benches::catalogue::generated_jsonl(datasets);
    let store = GenerationStore::open(
        dir.path().join("data"),
        CkanSchema::new(),
        AnalysisConfig::default(),
    )
    .expect("store");
    let summary = full_rebuild(
        &store,
        &JsonlSource::file(&path),
        &RebuildOptions::default(),
        &NoProgress,
    )
    .expect("rebuild");
    eprintln!("query mix over {summary}");
    let id = store.current().expect("current").expect("a generation");
    let index = store.open_index(id).expect("open");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let schema = CkanSchema::new();

    let mut group = c.benchmark_group(format!("query_mix_{}k", datasets / 1000));
    group.sample_size(20);
    for (name, params) in mix() {
        let req = request(&params);
        group.bench_function(name, |b| {
            b.iter(|| search(&searcher, &schema, &req).expect("search"))
        });
    }
    // CKAN's `search-index -o` id listing: every id in one request, read as the server
    // writes it (search, then the page's fields).
    let all = request(&[("q", "*:*"), ("fl", "id"), ("rows", "10000000")]);
    group.bench_function("fl_id_walk", |b| {
        b.iter(|| {
            let result = search(&searcher, &schema, &all).expect("search");
            let page = PageFields::new(&searcher, &schema, &all.fl, &result.hits).expect("page");
            page.all(&result.hits).expect("fields").len()
        })
    });
    // Deep paging with cursorMark: the whole catalogue in pages of 1,000, as a harvester
    // walks it (`sort=index_id asc`, ids only).
    group.bench_function("cursor_mark_walk_1000", |b| {
        b.iter(|| {
            let mut mark = "*".to_string();
            let mut seen = 0;
            loop {
                let req = request(&[
                    ("q", "*:*"),
                    ("fl", "id"),
                    ("rows", "1000"),
                    ("sort", "index_id asc"),
                    ("cursorMark", &mark),
                ]);
                let result = search(&searcher, &schema, &req).expect("search");
                seen += result.hits.len();
                let next = result.next_cursor_mark.expect("a cursor");
                if next == mark {
                    break seen;
                }
                mark = next;
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse_and_compile, bench_mix);
criterion_main!(benches);
