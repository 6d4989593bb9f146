//! What CKAN checks at start-up (schema version, liveness) and Solr's real-time get.

use ckan_search_indexer::document::package::index_id;
use ckan_search_tests::{indexable, publish, read_packages, sample_source, TestServer};
use serde_json::Value;

fn server() -> (TestServer, Vec<Value>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    publish(dir.path(), &sample_source());
    let packages = read_packages(ckan_search_data::SAMPLE_JSONL_GZ)
        .into_iter()
        .filter(indexable)
        .collect();
    (TestServer::start(dir.path()), packages, dir)
}

/// CKAN's `check_solr_schema_version`: the root's `name` is `ckan-X.Y` with X.Y supported.
fn ckan_schema_version(xml: &str) -> Option<String> {
    let root = xml.split("<schema").nth(1)?;
    let name = root.split("name=\"").nth(1)?.split('"').next()?;
    name.strip_prefix("ckan-").map(str::to_string)
}

#[test]
fn schema_endpoints_pass_ckans_version_check() {
    let (server, _, _dir) = server();
    for path in [
        "/solr/ckan/schema?wt=schema.xml",
        "/solr/ckan/admin/file/?file=schema.xml",
    ] {
        let response = reqwest::blocking::Client::new()
            .get(format!("{}{path}", server.base))
            .header("Authorization", "Basic Og==")
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let xml = response.text().unwrap();
        let version = ckan_schema_version(&xml).expect("a ckan-X.Y schema name");
        assert!(
            ["2.8", "2.9", "2.10", "2.11", "2.12"].contains(&version.as_str()),
            "{version}"
        );
        assert!(xml.contains("<uniqueKey>index_id</uniqueKey>"));
        assert!(xml.contains("<dynamicField name=\"extras_*\" type=\"text\""));
        assert!(xml.contains("<copyField source=\"res_url\" dest=\"urls\"/>"));
    }
}

#[test]
fn ping_and_real_time_get() {
    let (server, packages, _dir) = server();
    let (status, body) = server.get("/solr/ckan/admin/ping?wt=json");
    assert_eq!(status, 200);
    assert_eq!(body["status"], "OK");

    let p = &packages[3];
    let key = index_id(p["id"].as_str().unwrap(), "default");
    let (status, body) = server.get(&format!("/solr/ckan/get?id={key}"));
    assert_eq!(status, 200);
    assert_eq!(body["doc"]["id"], p["id"]);
    assert_eq!(body["doc"]["index_id"], key);
    let (_, body) = server.get("/solr/ckan/get?id=no-such-key");
    assert_eq!(body["doc"], Value::Null);
    let other = index_id(packages[4]["id"].as_str().unwrap(), "default");
    let (_, body) = server.get(&format!("/solr/ckan/get?ids={key},{other}"));
    assert_eq!(body["response"]["numFound"], 2);
}
