//! CKAN's search APIs served by ckan-search itself: `/api/3/action/package_search` (and
//! `/api/action/…`), data.gov.uk's `/api/search/dataset` and `/api/3/search/dataset`, over a
//! generated catalogue with private, draft and deleted datasets. The requests are the GOV.UK
//! manual's "Accessing the CKAN API" URLs (host swapped), the Publish sync's and CSW
//! loader's catalogue walks, and every error path; expected counts, ids, fields, facets
//! and messages are computed here from the package dicts (or, for messages, taken from CKAN
//! 2.12's own code), never from the server.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use ckan_search_data::GeneratorConfig;
use ckan_search_indexer::document::package::{python_json_dumps, DATAGOVUK_EXTRAS_FIELDS};
use ckan_search_tests::catalogue::{
    by_count, each_str, extra, harvested, iso_millis, millis, naive, public_active, s,
    text_has_token, with_people, without_pii, Catalogue,
};
use ckan_search_tests::http::{get, get_as, get_url, post, Reply};
use ckan_search_tests::{indexable, CkanApiServers, TestServer};
use serde_json::{json, Map, Value};

const DATASETS: usize = 3_000;
const SEED: u64 = 2027;
/// Every this-many-th dataset gets an author and a maintainer (the generator leaves them
/// null, as data.gov.uk's are), so PII stripping has something to strip.
const WITH_PEOPLE_EVERY: usize = 41;
const SYSADMIN_TOKEN: &str = "sysadmin-api-token-for-tests";
const SITE_URL: &str = "https://data.gov.uk";
const DEFAULT_SORT: &str = "score desc, metadata_modified desc";

fn fixture() -> &'static CkanApiServers {
    static FIXTURE: OnceLock<CkanApiServers> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let packages = ckan_search_data::packages(&GeneratorConfig::new(DATASETS, SEED));
        let catalogue = Catalogue::publish(with_people(
            packages,
            WITH_PEOPLE_EVERY,
            "ada.lovelace@example.gov.uk",
        ));
        CkanApiServers::start(catalogue, SITE_URL, SYSADMIN_TOKEN)
    })
}

// ---- HTTP ------------------------------------------------------------------------------

const PACKAGE_SEARCH: &str = "/api/3/action/package_search";

/// `package_search` on the plain server; the `result` of a successful envelope.
fn search(params: &[(&str, &str)]) -> Value {
    get(&fixture().plain, PACKAGE_SEARCH, params).result()
}

fn help_url(server: &TestServer) -> String {
    format!("{}/api/3/action/help_show?name=package_search", server.base)
}

// ---- what the package dicts say ----------------------------------------------------------

fn public_active_packages() -> Vec<&'static Value> {
    fixture().all.iter().filter(|p| public_active(p)).collect()
}

fn by_id() -> &'static HashMap<String, Value> {
    static MAP: OnceLock<HashMap<String, Value>> = OnceLock::new();
    MAP.get_or_init(|| {
        fixture()
            .all
            .iter()
            .map(|p| (s(p, "id").to_string(), p.clone()))
            .collect()
    })
}

