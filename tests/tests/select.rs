//! `/solr/ckan/select` over the bundled sample catalogue. Every expected value is computed
//! here from the sample's JSONL, not copied from a previous run.

use std::collections::HashMap;
use std::sync::OnceLock;

use ckan_search_indexer::document::package::python_json_dumps;
use ckan_search_tests::catalogue::s;
use ckan_search_tests::http::post;
use ckan_search_tests::{indexable, publish, read_packages, sample_source, TestServer};
use serde_json::Value;

struct Fixture {
    server: TestServer,
    packages: Vec<Value>,
    _dir: tempfile::TempDir,
}

/// One server over the sample for every test in this module (indexing it once).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        publish(dir.path(), &sample_source());
        let packages = read_packages(ckan_search_data::SAMPLE_JSONL_GZ)
            .into_iter()
            .filter(indexable)
            .collect();
        Fixture {
            server: TestServer::start(dir.path()),
            packages,
            _dir: dir,
        }
    })
}

#[test]
fn match_all_counts_every_indexable_dataset() {
    let f = fixture();
    let (status, body) = f
        .server
        .select(&[("q", "*:*"), ("rows", "0"), ("wt", "json")]);
    assert_eq!(status, 200);
    assert_eq!(body["responseHeader"]["status"], 0);
    assert_eq!(body["response"]["numFound"], f.packages.len() as u64);
    assert_eq!(body["response"]["start"], 0);
    assert_eq!(body["response"]["numFoundExact"], true);
    assert_eq!(body["response"]["docs"], serde_json::json!([]));
}

#[test]
fn repeated_fq_are_all_applied_and_echoed() {
    let f = fixture();
    let expected = f
        .packages
        .iter()
        .filter(|p| p["private"] == false && s(p, "state") == "active")
        .count();
    let (status, body) = f.server.select(&[
        ("q", "*:*"),
        ("fq", "+capacity:public"),
        ("fq", "+state:active"),
        ("fq", "+site_id:\"default\""),
        ("rows", "0"),
        ("wt", "json"),
    ]);
    assert_eq!(status, 200);
    assert_eq!(body["response"]["numFound"], expected as u64);
    assert_eq!(
        body["responseHeader"]["params"]["fq"],
        serde_json::json!(["+capacity:public", "+state:active", "+site_id:\"default\""])
    );
}

#[test]
fn echo_params_none_explicit_all_and_invalid() {
    let f = fixture();
    let header = |echo: Option<&str>| {
        let mut params = vec![("q", "*:*"), ("rows", "0")];
        if let Some(e) = echo {
            params.push(("echoParams", e));
        }
        let (status, body) = f.server.select(&params);
        (status, body["responseHeader"].clone(), body)
    };
    // No value: CKAN's solrconfig default, `explicit`.
    let (_, h, _) = header(None);
    assert_eq!(h["params"], serde_json::json!({"q": "*:*", "rows": "0"}));
    let (_, h, _) = header(Some("none"));
    assert!(h.get("params").is_none(), "{h}");
    assert_eq!(h["status"], 0);
    let (_, h, _) = header(Some("explicit"));
    assert_eq!(
        h["params"],
        serde_json::json!({"q": "*:*", "rows": "0", "echoParams": "explicit"})
    );
    // `all` adds the handler defaults the request did not set (`rows` is set here).
    let (_, h, _) = header(Some("all"));
    assert_eq!(
        h["params"],
        serde_json::json!({"q": "*:*", "rows": "0", "echoParams": "all"})
    );
    let (status, body) = f.server.select(&[("q", "*:*"), ("echoParams", "ALL")]);
    assert_eq!(status, 200);
    assert_eq!(body["responseHeader"]["params"]["rows"], "10");
    let (status, _, body) = header(Some("loud"));
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["msg"],
        "Invalid value 'loud' for echoParams parameter, use 'EXPLICIT' or 'ALL'"
    );
}

