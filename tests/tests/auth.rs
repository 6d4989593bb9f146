//! HTTP Basic auth as CKAN uses it (`solr_user` / `solr_password`): off by default and then
//! blind to any `Authorization` header (CKAN's schema check sends `Basic Og==`), or
//! required per route group, answering 401 with Solr's challenge and error body.

use ckan_search_server::auth::{AuthConfig, Credentials};
use ckan_search_tests::{publish, sample_source, TestServer};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};

/// `base64("ckan:s3cret")`.
const GOOD: &str = "Basic Y2thbjpzM2NyZXQ=";
/// `base64("ckan:wrong")`.
const WRONG_PASSWORD: &str = "Basic Y2thbjp3cm9uZw==";
/// CKAN's schema check with empty `solr_user` / `solr_password`: `base64(":")`.
const CKAN_EMPTY: &str = "Basic Og==";

fn server(auth: AuthConfig) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    publish(dir.path(), &sample_source());
    (TestServer::start_with_auth(dir.path(), auth), dir)
}

fn ckan() -> Credentials {
    Credentials::new("ckan", "s3cret")
}

fn select(base: &str) -> RequestBuilder {
    Client::new().get(format!("{base}/solr/ckan/select?q=*:*&rows=0&wt=json"))
}

fn update(base: &str) -> RequestBuilder {
    Client::new()
        .post(format!("{base}/solr/ckan/update?commit=true"))
        .header("Content-Type", "application/json")
        .body(json!({"delete": {"query": "id:does-not-exist"}}).to_string())
}

/// The read routes other than select: schema check, ping, real-time get.
fn other_reads(base: &str) -> Vec<RequestBuilder> {
    [
        "/solr/ckan/schema?wt=schema.xml",
        "/solr/ckan/admin/file/?file=schema.xml",
        "/solr/ckan/admin/ping?wt=json",
        "/solr/ckan/get?id=nothing&wt=json",
    ]
    .iter()
    .map(|path| Client::new().get(format!("{base}{path}")))
    .collect()
}

fn status(request: RequestBuilder) -> u16 {
    request.send().unwrap().status().as_u16()
}

fn with(request: RequestBuilder, authorization: &str) -> RequestBuilder {
    request.header("Authorization", authorization)
}

