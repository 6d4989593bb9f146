//! `PostgresSource` against the real PostgreSQL on 127.0.0.1:5432 (trust auth, user
//! `postgres`; `CKAN_SEARCH_TEST_PG` overrides the server URL). Each test creates its own
//! database with CKAN's tables (`tests/sql/ckan-2.12.sql`, plus
//! `tests/sql/ckan-2.11-extras.sql` for the older layout), loads it, reads it back and
//! drops it. A server that is down fails these tests; nothing is skipped.
//!
//! What is checked:
//!
//! * rows written by real CKAN 2.12 come back exactly as CKAN 2.12's own `package_show`
//!   returned them (`postgres/ckan-2.12-package_show.jsonl`), key order included;
//! * a generated catalogue, loaded with `ckan_search_data::ckan_tables` (COPY), comes back
//!   field by field as the generator's dicts, in both database layouts. The generator
//!   writes data.gov.uk's `package_show` (ckanext-datagovuk's schema), so the expected
//!   dict is the generator's with what only a plugin shows undone — see [`core_dict`],
//!   which lists every field that does not round-trip and why;
//! * the selections (datasets, organisation, modified since), `count_hint`, vocabulary
//!   names, one snapshot while CKAN writes, and loud failures.

use std::collections::{HashMap, HashSet};

use ckan_search_data::ckan_tables::{extra_value, CkanTables, Layout, TableOptions};
use ckan_search_data::test_db::{server_url, TestDb};
use ckan_search_data::{GeneratorConfig, PROMOTED_EXTRAS};
use ckan_search_indexer::source::postgres::{
    CkanSettings, Filter, Licence, LicenceRegister, PostgresSource,
};
use ckan_search_indexer::source::Source;
use serde_json::{Map, Value};

const SCHEMA_2_11: &str = include_str!("../../tests/sql/ckan-2.11-extras.sql");
const CKAN_ROWS: &str = include_str!("postgres/ckan-2.12-rows.sql");
const CKAN_PACKAGE_SHOW: &str = include_str!("postgres/ckan-2.12-package_show.jsonl");
/// data.gov.uk's address: the generator's uploaded resources live under it.
const DGU_SITE: &str = "https://ckan.publishing.service.gov.uk";

/// A database of its own with CKAN's tables in `layout`, dropped (with any connection
/// still open) when the test ends.
fn create_db(tag: &str, layout: Layout) -> TestDb {
    let db = TestDb::create(&format!("ckan_search_pg_{tag}"));
    if layout == Layout::Ckan211 {
        db.execute(SCHEMA_2_11);
    }
    db
}

/// Every record of the source, failing the test on a bad one.
fn read_all(source: &dyn Source) -> Vec<Value> {
    let records: Vec<Value> = source
        .records()
        .expect("open the source")
        .map(|r| r.package.expect("a good package dict"))
        .collect();
    source.check_complete().expect("read to the end");
    records
}

fn by_id(dicts: Vec<Value>) -> HashMap<String, Value> {
    dicts
        .into_iter()
        .map(|d| (d["id"].as_str().expect("id").to_string(), d))
        .collect()
}

/// Asserts that `got` equals `expected` key by key, then in key order, naming the dataset
/// and the first field that differs.
fn assert_same_dict(got: &Value, expected: &Value) {
    let name = expected["name"].as_str().unwrap_or("?");
    let (g, e) = (got.as_object().unwrap(), expected.as_object().unwrap());
    for (key, value) in e {
        assert_eq!(g.get(key), Some(value), "dataset {name}: field {key}");
    }
    let extra: Vec<&String> = g.keys().filter(|k| !e.contains_key(*k)).collect();
    assert!(
        extra.is_empty(),
        "dataset {name}: unexpected fields {extra:?}"
    );
    assert_eq!(
        g.keys().collect::<Vec<_>>(),
        e.keys().collect::<Vec<_>>(),
        "dataset {name}: key order"
    );
}