/// A stored date as Solr returns it: UTC, `Z`, milliseconds only when not zero.
fn solr_date(ckan_timestamp: &str) -> String {
    let ms = millis(ckan_timestamp);
    let t = Utc.timestamp_millis_opt(ms).unwrap();
    if ms.rem_euclid(1000) == 0 {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

/// Python's `repr()` of a `str` (ASCII data: quote choice and escapes).
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// What the CSW loader reads back from the stored `harvest` field: each `{key, value}`
/// as Python's repr of the dict.
fn harvest_reprs(p: &Value) -> Option<Value> {
    let items = p["harvest"].as_array().filter(|h| !h.is_empty())?;
    Some(Value::Array(
        items
            .iter()
            .map(|h| {
                json!(format!(
                    "{{'key': {}, 'value': {}}}",
                    py_repr(s(h, "key")),
                    py_repr(s(h, "value"))
                ))
            })
            .collect(),
    ))
}

/// One `fl` result as CKAN's package_search returns it for `p`: the stored fields asked for
/// (`extras_<k>` under `<k>`); empty and missing values are not indexed, so absent.
fn fl_result(p: &Value, fields: &[&str]) -> Value {
    let mut out = Map::new();
    for field in fields {
        let value = match *field {
            "metadata_modified" | "metadata_created" => Some(json!(solr_date(s(p, field)))),
            "organization" => Some(p["organization"]["name"].clone()),
            "dataset_type" => Some(p["type"].clone()),
            "harvest" => harvest_reprs(p),
            // Indexed through the catch-all `*` field, which is not stored.
            "harvest_object_id" | "type" => None,
            f => match f.strip_prefix("extras_") {
                Some(key) => extra(p, key).map(|v| json!(v)),
                None => p.get(f).cloned(),
            },
        };
        let key = field.strip_prefix("extras_").unwrap_or(field);
        match value {
            Some(Value::Null) | None => {}
            Some(Value::String(v)) if v.is_empty() => {}
            Some(v) => {
                out.insert(key.to_string(), v);
            }
        }
    }
    Value::Object(out)
}

/// The default-schema dict CKAN stores as `data_dict`: data.gov.uk's schema fields back
/// in `extras` (text as it is, anything else JSON-encoded).
fn default_schema_dict(p: &Value) -> Value {
    let mut d = p.as_object().unwrap().clone();
    let mut extras = d["extras"].as_array().cloned().unwrap_or_default();
    for key in DATAGOVUK_EXTRAS_FIELDS {
        if let Some(v) = d.shift_remove(*key) {
            let value = match v {
                Value::String(text) => text,
                other => python_json_dumps(&other),
            };
            extras.push(json!({"key": key, "value": value}));
        }
    }
    d.insert("extras".into(), Value::Array(extras));
    Value::Object(d)
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// Results in the default order (`score desc, metadata_modified desc`) for a query whose
/// scores all tie: the newest-modified first. Ties on the millisecond may come in either
/// order, so the timestamps are compared in sequence and each id within its timestamp.
fn assert_newest_first(results: &[Value], expected: &[&Value]) {
    let mut sorted: Vec<&Value> = expected.to_vec();
    sorted.sort_by_key(|p| std::cmp::Reverse(millis(s(p, "metadata_modified"))));
    let want: Vec<i64> = sorted
        .iter()
        .take(results.len())
        .map(|p| millis(s(p, "metadata_modified")))
        .collect();
    let got: Vec<i64> = results
        .iter()
        .map(|r| millis(s(&by_id()[s(r, "id")], "metadata_modified")))
        .collect();
    assert_eq!(got, want);
    for r in results {
        assert!(
            expected.iter().any(|p| p["id"] == r["id"]),
            "{} should not match",
            r["id"]
        );
    }
}

/// Full dataset results: each is the stored dict, equal to the package dict.
fn assert_full_dicts(result: &Value) {
    for r in result["results"].as_array().unwrap() {
        assert_eq!(r, &by_id()[s(r, "id")]);
    }
}

// ---- the GOV.UK manual ---------------------------------------------------------------------

/// A public, active dataset having `pred`.
fn pick(pred: impl Fn(&Value) -> bool) -> &'static Value {
    fixture()
        .all
        .iter()
        .find(|p| public_active(p) && pred(p))
        .expect("a dataset to test with")
}

#[test]
fn manual_lookup_by_id_returns_the_same_as_by_name() {
    let f = fixture();
    let p = pick(harvested);
    let by_id = get_url(
        &f.plain,
        &format!("/api/3/action/package_search?q=id:{}", s(p, "id")),
    )
    .ok();
    let by_name = get_url(
        &f.plain,
        &format!("/api/3/action/package_search?q=name:{}", s(p, "name")),
    )
    .ok();
    assert_eq!(by_id, by_name);
    assert_eq!(keys(&by_id), ["help", "success", "result"]);
    assert_eq!(by_id["help"], json!(help_url(&f.plain)));
    assert_eq!(by_id["success"], true);
    let result = &by_id["result"];
    assert_eq!(
        keys(result),
        ["count", "facets", "results", "sort", "search_facets"]
    );
    assert_eq!(result["count"], 1);
    assert_eq!(result["results"], json!([p]));
    assert_eq!(result["sort"], DEFAULT_SORT);
    assert_eq!(result["facets"], json!({}));
    assert_eq!(result["search_facets"], json!({}));

    // Private, draft and deleted datasets are not there for an anonymous caller.
    for hidden in f.all.iter().filter(|p| !public_active(p)).take(12) {
        let result = search(&[("q", &format!("id:{}", s(hidden, "id")))]);
        assert_eq!(result["count"], 0, "{}", hidden["id"]);
        assert_eq!(result["results"], json!([]));
    }
}

#[test]
fn manual_created_and_modified_in_a_timeframe() {
    let f = fixture();
    let (lo, hi) = ("2017-06-01T00:00:00Z", "2017-06-30T00:00:00Z");
    for field in ["metadata_created", "metadata_modified"] {
        let body = get_url(
            &f.plain,
            &format!("/api/3/action/package_search?q={field}:[{lo}%20TO%20{hi}]"),
        )
        .ok();
        let expected: Vec<&Value> = public_active_packages()
            .into_iter()
            .filter(|p| {
                let t = millis(s(p, field));
                t >= iso_millis(lo) && t <= iso_millis(hi)
            })
            .collect();
        let result = &body["result"];
        assert_eq!(result["count"], expected.len(), "{field}");
        assert!(!expected.is_empty(), "{field}");
        let results = result["results"].as_array().unwrap();
        assert_eq!(results.len(), expected.len().min(10));
        assert_newest_first(results, &expected);
        assert_full_dicts(result);
    }
}

/// The `fl` of the manual's "count … and list a sample" URLs.
const SAMPLE_FL: [&str; 7] = [
    "id",
    "dataset_type",
    "name",
    "title",
    "extras_guid",
    "extras_harvest_source_title",
    "extras_harvest_object_id",
];

/// Checks one `search/dataset` answer to a manual URL: the bare result, `count` as the
/// dicts say, `limit` honoured, and each sampled dataset's fields as its dict has them.
fn assert_sample(body: &Value, fl: &[&str], pred: impl Fn(&Value) -> bool, limit: usize) {
    let expected: Vec<&Value> = public_active_packages()
        .into_iter()
        .filter(|p| pred(p))
        .collect();
    assert_eq!(
        keys(body),
        ["count", "facets", "results", "sort", "search_facets"]
    );
    assert_eq!(body["count"], expected.len());
    assert_eq!(body["sort"], DEFAULT_SORT);
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len().min(limit));
    let mut seen = HashSet::new();
    for r in results {
        let p = expected
            .iter()
            .find(|p| p["id"] == r["id"])
            .unwrap_or_else(|| panic!("{} should not match", r["id"]));
        assert_eq!(r, &fl_result(p, fl));
        assert!(seen.insert(s(r, "id").to_string()));
    }
}

fn recent_window() -> (i64, i64) {
    // `NOW-7DAY/DAY TO NOW`, on the server's clock: the test runs within the same second
    // or so, and a catalogue timestamp never falls in that gap.
    let now = Utc::now().timestamp_millis();
    let week = now - 7 * 86_400_000;
    (week - week.rem_euclid(86_400_000), now)
}

#[test]
fn manual_count_and_list_a_sample_urls() {
    let f = fixture();
    let base = |p: &Value| s(p, "type") == "dataset" && text_has_token(p, "and");
    let fl_with_state: Vec<&str> = {
        let mut fl = SAMPLE_FL.to_vec();
        fl.insert(1, "state");
        fl
    };
    let recent = |p: &Value| {
        let (lo, hi) = recent_window();
        let t = millis(s(p, "metadata_modified"));
        t >= lo && t <= hi
    };

    // Count all packages and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20dataset_type:dataset&limit=20").ok();
    assert_sample(&body, &SAMPLE_FL, base, 20);
    assert!(body["count"].as_u64().unwrap() > 20);

    // Count harvested packages and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,state,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20extras_harvest_object_id:[%22%22%20TO%20*]%20and%20dataset_type:dataset&limit=20").ok();
    assert_sample(&body, &fl_with_state, |p| base(p) && harvested(p), 20);
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["harvest_object_id"].is_string() && r["state"] == "active"));

    // Count manually published packages and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20-extras_harvest_object_id:*%20and%20dataset_type:dataset&limit=20").ok();
    assert_sample(&body, &SAMPLE_FL, |p| base(p) && !harvested(p), 20);
    assert!(body["count"].as_u64().unwrap() > 20);

    // Count packages harvested in last 7 days and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,state,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20extras_harvest_object_id:[%22%22%20TO%20*]%20and%20dataset_type:dataset%20and%20metadata_modified:[NOW-7DAY/DAY%20TO%20NOW]&limit=20").ok();
    assert_sample(
        &body,
        &fl_with_state,
        |p| base(p) && harvested(p) && recent(p),
        20,
    );
    // The catalogue ends at its reference time; within a few days of it (the machine's
    // clock in CI), there are recent harvested datasets to count.
    let reference = Utc.from_utc_datetime(&naive(ckan_search_data::REFERENCE_TIME));
    if Utc::now() - reference < chrono::Duration::days(5) {
        assert!(body["count"].as_u64().unwrap() > 0);
    }

    // Count packages manually published in last 7 days and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20-extras_harvest_object_id:*%20and%20dataset_type:dataset%20and%20metadata_modified:[NOW-7DAY/DAY%20TO%20NOW]&limit=20").ok();
    assert_sample(
        &body,
        &SAMPLE_FL,
        |p| base(p) && !harvested(p) && recent(p),
        20,
    );

    // Count packages from Daily harvest sources and list a sample.
    let body = get_url(&f.plain, "/api/search/dataset?fl=id,metadata_modified,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id,extras_frequency-of-update&q=state:active%20and%20extras_harvest_object_id:%5B%22%22%20TO%20*%5D%20and%20frequency-of-update:daily%20and%20dataset_type:dataset&limit=20").ok();
    let daily_fl = [
        "id",
        "metadata_modified",
        "dataset_type",
        "name",
        "title",
        "extras_guid",
        "extras_harvest_source_title",
        "extras_harvest_object_id",
        "extras_frequency-of-update",
    ];
    assert_sample(
        &body,
        &daily_fl,
        |p| base(p) && harvested(p) && extra(p, "frequency-of-update") == Some("daily"),
        20,
    );
    assert!(body["count"].as_u64().unwrap() > 0);
}

