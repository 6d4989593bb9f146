//! Write → visible: one dataset added with `commit=true` (CKAN sends one such request per
//! dataset edit) over HTTP on loopback to an in-process server, then read back by id — the
//! time until a search sees the write. The server serves a generated catalogue
//! (`CKAN_SEARCH_BENCH_DATASETS`, 10,000 by default), so each commit has a real index to
//! join.
//!
//! ```sh
//! cargo bench -p ckan-search-benches --bench writes
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

use ckan_search_indexer::source::JsonlSource;
use ckan_search_tests::{publish, TestServer};

fn datasets() -> usize {
    std::env::var("CKAN_SEARCH_BENCH_DATASETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn bench_write_visible(c: &mut Criterion) {
    let n = datasets();
    let (dir, path) = ckan_search_benches::catalogue::generated_jsonl(n);
    let data = dir.path().join("data");
    publish(&data, &JsonlSource::file(&path));
    let server = TestServer::start(&data);
    let client = reqwest::blocking::Client::new();
    let update = format!("{}/solr/ckan/update?commit=true", server.base);
    let select = format!("{}/solr/ckan/select", server.base);

    let mut written = 0u64;
    c.bench_function(&format!("write_visible_commit_true_{}k", n / 1000), |b| {
        b.iter(|| {
            written += 1;
            let id = format!("bench-write-{written}");
            let doc = json!([{
                "index_id": id, "id": id, "name": id, "title": format!("Write {written}"),
                "site_id": "default", "entity_type": "package", "dataset_type": "dataset",
                "state": "active", "capacity": "public", "notes": "measuring write to visible",
            }]);
            let reply = client.post(&update).json(&doc).send().expect("update");
            assert!(reply.status().is_success(), "update: {}", reply.status());
            let found: Value = client
                .get(&select)
                .query(&[("q", format!("id:\"{id}\"")), ("rows", "0".into())])
                .send()
                .and_then(|r| r.json())
                .expect("select");
            assert_eq!(
                found["response"]["numFound"], 1,
                "{id} visible after its commit"
            );
        })
    });
}

criterion_group!(benches, bench_write_visible);
criterion_main!(benches);
