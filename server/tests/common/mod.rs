//! Helpers the server's integration tests share (each test file includes this module and
//! uses part of it).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::schema::CkanSchema;
use serde_json::{Map, Value};
use tantivy::{DocAddress, TantivyDocument};

/// Every live document's stored fields by id, without the fields that record when it was
/// indexed.
pub fn stored_docs(data: &Path) -> BTreeMap<String, Map<String, Value>> {
    let store = GenerationStore::open(data, CkanSchema::new(), AnalysisConfig::default())
        .expect("open store");
    let current = store
        .current()
        .expect("CURRENT")
        .expect("a live generation");
    let index = store.open_index(current).expect("open the live generation");
    let searcher = index.reader().expect("reader").searcher();
    let mut docs = BTreeMap::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument = searcher
                .doc(DocAddress::new(ordinal as u32, doc_id))
                .expect("stored document");
            let mut fields = store.schema().stored_fields(&doc);
            fields.remove("indexed_ts");
            fields.remove("_version_");
            let id = fields["id"].as_str().expect("id").to_string();
            assert!(docs.insert(id.clone(), fields).is_none(), "{id} twice");
        }
    }
    docs
}

/// The `ckan-search` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ckan-search");

/// Runs `ckan-search search-index --data-dir DATA ARGS…` with warnings only on stderr and no
/// source taken from the caller's environment.
pub fn search_index(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("search-index")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("CKAN_SEARCH_SOURCE")
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("running ckan-search")
}

/// [`search_index`] that must succeed (the test fails with both outputs otherwise);
/// returns stdout.
pub fn search_index_ok(data: &Path, args: &[&str]) -> String {
    let out = search_index(data, args);
    assert!(
        out.status.success(),
        "search-index {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Starts `serve` on an ephemeral port over `data`, with `extra` arguments; returns the
/// child and the address it logged.
pub fn serve(data: &Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .arg("--data-dir")
        .arg(data)
        .env_remove("CKAN_SEARCH_DATA_DIR")
        .env_remove("CKAN_SEARCH_LISTEN")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("address=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next().map(str::to_string))
        })
        .expect("serve logged its address");
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}

/// One HTTP/1.0 request with a JSON body; returns the status and the JSON body (null when
/// the body is not JSON).
pub fn http(address: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, body)
}