#[test]
fn manual_sample_urls_in_the_v3_envelope_and_limit_offset_paging() {
    let f = fixture();
    let query = "fl=id,dataset_type,name,title,extras_guid,extras_harvest_source_title,extras_harvest_object_id&q=state:active%20and%20dataset_type:dataset&limit=20";
    let bare = get_url(&f.plain, &format!("/api/search/dataset?{query}")).ok();
    let v3 = get_url(&f.plain, &format!("/api/3/search/dataset?{query}")).ok();
    assert_eq!(keys(&v3), ["help", "success", "result"]);
    assert_eq!(v3["help"], json!(help_url(&f.plain)));
    assert_eq!(v3["success"], true);
    assert_eq!(v3["result"], bare);

    // `offset` → `start`, like `limit` → `rows`; explicit `rows` / `start` win.
    let names: Vec<&str> = {
        let mut n: Vec<&str> = public_active_packages()
            .iter()
            .map(|p| s(p, "name"))
            .collect();
        n.sort_unstable();
        n
    };
    let page = |params: &[(&str, &str)]| -> Vec<String> {
        let body = get(&f.plain, "/api/search/dataset", params).ok();
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(r, "name").to_string())
            .collect()
    };
    let want: Vec<String> = names[23..30].iter().map(|n| n.to_string()).collect();
    let common = [("fl", "name"), ("sort", "name asc")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut p = common.to_vec();
        p.extend_from_slice(extra);
        page(&p)
    };
    assert_eq!(with(&[("limit", "7"), ("offset", "23")]), want);
    assert_eq!(with(&[("rows", "7"), ("start", "23")]), want);
    assert_eq!(
        with(&[
            ("limit", "99"),
            ("rows", "7"),
            ("offset", "1"),
            ("start", "23")
        ]),
        want
    );
    let v3 = get(
        &f.plain,
        "/api/3/search/dataset",
        &[
            ("fl", "name"),
            ("sort", "name asc"),
            ("limit", "7"),
            ("offset", "23"),
        ],
    )
    .ok();
    let got = each_str(&v3["result"]["results"], "name");
    assert_eq!(got, want);
}

#[test]
fn manual_limit_is_refused_by_package_search_as_ckan_2_12_does() {
    // CKAN 2.12's package_search knows no `limit` (nor does data.gov.uk's wrapper map it),
    // so the action API stays strict: the manual's parameters there fail as on CKAN.
    let f = fixture();
    let reply = get_url(
        &f.plain,
        "/api/3/action/package_search?fl=id,dataset_type,name,title&q=state:active%20and%20dataset_type:dataset&limit=20",
    );
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        json!({
            "help": help_url(&f.plain),
            "error": {
                "__type": "Search Query Error",
                "message": "Search Query is invalid: (\"Invalid search parameters: ['limit']\",)",
            },
            "success": false,
        })
    );
    let reply = get(&f.plain, PACKAGE_SEARCH, &[("offset", "5")]);
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["error"]["message"],
        "Search Query is invalid: (\"Invalid search parameters: ['offset']\",)"
    );
}

// ---- catalogue walks: the Publish sync and the CSW loader -------------------------------------

/// Walks `path` with `params` plus `start=N`, 1,000 rows a page, until an empty page, as
/// the clients do; checks `count` is the same on every page. Returns every result.
fn walk(
    server: &TestServer,
    path: &str,
    params: &[(&str, &str)],
    envelope: bool,
) -> (u64, Vec<Value>) {
    let mut all = Vec::new();
    let mut count = None;
    let mut pages = 0;
    loop {
        let start = all.len().to_string();
        let mut p = params.to_vec();
        p.push(("start", &start));
        let body = get(server, path, &p).ok();
        let result = if envelope {
            assert_eq!(body["success"], true);
            body["result"].clone()
        } else {
            body
        };
        let page_count = result["count"].as_u64().unwrap();
        assert_eq!(*count.get_or_insert(page_count), page_count, "page {pages}");
        let results = result["results"].as_array().unwrap().clone();
        pages += 1;
        if results.is_empty() {
            break;
        }
        assert!(results.len() <= 1000);
        all.extend(results);
        assert!(pages < 100, "runaway walk");
    }
    (count.unwrap(), all)
}

