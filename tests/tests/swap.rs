//! A full rebuild of 50k datasets while a client queries `q=*:*` every few milliseconds:
//! readers see the old count until the flip, then the new one — never zero, never a part.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions};
use ckan_search_indexer::source::JsonlSource;
use ckan_search_tests::{indexable, open_store, read_packages, sample_source, TestServer};

fn count(server: &TestServer) -> u64 {
    let (status, body) = server.select(&[("q", "*:*"), ("rows", "0"), ("wt", "json")]);
    assert_eq!(status, 200, "{body}");
    body["response"]["numFound"].as_u64().expect("numFound")
}

#[test]
fn rebuild_under_load_never_shows_an_empty_or_partial_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let options = RebuildOptions::default();

    // Generation 1: the bundled sample.
    let sample = sample_source();
    let old = read_packages(ckan_search_data::SAMPLE_JSONL_GZ)
        .iter()
        .filter(|p| indexable(p))
        .count() as u64;
    full_rebuild(&store, &sample, &options, &NoProgress).unwrap();

    // The new catalogue: 50k generated datasets.
    let big = dir.path().join("big.jsonl");
    let config = ckan_search_data::GeneratorConfig {
        datasets: 50_000,
        seed: 7,
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    ckan_search_data::generate(&config, &mut out).unwrap();
    drop(out);
    let new = read_packages(&std::fs::read(&big).unwrap())
        .iter()
        .filter(|p| indexable(p))
        .count() as u64;
    assert_ne!(old, new);

    let server = TestServer::start(dir.path());
    assert_eq!(count(&server), old);

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<u64>::new()));
    let client = {
        let (stop, seen, base) = (stop.clone(), seen.clone(), server.base.clone());
        std::thread::spawn(move || {
            let http = reqwest::blocking::Client::new();
            while !stop.load(Ordering::Relaxed) {
                let body: serde_json::Value = http
                    .get(format!("{base}/solr/ckan/select?q=*:*&rows=0&wt=json"))
                    .send()
                    .and_then(|r| r.json())
                    .expect("query during rebuild");
                seen.lock()
                    .unwrap()
                    .push(body["response"]["numFound"].as_u64().expect("numFound"));
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };

    let summary = full_rebuild(&store, &JsonlSource::file(&big), &options, &NoProgress).unwrap();
    assert_eq!(summary.indexed, new);

    // The server follows CURRENT within a second.
    let flipped = Instant::now();
    while count(&server) != new {
        assert!(
            flipped.elapsed() < Duration::from_secs(1),
            "new generation not served within 1 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50));
    stop.store(true, Ordering::Relaxed);
    client.join().unwrap();

    let seen = seen.lock().unwrap();
    assert!(
        seen.len() > 20,
        "the client queried only {} times",
        seen.len()
    );
    for n in seen.iter() {
        assert!(
            *n == old || *n == new,
            "a reader saw {n} documents (old {old}, new {new})"
        );
    }
    // One switch, old → new, never back.
    let switch = seen.iter().position(|n| *n == new).expect("new count seen");
    assert!(seen[..switch].iter().all(|n| *n == old));
    assert!(seen[switch..].iter().all(|n| *n == new));
    assert_eq!(*seen.last().unwrap(), new);
}