#[test]
fn field_value_terms_match_string_fields_exactly() {
    let f = fixture();
    let mut per_org: HashMap<&str, u64> = HashMap::new();
    for p in &f.packages {
        *per_org.entry(s(&p["organization"], "name")).or_default() += 1;
    }
    let (org, n) = per_org.iter().max_by_key(|(_, n)| **n).unwrap();
    let (_, body) = f
        .server
        .select(&[("q", &format!("organization:{org}")), ("rows", "0")]);
    assert_eq!(body["response"]["numFound"], *n);
    let (_, body) = f
        .server
        .select(&[("q", &format!("organization:\"{org}\"")), ("rows", "0")]);
    assert_eq!(body["response"]["numFound"], *n);
    // StrField is case-sensitive.
    let (_, body) = f.server.select(&[
        ("q", &format!("organization:{}", org.to_uppercase())),
        ("rows", "0"),
    ]);
    assert_eq!(body["response"]["numFound"], 0);
}

#[test]
fn fl_returns_stored_fields_byte_exact_and_dates_in_solr_form() {
    let f = fixture();
    let pkg = &f.packages[17];
    let name = s(pkg, "name");
    let (_, body) = f.server.select(&[
        ("q", &format!("name:\"{name}\" OR id:\"{name}\"")),
        ("fq", "+site_id:\"default\" +entity_type:package"),
        ("rows", "1"),
        ("wt", "json"),
    ]);
    // The first parser treats OR as a term; ask again with a plain term if needed.
    let doc = if body["response"]["numFound"] == 1 {
        body["response"]["docs"][0].clone()
    } else {
        let (_, body) = f
            .server
            .select(&[("q", &format!("name:\"{name}\"")), ("rows", "1")]);
        assert_eq!(body["response"]["numFound"], 1);
        body["response"]["docs"][0].clone()
    };
    assert_eq!(doc["id"], pkg["id"]);
    assert_eq!(
        doc["validated_data_dict"].as_str().unwrap(),
        python_json_dumps(pkg)
    );
    // data_dict is the default-schema dict CKAN indexes: data.gov.uk's top-level fields
    // (theme-primary, …) are back among the extras there.
    let data_dict: Value = serde_json::from_str(doc["data_dict"].as_str().unwrap()).unwrap();
    assert_eq!(data_dict["id"], pkg["id"]);
    if let Some(theme) = pkg.get("theme-primary") {
        assert!(data_dict.get("theme-primary").is_none());
        assert!(data_dict["extras"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "theme-primary" && e["value"] == *theme));
    }
    let modified = doc["metadata_modified"].as_str().unwrap();
    let source = s(pkg, "metadata_modified");
    assert!(modified.ends_with('Z'));
    assert!(
        modified.starts_with(&source[..19]),
        "{modified} vs {source}"
    );
    assert!(modified.len() <= "2024-03-01T10:00:00.123Z".len());
    for absent in [
        "text",
        "permission_labels",
        "owner_org",
        "title_string",
        "urls",
    ] {
        assert!(doc.get(absent).is_none(), "{absent} is not stored");
    }
    assert!(doc["tags"].is_array());
    assert!(doc["title"].is_string());

    let (_, body) = f.server.select(&[
        ("q", &format!("name:{name}")),
        ("fl", "id,name"),
        ("wt", "json"),
    ]);
    let doc = body["response"]["docs"][0].as_object().unwrap();
    assert_eq!(doc.keys().collect::<Vec<_>>(), vec!["id", "name"]);
    let (_, body) = f.server.select(&[
        ("q", &format!("name:{name}")),
        ("fl", "id validated_data_dict"),
    ]);
    let doc = body["response"]["docs"][0].as_object().unwrap();
    assert_eq!(
        doc.keys().collect::<Vec<_>>(),
        vec!["id", "validated_data_dict"]
    );
}