/// Every public, active dataset exactly once, newest-modified first (the default sort, with
/// every score tied).
fn assert_whole_catalogue_once(count: u64, results: &[Value]) {
    let expected = public_active_packages();
    assert_eq!(count, expected.len() as u64);
    assert_eq!(results.len(), expected.len());
    let got: HashSet<&str> = results.iter().map(|r| s(r, "id")).collect();
    assert_eq!(got.len(), results.len(), "an id came twice");
    let want: HashSet<&str> = expected.iter().map(|p| s(p, "id")).collect();
    assert_eq!(got, want);
    let modified: Vec<i64> = results
        .iter()
        .map(|r| millis(s(&by_id()[s(r, "id")], "metadata_modified")))
        .collect();
    assert!(modified.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn publish_sync_walks_the_catalogue_through_v3_search_dataset() {
    // datagovuk_publish's package sync (clients-and-scale.md §1.1).
    let f = fixture();
    let (count, results) = walk(
        &f.dgu,
        "/api/3/search/dataset",
        &[
            ("q", "type:dataset"),
            ("rows", "1000"),
            ("fl", "id,metadata_modified,organization"),
        ],
        true,
    );
    assert!(count > 2000, "several pages: {count}");
    assert_whole_catalogue_once(count, &results);
    for r in &results {
        let p = &by_id()[s(r, "id")];
        assert_eq!(
            r,
            &fl_result(p, &["id", "metadata_modified", "organization"])
        );
    }
}

#[test]
fn csw_loader_walks_the_catalogue_through_search_dataset() {
    // ckanext-spatial's bin/ckan_pycsw.py as data.gov.uk runs it (clients-and-scale.md §1.3).
    let f = fixture();
    let (count, results) = walk(
        &f.dgu,
        "/api/search/dataset",
        &[
            ("fl", "id,metadata_modified,harvest_object_id,harvest"),
            ("rows", "1000"),
        ],
        false,
    );
    assert_whole_catalogue_once(count, &results);
    let mut with_harvest = 0;
    for r in &results {
        let p = &by_id()[s(r, "id")];
        assert_eq!(
            r,
            &fl_result(
                p,
                &["id", "metadata_modified", "harvest_object_id", "harvest"]
            )
        );
        // The loader swaps ' for " and parses each entry as JSON.
        if let Some(entries) = r["harvest"].as_array() {
            with_harvest += 1;
            let first: Value =
                serde_json::from_str(&entries[0].as_str().unwrap().replace('\'', "\"")).unwrap();
            assert_eq!(first["key"], "harvest_object_id");
        }
    }
    assert_eq!(
        with_harvest,
        public_active_packages()
            .iter()
            .filter(|p| harvest_reprs(p).is_some())
            .count()
    );
    assert!(with_harvest > 0);
}

// ---- envelopes, results and parameters ------------------------------------------------------

#[test]
fn defaults_ten_newest_full_dicts_and_the_help_link() {
    let f = fixture();
    let expected = public_active_packages();
    for path in [PACKAGE_SEARCH, "/api/action/package_search"] {
        let body = get(&f.plain, path, &[]).ok();
        assert_eq!(keys(&body), ["help", "success", "result"]);
        assert_eq!(body["help"], json!(help_url(&f.plain)));
        let result = &body["result"];
        assert_eq!(result["count"], expected.len());
        assert_eq!(result["sort"], DEFAULT_SORT);
        let results = result["results"].as_array().unwrap();
        assert_eq!(results.len(), 10);
        assert_newest_first(results, &expected);
        assert_full_dicts(result);
    }
    // `ckan.site_url` makes the help link.
    let body = get(&f.dgu, PACKAGE_SEARCH, &[("rows", "0")]).ok();
    assert_eq!(
        body["help"],
        format!("{SITE_URL}/api/3/action/help_show?name=package_search")
    );
    assert_eq!(body["result"]["results"], json!([]));
    assert_eq!(body["result"]["count"], expected.len());
}

#[test]
fn rows_are_capped_at_rows_max_and_start_pages_in_sort_order() {
    let result = search(&[("rows", "5000"), ("fl", "id")]);
    let results = result["results"].as_array().unwrap();
    assert_eq!(results.len(), 1000);
    assert_eq!(result["count"], public_active_packages().len());
    let distinct: HashSet<&str> = results.iter().map(|r| s(r, "id")).collect();
    assert_eq!(distinct.len(), 1000);
    assert!(results.iter().all(|r| keys(r) == ["id"]));

    let mut names: Vec<&str> = public_active_packages()
        .iter()
        .map(|p| s(p, "name"))
        .collect();
    names.sort_unstable();
    let near_end = names.len() - 3;
    for (sort, start, rows) in [
        ("name asc", 37, 13),
        ("name desc", 0, 4),
        ("name asc", near_end, 50),
    ] {
        let result = search(&[
            ("sort", sort),
            ("start", &start.to_string()),
            ("rows", &rows.to_string()),
        ]);
        assert_eq!(result["sort"], sort);
        let got = each_str(&result["results"], "name");
        let ordered: Vec<&str> = if sort == "name asc" {
            names.clone()
        } else {
            names.iter().rev().copied().collect()
        };
        let want: Vec<&str> = ordered.iter().skip(start).take(rows).copied().collect();
        assert_eq!(got, want, "{sort} {start} {rows}");
        assert_full_dicts(&result);
    }

    // `rank` is the default sort, reported as such.
    let result = search(&[("sort", "rank"), ("rows", "3")]);
    assert_eq!(result["sort"], DEFAULT_SORT);
    assert_newest_first(
        result["results"].as_array().unwrap(),
        &public_active_packages(),
    );
    let result = search(&[("sort", "metadata_created asc"), ("rows", "25")]);
    let created: Vec<i64> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| millis(s(r, "metadata_created")))
        .collect();
    let mut want: Vec<i64> = public_active_packages()
        .iter()
        .map(|p| millis(s(p, "metadata_created")))
        .collect();
    want.sort_unstable();
    assert_eq!(created, want[..25].to_vec());
}

#[test]
fn fl_gives_stored_fields_with_extras_folded() {
    let f = fixture();
    let p = pick(|p| p.get("theme-primary").is_some() && harvested(p));
    let q = format!("id:{}", s(p, "id"));
    let result = search(&[("q", &q), ("fl", "id")]);
    assert_eq!(result["results"], json!([{"id": p["id"]}]));
    let result = search(&[("q", &q), ("fl", "name")]);
    assert_eq!(result["results"], json!([{"name": p["name"]}]));
    let result = search(&[("q", &q), ("fl", "extras_theme-primary")]);
    assert_eq!(
        result["results"],
        json!([{"theme-primary": p["theme-primary"]}])
    );
    let fl = "id,name,title,organization,extras_theme-primary,extras_guid,metadata_created";
    let result = search(&[("q", &q), ("fl", fl)]);
    let fields: Vec<&str> = fl.split(',').collect();
    assert_eq!(result["results"], json!([fl_result(p, &fields)]));
    assert_eq!(result["count"], 1);
    // The stored dicts themselves, as strings.
    let result = search(&[("q", &q), ("fl", "validated_data_dict id")]);
    let text = result["results"][0]["validated_data_dict"]
        .as_str()
        .unwrap();
    assert_eq!(&serde_json::from_str::<Value>(text).unwrap(), p);

    // POSTed as JSON, `fl` is a list.
    let body = post(
        &f.plain,
        PACKAGE_SEARCH,
        "application/json",
        &json!({"q": q, "fl": ["id", "extras_theme-primary", "extras_guid"]}).to_string(),
    )
    .ok();
    assert_eq!(
        body["result"]["results"],
        json!([fl_result(p, &["id", "extras_theme-primary", "extras_guid"])])
    );
}

#[test]
fn use_default_schema_returns_the_stored_data_dict() {
    let p = pick(|p| p.get("core-dataset").is_some() && p.get("theme-primary").is_some());
    let q = format!("name:{}", s(p, "name"));
    let result = search(&[("q", &q), ("use_default_schema", "true")]);
    assert_eq!(result["results"], json!([default_schema_dict(p)]));
    assert_ne!(result["results"][0], *p);
    let result = search(&[("q", &q), ("use_default_schema", "false")]);
    assert_eq!(result["results"], json!([p]));
}

/// `{value: count}` as Solr facets them: documents per distinct value, count descending,
/// ties in index (byte) order, the first `limit`.
fn facet_counts(
    pkgs: &[&Value],
    values: impl Fn(&Value) -> Vec<String>,
    limit: usize,
) -> Vec<(String, u64)> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for p in pkgs {
        let distinct: BTreeSet<String> = values(p).into_iter().collect();
        for v in distinct {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut out = by_count(counts);
    out.truncate(limit);
    out
}

fn facet_field_values(field: &str) -> impl Fn(&Value) -> Vec<String> + '_ {
    move |p: &Value| -> Vec<String> {
        let names = |list: &str, keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
            p[list]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|item| keep(item))
                .map(|item| s(item, "name").to_string())
                .collect()
        };
        match field {
            "organization" => vec![s(&p["organization"], "name").to_string()],
            "groups" => names("groups", &|_| true),
            "tags" => names("tags", &|t| t["vocabulary_id"].is_null()),
            "license_id" => Some(s(p, "license_id").to_string())
                .filter(|l| !l.is_empty())
                .into_iter()
                .collect(),
            "res_format" => p["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| s(r, "format").to_string())
                .collect(),
            other => panic!("no expectation for facet {other}"),
        }
    }
}