#[test]
fn rows_written_by_ckan_come_back_as_ckans_package_show() {
    let db = create_db("ckan", Layout::Ckan212);
    db.execute(CKAN_ROWS);
    // The CKAN that wrote the rows ran with this site URL; some rows written by SQL have
    // formats CKAN's show schema cleans (`csv` → `CSV`).
    let formats = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/postgres/resource_formats.json"
    );
    let source = PostgresSource::new(&format!(
        "{}?ckan.site_url=http%3A%2F%2F127.0.0.1%3A5999%2F&ckan.resource_formats={formats}",
        db.url()
    ))
    .expect("source");
    let got = by_id(read_all(&source));
    let expected: Vec<Value> = CKAN_PACKAGE_SHOW
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(got.len(), expected.len());
    for e in &expected {
        let g = &got[e["id"].as_str().unwrap()];
        assert_same_dict(g, e);
        // Byte for byte, as the index's `data_dict` would store it.
        assert_eq!(
            serde_json::to_string(g).unwrap(),
            serde_json::to_string(e).unwrap()
        );
    }
    let states: Vec<Option<&str>> = {
        let mut s: Vec<_> = got.values().map(|d| d["state"].as_str()).collect();
        s.sort();
        s
    };
    // Every state is yielded (the indexer decides): a null state has no `state` key.
    assert_eq!(
        states,
        [
            None,
            Some("active"),
            Some("active"),
            Some("active"),
            Some("active"),
            Some("deleted"),
            Some("draft")
        ]
    );

    let vocabularies = source.vocabularies().expect("vocabularies");
    let mut names: Vec<&str> = vocabularies.values().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["places", "themes"]);
    assert_eq!(source.count_hint(), Some(7));
}

/// The register the generated catalogue was made with (data.gov.uk's, whose `uk-ogl`
/// points elsewhere than CKAN's built-in one), as a site would configure it through
/// `licenses_group_url`: read off the dicts' own licence fields. A licence whose title is
/// its id, closed and without URL is one the register does not know.
fn catalogue_licences(dicts: &[Value]) -> LicenceRegister {
    let mut seen: HashMap<String, Licence> = HashMap::new();
    for d in dicts {
        let Some(id) = d["license_id"].as_str().filter(|id| !id.is_empty()) else {
            continue;
        };
        let licence = Licence {
            id: id.into(),
            title: d["license_title"].as_str().unwrap_or_default().into(),
            url: d.get("license_url").and_then(Value::as_str).map(Into::into),
            open: d["isopen"] == true,
        };
        if licence.title == id && !licence.open && licence.url.is_none() {
            continue;
        }
        let known = seen.entry(id.into()).or_insert_with(|| licence.clone());
        assert_eq!(
            *known, licence,
            "the catalogue disagrees with itself on {id}"
        );
    }
    LicenceRegister::new(seen.into_values().collect())
}

const LISTS: [&str; 6] = [
    "extras",
    "groups",
    "relationships_as_object",
    "relationships_as_subject",
    "resources",
    "tags",
];

