//! No acknowledged write is lost: a server killed (SIGKILL) right after acknowledging an
//! uncommitted write finds it in its journal when it starts again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ckan-search");

/// Starts `serve` on an ephemeral port; returns the child and its address.
fn serve(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--soft-commit-ms",
            "600000",
            "--data-dir",
        ])
        .arg(data)
        .env_remove("CKAN_SEARCH_DATA_DIR")
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

fn http(address: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
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

#[test]
fn an_acknowledged_write_survives_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").expect("empty source");
    let status = Command::new(BIN)
        .args(["search-index", "--data-dir"])
        .arg(&data)
        .args(["rebuild", "--source"])
        .arg(format!("jsonl:{}", empty.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("rebuild");
    assert!(status.success());

    let (mut child, address) = serve(&data);
    let doc = r#"[{"index_id":"key-durable","id":"durable","site_id":"default","name":"durable","title":"Durable write"}]"#;
    // No commit: with a 10-minute soft-commit interval, only the journal holds it.
    let (status, body) = http(&address, "POST", "/solr/ckan/update/", doc);
    assert_eq!(status, 200, "{body}");
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let (mut child, address) = serve(&data);
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