/// The display name CKAN gives a facet value: organisation and group titles, licence
/// titles, else the value.
fn display_name(field: &str, value: &str) -> String {
    let all = &fixture().all;
    let title = match field {
        "organization" => all
            .iter()
            .find(|p| s(&p["organization"], "name") == value)
            .map(|p| s(&p["organization"], "title").to_string()),
        "groups" => all
            .iter()
            .flat_map(|p| p["groups"].as_array().into_iter().flatten())
            .find(|g| s(g, "name") == value)
            .map(|g| s(g, "title").to_string()),
        "license_id" => all
            .iter()
            .find(|p| s(p, "license_id") == value)
            .map(|p| s(p, "license_title").to_string()),
        _ => None,
    };
    title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| value.to_string())
}

fn as_pairs(facet: &Value) -> Vec<(String, u64)> {
    facet
        .as_object()
        .expect("facet object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

#[test]
fn facets_and_search_facets_with_display_names() {
    let fields = ["organization", "groups", "license_id", "tags", "res_format"];
    let result = search(&[
        ("facet.field", &serde_json::to_string(&fields).unwrap()),
        ("rows", "0"),
    ]);
    let visible = public_active_packages();
    assert_eq!(result["count"], visible.len());
    assert_eq!(keys(&result["facets"]), fields);
    assert_eq!(keys(&result["search_facets"]), fields);
    for field in fields {
        let want = facet_counts(&visible, facet_field_values(field), 50);
        assert_eq!(as_pairs(&result["facets"][field]), want, "{field}");

        let mut items: Vec<Value> = want
            .iter()
            .map(|(name, count)| {
                json!({"name": name, "display_name": display_name(field, name), "count": count})
            })
            .collect();
        // Python's stable `sorted(…, reverse=True)` by display name.
        items.sort_by(|a, b| {
            b["display_name"]
                .as_str()
                .unwrap()
                .cmp(a["display_name"].as_str().unwrap())
        });
        assert_eq!(
            result["search_facets"][field],
            json!({"title": field, "items": items}),
            "{field}"
        );
    }
    // Titles really differ from names here.
    let org = &result["search_facets"]["organization"]["items"][0];
    assert_ne!(org["display_name"], org["name"]);
    let licence = &result["search_facets"]["license_id"]["items"];
    assert!(licence
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["display_name"] != i["name"]));

    // facet.limit -1: every value, in index order; facet.limit 3: the top three.
    let result = search(&[
        ("facet.field", "[\"license_id\"]"),
        ("facet.limit", "-1"),
        ("rows", "0"),
    ]);
    let mut all = facet_counts(&visible, facet_field_values("license_id"), usize::MAX);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(as_pairs(&result["facets"]["license_id"]), all);
    let result = search(&[
        ("facet.field", "[\"organization\"]"),
        ("facet.limit", "3"),
        ("rows", "0"),
    ]);
    assert_eq!(
        as_pairs(&result["facets"]["organization"]),
        facet_counts(&visible, facet_field_values("organization"), 3)
    );
    // Facets over a query's matches only.
    let org = s(&visible[0]["organization"], "name");
    let result = search(&[
        ("fq", &format!("organization:{org}")),
        ("facet.field", "[\"organization\",\"tags\"]"),
        ("rows", "0"),
    ]);
    let matching: Vec<&Value> = visible
        .iter()
        .copied()
        .filter(|p| s(&p["organization"], "name") == org)
        .collect();
    assert_eq!(result["count"], matching.len());
    assert_eq!(
        as_pairs(&result["facets"]["organization"]),
        vec![(org.to_string(), matching.len() as u64)]
    );
    assert_eq!(
        as_pairs(&result["facets"]["tags"]),
        facet_counts(&matching, facet_field_values("tags"), 50)
    );
}

#[test]
fn private_and_draft_need_a_sysadmin() {
    let f = fixture();
    let count_where = |pred: &dyn Fn(&Value) -> bool| {
        f.all.iter().filter(|p| indexable(p) && pred(p)).count() as u64
    };
    let active = |p: &Value| s(p, "state") == "active";
    let draft = |p: &Value| s(p, "state") == "draft";
    let public = |p: &Value| p["private"] != true;
    let count = |server: &TestServer, params: &[(&str, &str)], auth: Option<&str>| {
        let mut p = params.to_vec();
        p.push(("rows", "0"));
        let body = get_as(server, PACKAGE_SEARCH, &p, auth).ok();
        body["result"]["count"].as_u64().unwrap()
    };
    let public_active_n = count_where(&|p| public(p) && active(p));
    assert!(count_where(&|p| !public(p) && active(p)) > 0);
    assert!(count_where(&|p| public(p) && draft(p)) > 0);

    let flags: [&[(&str, &str)]; 5] = [
        &[],
        &[("include_private", "true")],
        &[("include_drafts", "true")],
        &[("include_private", "True"), ("include_drafts", "1")],
        &[("include_deleted", "true"), ("include_private", "true")],
    ];
    // Anonymous (no token, a wrong token, or the plain server): public and active only,
    // whatever the flags — the permission labels filter the rest.
    for params in flags {
        assert_eq!(count(&f.plain, params, None), public_active_n, "{params:?}");
        assert_eq!(count(&f.dgu, params, None), public_active_n, "{params:?}");
        assert_eq!(
            count(&f.dgu, params, Some("not-the-token")),
            public_active_n,
            "{params:?}"
        );
        assert_eq!(
            count(&f.plain, params, Some(SYSADMIN_TOKEN)),
            public_active_n,
            "{params:?}"
        );
    }
    // A sysadmin sees what the flags ask for (deleted datasets are never indexed).
    let sysadmin = |params: &[(&str, &str)]| count(&f.dgu, params, Some(SYSADMIN_TOKEN));
    assert_eq!(sysadmin(flags[0]), public_active_n);
    assert_eq!(sysadmin(flags[1]), count_where(&active));
    assert_eq!(
        sysadmin(flags[2]),
        count_where(&|p| public(p) && (active(p) || draft(p)))
    );
    assert_eq!(sysadmin(flags[3]), count_where(&|p| active(p) || draft(p)));
    assert_eq!(sysadmin(flags[4]), count_where(&active));

    // A JSONP call runs as an anonymous user whatever the token (CKAN drops the user when
    // there is a `callback`).
    for path in [PACKAGE_SEARCH, "/api/3/search/dataset"] {
        let reply = get_as(
            &f.dgu,
            path,
            &[
                ("include_private", "true"),
                ("rows", "0"),
                ("callback", "cb"),
            ],
            Some(SYSADMIN_TOKEN),
        );
        assert_eq!(reply.status, 200, "{}", reply.text);
        let inner = reply
            .text
            .strip_prefix("cb(")
            .and_then(|t| t.strip_suffix(");"))
            .expect("cb(…);");
        let body: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(body["result"]["count"], public_active_n, "{path}");
    }

    // The private datasets a sysadmin finds are the dicts as stored (less personal data:
    // this server strips it, as data.gov.uk's does).
    let hidden = f.all.iter().find(|p| !public(p) && active(p)).unwrap();
    let q = format!("id:{}", s(hidden, "id"));
    let body = get_as(
        &f.dgu,
        PACKAGE_SEARCH,
        &[("q", &q), ("include_private", "true")],
        Some(SYSADMIN_TOKEN),
    )
    .ok();
    assert_eq!(body["result"]["results"], json!([without_pii(hidden)]));
}

#[test]
fn pii_is_stripped_from_search_dataset_when_configured() {
    let f = fixture();
    let p = pick(|p| p["author"].is_string());
    let q = format!("name:{}", s(p, "name"));
    let stripped = without_pii(p);
    assert_ne!(&stripped, p);

    let bare = get(&f.dgu, "/api/search/dataset", &[("q", &q)]).ok();
    assert_eq!(bare["results"], json!([stripped]));
    let v3 = get(&f.dgu, "/api/3/search/dataset", &[("q", &q)]).ok();
    assert_eq!(v3["result"]["results"], json!([stripped]));
    // data.gov.uk's `dgu_package_search` strips the action's answers too.
    let action = get(&f.dgu, PACKAGE_SEARCH, &[("q", &q)]).ok();
    assert_eq!(action["result"]["results"], json!([stripped]));
    assert_eq!(
        v3["help"],
        format!("{SITE_URL}/api/3/action/help_show?name=package_search")
    );

    // With fl: the fields themselves and inside the stored dicts.
    let fl = "name,author,author_email,maintainer,maintainer_email,validated_data_dict,data_dict";
    let bare = get(&f.dgu, "/api/search/dataset", &[("q", &q), ("fl", fl)]).ok();
    let r = &bare["results"][0];
    let mut got = keys(r);
    got.sort_unstable();
    assert_eq!(got, ["data_dict", "name", "validated_data_dict"]);
    let vdd: Value = serde_json::from_str(r["validated_data_dict"].as_str().unwrap()).unwrap();
    assert_eq!(vdd, stripped);
    let dd: Value = serde_json::from_str(r["data_dict"].as_str().unwrap()).unwrap();
    assert_eq!(dd, without_pii(&default_schema_dict(p)));

    // Without the setting, nothing is removed.
    let bare = get(&f.plain, "/api/search/dataset", &[("q", &q), ("fl", fl)]).ok();
    let r = &bare["results"][0];
    for key in ["author", "author_email", "maintainer", "maintainer_email"] {
        assert_eq!(r[key], p[key], "{key}");
    }
    let bare = get(&f.plain, "/api/search/dataset", &[("q", &q)]).ok();
    assert_eq!(bare["results"], json!([p]));
}

#[test]
fn jsonp_callback_wraps_a_get_answer() {
    let f = fixture();
    let p = pick(|_| true);
    let q = format!("id:{}", s(p, "id"));
    let reply = get(&f.plain, PACKAGE_SEARCH, &[("q", &q), ("callback", "cb")]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/javascript;charset=utf-8");
    let inner = reply
        .text
        .strip_prefix("cb(")
        .and_then(|t| t.strip_suffix(");"))
        .expect("cb(…);");
    let body: Value = serde_json::from_str(inner).unwrap();
    assert_eq!(body, get(&f.plain, PACKAGE_SEARCH, &[("q", &q)]).ok());

    // The name is HTML-escaped; search/dataset wraps too; errors are not wrapped.
    let reply = get(
        &f.plain,
        "/api/search/dataset",
        &[("q", &q), ("callback", "a<b")],
    );
    assert_eq!(reply.content_type, "application/javascript;charset=utf-8");
    assert!(
        reply.text.starts_with("a&lt;b({\"count\": 1, "),
        "{}",
        reply.text
    );
    let reply = get(
        &f.plain,
        PACKAGE_SEARCH,
        &[("rows", "x"), ("callback", "cb")],
    );
    assert_eq!(reply.status, 409);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    assert_eq!(reply.json()["success"], false);
}

#[test]
fn post_json_and_forms() {
    let f = fixture();
    let p = pick(|p| !p["groups"].as_array().unwrap().is_empty());
    let q = format!("name:{}", s(p, "name"));
    let get_body = get(
        &f.plain,
        PACKAGE_SEARCH,
        &[("q", &q), ("facet.field", "[\"groups\"]"), ("rows", "2")],
    )
    .ok();
    assert_eq!(get_body["result"]["results"], json!([p]));
    let groups = &get_body["result"]["facets"]["groups"];
    assert_eq!(
        as_pairs(groups),
        facet_counts(&[p], facet_field_values("groups"), 50)
    );

    // JSON: numbers and lists as JSON; a JSON-string facet.field works as in a URL.
    for facet_field in [json!(["groups"]), json!("[\"groups\"]")] {
        let body = json!({"q": q, "facet.field": facet_field, "rows": 2}).to_string();
        for path in [PACKAGE_SEARCH, "/api/action/package_search"] {
            let reply = post(&f.plain, path, "application/json", &body).ok();
            assert_eq!(reply, get_body, "{path} {body}");
        }
    }
    // A form, and a form whose only key is JSON (what `curl -d '{…}'` sends).
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("q", q.as_str()),
            ("facet.field", "[\"groups\"]"),
            ("rows", "2"),
        ])
        .finish();
    let reply = post(
        &f.plain,
        PACKAGE_SEARCH,
        "application/x-www-form-urlencoded",
        &form,
    )
    .ok();
    assert_eq!(reply, get_body);
    let json_key = json!({"q": q, "facet.field": ["groups"], "rows": 2}).to_string();
    let reply = post(
        &f.plain,
        PACKAGE_SEARCH,
        "application/x-www-form-urlencoded",
        &form_urlencoded::byte_serialize(json_key.as_bytes()).collect::<String>(),
    )
    .ok();
    assert_eq!(reply, get_body);
    // search/dataset takes POSTs too.
    let reply = post(
        &f.plain,
        "/api/search/dataset",
        "application/json",
        &json!({"q": q, "limit": 1}).to_string(),
    )
    .ok();
    assert_eq!(reply["results"], json!([p]));
}

