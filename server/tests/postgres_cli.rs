//! `ckan-search search-index … --source postgres://…`: the real binary against a CKAN
//! database on the real PostgreSQL (127.0.0.1:5432, trust auth, user `postgres`;
//! `CKAN_SEARCH_TEST_PG` overrides the server URL). The database is created with CKAN's
//! tables (`tests/sql/ckan-2.12.sql`) and loaded with `psql \copy` from a generated
//! catalogue (`ckan_search_data::test_db`), then dropped. A server that is down fails
//! the test; nothing is skipped.
//!
//! A full rebuild from the database must give exactly the documents a rebuild from the
//! equivalent JSONL gives (the same package dicts, as `ckanapi dump datasets` would write
//! them for a core-schema site), and every other mode must work with the database as its
//! source. That the dicts themselves are what CKAN's `package_show` returns is
//! `indexer/tests/postgres_source.rs`'s business.

mod common;

use common::{search_index, search_index_ok};

use std::path::{Path, PathBuf};

use ckan_search_data::test_db::TestDb;
use ckan_search_data::GeneratorConfig;
use ckan_search_indexer::source::{PostgresSource, Source};
use common::stored_docs;
use serde_json::Value;

/// The summary line's counts: (indexed, skipped, removed, failed).
fn counts(stdout: &str) -> (u64, u64, u64, u64) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("indexed "))
        .unwrap_or_else(|| panic!("no summary line in {stdout}"));
    let n: Vec<u64> = line
        .split(" in ")
        .next()
        .unwrap_or_default()
        .split(", ")
        .map(|part| {
            part.rsplit(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("bad summary line {line}"))
        })
        .collect();
    (n[0], n[1], n[2], n[3])
}

fn data_dir(root: &Path, name: &str) -> PathBuf {
    root.join(name)
}

#[test]
fn every_search_index_mode_reads_ckans_database() {
    let dicts: Vec<Value> = ckan_search_data::packages(&GeneratorConfig::new(1_200, 21)).collect();
    let db = TestDb::create("ckan_search_cli");
    db.load(&dicts);
    let source = format!(
        "{}?ckan.site_url=https%3A%2F%2Fckan.publishing.service.gov.uk",
        db.url()
    );
    let state = |s: &str| dicts.iter().filter(|d| d["state"] == s).count() as u64;
    let (active, draft, deleted) = (state("active"), state("draft"), state("deleted"));
    assert!(draft > 0 && deleted > 0);
    let tmp = tempfile::tempdir().expect("tempdir");

    // The equivalent JSONL: the database's package dicts, one a line.
    let reader = PostgresSource::new(&source).expect("source");
    let jsonl = tmp.path().join("catalogue.jsonl");
    let mut lines = String::new();
    for record in reader.records().expect("records") {
        lines.push_str(&record.package.expect("dict").to_string());
        lines.push('\n');
    }
    reader.check_complete().expect("complete");
    std::fs::write(&jsonl, lines).expect("write JSONL");

    // Full rebuilds: deleted datasets are skipped, the rest indexed, same documents.
    let from_pg = data_dir(tmp.path(), "pg");
    let out = search_index_ok(&from_pg, &["rebuild", "--source", &source]);
    assert_eq!(counts(&out), (active + draft, deleted, 0, 0));
    let from_jsonl = data_dir(tmp.path(), "jsonl");
    let jsonl_source = format!("jsonl:{}", jsonl.display());
    search_index_ok(&from_jsonl, &["rebuild", "--source", &jsonl_source]);
    let (pg_docs, jsonl_docs) = (stored_docs(&from_pg), stored_docs(&from_jsonl));
    assert_eq!(pg_docs.len() as u64, active + draft);
    assert_eq!(pg_docs, jsonl_docs);
    let generations = search_index_ok(&from_pg, &["generations"]);
    assert!(
        generations.contains(&format!("from {}", db.url())),
        "{generations}"
    );

    // check: every active dataset is indexed.
    assert_eq!(
        search_index_ok(&from_pg, &["check", "--source", &source]),
        format!("Packages not indexed = 0 out of {active}\n")
    );

    // -r upserts everything again; -o finds nothing missing but the drafts (as CKAN).
    let out = search_index_ok(&from_pg, &["rebuild", "-r", "--source", &source]);
    assert_eq!(counts(&out), (active + draft, deleted, 0, 0));
    let out = search_index_ok(&from_pg, &["rebuild", "-o", "--source", &source]);
    assert_eq!(counts(&out).0, draft);

    // Named datasets, by name and by id, after CKAN changed them in the database.
    let (a, b) = (&dicts[3], &dicts[4]);
    db.execute(&format!(
        "UPDATE package SET title = 'Retitled in CKAN' WHERE id IN ('{}', '{}')",
        a["id"].as_str().unwrap(),
        b["id"].as_str().unwrap()
    ));
    let out = search_index_ok(
        &from_pg,
        &[
            "rebuild",
            "--source",
            &source,
            a["name"].as_str().unwrap(),
            b["id"].as_str().unwrap(),
        ],
    );
    // Only the two named datasets are read from the database (nothing else is skipped).
    let named_indexable = [a, b].iter().filter(|d| d["state"] != "deleted").count() as u64;
    assert_eq!(counts(&out), (named_indexable, 2 - named_indexable, 0, 0));
    let docs = stored_docs(&from_pg);
    for d in [a, b] {
        if d["state"] != "deleted" {
            assert_eq!(docs[d["id"].as_str().unwrap()]["title"], "Retitled in CKAN");
        }
    }

    // A dataset purged in CKAN is an orphan until cleared.
    let purged = dicts
        .iter()
        .find(|d| d["state"] == "active")
        .expect("an active dataset");
    let purged_id = purged["id"].as_str().unwrap();
    db.execute(&format!(
        "DELETE FROM resource WHERE package_id = '{purged_id}';
         DELETE FROM package_tag WHERE package_id = '{purged_id}';
         DELETE FROM package WHERE id = '{purged_id}';"
    ));
    assert_eq!(
        search_index_ok(&from_pg, &["list-orphans", "--source", &source]),
        format!("{purged_id}\n")
    );
    search_index_ok(&from_pg, &["clear-orphans", "--source", &source]);
    assert!(!stored_docs(&from_pg).contains_key(purged_id));
    assert_eq!(
        search_index_ok(&from_pg, &["list-orphans", "--source", &source]),
        String::new()
    );
}

#[test]
fn an_unreachable_database_fails_the_run_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = data_dir(tmp.path(), "data");
    let jsonl = tmp.path().join("small.jsonl");
    let lines: String = ckan_search_data::packages(&GeneratorConfig::new(50, 1))
        .map(|d| format!("{d}\n"))
        .collect();
    std::fs::write(&jsonl, lines).expect("write JSONL");
    search_index_ok(
        &data,
        &["rebuild", "--source", &format!("jsonl:{}", jsonl.display())],
    );
    let before = stored_docs(&data);
    let run = search_index(
        &data,
        &[
            "rebuild",
            "--source",
            "postgresql://ckan:secret@127.0.0.1:1/ckan",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr.contains("error: source postgresql://ckan@127.0.0.1:1/ckan: cannot connect:"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"));
    assert_eq!(stored_docs(&data), before);
}
