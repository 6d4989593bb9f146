//! `/solr/ckan/update` as CKAN and pysolr use it: JSON and XML adds, deletes by query and
//! id, commits; a failed request changes nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions};
use ckan_search_indexer::source::JsonlSource;
use ckan_search_tests::{empty_server, open_store, sample_source, TestServer};
use serde_json::{json, Value};

fn post(
    server: &TestServer,
    query: &str,
    content_type: &str,
    body: impl Into<String>,
) -> (u16, Value) {
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/solr/ckan/update/?{query}", server.base))
        .header("Content-type", content_type)
        .body(body.into())
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn count(server: &TestServer, q: &str) -> u64 {
    let (status, body) = server.select(&[("q", q), ("rows", "0"), ("wt", "json")]);
    assert_eq!(status, 200, "{body}");
    body["response"]["numFound"].as_u64().unwrap()
}

const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";

/// The exact request CKAN 2.12 sent for `ds1` (ckan-as-client.md K3).
fn ckan_ds1_body() -> String {
    let fixture: Value = serde_json::from_str(include_str!(
        "../../indexer/tests/fixtures/ckan212_k3_ds1_update.json"
    ))
    .unwrap();
    fixture["body"].as_str().unwrap().to_string()
}

#[test]
fn ckan_json_add_with_commit_is_visible_on_return_and_round_trips() {
    let (server, _dir) = empty_server();
    let body = ckan_ds1_body();
    let sent: Vec<Value> = serde_json::from_str(&body).unwrap();
    let (status, response) = post(&server, "commit=true", JSON, body);
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["responseHeader"]["status"], 0);
    // K7: what package_show then asks.
    let (_, got) = server.select(&[
        ("q", "name:\"ds1\" OR id:\"ds1\""),
        ("fq", "+site_id:\"default\" +entity_type:package"),
        ("rows", "1"),
        ("wt", "json"),
    ]);
    assert_eq!(got["response"]["numFound"], 1);
    let doc = &got["response"]["docs"][0];
    assert_eq!(doc["validated_data_dict"], sent[0]["validated_data_dict"]);
    assert_eq!(doc["metadata_modified"], "2026-11-25T13:54:37.966Z");
    assert_eq!(doc["res_description"], json!(["the csv"]));
    assert_eq!(count(&server, "tags:climate"), 1);
    assert_eq!(count(&server, "spatial_coverage:Europe"), 1);

    // Re-adding replaces by index_id.
    let mut changed = sent.clone();
    changed[0]["title"] = json!("Climate Data Renamed");
    let (status, _) = post(
        &server,
        "commit=true",
        JSON,
        serde_json::to_string(&changed).unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(count(&server, "*:*"), 1);
    assert_eq!(count(&server, "title:renamed"), 1);

    // K4: delete by query, as CKAN sends it.
    let (status, _) = post(
        &server,
        "commit=true",
        XML,
        "<delete><query>+entity_type:package AND +(id:\"ds1\" OR name:\"ds1\") AND +site_id:\"default\"</query></delete>",
    );
    assert_eq!(status, 200);
    assert_eq!(count(&server, "*:*"), 0);
}

fn doc(id: &str, title: &str) -> Value {
    json!({"index_id": format!("key-{id}"), "id": id, "site_id": "default", "name": id, "title": title,
           "entity_type": "package", "state": "active", "capacity": "public"})
}

#[test]
fn writes_without_commit_become_visible_within_the_soft_commit_interval() {
    let (server, _dir) = empty_server();
    let (status, _) = post(&server, "", JSON, json!([doc("a", "Alpha")]).to_string());
    assert_eq!(status, 200);
    let started = Instant::now();
    while count(&server, "id:a") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "not visible within the soft-commit interval"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_bad_document_rejects_the_whole_request() {
    let (server, _dir) = empty_server();
    let mut bad = doc("b", "Bad");
    bad["organization"] = json!(["one", "two"]);
    let (status, body) = post(
        &server,
        "commit=true",
        JSON,
        json!([doc("good", "Good"), bad]).to_string(),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["msg"]
        .as_str()
        .unwrap()
        .contains("multiple values encountered for non multiValued field organization"));
    assert_eq!(
        count(&server, "*:*"),
        0,
        "nothing of a failed request is applied"
    );
    let (status, body) = post(
        &server,
        "commit=true",
        XML,
        "<delete><query>title:(unclosed</query></delete>",
    );
    assert_eq!(status, 400, "{body}");
}

#[test]
fn pysolr_xml_adds_deletes_by_id_and_commits() {
    let (server, _dir) = empty_server();
    let xml = r#"<?xml version="1.0" encoding="utf-8"?><add><doc><field name="index_id">key-x</field><field name="id">x</field><field name="site_id">default</field><field name="name">x</field><field name="title">Fish &amp; chips</field><field name="tags">food</field><field name="tags">uk</field></doc></add>"#;
    let (status, body) = post(&server, "", XML, xml);
    assert_eq!(status, 200, "{body}");
    let (status, _) = post(&server, "commit=true&waitSearcher=false", XML, "<commit />");
    assert_eq!(status, 200);
    assert_eq!(count(&server, "tags:uk"), 1);
    let (_, got) = server.select(&[("q", "id:x"), ("fl", "title,tags")]);
    assert_eq!(
        got["response"]["docs"][0],
        json!({"title": "Fish & chips", "tags": ["food", "uk"]})
    );
    let (status, _) = post(
        &server,
        "commit=true",
        XML,
        "<delete><id>key-x</id></delete>",
    );
    assert_eq!(status, 200);
    assert_eq!(count(&server, "*:*"), 0);
    // DTDs are refused before anything is applied.
    let evil = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><add><doc><field name="id">&x;</field></doc></add>"#;
    let (status, _) = post(&server, "commit=true", XML, evil);
    assert_eq!(status, 400);
}

#[test]
fn documents_without_a_unique_key_get_one() {
    // data.gov.uk's organisation documents are sent without index_id.
    let (server, _dir) = empty_server();
    let org = json!([{"site_id": "dgu_organisations_2", "id": "org-1", "name": "cabinet-office", "title": "Cabinet Office"}]);
    let (status, body) = post(&server, "commit=true", JSON, org.to_string());
    assert_eq!(status, 200, "{body}");
    let (_, got) = server.select(&[
        ("q", "*:*"),
        ("fq", "site_id:dgu_organisations_2"),
        ("fl", "title,name,index_id"),
        ("rows", "3000"),
    ]);
    assert_eq!(got["response"]["numFound"], 1);
    assert_eq!(got["response"]["docs"][0]["title"], "Cabinet Office");
    assert_eq!(
        got["response"]["docs"][0]["index_id"]
            .as_str()
            .unwrap()
            .len(),
        36
    );
}

#[test]
fn a_full_rebuild_keeps_other_sites_documents() {
    // data.gov.uk's organisation documents are no dataset source's: a full rebuild of the
    // CKAN site must carry them over, as CKAN's own rebuild (which clears only
    // `+site_id:<site>`) leaves them alone.
    let (server, dir) = empty_server();
    let docs = json!([
        {"site_id": "dgu_organisations_2", "id": "org-1", "name": "cabinet-office",
         "title": "Cabinet Office", "extras_foi-email": "foi@cabinetoffice.gov.uk"},
        {"site_id": "other-ckan", "id": "ds-9", "name": "elsewhere", "title": "Elsewhere",
         "url": "http://example.org/a", "entity_type": "package"},
    ]);
    let (status, body) = post(&server, "commit=true", JSON, docs.to_string());
    assert_eq!(status, 200, "{body}");
    let fields = |fq: &str| {
        let (_, got) = server.select(&[("q", "*:*"), ("fq", fq), ("fl", "*"), ("rows", "10")]);
        let mut doc = got["response"]["docs"][0].clone();
        if let Some(m) = doc.as_object_mut() {
            m.remove("_version_");
        }
        (got["response"]["numFound"].clone(), doc)
    };
    let before_org = fields("site_id:dgu_organisations_2");
    let before_other = fields("site_id:other-ckan");

    let summary = full_rebuild(
        &open_store(dir.path()),
        &sample_source(),
        &RebuildOptions::default(),
        &NoProgress,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&server, "site_id:default") != summary.indexed as u64 {
        assert!(
            Instant::now() < deadline,
            "the new generation was not served"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Stored exactly as before (copies such as title_ngram made again, not doubled).
    assert_eq!(fields("site_id:dgu_organisations_2"), before_org);
    assert_eq!(fields("site_id:other-ckan"), before_other);
    assert_eq!(count(&server, "name_ngram:cabinet"), 1);
}

/// A source that runs `on_read` when the rebuild starts reading it (after the rebuild has
/// recorded the journal's end): what happens then happens during the rebuild.
struct OnRead<F: Fn() + Send + Sync> {
    inner: JsonlSource,
    on_read: F,
}

impl<F: Fn() + Send + Sync> ckan_search_indexer::source::Source for OnRead<F> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn records(
        &self,
    ) -> ckan_search_indexer::Result<
        Box<dyn Iterator<Item = ckan_search_indexer::source::SourceRecord> + Send + '_>,
    > {
        (self.on_read)();
        self.inner.records()
    }
}

#[test]
fn writes_accepted_during_a_full_rebuild_are_in_the_new_generation() {
    let (server, dir) = empty_server();
    let (status, _) = post(
        &server,
        "commit=true",
        JSON,
        json!([doc("before", "Before")]).to_string(),
    );
    assert_eq!(status, 200);
    // A client writes a document through `/update` while the rebuild runs.
    let base = server.base.clone();
    let source = OnRead {
        inner: sample_source(),
        on_read: move || {
            let response = reqwest::blocking::Client::new()
                .post(format!("{base}/solr/ckan/update?commit=true"))
                .header("Content-type", JSON)
                .body(json!([doc("during", "Written during the rebuild")]).to_string())
                .send()
                .unwrap();
            assert_eq!(response.status().as_u16(), 200);
        },
    };
    let store = open_store(dir.path());
    let summary = full_rebuild(&store, &source, &RebuildOptions::default(), &NoProgress).unwrap();
    // The old generation had it at once; the new one gets it from the journal.
    let started = Instant::now();
    while count(&server, "id:during") != 1 || count(&server, "*:*") != summary.indexed + 1 {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the write made during the rebuild was lost"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // "before" was written before the rebuild began: the source (CKAN's database) is its
    // record, and it does not have it, so the rebuilt index does not either.
    assert_eq!(count(&server, "id:before"), 0);
}

#[test]
fn acknowledged_writes_stay_visible_through_a_generation_flip() {
    // Read-your-writes across a rebuild's flip: the writer replays the journal onto the new
    // generation before readers are given it, so no read in the moments after the flip
    // misses a write acknowledged while the rebuild ran.
    let (server, dir) = empty_server();
    let store = open_store(dir.path());
    let read = Arc::new(AtomicBool::new(false));
    let flag = read.clone();
    let source = OnRead {
        inner: sample_source(),
        on_read: move || flag.store(true, Ordering::SeqCst),
    };
    let rebuild = std::thread::spawn(move || {
        full_rebuild(&store, &source, &RebuildOptions::default(), &NoProgress).expect("rebuild")
    });
    while !read.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut written = 0u64;
    let mut finished: Option<Instant> = None;
    let mut after_flip = 0;
    let started = Instant::now();
    // 1.5 s and at least 20 writes after the flip (a loaded machine writes slowly).
    while finished.is_none_or(|t| t.elapsed() < Duration::from_millis(1500) || after_flip < 20) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the rebuild and 20 writes after it took over 2 minutes"
        );
        written += 1;
        let id = format!("ryw-{written}");
        let (status, body) = post(
            &server,
            "commit=true",
            JSON,
            json!([doc(&id, "Read your writes")]).to_string(),
        );
        assert_eq!(status, 200, "{body}");
        for _ in 0..3 {
            let n = count(&server, &format!("id:{id}"));
            if n != 1 {
                // Say whether a page (not only the count) misses it too, and how many of
                // the writes are visible: which of the two failed.
                let (_, page) = server.select(&[("q", &format!("id:{id}")), ("rows", "5")]);
                let visible = count(&server, "title:\"read your writes\"");
                panic!(
                    "{id} is not visible: count {n}, a page finds {}, {visible} of {written} writes visible, {after_flip} writes after the flip",
                    page["response"]["numFound"]
                );
            }
            assert_eq!(
                count(&server, "title:\"read your writes\""),
                written,
                "an acknowledged write disappeared"
            );
        }
        if finished.is_some() {
            after_flip += 1;
        } else if rebuild.is_finished() {
            finished = Some(Instant::now());
        }
    }
    let summary = rebuild.join().expect("rebuild thread");
    assert_eq!(count(&server, "*:*"), summary.indexed as u64 + written);
}