#[test]
fn ext_parameters_are_accepted_and_left_to_plugins() {
    let before = search(&[("rows", "0")]);
    let after = search(&[("rows", "0"), ("ext_anything", "x"), ("ext_bbox", "")]);
    assert_eq!(before, after);
}

// ---- errors: CKAN's statuses and messages -------------------------------------------------

fn assert_error(reply: &Reply, status: u16, error: Value) {
    let f = fixture();
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    let body = reply.json();
    assert_eq!(keys(&body), ["help", "error", "success"]);
    assert_eq!(
        body,
        json!({"help": help_url(&f.plain), "error": error, "success": false})
    );
}

fn validation(fields: Value) -> Value {
    let mut error = fields.as_object().unwrap().clone();
    error.insert("__type".into(), json!("Validation Error"));
    Value::Object(error)
}

#[test]
fn validation_errors_are_409_with_ckans_messages() {
    let f = fixture();
    let cases: Vec<(Vec<(&str, &str)>, Value)> = vec![
        (
            vec![("rows", "abc")],
            json!({"rows": ["Invalid integer", "Please enter an integer value"]}),
        ),
        (
            vec![("rows", "-5")],
            json!({"rows": ["Must be a natural number"]}),
        ),
        (
            vec![("start", "-1")],
            json!({"start": ["Must be a natural number"]}),
        ),
        (
            vec![("start", "1.5")],
            json!({"start": ["Invalid integer"]}),
        ),
        (
            vec![("facet.field", "tags")],
            json!({"facet.field": ["Could not parse as valid JSON", "Not a list"]}),
        ),
        (
            vec![("facet.field", "{\"tags\": 1}")],
            json!({"facet.field": ["Not a list"]}),
        ),
        (
            vec![("facet.field", "\"tags\"")],
            json!({"facet.field": ["Not a list"]}),
        ),
        (
            vec![("facet.field", "[\"tags\", 1]")],
            json!({"facet.field": ["Not a string: 1"]}),
        ),
        (
            vec![("facet.field", "[true]")],
            json!({"facet.field": ["Not a string: True"]}),
        ),
        (
            vec![("facet.limit", "x")],
            json!({"facet.limit": ["Invalid integer"]}),
        ),
        (
            vec![("facet.mincount", "-1")],
            json!({"facet.mincount": ["Must be a natural number"]}),
        ),
        // Every bad field, in name order.
        (
            vec![("start", "y"), ("rows", "x"), ("facet.mincount", "-1")],
            json!({
                "facet.mincount": ["Must be a natural number"],
                "rows": ["Invalid integer", "Please enter an integer value"],
                "start": ["Invalid integer"],
            }),
        ),
    ];
    for (params, fields) in cases {
        let reply = get(&f.plain, PACKAGE_SEARCH, &params);
        assert_error(&reply, 409, validation(fields.clone()));
        let keys_in_order: Vec<String> = reply.json()["error"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut want: Vec<String> = fields.as_object().unwrap().keys().cloned().collect();
        want.push("__type".into());
        assert_eq!(keys_in_order, want, "{params:?}");
    }
    // The same through search/dataset (data.gov.uk's wrapper calls the same action).
    let reply = get(&f.plain, "/api/3/search/dataset", &[("rows", "abc")]);
    assert_error(
        &reply,
        409,
        validation(json!({"rows": ["Invalid integer", "Please enter an integer value"]})),
    );
    let reply = get(&f.plain, "/api/search/dataset", &[("limit", "abc")]);
    assert_error(
        &reply,
        409,
        validation(json!({"rows": ["Invalid integer", "Please enter an integer value"]})),
    );
}

#[test]
fn unknown_parameters_and_bad_sorts_are_400_search_query_errors() {
    let f = fixture();
    let query_error = |message: &str| json!({"__type": "Search Query Error", "message": message});
    let reply = get(&f.plain, PACKAGE_SEARCH, &[("q", "flood"), ("foo", "1")]);
    assert_error(
        &reply,
        400,
        query_error("Search Query is invalid: (\"Invalid search parameters: ['foo']\",)"),
    );
    // Real Solr parameters CKAN does not pass through are refused the same way.
    let reply = get(&f.plain, PACKAGE_SEARCH, &[("facet.sort", "index")]);
    assert_error(
        &reply,
        400,
        query_error("Search Query is invalid: (\"Invalid search parameters: ['facet.sort']\",)"),
    );
    for sort in ["name", "metadata_modified sideways"] {
        let reply = get(&f.plain, PACKAGE_SEARCH, &[("sort", sort)]);
        assert_error(
            &reply,
            400,
            query_error("Search Query is invalid: ('Invalid \"sort\" parameter',)"),
        );
    }
}

#[test]
fn solr_errors_local_params_and_magic_fields_are_409_search_errors() {
    let f = fixture();
    let search_error = |message: &str| json!({"__type": "Search Error", "message": message});

    // A query Solr cannot parse: CKAN's message quotes the parameters it sent (this prefix
    // is CKAN 2.12's own text for this request), then pysolr's error.
    let reply = get(&f.plain, PACKAGE_SEARCH, &[("q", "title:(flood")]);
    assert_eq!(reply.status, 409, "{}", reply.text);
    let body = reply.json();
    assert_eq!(keys(&body), ["help", "error", "success"]);
    assert_eq!(body["error"]["__type"], "Search Error");
    let message = body["error"]["message"].as_str().unwrap();
    let prefix = r#"Search error: ('SOLR returned an error running query: {\'q\': \'title:(flood\', \'rows\': 11, \'df\': \'text\', \'sort\': \'score desc, metadata_modified desc\', \'fl\': \'id validated_data_dict\', \'fq\': [\'+capacity:public  +state:(active)\', \'+site_id:"default"\', \'+permission_labels:("public")\'], \'facet\': \'true\', \'facet.limit\': 50, \'facet.mincount\': 1, \'wt\': \'json\', \'q.op\': \'AND\'} Error: SolrError(\'Solr responded with an error (HTTP 400): [Reason: org.apache.solr.search.SyntaxError: Cannot parse \\\'title:(flood\\\': "#;
    assert!(
        message.starts_with(prefix),
        "{message}\nshould start with\n{prefix}"
    );
    assert!(message.ends_with("]\\')',)"), "{message}");

    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("q", "{!bool must=flood}")],
            "Search error: (\"Local parameters are not supported in param 'q'.\",)",
        ),
        (
            &[("q", "{!lucene}a {!lucene}b")],
            "Search error: (\"Query parsers are not supported in param 'q'.\",)",
        ),
        (
            &[("q", "title:x _query_:\"{!dismax}y\"")],
            "Search error: (\"Magic fields are not supported in param 'q'.\",)",
        ),
        (
            &[("fq", "_val_:\"recip(1,2,3,4)\"")],
            "Search error: (\"Magic fields are not supported in param 'fq'.\",)",
        ),
        // The caller's fq comes after `+capacity:public `, so not at the beginning…
        (
            &[("fq", "{!frange l=1}x")],
            "Search error: (\"Local parameters must be defined at the beginning of param 'fq'.\",)",
        ),
        // … unless include_private drops that prefix.
        (
            &[("fq", "{!frange l=1}x"), ("include_private", "true")],
            "Search error: (\"Local parameters are not supported in param 'fq'.\",)",
        ),
    ];
    for (params, message) in cases {
        let reply = get(&f.plain, PACKAGE_SEARCH, params);
        assert_error(&reply, 409, search_error(message));
    }
}

