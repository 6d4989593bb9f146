//! data.gov.uk's organisation documents end to end: written as ckanext-datagovuk's
//! `ckan datagovuk reindex-organisations` writes them (the real pysolr 3.11, driven by
//! tests/python/find_orgs.py), read as Find (Ruby RSolr: GET, repeated keys) and the new
//! Django front end (pysolr 3.11) read them, beside a generated catalogue whose dataset
//! searches they must not disturb (clients-and-scale.md §1.2, §2.3).
//!
//! The organisations are the distinct `organization` dicts of the generated packages, with
//! group extras added as the database would hold them (some with every contact and FOI
//! extra, some with a few, some with none), one title with a comma, one with non-ASCII
//! characters and one organisation deleted. Every expected count and facet is computed here
//! from the package dicts, never from the engine.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::process::Command;

use ckan_search_data::GeneratorConfig;
use ckan_search_tests::catalogue::{by_count, find_base, formats, index_tokens, s, Catalogue};
use ckan_search_tests::http::commit_json;
use ckan_search_tests::solr::{flat_counts, num_found, FIND_FACETS, FIND_SEARCH};
use ckan_search_tests::TestServer;
use serde_json::{json, Map, Value};

/// The first 300 datasets of the committed sample's catalogue (seed 42), from 115 publishers.
const DATASETS: usize = 300;
const SEED: u64 = 42;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/find_orgs.py");
const ORG_SITE_ID: &str = "dgu_organisations_2";
/// The group extras reindex-organisations copies, as `extras_<key>`.
const COPIED_EXTRAS: [&str; 5] = [
    "contact-email",
    "contact-name",
    "foi-name",
    "foi-email",
    "foi-web",
];
/// The extras Find's organisation page asks for (`extras_contact-name` is not among them).
const FIND_EXTRAS: [&str; 4] = ["contact-email", "foi-email", "foi-web", "foi-name"];
/// The stored fields of a real organisation document as Solr returns them with `fl=*`
/// (datagovuk_find spec/fixtures/solr_organisation.json), apart from its extras.
const SOLR_ORG_DOC_KEYS: [&str; 9] = [
    "site_id",
    "id",
    "title",
    "title_ngram",
    "name",
    "name_ngram",
    "index_id",
    "_version_",
    "indexed_ts",
];

/// The publishers whose titles are replaced: one with a comma, one with non-ASCII
/// characters (Find and Django key their publisher lists by title).
const COMMA: usize = 1;
const NON_ASCII: usize = 2;

/// A publisher as CKAN's database gives it to reindex-organisations.
#[derive(Debug, Clone)]
struct Org {
    id: String,
    name: String,
    title: String,
    active: bool,
    /// Active group extras, in the order the database lists them.
    extras: Vec<(&'static str, String)>,
}

impl Org {
    /// The row find_orgs.py reads in place of the database.
    fn db_row(&self) -> Value {
        let extras: Map<String, Value> = self
            .extras
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({"id": self.id, "name": self.name, "title": self.title,
               "state": if self.active { "active" } else { "deleted" }, "extras": extras})
    }

    /// The document reindex-organisations sends for it.
    fn sent(&self) -> Map<String, Value> {
        let mut doc = Map::new();
        doc.insert("site_id".into(), json!(ORG_SITE_ID));
        doc.insert("id".into(), json!(self.id));
        doc.insert("title".into(), json!(self.title));
        doc.insert("name".into(), json!(self.name));
        for (key, value) in &self.extras {
            if COPIED_EXTRAS.contains(key) {
                doc.insert(format!("extras_{key}"), json!(value));
            }
        }
        doc
    }

