//! No acknowledged write is lost: a server killed (SIGKILL) right after acknowledging an
//! uncommitted write finds it in its journal when it starts again.

use std::process::Child;
use std::time::{Duration, Instant};

mod common;

use common::{http, search_index_ok, serve};

/// Starts `serve` on an ephemeral port with this soft-commit interval.
fn serve_with(data: &std::path::Path, soft_commit_ms: &str) -> (Child, String) {
    serve(data, &["--soft-commit-ms", soft_commit_ms])
}

fn count(address: &str, q: &str) -> u64 {
    let (status, body) = http(
        address,
        "GET",
        &format!("/solr/ckan/select?q={q}&rows=0&wt=json"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    body["response"]["numFound"].as_u64().unwrap_or(u64::MAX)
}

/// `search-index rebuild ARGS --source jsonl:<lines>` into `data`; returns its stdout.
fn rebuild(data: &std::path::Path, args: &[&str], lines: &str) -> String {
    let source = data.with_extension(format!("{}.jsonl", args.len()));
    std::fs::write(&source, lines).expect("source");
    let source = format!("jsonl:{}", source.display());
    let mut all = vec!["rebuild"];
    all.extend_from_slice(args);
    all.extend(["--source", &source]);
    search_index_ok(data, &all)
}

/// A running server that has been written to and an in-place `rebuild -r` share the live
/// generation: the CLI waits for the server to release its writer, and both writes stay.
#[test]
fn in_place_rebuild_runs_beside_a_writing_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    rebuild(&data, &[], "");
    let (mut child, address) = serve_with(&data, "100");
    let doc = r#"[{"index_id":"key-live","id":"live","site_id":"default","name":"live","title":"From the server"}]"#;
    let (status, body) = http(&address, "POST", "/solr/ckan/update/?commit=true", doc);
    assert_eq!(status, 200, "{body}");
    let pkg = r#"{"id":"from-cli","name":"from-cli","title":"From the CLI","state":"active","type":"dataset","private":false,"metadata_modified":"2024-03-01T10:00:00.123456","metadata_created":"2024-03-01T10:00:00.123456"}"#;
    let summary = rebuild(&data, &["-r"], &format!("{pkg}\n"));
    assert!(summary.starts_with("indexed 1,"), "{summary}");
    let started = Instant::now();
    while count(&address, "*:*") != 2 {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the server does not see both writes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(count(&address, "id:live"), 1);
    assert_eq!(count(&address, "id:from-cli"), 1);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn an_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    rebuild(&data, &[], "");

    let (mut child, address) = serve_with(&data, "600000");
    let doc = r#"[{"index_id":"key-durable","id":"durable","site_id":"default","name":"durable","title":"Durable write"}]"#;
    // No commit: with a 10-minute soft-commit interval, only the journal holds it.
    let (status, body) = http(&address, "POST", "/solr/ckan/update/", doc);
    assert_eq!(status, 200, "{body}");
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let (mut child, address) = serve_with(&data, "600000");
    let started = Instant::now();
    let mut found = count(&address, "id:durable");
    while found != 1 && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
        found = count(&address, "id:durable");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(found, 1, "the acknowledged write was lost");
}