#[test]
fn bad_requests_are_bare_400_strings() {
    let f = fixture();
    let bad = |reply: Reply, text: &str| {
        assert_eq!(reply.status, 400, "{}", reply.text);
        assert_eq!(reply.content_type, "application/json;charset=utf-8");
        assert_eq!(reply.json(), json!(text));
    };
    bad(
        get(&f.plain, "/api/3/action/x", &[]),
        "Bad request: Action name not known: x",
    );
    bad(
        post(
            &f.plain,
            "/api/action/package_searc",
            "application/json",
            "{}",
        ),
        "Bad request: Action name not known: package_searc",
    );
    bad(
        post(&f.plain, PACKAGE_SEARCH, "application/json", "[1, 2]"),
        "Bad request: JSON Error: Request data JSON decoded to [1, 2] but it needs to be a dictionary.",
    );
    bad(
        post(&f.plain, PACKAGE_SEARCH, "application/json", "\"flood\""),
        "Bad request: JSON Error: Request data JSON decoded to 'flood' but it needs to be a dictionary.",
    );
    bad(
        post(&f.plain, "/api/search/dataset", "application/json", "null"),
        "Bad request: JSON Error: Request data JSON decoded to None but it needs to be a dictionary.",
    );

    // A body that is not JSON: CKAN 2.12 on Flask 3.1 prints werkzeug's exception.
    bad(
        post(&f.plain, PACKAGE_SEARCH, "application/json", "{nope"),
        "Bad request: JSON Error: Error decoding JSON data. Error: <BadRequest '400: Bad Request'> JSON data extracted from the request: {}",
    );

    // Only version 3 of the action API exists.
    assert_eq!(
        get(&f.plain, "/api/2/action/package_search", &[]).status,
        404
    );
}