/// A 401 as Solr's `BasicAuthPlugin` sends it, with Solr's JSON error body.
fn assert_unauthorized(request: RequestBuilder, message: &str) {
    let response = request.send().unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(
        response
            .headers()
            .get("WWW-Authenticate")
            .and_then(|v| v.to_str().ok()),
        Some(r#"Basic realm="solr""#)
    );
    let body: Value = response.json().unwrap();
    assert_eq!(body["responseHeader"]["status"], 401);
    assert_eq!(body["error"]["code"], 401);
    assert_eq!(body["error"]["msg"], message);
    assert_eq!(
        body["error"]["metadata"],
        json!([
            "error-class",
            "org.apache.solr.common.SolrException",
            "root-error-class",
            "org.apache.solr.common.SolrException"
        ])
    );
}

#[test]
fn without_auth_any_authorization_header_is_ignored() {
    let (server, _dir) = server(AuthConfig::off());
    let base = &server.base;
    for header in [
        CKAN_EMPTY,
        GOOD,
        WRONG_PASSWORD,
        "Basic !!!",
        "Bearer abc",
        "garbage",
    ] {
        assert_eq!(status(with(select(base), header)), 200, "{header}");
        assert_eq!(status(with(update(base), header)), 200, "{header}");
        for request in other_reads(base) {
            assert_eq!(status(with(request, header)), 200, "{header}");
        }
    }
    assert_eq!(status(select(base)), 200);
}

#[test]
fn protected_reads_need_the_right_credentials() {
    let (server, _dir) = server(AuthConfig {
        read: Some(ckan()),
        update: None,
    });
    let base = &server.base;
    assert_unauthorized(select(base), "require authentication");
    assert_unauthorized(with(select(base), WRONG_PASSWORD), "Bad credentials");
    assert_unauthorized(with(select(base), CKAN_EMPTY), "Bad credentials");
    assert_unauthorized(with(select(base), "Bearer abc"), "Bad credentials");
    assert_unauthorized(with(select(base), "Basic !!!"), "Bad credentials");
    assert_eq!(status(with(select(base), GOOD)), 200);
    // The scheme name is case-insensitive (RFC 7617).
    assert_eq!(status(with(select(base), "basic Y2thbjpzM2NyZXQ=")), 200);
    let post = Client::new()
        .post(format!("{base}/solr/ckan/select/"))
        .form(&[("q", "*:*"), ("rows", "0")]);
    assert_unauthorized(post.try_clone().unwrap(), "require authentication");
    assert_eq!(status(with(post, GOOD)), 200);
    for request in other_reads(base) {
        assert_unauthorized(request.try_clone().unwrap(), "require authentication");
        assert_eq!(status(with(request, GOOD)), 200);
    }
    // Update is a separate group, left open here.
    assert_eq!(status(update(base)), 200);
    // Unknown paths are still 404, not a challenge.
    assert_eq!(
        status(Client::new().get(format!("{base}/solr/ckan/nope"))),
        404
    );
}

#[test]
fn protected_update_leaves_reads_open() {
    let (server, _dir) = server(AuthConfig {
        read: None,
        update: Some(Credentials::new("writer", "pa:ss")),
    });
    let base = &server.base;
    assert_eq!(status(select(base)), 200);
    assert_eq!(status(with(select(base), CKAN_EMPTY)), 200);
    for request in other_reads(base) {
        assert_eq!(status(request), 200);
    }
    assert_unauthorized(update(base), "require authentication");
    // The read credentials of another deployment are not the update ones.
    assert_unauthorized(with(update(base), GOOD), "Bad credentials");
    // A password may contain ':' (only the first one separates the user).
    assert_eq!(
        status(update(base).basic_auth("writer", Some("pa:ss"))),
        200
    );
    assert_unauthorized(
        update(base).basic_auth("writer", Some("pa")),
        "Bad credentials",
    );
}

#[test]
fn different_credentials_per_group() {
    let (server, _dir) = server(AuthConfig {
        read: Some(ckan()),
        update: Some(Credentials::new("writer", "w")),
    });
    let base = &server.base;
    assert_unauthorized(with(update(base), GOOD), "Bad credentials");
    assert_eq!(status(update(base).basic_auth("writer", Some("w"))), 200);
    assert_unauthorized(
        select(base).basic_auth("writer", Some("w")),
        "Bad credentials",
    );
    assert_eq!(status(with(select(base), GOOD)), 200);
}

#[test]
fn credentials_in_the_solr_url_as_ckan_configures_them() {
    let (server, _dir) = server(AuthConfig::both(ckan()));
    // CKAN's `solr_url = http://user:pass@host:port/solr/ckan`: the client turns the URL's
    // user-info into `Authorization: Basic …`.
    let solr_url = format!(
        "{}/solr/ckan",
        server.base.replacen("http://", "http://ckan:s3cret@", 1)
    );
    let response = Client::new()
        .get(format!("{solr_url}/select?q=*:*&rows=0&wt=json"))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().unwrap();
    assert_eq!(body["responseHeader"]["status"], 0);
    assert!(body["response"]["numFound"].as_u64().unwrap_or(0) > 0);
    let response = Client::new()
        .post(format!("{solr_url}/update?commit=true"))
        .header("Content-Type", "application/json")
        .body(r#"{"delete": {"query": "id:does-not-exist"}}"#)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let wrong = server.base.replacen("http://", "http://ckan:nope@", 1);
    assert_unauthorized(
        Client::new().get(format!("{wrong}/solr/ckan/select?q=*:*")),
        "Bad credentials",
    );
}