    /// What Find's organisation request returns for it: title, name and the four extras
    /// it asks for, those the organisation has.
    fn find_page_doc(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("title".into(), json!(self.title));
        doc.insert("name".into(), json!(self.name));
        for (key, value) in &self.extras {
            if FIND_EXTRAS.contains(key) {
                doc.insert(format!("extras_{key}"), json!(value));
            }
        }
        Value::Object(doc)
    }
}

/// The distinct publishers of `packages`, first seen first, with their database extras.
fn organisations(packages: &[Value]) -> Vec<Org> {
    let mut seen = HashSet::new();
    let mut orgs: Vec<Org> = packages
        .iter()
        .map(|p| &p["organization"])
        .filter(|o| seen.insert(s(o, "id").to_string()))
        .enumerate()
        .map(|(i, o)| {
            let (name, title) = (s(o, "name"), s(o, "title"));
            let mail = |user: &str| format!("{user}@{name}.example.gov.uk");
            let extras = match i % 3 {
                0 => vec![
                    ("contact-email", mail("data")),
                    ("contact-name", "Open Data Team".to_string()),
                    ("foi-name", format!("{title} FOI enquiries")),
                    ("foi-email", mail("foi")),
                    (
                        "foi-web",
                        format!("https://www.{name}.example.gov.uk/foi?topic=data&lang=en"),
                    ),
                ],
                1 => vec![
                    ("contact-email", mail("opendata")),
                    ("contact-name", "Siân Ní Bhriain".to_string()),
                    ("foi-web", format!("https://www.{name}.example.gov.uk/foi")),
                ],
                // A group extra that is no contact detail: never copied.
                _ => vec![("category", "local-council".to_string())],
            };
            Org {
                id: s(o, "id").to_string(),
                name: name.to_string(),
                title: title.to_string(),
                active: true,
                extras,
            }
        })
        .collect();
    assert!(orgs.len() > 10, "too few publishers: {}", orgs.len());
    orgs[COMMA].title = "Ministry of Housing, Communities and Local Government".into();
    orgs[NON_ASCII].title = "Cyngor Sir Ynys Môn – Gwasanaethau Data’r Cyngor".into();
    let last = orgs.len() - 1;
    orgs[last].active = false;
    orgs
}

struct Fixture {
    server: TestServer,
    /// The indexed packages (every state but deleted).
    packages: Vec<Value>,
    dir: tempfile::TempDir,
}

/// A server over a freshly generated catalogue, as CKAN's `search-index rebuild` leaves it.
fn fixture() -> Fixture {
    let catalogue = Catalogue::generate(&GeneratorConfig::new(DATASETS, SEED));
    Fixture {
        server: TestServer::start(catalogue.dir.path()),
        packages: catalogue.indexable(),
        dir: catalogue.dir,
    }
}

// ---- what the package dicts say ----------------------------------------------------------

fn org_name(p: &Value) -> &str {
    s(&p["organization"], "name")
}

/// Whether the `text`-typed value has any of the (analysed) words.
fn has_any(value: &str, words: &HashSet<String>) -> bool {
    !index_tokens(value).is_disjoint(words)
}

// ---- the clients ---------------------------------------------------------------------------

/// The pysolr 3.11 interpreter (CKAN_SEARCH_PYTHON, else `python3`); fails, never skips,
/// without it.
fn python() -> String {
    let python = std::env::var("CKAN_SEARCH_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into());
    let probe = Command::new(&python)
        .args([
            "-c",
            "from importlib.metadata import version; print(version('pysolr'))",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&probe.stdout).trim(),
        "3.11.0",
        "{python} needs pysolr 3.11.0 (run `bash .ci/run` or set CKAN_SEARCH_PYTHON): {}",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    python
}

/// Runs find_orgs.py with `args` against the fixture's core; returns its stdout lines,
/// the last parsed as JSON.
fn find_orgs(f: &Fixture, args: &[&str]) -> (Vec<String>, Value) {
    let url = format!("{}/solr/ckan", f.server.base);
    let output = Command::new(python())
        .args([SCRIPT, "--solr-url", &url])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {SCRIPT}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "find_orgs.py {args:?} exited with {}\n--- stdout\n{stdout}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    let summary = serde_json::from_str(lines.last().expect("a JSON line")).expect("JSON");
    (lines, summary)
}

/// `ckan datagovuk reindex-organisations` over `orgs` as the database.
fn reindex(f: &Fixture, orgs: &[Org]) -> (Vec<String>, Value) {
    let path = f.dir.path().join("organisations.json");
    let rows: Vec<Value> = orgs.iter().map(Org::db_row).collect();
    std::fs::write(&path, serde_json::to_vec(&rows).unwrap()).unwrap();
    find_orgs(f, &["reindex", path_str(&path)])
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// A GET of `/solr/ckan/select` as RSolr sends it: every array parameter as a repeated
/// key, form-encoded.
fn rsolr_get(f: &Fixture, params: &[(&str, &str)]) -> Value {
    let (status, body) = f.server.select(params);
    assert_eq!(status, 200, "{params:?}: {body}");
    body
}

/// Find's publisher list.
fn find_all_orgs(f: &Fixture) -> Value {
    // The bytes RSolr puts on the wire (URI.encode_www_form_component keeps `*`).
    let (status, body) = f.server.get(
        "/solr/ckan/select?q=*%3A*&fq=site_id%3Adgu_organisations_2&fl=title&fl=name&rows=3000&wt=json",
    );
    assert_eq!(status, 200, "{body}");
    body
}

/// Find's publisher page (no `rows`: Solr's default 10).
fn find_one_org(f: &Fixture, name: &str, fl: &[&str]) -> Value {
    let fq = format!("name:{name}");
    let mut params = vec![
        ("q", "*:*"),
        ("fq", "site_id:dgu_organisations_2"),
        ("fq", fq.as_str()),
    ];
    params.extend(fl.iter().map(|f| ("fl", *f)));
    params.push(("wt", "json"));
    rsolr_get(f, &params)
}

const FIND_ORG_FL: [&str; 6] = [
    "title",
    "name",
    "extras_contact-email",
    "extras_foi-email",
    "extras_foi-web",
    "extras_foi-name",
];

/// Find's dataset search (clients-and-scale.md §1.2) with its three facets.
fn find_search(f: &Fixture, q: &str, fq: &[&str]) -> Value {
    let mut params: Vec<(&str, &str)> = vec![("q", q)];
    params.extend(fq.iter().map(|fq| ("fq", *fq)));
    params.extend(FIND_SEARCH);
    params.extend(FIND_FACETS);
    params.push(("wt", "json"));
    rsolr_get(f, &params)
}

fn docs(body: &Value) -> &Vec<Value> {
    body["response"]["docs"].as_array().expect("docs")
}

/// `{"title", "name"}` of `orgs`, in the given order.
fn title_name<'a>(orgs: impl IntoIterator<Item = &'a Org>) -> Vec<Value> {
    orgs.into_iter()
        .map(|o| json!({"title": o.title, "name": o.name}))
        .collect()
}

// ---- the scenario ----------------------------------------------------------------------------

#[test]
fn find_and_django_over_reindex_organisations_documents() {
    let f = &fixture();
    let mut orgs = organisations(&f.packages);
    // In the order reindex-organisations adds them.
    let mut active: Vec<Org> = orgs.iter().filter(|o| o.active).cloned().collect();
    active.sort_by(|x, y| x.name.cmp(&y.name));
    let n = active.len() as u64;
    println!(
        "{} indexed packages, {} publishers ({n} active)",
        f.packages.len(),
        orgs.len()
    );

    reindex_adds_missing_organisations_once(f, &orgs, &active);
    find_lists_every_publisher_in_insertion_order(f, &title_name(&active));
    find_publisher_pages(f, &orgs, &active);
    let full = active.iter().find(|o| o.extras.len() == 5).unwrap();
    stored_fields_of_an_organisation_document(f, full, active.len());
    find_dataset_search_is_not_disturbed(f, &active);
    django_reads(f, &orgs, &active);

    delete_then_reindex_updates_a_publisher(f, &mut orgs, &active);
}

/// First run: every active publisher, in one add; second run: none, because the bare `*`
/// query with the parenthesised filter finds them all.
fn reindex_adds_missing_organisations_once(f: &Fixture, orgs: &[Org], active: &[Org]) {
    let n = active.len() as u64;
    let names: Vec<&str> = active.iter().map(|o| o.name.as_str()).collect();

    let (lines, summary) = reindex(f, orgs);
    assert_eq!(
        lines[0],
        format!("Added {n} organisations, total number = {n}")
    );
    assert_eq!(summary["added"], n);
    assert_eq!(summary["total"], n);
    assert_eq!(summary["hits"], n);
    assert_eq!(summary["existing_names_seen"], json!([]));
    assert_eq!(summary["added_names"], json!(names));

    let (lines, summary) = reindex(f, orgs);
    assert_eq!(
        lines[0],
        format!("Added 0 organisations, total number = {n}")
    );
    assert_eq!(summary["added"], 0);
    assert_eq!(summary["total"], n);
    // Read back in index order, which is the order of the add.
    assert_eq!(summary["existing_names_seen"], json!(names));
}

/// Find's publisher list: exactly `title` and `name`, byte-exact, in index order.
fn find_lists_every_publisher_in_insertion_order(f: &Fixture, expected: &[Value]) {
    let body = find_all_orgs(f);
    assert_eq!(num_found(&body), expected.len() as u64);
    let got = docs(&body);
    let as_set = |docs: &[Value]| docs.iter().map(Value::to_string).collect::<BTreeSet<_>>();
    assert_eq!(as_set(got), as_set(expected));
    assert_eq!(got, expected);
}

/// Find's publisher page for every publisher: the extras it had, no others, and nothing
/// for the deleted one.
fn find_publisher_pages(f: &Fixture, orgs: &[Org], active: &[Org]) {
    for org in active {
        let body = find_one_org(f, &org.name, &FIND_ORG_FL);
        assert_eq!(num_found(&body), 1, "{}", org.name);
        assert_eq!(docs(&body), &vec![org.find_page_doc()], "{}", org.name);
    }
    for deleted in orgs.iter().filter(|o| !o.active) {
        assert_eq!(num_found(&find_one_org(f, &deleted.name, &FIND_ORG_FL)), 0);
    }
    let with_all = active.iter().filter(|o| o.extras.len() == 5).count();
    let with_none = active.iter().filter(|o| o.extras.len() == 1).count();
    assert!(with_all > 0 && with_none > 0);
}

/// `fl=*` on an organisation document: what it was sent, plus the fields Solr fills in.
fn stored_fields_of_an_organisation_document(f: &Fixture, org: &Org, publishers: usize) {
    let body = find_one_org(f, &org.name, &["*"]);
    assert_eq!(num_found(&body), 1);
    let doc = docs(&body)[0].as_object().unwrap().clone();
    println!("fl=* {}", Value::Object(doc.clone()));

    let sent = org.sent();
    let extras: BTreeSet<&str> = sent
        .keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("extras_"))
        .collect();
    let expected_keys: BTreeSet<&str> = SOLR_ORG_DOC_KEYS.iter().copied().chain(extras).collect();
    let got_keys: BTreeSet<&str> = doc.keys().map(String::as_str).collect();
    assert_eq!(got_keys, expected_keys, "{doc:?}");
    for (key, value) in &sent {
        assert_eq!(&doc[key], value, "{key}");
    }
    // copyField title → title_ngram, name → name_ngram: stored as sent.
    assert_eq!(doc["title_ngram"], sent["title"]);
    assert_eq!(doc["name_ngram"], sent["name"]);
    // The uniqueKey the server made up (Solr's UUID update processor): UUID-shaped.
    let index_id = doc["index_id"].as_str().expect("index_id");
    let groups: Vec<usize> = index_id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{index_id}");
    assert!(
        index_id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{index_id}"
    );
    let ts = doc["indexed_ts"].as_str().expect("indexed_ts");
    assert!(ts.ends_with('Z'), "{ts}");
    chrono::DateTime::parse_from_rfc3339(ts).unwrap_or_else(|e| panic!("{ts}: {e}"));
    assert!(doc["_version_"].as_u64().is_some_and(|v| v > 0), "{doc:?}");

    // Every publisher document got its own.
    let body = rsolr_get(
        f,
        &[
            ("q", "*:*"),
            ("fq", "site_id:dgu_organisations_2"),
            ("fl", "index_id"),
            ("rows", "3000"),
            ("wt", "json"),
        ],
    );
    let ids: HashSet<&str> = docs(&body)
        .iter()
        .map(|d| d["index_id"].as_str().expect("index_id"))
        .collect();
    assert_eq!(ids.len() as u64, num_found(&body));
    assert_eq!(ids.len(), publishers);
}

/// Find's keyword search: organisation documents must not reach its counts or facets,
/// whichever exclusion Find wrote.
fn find_dataset_search_is_not_disturbed(f: &Fixture, active: &[Org]) {
    let words: HashSet<String> = index_tokens("council police");
    let matching: Vec<&Value> = f
        .packages
        .iter()
        .filter(|p| {
            find_base(p) && (has_any(s(p, "title"), &words) || has_any(s(p, "notes"), &words))
        })
        .collect();
    // Publisher titles have these words too, so the exclusion has something to exclude.
    let orgs_matching = active.iter().filter(|o| has_any(&o.title, &words)).count() as u64;
    assert!(orgs_matching > 0 && !matching.is_empty());
    println!(
        "keyword search: {} datasets, {orgs_matching} publisher titles with the words",
        matching.len()
    );

    let mut orgs: BTreeMap<String, u64> = BTreeMap::new();
    let mut fmts: BTreeMap<String, u64> = BTreeMap::new();
    for p in &matching {
        *orgs.entry(org_name(p).to_string()).or_default() += 1;
        for fmt in formats(p).into_iter().collect::<HashSet<_>>() {
            *fmts.entry(fmt.to_string()).or_default() += 1;
        }
    }
    let expected_orgs = by_count(orgs);
    let expected_fmts: Vec<(String, u64)> = by_count(fmts).into_iter().take(100).collect();

    let keyword = "(title:(council police)^2 OR notes:(council police))";
    for exclusion in [
        "AND NOT site_id:dgu_organisations_2",
        // An older Find: `.` is literal in a wildcard, so this excludes nothing here.
        "AND NOT site_id:dgu_organisations.*",
    ] {
        let q = format!("{keyword} {exclusion}");
        let body = find_search(f, &q, &["state:active", "type:dataset"]);
        assert_eq!(num_found(&body), matching.len() as u64, "{q}");
        let facets = &body["facet_counts"]["facet_fields"];
        assert_eq!(flat_counts(&facets["organization"]), expected_orgs, "{q}");
        assert_eq!(flat_counts(&facets["res_format"]), expected_fmts, "{q}");
        assert!(!flat_counts(&facets["extras_theme-primary"]).is_empty());
    }

    // Without Find's state/type filters: the new exclusion drops every publisher
    // document, the old one none of them.
    let only_orgs = ["site_id:dgu_organisations_2"];
    let q = format!("{keyword} AND NOT site_id:dgu_organisations_2");
    assert_eq!(num_found(&find_search(f, &q, &only_orgs)), 0);
    let q = format!("{keyword} AND NOT site_id:dgu_organisations.*");
    assert_eq!(num_found(&find_search(f, &q, &only_orgs)), orgs_matching);
    assert_eq!(
        num_found(&find_search(f, keyword, &only_orgs)),
        orgs_matching
    );
}

/// The Django front end's reads, made by pysolr 3.11.
fn django_reads(f: &Fixture, orgs: &[Org], active: &[Org]) {
    let comma = &orgs[COMMA];
    let csv = ["CSV", ".csv", "csv", "text/csv"];
    let mut args = vec!["django", "--publisher", comma.title.as_str()];
    for value in csv {
        args.extend(["--format", value]);
    }
    let (_, out) = find_orgs(f, &args);
    println!(
        "django: {} publishers, {} datasets, {} non-publisher documents, publisher {}, CSV {}",
        out["orgs"]["hits"],
        out["datasets"]["hits"],
        out["non_org_docs"],
        out["publisher"]["hits"],
        out["format"]["hits"]
    );

    assert_eq!(out["orgs"]["hits"], active.len());
    let got: BTreeSet<String> = out["orgs"]["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    let expected: BTreeSet<String> = title_name(active).iter().map(Value::to_string).collect();
    assert_eq!(got, expected);

    let base: Vec<&Value> = f.packages.iter().filter(|p| find_base(p)).collect();
    assert_eq!(out["datasets"]["hits"], base.len());
    assert_eq!(out["datasets"]["returned"], 20);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for p in &base {
        *counts.entry(org_name(p).to_string()).or_default() += 1;
    }
    let expected_facet: Vec<Value> = by_count(counts)
        .into_iter()
        .map(|(k, v)| json!([k, v]))
        .collect();
    assert_eq!(out["datasets"]["organization"], json!(expected_facet));

    // `*:*` with only `-site_id:dgu_organisations*`: every indexed package.
    assert_eq!(out["non_org_docs"], f.packages.len());
    assert_eq!(out["match_nothing"], 0);

    assert_eq!(out["publisher"]["slug"], comma.name);
    let of_publisher = base.iter().filter(|p| org_name(p) == comma.name).count();
    assert_eq!(out["publisher"]["hits"], of_publisher);
    assert!(of_publisher > 0);

    assert_eq!(
        out["format"]["filter"],
        "res_format:\"CSV\" OR res_format:\".csv\" OR res_format:\"csv\" OR res_format:\"text/csv\""
    );
    let with_csv = base
        .iter()
        .filter(|p| formats(p).iter().any(|f| csv.contains(f)))
        .count();
    assert_eq!(out["format"]["hits"], with_csv);
    assert!(with_csv > 0);
}

/// The documented way to change a publisher: delete its document by query (JSON, with
/// commit), then run reindex-organisations, which adds it again with the new title.
fn delete_then_reindex_updates_a_publisher(f: &Fixture, orgs: &mut [Org], active: &[Org]) {
    let n = active.len() as u64;
    let target = NON_ASCII;
    let name = orgs[target].name.clone();
    commit_json(
        &f.server,
        &json!({"delete": {"query": format!("site_id:{ORG_SITE_ID} AND name:{name}")}}),
    );
    assert_eq!(num_found(&find_all_orgs(f)), n - 1);
    assert_eq!(num_found(&find_one_org(f, &name, &FIND_ORG_FL)), 0);

    orgs[target].title = "Cyngor Sir Ynys Môn – Gwasanaethau Ystadegau".into();
    let (lines, summary) = reindex(f, orgs);
    assert_eq!(
        lines[0],
        format!("Added 1 organisations, total number = {n}")
    );
    assert_eq!(summary["added"], 1);
    assert_eq!(summary["added_names"], json!([name]));
    assert_eq!(summary["total"], n);
    assert_eq!(
        summary["existing_names_seen"].as_array().unwrap().len() as u64,
        n - 1
    );

    let page = find_one_org(f, &name, &FIND_ORG_FL);
    assert_eq!(num_found(&page), 1);
    assert_eq!(docs(&page)[0], orgs[target].find_page_doc());
    // The re-added document is the newest: Find now lists it last.
    let order = active
        .iter()
        .filter(|o| o.name != name)
        .chain([&orgs[target]]);
    find_lists_every_publisher_in_insertion_order(f, &title_name(order));
}
