//! Every query of the GOV.UK manual's "Accessing the CKAN API" section and every query
//! shape data.gov.uk's Find sends, run over `/solr/ckan/select` against a fixed generated
//! catalogue. Each expected count is computed here from the package dicts (and, for
//! full-text predicates, CKAN's analyser applied to the fields that feed `text`), never
//! from the engine's query path.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use ckan_search_data::GeneratorConfig;
use ckan_search_tests::catalogue::{
    by_count, extra, field_has_token, find_base, formats, harvested, index_tokens, iso_millis,
    millis, public_active, s, text_has_token, Catalogue,
};
use ckan_search_tests::solr::{flat_counts, num_found, FIND_FACETS, FIND_SEARCH};
use ckan_search_tests::TestServer;
use serde_json::Value;

const DATASETS: usize = 3_000;
const SEED: u64 = 2026;

struct Fixture {
    server: TestServer,
    packages: Vec<Value>,
    now_ms: i64,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let catalogue = Catalogue::generate(&GeneratorConfig::new(DATASETS, SEED));
        Fixture {
            server: TestServer::start(catalogue.dir.path()),
            packages: catalogue.indexable(),
            now_ms: millis(ckan_search_data::REFERENCE_TIME),
            _dir: catalogue.dir,
        }
    })
}

// ---- requests ------------------------------------------------------------------------

/// What CKAN's package_search sends Solr for an anonymous caller (contract §3.2), with
/// `NOW` fixed to the catalogue's reference time.
fn ckan_select(f: &Fixture, q: &str, extra: &[(&str, &str)]) -> Value {
    let now = f.now_ms.to_string();
    let mut params: Vec<(&str, &str)> = vec![
        ("q", q),
        ("fq", "+capacity:public +state:(active)"),
        ("fq", "+site_id:\"default\""),
        ("fq", "+permission_labels:(\"public\")"),
        ("rows", "21"),
        ("df", "text"),
        ("q.op", "AND"),
        ("wt", "json"),
        ("NOW", &now),
    ];
    params.extend_from_slice(extra);
    let (status, body) = f.server.select(&params);
    assert_eq!(status, 200, "{q}: {body}");
    body
}

fn expect(f: &Fixture, pred: impl Fn(&Value) -> bool) -> u64 {
    f.packages.iter().filter(|p| pred(p)).count() as u64
}

// ---- the GOV.UK manual -----------------------------------------------------------------

#[test]
fn manual_lookup_by_id_and_name() {
    let f = fixture();
    let p = f.packages.iter().find(|p| public_active(p)).unwrap();
    let body = ckan_select(f, &format!("id:{}", s(p, "id")), &[]);
    assert_eq!(num_found(&body), 1);
    let body = ckan_select(f, &format!("name:{}", s(p, "name")), &[("fl", "id name")]);
    assert_eq!(num_found(&body), 1);
    assert_eq!(body["response"]["docs"][0]["id"], p["id"]);
}

#[test]
fn manual_created_and_modified_ranges_with_literal_dates() {
    let f = fixture();
    let (lo, hi) = ("2017-06-01T00:00:00Z", "2017-06-30T00:00:00Z");
    for field in ["metadata_created", "metadata_modified"] {
        let body = ckan_select(f, &format!("{field}:[{lo} TO {hi}]"), &[]);
        let expected = expect(f, |p| {
            let t = millis(s(p, field));
            public_active(p) && t >= iso_millis(lo) && t <= iso_millis(hi)
        });
        assert_eq!(num_found(&body), expected, "{field}");
    }
}

#[test]
fn manual_lowercase_and_is_a_term_in_text() {
    // `state:active and dataset_type:dataset`: with q.op=AND the lowercase `and` is a
    // required term of the default field `text`, exactly as Solr reads it.
    let f = fixture();
    let body = ckan_select(f, "state:active and dataset_type:dataset", &[]);
    let expected = expect(f, |p| {
        public_active(p) && s(p, "type") == "dataset" && text_has_token(p, "and")
    });
    assert_eq!(num_found(&body), expected);
}

