//! Query benchmarks: parse + compile of real CKAN/Find queries, and a 10-query mix over a
//! generated catalogue (100k datasets by default; `CKAN_SEARCH_BENCH_DATASETS` overrides).

use criterion::{criterion_group, criterion_main, Criterion};

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions};
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::JsonlSource;
use ckan_search_query::build::{build, BuildContext};
use ckan_search_query::params::SolrParams;
use ckan_search_query::parse::{parse_query, ParseOptions};
use ckan_search_query::{search, SearchRequest};

/// 2026-11-25T12:00:00Z, the generator's reference time.
const NOW_MS: i64 = 1_795_608_000_000;

const CKAN_FACETS: &[(&str, &str)] = &[
    ("facet", "true"),
    ("facet.field", "organization"),
    ("facet.field", "groups"),
    ("facet.field", "tags"),
    ("facet.field", "res_format"),
    ("facet.field", "license_id"),
    ("facet.limit", "50"),
    ("facet.mincount", "1"),
];

const CKAN_FQ: &[(&str, &str)] = &[
    ("fq", "+capacity:public +state:(active)"),
    ("fq", "+site_id:\"default\""),
    ("fq", "+permission_labels:(\"public\")"),
    ("df", "text"),
    ("q.op", "AND"),
];

/// The mix: (name, parameters).
fn mix() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let dismax: Vec<(&str, &str)> = vec![
        ("defType", "dismax"),
        ("qf", "name^4 title^4 tags^2 groups^2 text"),
        ("mm", "2<-1 5<80%"),
        ("tie", "0.1"),
        ("sort", "score desc, metadata_modified desc"),
        ("rows", "11"),
        ("fl", "id validated_data_dict"),
    ];
    let with = |base: &[(&'static str, &'static str)], more: &[&[(&'static str, &'static str)]]| {
        let mut v = base.to_vec();
        for m in more {
            v.extend_from_slice(m);
        }
        v
    };
    vec![
        ("match_all_count", vec![("q", "*:*"), ("rows", "0")]),
        ("ckan_package_search", with(&[("q", "flood risk")], &[&dismax, CKAN_FQ, CKAN_FACETS])),
        (
            "ckan_home_page",
            with(&[("q", "*:*"), ("fq", "capacity:\"public\""), ("rows", "4"), ("sort", "view_recent desc")], &[CKAN_FACETS]),
        ),
        (
            "find_keyword_3_facets",
            vec![
                ("q", "(title:(transport data)^2 OR notes:(transport data)) AND NOT site_id:dgu_organisations.*"),
                ("fq", "state:active"),
                ("fq", "type:dataset"),
                ("q.op", "OR"),
                ("sow", "true"),
                ("rows", "20"),
                ("facet", "true"),
                ("facet.field", "organization"),
                ("facet.field", "extras_theme-primary"),
                ("facet.field", "res_format"),
                ("f.organization.facet.limit", "3000"),
                ("facet.mincount", "1"),
            ],
        ),
        ("name_lookup", with(&[("q", "name:\"river-levels\" OR id:\"river-levels\""), ("rows", "1")], &[CKAN_FQ])),
        ("modified_last_week", with(&[("q", "metadata_modified:[NOW-7DAY/DAY TO NOW]"), ("rows", "20")], &[CKAN_FQ])),
        (
            "manual_harvested",
            with(&[("q", "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset"), ("rows", "20")], &[CKAN_FQ]),
        ),
        ("manual_not_harvested", with(&[("q", "-extras_harvest_object_id:*"), ("rows", "20")], &[CKAN_FQ])),
        ("find_csv_filter", vec![("q", "*:*"), ("fq", "res_format:\"CSV\"OR res_format:\".csv\""), ("rows", "20")]),
        ("find_ogl_filter", vec![("q", "*:*"), ("fq", "license_id:(uk-ogl OGL-UK-* ogl)"), ("rows", "20")]),
    ]
}

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
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("catalogue.jsonl");
    let config = ckan_search_data::GeneratorConfig::new(datasets, 1);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    ckan_search_data::generate(&config, &mut out).expect("generate");
    drop(out);
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
    group.finish();
}

criterion_group!(benches, bench_parse_and_compile, bench_mix);
criterion_main!(benches);