#[test]
fn rows_and_start_page_through_results() {
    let f = fixture();
    let (_, body) = f
        .server
        .select(&[("q", "*:*"), ("rows", "5"), ("start", "10"), ("fl", "id")]);
    assert_eq!(body["response"]["start"], 10);
    assert_eq!(body["response"]["docs"].as_array().unwrap().len(), 5);
    assert_eq!(body["response"]["numFound"], f.packages.len() as u64);
    let (_, all) = f
        .server
        .select(&[("q", "*:*"), ("rows", "15"), ("fl", "id")]);
    assert_eq!(
        all["response"]["docs"].as_array().unwrap()[10..],
        body["response"]["docs"].as_array().unwrap()[..]
    );
}

#[test]
fn unknown_fields_match_nothing_and_bad_queries_are_400s() {
    let f = fixture();
    let (status, body) = f.server.select(&[("q", "view_recent:10"), ("rows", "0")]);
    assert_eq!(status, 200);
    assert_eq!(body["response"]["numFound"], 0);
    let (status, body) = f.server.select(&[("q", "title:\"unterminated")]);
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 400);
    assert!(
        body["error"]["msg"]
            .as_str()
            .unwrap()
            .contains("Cannot parse"),
        "{body}"
    );
    let (status, _) = f.server.select(&[("q", "*:*"), ("rows", "ten")]);
    assert_eq!(status, 400);
}

#[test]
fn trailing_slash_and_post_forms_are_accepted() {
    let f = fixture();
    let (status, body) = f.server.get("/solr/ckan/select/?q=*:*&rows=1&wt=json");
    assert_eq!(status, 200);
    assert_eq!(body["response"]["docs"].as_array().unwrap().len(), 1);
    let reply = post(
        &f.server,
        "/solr/ckan/select/",
        "application/x-www-form-urlencoded; charset=utf-8",
        "q=*%3A*&rows=0&fq=%2Bcapacity%3Apublic&wt=json",
    );
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let public = f.packages.iter().filter(|p| p["private"] == false).count();
    assert_eq!(body["response"]["numFound"], public as u64);
}

/// The generator and the indexer agree on which data.gov.uk fields are really extras (the
/// generator writes them at the top level, as `package_show` shows them).
#[test]
fn generator_and_indexer_agree_on_datagovuk_extras_fields() {
    use std::collections::BTreeSet;
    let generator: BTreeSet<&str> = ckan_search_data::PROMOTED_EXTRAS.iter().copied().collect();
    let indexer: BTreeSet<&str> = ckan_search_indexer::document::package::DATAGOVUK_EXTRAS_FIELDS
        .iter()
        .copied()
        .collect();
    assert_eq!(generator, indexer);
}

/// CKAN's `get_all_entity_ids`: every id at once. Past 1,000 rows the answer is streamed;
/// it must still be one well-formed Solr response with every id exactly once.
#[test]
fn all_ids_at_once_stream_as_one_response() {
    let f = fixture();
    let rows = f.packages.len().to_string();
    let (status, body) = f.server.select(&[
        ("q", "*:*"),
        ("fq", "+site_id:\"default\" +state:active "),
        ("rows", &rows),
        ("fl", "id"),
    ]);
    assert_eq!(status, 200);
    let docs = body["response"]["docs"].as_array().unwrap();
    let active: std::collections::BTreeSet<&str> = f
        .packages
        .iter()
        .filter(|p| s(p, "state") == "active")
        .map(|p| s(p, "id"))
        .collect();
    assert_eq!(body["response"]["numFound"], active.len() as u64);
    let got: std::collections::BTreeSet<&str> =
        docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(docs.len(), active.len());
    assert_eq!(got, active);
    assert!(docs.iter().all(|d| d.as_object().unwrap().len() == 1));
}