#[test]
fn manual_harvested_and_manual_datasets() {
    let f = fixture();
    let base =
        |p: &Value| public_active(p) && s(p, "type") == "dataset" && text_has_token(p, "and");

    let body = ckan_select(
        f,
        "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset",
        &[],
    );
    assert_eq!(num_found(&body), expect(f, |p| base(p) && harvested(p)));

    let body = ckan_select(
        f,
        "state:active and -extras_harvest_object_id:* and dataset_type:dataset",
        &[],
    );
    assert_eq!(num_found(&body), expect(f, |p| base(p) && !harvested(p)));

    // … harvested / manually published in the last 7 days.
    let week = f.now_ms - 7 * 86_400_000;
    let since = week - week.rem_euclid(86_400_000); // NOW-7DAY/DAY
    let recent = |p: &Value| {
        let t = millis(s(p, "metadata_modified"));
        t >= since && t <= f.now_ms
    };
    let body = ckan_select(
        f,
        "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset and metadata_modified:[NOW-7DAY/DAY TO NOW]",
        &[],
    );
    let n = expect(f, |p| base(p) && harvested(p) && recent(p));
    assert_eq!(num_found(&body), n);
    let body = ckan_select(
        f,
        "state:active and -extras_harvest_object_id:* and dataset_type:dataset and metadata_modified:[NOW-7DAY/DAY TO NOW]",
        &[],
    );
    assert_eq!(
        num_found(&body),
        expect(f, |p| base(p) && !harvested(p) && recent(p))
    );
    assert!(n > 0, "the catalogue should have recent harvested datasets");
}

#[test]
fn manual_frequency_of_update_daily() {
    let f = fixture();
    let body = ckan_select(
        f,
        "state:active and extras_harvest_object_id:[\"\" TO *] and frequency-of-update:daily and dataset_type:dataset",
        &[],
    );
    let expected = expect(f, |p| {
        public_active(p)
            && s(p, "type") == "dataset"
            && text_has_token(p, "and")
            && harvested(p)
            && extra(p, "frequency-of-update") == Some("daily")
    });
    assert_eq!(num_found(&body), expected);
    assert!(expected > 0);
}

// ---- data.gov.uk's Find ------------------------------------------------------------------

/// Find's own parameters (clients-and-scale.md §1.2).
fn find_select(f: &Fixture, q: &str, fq: &[&str], extra: &[(&str, &str)]) -> Value {
    let mut params: Vec<(&str, &str)> =
        vec![("q", q), ("fq", "state:active"), ("fq", "type:dataset")];
    params.extend(FIND_SEARCH);
    params.push(("wt", "json"));
    params.extend(fq.iter().map(|q| ("fq", *q)));
    params.extend_from_slice(extra);
    let (status, body) = f.server.select(&params);
    assert_eq!(status, 200, "{q} {fq:?}: {body}");
    body
}

#[test]
fn find_keyword_search_with_title_boost() {
    let f = fixture();
    let body = find_select(
        f,
        "(title:(flood risk)^2 OR notes:(flood risk)) AND NOT site_id:dgu_organisations.*",
        &[],
        &[],
    );
    let expected = expect(f, |p| {
        find_base(p)
            && ["flood", "risk"]
                .iter()
                .any(|w| field_has_token(s(p, "title"), w) || field_has_token(s(p, "notes"), w))
    });
    assert_eq!(num_found(&body), expected);
    assert!(expected > 0);
}