/// The dict CKAN's core schema shows for the rows a generated (data.gov.uk) dict was
/// loaded into. What does not round-trip, and why:
///
/// * ckanext-datagovuk's fields shown at the top level (`theme-primary`, `contact-email`,
///   …, [`PROMOTED_EXTRAS`]) are extras in the database, and the core schema shows them as
///   extras (non-string values as the JSON text the plugin stores).
/// * `harvest` is added by ckanext-datagovuk's `after_dataset_show`; it is in no table.
/// * Extras order: CKAN ≤ 2.11 sorts extras by key, where ckanext-harvest's show hook
///   appended `harvest_source_id`/`harvest_source_title` last; CKAN 2.12 lists them in
///   JSONB key order (shorter keys first, then bytewise).
/// * Empty lists: CKAN 2.12 creates `extras` first (it is a column), before `resources`,
///   `tags` and `groups`; the generator follows 2.10 (`resources`, `tags`, `extras`).
///
/// Everything else (scalars, organisation, groups, tags, resources with their extras,
/// uploaded resources' URLs given the site URL, licences given the register) is expected
/// unchanged.
fn core_dict(dgu: &Value, layout: Layout) -> Value {
    let obj = dgu.as_object().expect("object");
    let mut extras: Vec<(String, String)> = obj["extras"]
        .as_array()
        .expect("extras")
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_string(),
                extra_value(&e["value"]),
            )
        })
        .collect();
    for field in PROMOTED_EXTRAS {
        if let Some(v) = obj.get(*field) {
            extras.push((field.to_string(), extra_value(v)));
        }
    }
    match layout {
        Layout::Ckan212 => {
            // JSONB keeps the last value of a repeated key.
            let mut unique: Vec<(String, String)> = Vec::new();
            for (k, v) in extras {
                unique.retain(|(seen, _)| *seen != k);
                unique.push((k, v));
            }
            extras = unique;
            extras.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
        }
        Layout::Ckan211 => extras.sort_by(|a, b| a.0.cmp(&b.0)),
    }
    let extras: Vec<Value> = extras
        .into_iter()
        .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
        .collect();

    let mut out = Map::new();
    for (k, v) in obj {
        if PROMOTED_EXTRAS.contains(&k.as_str()) || k == "harvest" || LISTS.contains(&k.as_str()) {
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    let mut lists: Vec<(&str, Value)> = LISTS
        .iter()
        .map(|&k| {
            let v = if k == "extras" {
                Value::Array(extras.clone())
            } else {
                obj.get(k).cloned().unwrap_or(Value::Array(Vec::new()))
            };
            (k, v)
        })
        .collect();
    lists.sort_by_key(|(k, _)| *k);
    let empty_order: [&str; 6] = match layout {
        Layout::Ckan212 => [
            "extras",
            "resources",
            "tags",
            "groups",
            "relationships_as_subject",
            "relationships_as_object",
        ],
        Layout::Ckan211 => [
            "resources",
            "tags",
            "extras",
            "groups",
            "relationships_as_subject",
            "relationships_as_object",
        ],
    };
    for (k, v) in &lists {
        if v.as_array().is_some_and(|a| !a.is_empty()) {
            out.insert(k.to_string(), v.clone());
        }
    }
    for k in empty_order {
        if !out.contains_key(k) {
            out.insert(k.to_string(), Value::Array(Vec::new()));
        }
    }
    Value::Object(out)
}

fn generated(datasets: usize, seed: u64) -> Vec<Value> {
    ckan_search_data::packages(&GeneratorConfig::new(datasets, seed)).collect()
}

fn load(db: &TestDb, dicts: &[Value], layout: Layout) {
    let mut tables = CkanTables::new(TableOptions::new(layout));
    for d in dicts {
        tables.add(d).expect("rows of a generated dict");
    }
    db.copy(&tables);
    db.analyze();
}

fn dgu_source(db: &TestDb, dicts: &[Value]) -> PostgresSource {
    PostgresSource::new(&db.url())
        .expect("source")
        .with_settings(CkanSettings {
            site_url: Some(DGU_SITE.into()),
            licences: catalogue_licences(dicts),
            resource_formats: None,
        })
}

fn round_trip(layout: Layout, tag: &str) {
    let dicts = generated(1_500, 11);
    let db = create_db(tag, layout);
    load(&db, &dicts, layout);
    let source = dgu_source(&db, &dicts);
    let got = by_id(read_all(&source));
    assert_eq!(got.len(), dicts.len());
    for d in &dicts {
        let expected = core_dict(d, layout);
        assert_same_dict(&got[d["id"].as_str().unwrap()], &expected);
    }
    // The catalogue exercises what it should: uploads, vocabulary tags, groups, every state.
    let all: Vec<&Value> = got.values().collect();
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|d| f(d)).count();
    assert!(
        count(&|d| d["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["url_type"] == "upload"))
            > 0
    );
    assert!(
        count(&|d| d["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| !t["vocabulary_id"].is_null()))
            > 0
    );
    assert!(count(&|d| !d["groups"].as_array().unwrap().is_empty()) > 0);
    assert!(count(&|d| d["state"] == "deleted") > 0 && count(&|d| d["state"] == "draft") > 0);
}

#[test]
fn generated_catalogue_round_trips_in_the_2_12_layout() {
    round_trip(Layout::Ckan212, "gen212");
}

#[test]
fn generated_catalogue_round_trips_in_the_2_11_layout() {
    round_trip(Layout::Ckan211, "gen211");
}

#[test]
fn selections_read_only_what_they_name() {
    let dicts = generated(600, 5);
    let db = create_db("select", Layout::Ckan212);
    load(&db, &dicts, Layout::Ckan212);
    let source = || dgu_source(&db, &dicts);
    let ids = |src: &PostgresSource| -> Vec<String> {
        let mut ids: Vec<String> = read_all(src)
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    // By id or name, mixed; unknown names select nothing.
    let named = source().only_datasets([
        dicts[5]["id"].as_str().unwrap().to_string(),
        dicts[9]["name"].as_str().unwrap().to_string(),
        "no-such-dataset".to_string(),
    ]);
    assert_eq!(
        ids(&named),
        sorted(vec![
            dicts[5]["id"].as_str().unwrap().into(),
            dicts[9]["id"].as_str().unwrap().into()
        ])
    );
    assert_eq!(named.count_hint(), Some(2));

    // By organisation name or id: exactly the datasets it owns.
    let org = &dicts[0]["organization"];
    let owned = sorted(
        dicts
            .iter()
            .filter(|d| d["owner_org"] == org["id"])
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect(),
    );
    assert!(!owned.is_empty());
    let by_name = source().only_organization(org["name"].as_str().unwrap());
    assert_eq!(ids(&by_name), owned);
    assert_eq!(
        ids(&source().only_organization(org["id"].as_str().unwrap())),
        owned
    );
    assert_eq!(by_name.count_hint(), Some(owned.len() as u64));

    // Modified since a time, inclusive (ISO strings of one format compare as times).
    let mut times: Vec<&str> = dicts
        .iter()
        .map(|d| d["metadata_modified"].as_str().unwrap())
        .collect();
    times.sort();
    let since = times[times.len() - 40];
    let recent = sorted(
        dicts
            .iter()
            .filter(|d| d["metadata_modified"].as_str().unwrap() >= since)
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect(),
    );
    let t = chrono::NaiveDateTime::parse_from_str(since, "%Y-%m-%dT%H:%M:%S%.f").unwrap();
    assert_eq!(ids(&source().modified_since(t)), recent);

    // Conditions combine; the dicts are the same as from a full read.
    let both = source().with_filter(Filter {
        organization: Some(org["name"].as_str().unwrap().into()),
        modified_since: Some(t),
        ..Filter::default()
    });
    let both_ids: HashSet<String> = ids(&both).into_iter().collect();
    let expected: HashSet<String> = owned
        .iter()
        .filter(|id| recent.contains(id))
        .cloned()
        .collect();
    assert_eq!(both_ids, expected);
    let full = by_id(read_all(&source()));
    for d in read_all(&named) {
        assert_eq!(d, full[d["id"].as_str().unwrap()]);
    }
}

#[test]
fn one_snapshot_while_ckan_writes() {
    // More datasets than the reader buffers ahead, so most are read after the writes.
    let dicts = generated(9_000, 3);
    let db = create_db("snapshot", Layout::Ckan212);
    load(&db, &dicts, Layout::Ckan212);
    let source = dgu_source(&db, &dicts);
    let mut records = source.records().expect("records");
    let first = records.next().expect("a first record");
    assert!(first.package.is_ok());
    db.execute(
        "UPDATE package SET title = 'changed during the read', metadata_modified = now();
         DELETE FROM resource;
         INSERT INTO package (id, name, metadata_modified) VALUES ('zzzz-new', 'new-during-read', now());",
    );
    let rest: Vec<Value> = records.map(|r| r.package.expect("package")).collect();
    source.check_complete().expect("complete");
    assert_eq!(rest.len() + 1, dicts.len());
    let before = by_id(dicts.clone());
    for d in &rest {
        let original = &before[d["id"].as_str().unwrap()];
        assert_eq!(d["title"], original["title"]);
        assert_eq!(d["metadata_modified"], original["metadata_modified"]);
        assert_eq!(d["resources"], original["resources"]);
    }
    // A new read sees the writes.
    let after = read_all(&source);
    assert_eq!(after.len(), dicts.len() + 1);
    assert!(after
        .iter()
        .all(|d| d["resources"].as_array().unwrap().is_empty()));
}

#[test]
fn a_read_broken_off_is_reported_not_taken_for_the_end() {
    let dicts = generated(9_000, 4);
    let db = create_db("broken", Layout::Ckan212);
    load(&db, &dicts, Layout::Ckan212);
    let source = dgu_source(&db, &dicts);
    let mut records = source.records().expect("records");
    assert!(records.next().expect("first").package.is_ok());
    db.execute(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{}' AND application_name = 'ckan-search'",
        db.name()
    ));
    let rest: Vec<_> = records.collect();
    assert!(
        rest.len() < dicts.len() - 1,
        "the read went on after the kill"
    );
    let last = rest.last().expect("the failure is a record");
    let err = last.package.as_ref().expect_err("a failed record");
    assert!(
        err.to_string().contains("reading stopped part-way"),
        "{err}"
    );
    let complete = source.check_complete().expect_err("incomplete");
    assert!(
        complete
            .to_string()
            .starts_with(&format!("source {}: reading stopped part-way:", db.url())),
        "{complete}"
    );
}

#[test]
fn unreachable_or_foreign_databases_fail_loudly() {
    let down = PostgresSource::new("postgres://postgres@127.0.0.1:1/ckan").expect("source");
    let err = down.records().err().expect("no server on port 1");
    assert!(
        err.to_string()
            .starts_with("source postgres://postgres@127.0.0.1:1/ckan: cannot connect:"),
        "{err}"
    );
    assert_eq!(down.count_hint(), None);

    let missing =
        PostgresSource::new(&format!("{}/ckan_search_no_such_db", server_url())).expect("source");
    assert!(missing.records().is_err());

    let db = create_db("empty", Layout::Ckan212);
    db.execute("DROP TABLE package_relationship, package_tag, resource, package CASCADE");
    let err = PostgresSource::new(&db.url())
        .expect("source")
        .records()
        .err()
        .expect("not a CKAN database");
    assert!(
        err.to_string()
            .ends_with("there is no `package` table: is this CKAN's database?"),
        "{err}"
    );
}