/// Every error is Solr's 400 body, with the message CKAN pattern-matches where it does.
#[test]
fn errors_have_solr_shape_and_texts() {
    let f = fixture();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("q", "*:*"), ("sort", "metadata_modified")],
            "Can't determine a Sort Order (asc or desc) in sort spec",
        ),
        (&[("q", "title:(open")], "Cannot parse"),
        (
            &[("q", "metadata_modified:[yesterday TO *]")],
            "Invalid Date",
        ),
        (&[("q", "{!nosuch}x")], "Unknown query parser 'nosuch'"),
        (
            &[("q", "*:*"), ("sort", "tags asc")],
            "can not sort on multivalued field: tags",
        ),
        (&[("q", "*:*"), ("rows", "-1")], "rows"),
        (
            &[("q", "*:*"), ("cursorMark", "*"), ("sort", "name asc")],
            "uniqueKey",
        ),
        (&[("q", "*:*"), ("TZ", "Mars/Olympus")], "TZ"),
    ];
    for (params, needle) in cases {
        let (status, body) = f.server.select(params);
        assert_eq!(status, 400, "{params:?}: {body}");
        assert_eq!(body["responseHeader"]["status"], 400);
        assert_eq!(body["error"]["code"], 400);
        let msg = body["error"]["msg"].as_str().unwrap();
        assert!(msg.contains(needle), "{params:?}: {msg}");
    }
}

/// The whole request path never panics or 500s on junk: a bounded random run over HTTP.
#[test]
fn random_requests_get_200_or_400() {
    let f = fixture();
    let pieces = [
        "title:",
        "\"",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "*",
        "?",
        "~",
        "^",
        "2",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "!",
        "&&",
        "||",
        ":",
        "\\",
        "/",
        "NOW",
        "-7DAY",
        "/DAY",
        " TO ",
        "{!frange l=0}",
        "{!bool must=",
        "div(",
        ",",
        "extras_x:",
        "metadata_modified:",
        "é",
        "\u{1F600}",
        " ",
        "name",
        "_query_:",
        "\u{0}",
        "'",
        "=",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let params = [
        "q",
        "fq",
        "sort",
        "fl",
        "defType",
        "mm",
        "qf",
        "facet.field",
        "rows",
        "start",
        "TZ",
        "NOW",
        "bf",
    ];
    for _ in 0..400 {
        let mut pairs = Vec::new();
        for _ in 0..(next() % 4 + 1) {
            let key = params[(next() % params.len() as u64) as usize];
            let value: String = (0..(next() % 8))
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            pairs.push((key.to_string(), value));
        }
        pairs.push(("facet".into(), "true".into()));
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, body) = f.server.select(&refs);
        assert!(
            status == 200 || status == 400,
            "{refs:?} → {status}: {body}"
        );
    }
}

#[test]
fn json_request_api_on_query_route() {
    // data.gov.uk's runbooks: `curl $SOLR/query -d '{"query": …}'`.
    let f = fixture();
    let p = f.packages.iter().find(|p| p["private"] == false).unwrap();
    let name = s(p, "name");
    let body = serde_json::json!({
        "query": format!("name:{name}"),
        "filter": ["+site_id:\"default\""],
        "fields": ["id", "name"],
        "limit": 5,
    });
    let reply = post(
        &f.server,
        "/solr/ckan/query",
        "application/json",
        &body.to_string(),
    );
    assert_eq!(reply.status, 200);
    let answer = reply.json();
    assert_eq!(answer["response"]["numFound"], 1);
    assert_eq!(
        answer["response"]["docs"][0],
        serde_json::json!({"id": s(p, "id"), "name": name})
    );
    // The GET form is a select.
    let (status, answer) = f
        .server
        .get(&format!("/solr/ckan/query?q=name:{name}&fl=name&wt=json"));
    assert_eq!(status, 200);
    assert_eq!(answer["response"]["docs"][0]["name"], name);
    // Unknown keys are refused as Solr refuses them, and nothing runs.
    let reply = post(
        &f.server,
        "/solr/ckan/query",
        "application/json",
        r#"{"qeury": "*:*"}"#,
    );
    assert_eq!(reply.status, 400);
    let answer = reply.json();
    assert_eq!(
        answer["error"]["msg"],
        "Unknown top-level key in JSON request : qeury"
    );
}