#[test]
fn find_filters_by_organisation_theme_and_format() {
    let f = fixture();
    let org = s(&f.packages[0]["organization"], "name").to_string();
    let body = find_select(f, "*:*", &[&format!("organization:{org}")], &[]);
    assert_eq!(
        num_found(&body),
        expect(f, |p| find_base(p) && s(&p["organization"], "name") == org)
    );

    let body = find_select(
        f,
        "*:*",
        &["extras_theme-primary:\"business-and-economy\""],
        &[],
    );
    let expected = expect(f, |p| {
        find_base(p) && extra(p, "theme-primary") == Some("business-and-economy")
    });
    assert_eq!(num_found(&body), expected);
    assert!(expected > 0);

    // The unspaced "OR" Find's Ruby code writes between format alternatives.
    let body = find_select(f, "*:*", &["res_format:\"CSV\"OR res_format:\".csv\""], &[]);
    let csv = |p: &Value| formats(p).iter().any(|f| *f == "CSV" || *f == ".csv");
    assert_eq!(num_found(&body), expect(f, |p| find_base(p) && csv(p)));
    // "Other": a chain of negations.
    let body = find_select(f, "*:*", &["-res_format:\"CSV\" -res_format:\".csv\""], &[]);
    assert_eq!(num_found(&body), expect(f, |p| find_base(p) && !csv(p)));
}

#[test]
fn find_open_government_licence_filter() {
    let f = fixture();
    let body = find_select(f, "*:*", &["license_id:(uk-ogl OGL-UK-* ogl)"], &[]);
    let expected = expect(f, |p| {
        let l = s(p, "license_id");
        find_base(p) && (l == "uk-ogl" || l == "ogl" || l.starts_with("OGL-UK-"))
    });
    assert_eq!(num_found(&body), expected);
    assert!(expected > 0);
}

#[test]
fn find_facets_organisation_theme_tokens_and_formats() {
    let f = fixture();
    let body = find_select(f, "data", &[], &FIND_FACETS);
    let matching: Vec<&Value> = f
        .packages
        .iter()
        .filter(|p| find_base(p) && text_has_token(p, "data"))
        .collect();
    assert_eq!(num_found(&body), matching.len() as u64);
    let facets = &body["facet_counts"]["facet_fields"];

    let mut orgs: BTreeMap<String, u64> = BTreeMap::new();
    for p in &matching {
        *orgs
            .entry(s(&p["organization"], "name").to_string())
            .or_default() += 1;
    }
    let got = flat_counts(&facets["organization"]);
    assert_eq!(got.len(), orgs.len());
    assert_eq!(got.iter().cloned().collect::<BTreeMap<_, _>>(), orgs);
    // Count order, ties in index order.
    assert!(got
        .windows(2)
        .all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)));

    // The topic facet returns analysed tokens (busi, businessandeconomi, economi, …).
    let mut tokens: BTreeMap<String, u64> = BTreeMap::new();
    for p in &matching {
        if let Some(theme) = extra(p, "theme-primary") {
            for t in index_tokens(theme) {
                *tokens.entry(t).or_default() += 1;
            }
        }
    }
    let got: BTreeMap<String, u64> = flat_counts(&facets["extras_theme-primary"])
        .into_iter()
        .take(100)
        .collect();
    assert_eq!(got, by_count(tokens).into_iter().take(100).collect());
    assert!(got.contains_key("economi"), "{got:?}");

    let mut fmts: BTreeMap<String, u64> = BTreeMap::new();
    for p in &matching {
        // A resource without a format is indexed as "" (CKAN sends it; CKAN's schema keeps
        // empty strings), so "" is a facet value too.
        let distinct: HashSet<&str> = formats(p).into_iter().collect();
        for fmt in distinct {
            *fmts.entry(fmt.to_string()).or_default() += 1;
        }
    }
    let got: BTreeMap<String, u64> = flat_counts(&facets["res_format"]).into_iter().collect();
    assert_eq!(got, by_count(fmts).into_iter().take(100).collect());
}

#[test]
fn find_dataset_page_and_match_nothing() {
    let f = fixture();
    let p = f.packages.iter().find(|p| find_base(p)).unwrap();
    let body = find_select(f, &format!("id:{}", s(p, "id")), &[], &[]);
    assert_eq!(num_found(&body), 1);
    let vdd: Value = serde_json::from_str(
        body["response"]["docs"][0]["validated_data_dict"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(&vdd, p);
    // The new Django front end's "match nothing".
    let body = find_select(f, "id:[* TO *] AND -id:[* TO *]", &[], &[]);
    assert_eq!(num_found(&body), 0);
}
