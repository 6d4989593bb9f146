//! Search over the bundled sample catalogue (1,984 indexed datasets in five segments, plus a
//! sixth with a few hand-made documents lacking titles and dates), checking orders against
//! orders computed here from the Solr documents, by Solr's rules.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use ckan_search_data::sample_packages;
use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::document::package::{package_to_solr_at, PackageAction, PackageOptions};
use ckan_search_indexer::document::value::parse_solr_date;
use ckan_search_indexer::document::SolrDocument;
use ckan_search_indexer::schema::CkanSchema;
use serde_json::{json, Map, Value};
use tantivy::indexer::NoMergePolicy;
use tantivy::{DocAddress, Index, IndexReader, Searcher, TantivyDocument};

use super::{hit_fields, search, Hit, PageFields, SearchResult};
use crate::field_list::FieldList;
use crate::params::{SearchRequest, SolrParams};
use crate::Result;

/// Documents per segment while indexing the sample.
const SEGMENT: usize = 400;
/// `NOW` for every request (2026-11-25T12:00:00Z).
const NOW_MS: i64 = 1_795_608_000_000;

struct Fixture {
    schema: CkanSchema,
    reader: IndexReader,
    /// The Solr document of every indexed dataset, by `index_id`.
    solr: HashMap<String, SolrDocument>,
    /// Every document's `index_id`, by address.
    ids: HashMap<DocAddress, String>,
    /// Every address, in index order.
    all: Vec<DocAddress>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

/// Hand-made documents (a sixth segment): no title, no or an early `metadata_modified`,
/// `*_date` and int values that no sample dataset has.
fn extra_documents(template: &SolrDocument) -> Vec<SolrDocument> {
    let variants = [
        json!({"metadata_modified": null, "issued_date": "2001-01-01T00:00:00Z", "views_recent": 5}),
        json!({"metadata_modified": "1960-01-01T00:00:00Z", "issued_date": "1999-06-30T00:00:00Z", "views_recent": -3}),
        json!({"issued_date": "1999-06-30T00:00:00Z"}),
    ];
    variants
        .iter()
        .enumerate()
        .map(|(i, extra)| {
            let mut doc = template.clone();
            for field in ["title", "title_string", "title_ngram"] {
                doc.0.remove(field);
            }
            let id = format!("extra-{i}");
            doc.insert("id", json!(id));
            doc.insert("index_id", json!(format!("zz-extra-{i}")));
            doc.insert("name", json!(format!("extra-dataset-{i}")));
            doc.insert("state", json!("active"));
            for (k, v) in extra.as_object().into_iter().flatten() {
                if v.is_null() {
                    doc.0.remove(k);
                } else {
                    doc.insert(k.clone(), v.clone());
                }
            }
            doc
        })
        .collect()
}

fn build_fixture() -> Fixture {
    let schema = CkanSchema::new();
    let index = Index::create_in_ram(schema.tantivy_schema().clone());
    schema.register_analyzers(&index, &AnalysisConfig::default());
    let mut writer = index
        .writer_with_num_threads(1, 50_000_000)
        .expect("writer");
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let date_default = NaiveDate::from_ymd_opt(2026, 11, 25)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    let opts = PackageOptions::default();
    let mut docs = Vec::new();
    for pkg in sample_packages() {
        let pkg = pkg.expect("sample line");
        if let PackageAction::Index(doc) =
            package_to_solr_at(&pkg, &opts, date_default).expect("indexable")
        {
            docs.push(doc);
        }
    }
    let extras = extra_documents(&docs[0]);
    let mut solr = HashMap::new();
    for (n, chunk) in docs.chunks(SEGMENT).chain([extras.as_slice()]).enumerate() {
        for doc in chunk {
            let indexable = schema.to_tantivy(doc, NOW_MS, n as i64).expect("mapped");
            writer.add_document(indexable.doc).expect("added");
            solr.insert(indexable.index_id, doc.clone());
        }
        writer.commit().expect("commit");
    }
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    assert_eq!(
        searcher.segment_readers().len(),
        docs.len().div_ceil(SEGMENT) + 1
    );
    let mut ids = HashMap::new();
    let mut all = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in 0..segment.max_doc() {
            let address = DocAddress::new(ord as u32, doc_id);
            let doc: TantivyDocument = searcher.doc(address).expect("doc");
            let stored = schema.stored_fields(&doc);
            let index_id = stored["index_id"].as_str().expect("index_id").to_string();
            ids.insert(address, index_id);
            all.push(address);
        }
    }
    Fixture {
        schema,
        reader,
        solr,
        ids,
        all,
    }
}

fn searcher() -> Searcher {
    fixture().reader.searcher()
}

fn request(params: &[(&str, &str)]) -> Result<SearchRequest> {
    let pairs = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    SearchRequest::from_params(&SolrParams::new(pairs), NOW_MS)
}

fn run(params: &[(&str, &str)]) -> Result<SearchResult> {
    search(&searcher(), &fixture().schema, &request(params)?)
}

fn addresses(result: &SearchResult) -> Vec<DocAddress> {
    result.hits.iter().map(|h| h.address).collect()
}

/// Every document in `sort` order, as our search gives it.
fn sorted(sort: &str) -> Vec<DocAddress> {
    addresses(&run(&[("q", "*:*"), ("rows", "100000"), ("sort", sort)]).expect("search"))
}

fn solr_doc(address: DocAddress) -> &'static SolrDocument {
    let f = fixture();
    &f.solr[&f.ids[&address]]
}

/// Every document ordered by `cmp` on their Solr documents, ties in index order.
fn expected(cmp: impl Fn(&SolrDocument, &SolrDocument) -> Ordering) -> Vec<DocAddress> {
    let mut all = fixture().all.clone();
    all.sort_by(|a, b| cmp(solr_doc(*a), solr_doc(*b)).then(a.cmp(b)));
    all
}

/// A date key as Solr sorts a date without `sortMissing*`: missing is 0 (1970).
fn date_key(doc: &SolrDocument, field: &str) -> i64 {
    doc.get_str(field)
        .map(|s| parse_solr_date(s).expect("date"))
        .unwrap_or(0)
}

/// A string key; `None` (missing) sorts last in both directions.
fn string_order(a: Option<&str>, b: Option<&str>, desc: bool) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) if desc => b.as_bytes().cmp(a.as_bytes()),
        (Some(a), Some(b)) => a.as_bytes().cmp(b.as_bytes()),
    }
}

fn message(params: &[(&str, &str)]) -> String {
    run(params).expect_err("a 400").to_string()
}

#[test]
fn the_fixture_has_what_the_tests_need() {
    let f = fixture();
    assert_eq!(f.all.len(), 1984 + 3);
    let result = run(&[("q", "*:*"), ("rows", "0")]).unwrap();
    assert_eq!(result.num_found, 1987);
    assert!(result.hits.is_empty() && result.max_score.is_none());
    let with_title = f.solr.values().filter(|d| d.get("title_string").is_some());
    assert_eq!(with_title.count(), 1984);
}

#[test]
fn default_sort_is_score_then_index_order() {
    let all = fixture().all.clone();
    assert_eq!(addresses(&run(&[("rows", "5000")]).unwrap()), all);
    assert_eq!(sorted("score desc"), all);
    assert_eq!(sorted("_docid_ asc"), all);
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(sorted("_docid_ desc"), reversed);
    // The general collector agrees with tantivy's top-score collector, ties included.
    assert_eq!(sorted("score desc, _docid_ asc"), all);
    assert_eq!(sorted("score asc"), all);
}

#[test]
fn dates_sort_with_missing_as_zero() {
    let desc =
        expected(|a, b| date_key(b, "metadata_modified").cmp(&date_key(a, "metadata_modified")));
    let got = sorted("metadata_modified desc");
    assert_eq!(got, desc);
    // The 1960 document is last, after the one with no date (0 = 1970).
    let last: Vec<_> = got[got.len() - 2..]
        .iter()
        .map(|a| solr_doc(*a).get_str("id").unwrap().to_string())
        .collect();
    assert_eq!(last, ["extra-0", "extra-1"]);
    let asc =
        expected(|a, b| date_key(a, "metadata_modified").cmp(&date_key(b, "metadata_modified")));
    assert_eq!(sorted("metadata_modified asc"), asc);
    assert_eq!(
        solr_doc(asc[0]).get_str("id"),
        Some("extra-1"),
        "1960 sorts before a missing date"
    );
    let created =
        expected(|a, b| date_key(a, "metadata_created").cmp(&date_key(b, "metadata_created")));
    assert_eq!(sorted("metadata_created asc"), created);
}

#[test]
fn dynamic_dates_and_ints_sort_from_their_columns() {
    // `issued_date` lives in the `_dyn_date` JSON field; only the extra documents have it.
    let asc = expected(|a, b| date_key(a, "issued_date").cmp(&date_key(b, "issued_date")));
    let got = sorted("issued_date asc");
    assert_eq!(got, asc);
    let ids = |v: &[DocAddress]| -> Vec<String> {
        v.iter()
            .map(|a| solr_doc(*a).get_str("id").unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&got[got.len() - 3..]),
        ["extra-1", "extra-2", "extra-0"]
    );
    let desc = sorted("issued_date desc");
    assert_eq!(ids(&desc[..3]), ["extra-0", "extra-1", "extra-2"]);
    let without: Vec<DocAddress> = fixture()
        .all
        .iter()
        .copied()
        .filter(|a| solr_doc(*a).get("issued_date").is_none())
        .collect();
    assert_eq!(desc[3..], without);
    // `views_recent` is an int: 5, then everything without a value (0), then -3.
    let views = sorted("views_recent desc");
    assert_eq!(ids(&views[..1]), ["extra-0"]);
    assert_eq!(ids(&views[views.len() - 1..]), ["extra-1"]);
}

#[test]
fn strings_sort_in_byte_order_with_missing_last_both_ways() {
    for desc in [false, true] {
        let dir = if desc { "desc" } else { "asc" };
        let want = expected(|a, b| {
            string_order(a.get_str("title_string"), b.get_str("title_string"), desc)
        });
        let got = sorted(&format!("title_string {dir}"));
        assert_eq!(got, want, "title_string {dir}");
        let tail: Vec<_> = got[got.len() - 3..]
            .iter()
            .map(|a| solr_doc(*a).get_str("id").unwrap())
            .collect();
        assert_eq!(
            tail,
            ["extra-0", "extra-1", "extra-2"],
            "missing last, {dir}"
        );
        for field in ["name", "id", "organization"] {
            let want = expected(|a, b| string_order(a.get_str(field), b.get_str(field), desc));
            assert_eq!(sorted(&format!("{field} {dir}")), want, "{field} {dir}");
        }
        // A catch-all (`*`) field in the `_dyn_string` JSON column, set on 1,700 datasets.
        let want = expected(|a, b| {
            string_order(a.get_str("theme-primary"), b.get_str("theme-primary"), desc)
        });
        assert_eq!(sorted(&format!("theme-primary {dir}")), want);
    }
}

#[test]
fn a_field_no_document_has_sorts_in_index_order() {
    // CKAN's home page asks for the misspelled `view_recent`.
    let result = run(&[("q", "*:*"), ("sort", "view_recent desc"), ("rows", "5")]).unwrap();
    assert_eq!(addresses(&result), fixture().all[..5]);
    assert_eq!(sorted("view_recent asc"), fixture().all);
}

#[test]
fn multi_key_sorts() {
    let want = expected(|a, b| {
        string_order(a.get_str("organization"), b.get_str("organization"), false)
            .then(date_key(b, "metadata_modified").cmp(&date_key(a, "metadata_modified")))
    });
    assert_eq!(sorted("organization asc, metadata_modified desc"), want);
    let want = expected(|a, b| {
        string_order(a.get_str("license_id"), b.get_str("license_id"), true).then(string_order(
            a.get_str("name"),
            b.get_str("name"),
            false,
        ))
    });
    assert_eq!(sorted("license_id desc,name asc"), want);
}

#[test]
fn score_then_date_orders_relevance_ties_by_date() {
    let q = [("q", "title:england"), ("fl", "id score"), ("rows", "5000")];
    let by_score = run(&q).unwrap();
    assert!(by_score.num_found > 50, "{}", by_score.num_found);
    let scores: HashMap<DocAddress, f32> =
        by_score.hits.iter().map(|h| (h.address, h.score)).collect();
    let distinct: HashSet<u32> = scores.values().map(|s| s.to_bits()).collect();
    assert!(
        distinct.len() > 1 && distinct.len() < scores.len(),
        "ties needed"
    );
    let mut want: Vec<DocAddress> = scores.keys().copied().collect();
    want.sort_by(|a, b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(
                date_key(solr_doc(*b), "metadata_modified")
                    .cmp(&date_key(solr_doc(*a), "metadata_modified")),
            )
            .then(a.cmp(b))
    });
    let got = run(&[
        ("q", "title:england"),
        ("sort", "score desc, metadata_modified desc"),
        ("fl", "id,score"),
        ("rows", "5000"),
    ])
    .unwrap();
    assert_eq!(addresses(&got), want);
    assert_eq!(got.max_score, by_score.max_score);
    assert_eq!(got.max_score, Some(by_score.hits[0].score));
    for hit in &got.hits {
        assert_eq!(hit.score, scores[&hit.address]);
    }
}

#[test]
fn pages_concatenate_to_the_full_order() {
    for sort in [
        "",
        "metadata_modified desc",
        "title_string asc",
        "score desc, name desc",
        "view_recent desc",
    ] {
        let full = sorted(if sort.is_empty() { "score desc" } else { sort });
        let mut pages = Vec::new();
        let mut start = 0;
        while start < full.len() + 7 {
            let start_s = start.to_string();
            let page = run(&[("sort", sort), ("start", &start_s), ("rows", "97")]).unwrap();
            assert_eq!(page.num_found, full.len() as u64);
            assert_eq!(page.start, start);
            pages.extend(addresses(&page));
            start += 97;
        }
        assert_eq!(pages, full, "{sort}");
    }
    let past = run(&[("start", "5000"), ("rows", "10")]).unwrap();
    assert_eq!((past.num_found, past.hits.len()), (1987, 0));
    // A request for far more rows than documents does not reserve them.
    let huge = run(&[("rows", "10000000"), ("fl", "id")]).unwrap();
    assert_eq!(huge.hits.len(), 1987);
}

#[test]
fn cached_filters_answer_as_uncached_ones() {
    // (local params, filter): cached as `{!tag=…}…`, uncached as `{!cache=false tag=…}…`.
    let filters = [
        ("", "+capacity:public +state:(active)"),
        ("", "+site_id:\"default\""),
        ("tag=fmt", "res_format:CSV"),
        ("", "-organization:cabinet-office"),
        ("", "metadata_modified:[2020-01-01T00:00:00Z TO NOW]"),
    ];
    let cached: Vec<String> = filters
        .iter()
        .map(|(lp, f)| match lp.is_empty() {
            true => f.to_string(),
            false => format!("{{!{lp}}}{f}"),
        })
        .collect();
    let uncached: Vec<String> = filters
        .iter()
        .map(|(lp, f)| format!("{{!cache=false {lp}}}{f}"))
        .collect();
    for (q, sort) in [
        ("*:*", "view_recent desc"),
        ("title:england", "score desc"),
        ("*:*", "metadata_modified desc"),
    ] {
        let params = |filters: &[String], rows: &'static str| {
            let mut params = vec![
                ("q", q.to_string()),
                ("sort", sort.to_string()),
                ("rows", rows.to_string()),
                ("start", "2".to_string()),
                ("facet", "true".to_string()),
                ("facet.field", "organization".to_string()),
                ("facet.field", "{!ex=fmt}res_format".to_string()),
                ("facet.query", "capacity:public".to_string()),
                ("facet.limit", "-1".to_string()),
            ];
            params.extend(filters.iter().map(|f| ("fq", f.clone())));
            params
        };
        let run_owned = |params: &[(&str, String)]| {
            let borrowed: Vec<(&str, &str)> =
                params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            run(&borrowed).unwrap()
        };
        let want = run_owned(&params(&uncached, "13"));
        assert!(want.num_found > 0 && want.facets.is_some());
        let all_formats = &want.facets.as_ref().unwrap().fields[1].values;
        assert!(all_formats.len() > 1, "{{!ex=fmt}} counts every format");
        // Twice: computing the filters' bits, then from the cache.
        for _ in 0..2 {
            assert_eq!(run_owned(&params(&cached, "13")), want, "q={q} sort={sort}");
        }
        let count = run_owned(&params(&cached, "0"));
        assert_eq!(
            (count.num_found, &count.facets),
            (want.num_found, &want.facets)
        );
    }
}

#[test]
fn filters_restrict_without_scoring() {
    let all = run(&[("q", "title:england"), ("fl", "score"), ("rows", "5000")]).unwrap();
    let filtered = run(&[
        ("q", "title:england"),
        ("fq", "+state:active"),
        ("fq", "{!tag=org}-capacity:private"),
        ("fl", "score"),
        ("rows", "5000"),
    ])
    .unwrap();
    assert!(filtered.num_found < all.num_found && filtered.num_found > 0);
    let scores: HashMap<DocAddress, f32> = all.hits.iter().map(|h| (h.address, h.score)).collect();
    for hit in &filtered.hits {
        let doc = solr_doc(hit.address);
        assert_eq!(doc.get_str("state"), Some("active"));
        assert_ne!(doc.get_str("capacity"), Some("private"));
        assert_eq!(hit.score, scores[&hit.address], "fq adds nothing to scores");
    }
}

/// Walks a cursor to the end; returns the hits in order and the number of requests.
fn walk(sort: &str, rows: usize, extra: &[(&str, &str)]) -> (Vec<DocAddress>, usize) {
    let mut mark = "*".to_string();
    let mut seen = Vec::new();
    let rows = rows.to_string();
    for requests in 1.. {
        let mut params = vec![
            ("sort", sort),
            ("rows", rows.as_str()),
            ("cursorMark", mark.as_str()),
        ];
        params.extend_from_slice(extra);
        let page = run(&params).unwrap();
        let next = page.next_cursor_mark.clone().expect("a next mark");
        if page.hits.is_empty() {
            assert_eq!(next, mark, "an exhausted cursor returns the mark sent");
            return (seen, requests);
        }
        assert_ne!(next, mark);
        seen.extend(addresses(&page));
        mark = next;
        assert!(requests < 10_000, "cursor does not end");
    }
    unreachable!()
}

#[test]
fn a_cursor_walks_the_catalogue_once() {
    let sort = "metadata_modified desc, index_id asc";
    let (seen, requests) = walk(sort, 100, &[]);
    assert_eq!(requests, 21);
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (1987, 1987));
    assert_eq!(seen, sorted(sort));
    // Odd page sizes, strings with missing values (marks holding null), descending
    // strings and relevance all resume exactly.
    for (sort, rows, q) in [
        ("title_string asc, index_id asc", 37, "*:*"),
        ("title_string desc, index_id desc", 250, "*:*"),
        ("theme-primary asc, index_id asc", 333, "*:*"),
        ("score desc, index_id asc", 41, "title:england"),
    ] {
        let (seen, _) = walk(sort, rows, &[("q", q)]);
        let full = addresses(&run(&[("q", q), ("sort", sort), ("rows", "5000")]).unwrap());
        assert_eq!(seen, full, "{sort}");
    }
    let first = run(&[("sort", sort), ("cursorMark", "*"), ("rows", "0")]).unwrap();
    assert_eq!(first.next_cursor_mark.as_deref(), Some("*"));
    assert_eq!(first.num_found, 1987);
}

#[test]
fn cursor_pages_count_everything_and_ignore_no_filter() {
    let sort = "name asc, index_id asc";
    let first = run(&[
        ("sort", sort),
        ("cursorMark", "*"),
        ("rows", "10"),
        ("fq", "+state:active"),
    ])
    .unwrap();
    assert_eq!(first.num_found, 1968 + 3);
    let mark = first.next_cursor_mark.unwrap();
    let second = run(&[
        ("sort", sort),
        ("cursorMark", &mark),
        ("rows", "10"),
        ("fq", "+state:active"),
    ])
    .unwrap();
    assert_eq!(second.num_found, first.num_found);
    let plain = run(&[
        ("sort", sort),
        ("start", "10"),
        ("rows", "10"),
        ("fq", "+state:active"),
    ])
    .unwrap();
    assert_eq!(addresses(&second), addresses(&plain));
}

#[test]
fn sort_and_cursor_errors_are_solr_400s() {
    assert_eq!(
        message(&[("sort", "tags asc")]),
        "can not sort on multivalued field: tags of type: string"
    );
    assert_eq!(
        message(&[("sort", "title asc")]),
        "can not sort on a field w/o docValues unless it is indexed=true uninvertible=true and the type supports Uninversion: title"
    );
    assert_eq!(
        message(&[
            ("sort", "metadata_modified desc, id asc"),
            ("cursorMark", "*")
        ]),
        "Cursor functionality requires a sort containing a uniqueKey field tie breaker"
    );
    assert_eq!(
        message(&[("cursorMark", "*")]),
        "Cursor functionality requires a sort containing a uniqueKey field tie breaker"
    );
    assert_eq!(
        message(&[
            ("sort", "index_id asc"),
            ("cursorMark", "*"),
            ("start", "10")
        ]),
        "Cursor functionality requires start=0"
    );
    assert_eq!(
        message(&[("sort", "index_id asc"), ("cursorMark", "bogus")]),
        "Unable to parse 'cursorMark' after totem: value must either be '*' or the 'nextCursorMark' returned by a previous search: bogus"
    );
    let first = run(&[("sort", "index_id asc"), ("cursorMark", "*"), ("rows", "1")]).unwrap();
    let mark = first.next_cursor_mark.unwrap();
    assert!(
        message(&[("sort", "name asc, index_id asc"), ("cursorMark", &mark)])
            .starts_with("cursorMark does not work with current sort (wrong size)")
    );
    for params in [
        &[("sort", "tags asc")][..],
        &[("sort", "index_id asc"), ("cursorMark", "x")],
    ] {
        assert!(run(params).unwrap_err().is_bad_request());
    }
}

fn fields(params: &[(&str, &str)]) -> Vec<Map<String, Value>> {
    let req = request(params).unwrap();
    let searcher = searcher();
    let result = search(&searcher, &fixture().schema, &req).unwrap();
    let page = PageFields::new(&searcher, &fixture().schema, &req.fl, &result.hits).unwrap();
    page.all(&result.hits).unwrap()
}

fn stored(address: DocAddress) -> Map<String, Value> {
    let doc: TantivyDocument = searcher().doc(address).unwrap();
    fixture().schema.stored_fields(&doc)
}

fn keys(map: &Map<String, Value>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

#[test]
fn fl_projects_stored_fields_in_indexed_order() {
    let all = fixture().all.clone();
    // No fl: every stored field, as indexed (including both dicts, byte-exact).
    let docs = fields(&[("rows", "3")]);
    for (doc, address) in docs.iter().zip(&all) {
        assert_eq!(doc, &stored(*address));
        let solr = solr_doc(*address);
        assert_eq!(
            doc["validated_data_dict"],
            solr.get("validated_data_dict").cloned().unwrap()
        );
        assert_eq!(
            doc["metadata_modified"].as_str().map(|s| s.ends_with('Z')),
            Some(true)
        );
        assert!(doc.get("tags").is_none_or(Value::is_array) && doc["name"].is_string());
    }
    // Named fields come in blob order, not fl order; unknown and unstored ones are omitted.
    let docs = fields(&[
        ("rows", "20"),
        ("fl", "name,id title_string nosuch,[docid]"),
    ]);
    for (doc, address) in docs.iter().zip(&all) {
        let blob = stored(*address);
        let want: Vec<&str> = blob
            .keys()
            .filter(|k| *k == "id" || *k == "name")
            .map(String::as_str)
            .collect();
        assert_eq!(keys(doc), want);
        assert_eq!(doc["id"], stored(*address)["id"]);
    }
    // Globs, also in blob order.
    let docs = fields(&[("rows", "20"), ("fl", "extras_* id")]);
    let mut most = 0;
    for (doc, address) in docs.iter().zip(&all) {
        let blob = stored(*address);
        let want: Vec<&str> = blob
            .keys()
            .filter(|k| *k == "id" || k.starts_with("extras_"))
            .map(String::as_str)
            .collect();
        most = most.max(want.len());
        assert_eq!(keys(doc), want);
    }
    assert!(most > 3, "the sample has extras");
}

#[test]
fn fl_score_adds_scores_and_max_score() {
    let docs = fields(&[("q", "title:england"), ("fl", "id score"), ("rows", "3")]);
    for doc in &docs {
        assert_eq!(keys(doc), ["id", "score"]);
        assert!(doc["score"].as_f64().unwrap() > 0.0);
    }
    // `fl=score` alone: only the score, and no document read.
    let docs = fields(&[("q", "*:*"), ("fl", "score"), ("rows", "2")]);
    assert_eq!(docs[0], json!({"score": 1.0}).as_object().cloned().unwrap());
    // maxScore is over every match, whatever the sort and offset; 0 without matches.
    let top = run(&[("q", "title:england"), ("fl", "score"), ("rows", "1")]).unwrap();
    let max = top.max_score.unwrap();
    assert_eq!(max, top.hits[0].score);
    for params in [
        &[
            ("q", "title:england"),
            ("fl", "id,score"),
            ("sort", "name desc"),
            ("start", "20"),
        ][..],
        &[("q", "title:england"), ("fl", "score"), ("rows", "0")],
    ] {
        assert_eq!(run(params).unwrap().max_score, Some(max));
    }
    let none = run(&[("q", "name:no-such-dataset"), ("fl", "score")]).unwrap();
    assert_eq!((none.num_found, none.max_score), (0, Some(0.0)));
    assert_eq!(run(&[("q", "title:england")]).unwrap().max_score, None);
    // Scores are written as the float Solr writes, not its widened double.
    assert_eq!(super::score_value(0.776_856_4).to_string(), "0.7768564");
}

#[test]
fn fl_renames_follow_solr() {
    let searcher = searcher();
    let hit = Hit {
        address: fixture().all[0],
        score: 2.5,
    };
    let fl = FieldList::parse(["ident:id, name score"].into_iter());
    let doc = hit_fields(&searcher, &fixture().schema, &fl, &hit).unwrap();
    assert_eq!(keys(&doc), ["name", "score", "ident"]);
    assert_eq!(doc["ident"], stored(hit.address)["id"]);
    assert_eq!(doc["score"], json!(2.5));
}

#[test]
fn facets_count_over_q_and_the_filters_they_do_not_exclude() {
    let result = run(&[
        ("q", "*:*"),
        ("rows", "0"),
        ("fq", "{!tag=st}+state:draft"),
        ("facet", "true"),
        ("facet.field", "organization"),
        ("facet.field", "{!ex=st}state"),
        ("facet.query", "capacity:public"),
        ("facet.limit", "-1"),
    ])
    .unwrap();
    assert_eq!(result.num_found, 16);
    let facets = result.facets.expect("facet=true gives counts");
    let per_org: u64 = facets.fields[0].values.iter().map(|(_, n)| n).sum();
    assert_eq!(per_org, 16, "organization counts the drafts only");
    let states: Vec<(&str, u64)> = facets.fields[1]
        .values
        .iter()
        .map(|(v, n)| (v.as_str(), *n))
        .collect();
    assert_eq!(
        states,
        [("active", 1968 + 3), ("draft", 16)],
        "{{!ex}} drops the filter"
    );
    let public = run(&[
        ("fq", "+state:draft"),
        ("fq", "+capacity:public"),
        ("rows", "0"),
    ])
    .unwrap();
    assert_eq!(
        facets.queries,
        [("capacity:public".to_string(), public.num_found)]
    );
    assert!(run(&[("q", "*:*")]).unwrap().facets.is_none());
}

#[test]
fn a_page_read_at_once_equals_each_hit_read_from_its_blob() {
    let searcher = searcher();
    let schema = &fixture().schema;
    // Single string fields (read from their column), other single fields, and lists.
    for fl in [
        "id",
        "id score",
        "name",
        "state",
        "site_id",
        "index_id",
        "organization",
        "license_id",
        "title",
        "metadata_modified",
        "tags",
        "id,name",
        "ident:id",
        "*",
    ] {
        for params in [
            &[("q", "*:*"), ("rows", "5000"), ("fl", fl)][..],
            &[
                ("q", "title:england"),
                ("sort", "name desc"),
                ("start", "3"),
                ("fl", fl),
            ],
        ] {
            let req = request(params).unwrap();
            let result = search(&searcher, schema, &req).unwrap();
            let page = PageFields::new(&searcher, schema, &req.fl, &result.hits).unwrap();
            let one_by_one: Vec<_> = result
                .hits
                .iter()
                .map(|hit| hit_fields(&searcher, schema, &req.fl, hit).unwrap())
                .collect();
            assert_eq!(page.all(&result.hits).unwrap(), one_by_one, "fl={fl}");
            let columned = ["id", "id score", "name", "state", "site_id", "index_id"];
            if columned.contains(&fl) {
                assert_eq!(page.column_read_count(), result.hits.len(), "fl={fl}");
            } else if fl != "organization" && fl != "license_id" {
                assert_eq!(page.column_read_count(), 0, "fl={fl}");
            }
        }
    }
}

#[test]
fn a_single_field_comes_back_exactly_as_stored() {
    let all = &fixture().all;
    for field in [
        "id",
        "index_id",
        "name",
        "state",
        "metadata_modified",
        "metadata_created",
    ] {
        let docs = fields(&[("rows", "5000"), ("fl", field)]);
        assert_eq!(docs.len(), all.len());
        for (doc, address) in docs.iter().zip(all) {
            let blob = stored(*address);
            let want: Map<String, Value> = blob
                .get(field)
                .map(|v| (field.to_string(), v.clone()))
                .into_iter()
                .collect();
            assert_eq!(doc, &want, "{field}");
        }
    }
    let docs = fields(&[("rows", "1"), ("fl", "id score"), ("q", "title:england")]);
    assert_eq!(keys(&docs[0]), ["id", "score"]);
}

#[test]
fn a_blank_q_falls_back_to_q_alt_then_to_every_document() {
    let count = |params: &[(&str, &str)]| run(params).unwrap().num_found;
    assert_eq!(count(&[]), 1987);
    assert_eq!(count(&[("q", "  ")]), 1987);
    assert_eq!(count(&[("q", ""), ("q.alt", "state:draft")]), 16);
    assert_eq!(count(&[("q", "state:draft"), ("q.alt", "*:*")]), 16);
    assert_eq!(
        count(&[("fq", "state:draft"), ("fq", "{!tag=a,b}capacity:public")]),
        {
            let drafts = run(&[("fq", "+state:draft"), ("rows", "100")]).unwrap();
            drafts
                .hits
                .iter()
                .filter(|h| solr_doc(h.address).get_str("capacity") == Some("public"))
                .count() as u64
        }
    );
}

#[test]
fn now_is_one_instant_for_q_and_every_fq() {
    // NOW is 2026-11-25T12:00:00Z; one year back, rounded to the day.
    let since = parse_solr_date("2025-11-25T00:00:00Z").unwrap();
    let want = fixture()
        .all
        .iter()
        .filter(|a| {
            let modified = date_key(solr_doc(**a), "metadata_modified");
            modified >= since && modified <= NOW_MS
        })
        .count() as u64;
    assert!(want > 10, "{want}");
    let range = "metadata_modified:[NOW-1YEAR/DAY TO NOW]";
    assert_eq!(run(&[("q", range)]).unwrap().num_found, want);
    assert_eq!(run(&[("fq", range)]).unwrap().num_found, want);
    assert_eq!(run(&[("q", range), ("fq", range)]).unwrap().num_found, want);
}

#[test]
fn ckan_package_search_runs_as_ckan_sends_it() {
    // K9: dismax over CKAN's qf, the default sort, two fqs and facets.
    let params = [
        ("q", "england"),
        ("defType", "dismax"),
        ("qf", "name^4 title^4 tags^2 groups^2 text"),
        ("tie", "0.1"),
        ("mm", "2<-1 5<80%"),
        ("q.op", "AND"),
        ("df", "text"),
        ("rows", "11"),
        ("sort", "score desc, metadata_modified desc"),
        ("fl", "id validated_data_dict"),
        ("fq", "+capacity:public  +state:(active)"),
        ("fq", "+site_id:\"default\""),
        ("facet", "true"),
        ("facet.field", "organization"),
        ("facet.limit", "-1"),
        ("facet.mincount", "1"),
    ];
    let page = run(&params).unwrap();
    assert!(page.num_found > 20, "{}", page.num_found);
    assert_eq!(page.hits.len(), 11);
    assert!(page.max_score.is_none());
    let every = run(&[&params[..7], &[("rows", "5000"), ("fl", "id score")]].concat()).unwrap();
    let scores: HashMap<DocAddress, f32> =
        every.hits.iter().map(|h| (h.address, h.score)).collect();
    let mut want: Vec<DocAddress> = scores
        .keys()
        .copied()
        .filter(|a| {
            let doc = solr_doc(*a);
            doc.get_str("capacity") == Some("public") && doc.get_str("state") == Some("active")
        })
        .collect();
    want.sort_by(|a, b| {
        scores[b]
            .total_cmp(&scores[a])
            .then(
                date_key(solr_doc(*b), "metadata_modified")
                    .cmp(&date_key(solr_doc(*a), "metadata_modified")),
            )
            .then(a.cmp(b))
    });
    assert_eq!(page.num_found, want.len() as u64);
    assert_eq!(addresses(&page), want[..11]);
    let per_org: u64 = page.facets.unwrap().fields[0]
        .values
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(per_org, page.num_found);
    let docs = fields(&params);
    assert_eq!(keys(&docs[0]), ["id", "validated_data_dict"]);
}

#[test]
fn queries_scoring_every_match_alike_are_paged_as_the_scored_order() {
    let searcher = searcher();
    let schema = &fixture().schema;
    for (q, constant) in [
        (
            r#"state:active AND extras_harvest_object_id:["" TO *] AND dataset_type:dataset"#,
            true,
        ),
        ("-extras_harvest_object_id:*", true),
        ("metadata_modified:[NOW-7DAY/DAY TO NOW]", true),
        (
            "metadata_modified:[2019-01-01T00:00:00Z TO *] -state:draft",
            true,
        ),
        ("*:*", true),
        ("state:active", true),
        ("organization:*", true),
        ("title:england", false),
        ("name:x OR state:active", false),
        ("state:active title:england", false),
        ("state:active^3", false),
    ] {
        // With an uncached filter the search walks `q` beside the filters' set; without
        // it, a constant `q` joins the set and the page is its first bits.
        let with_uncached = [
            ("fq", "+capacity:public"),
            ("fq", "{!cache=false}-state:deleted"),
        ];
        for fq in [&with_uncached[..], &with_uncached[..1], &[]] {
            let params: Vec<(&str, &str)> =
                [("q", q)].into_iter().chain(fq.iter().copied()).collect();
            let req = request(&params).unwrap();
            let compiled = super::compile::compile(&searcher, schema, &req).unwrap();
            assert_eq!(
                super::scores_are_constant(compiled.main.as_ref(), searcher.schema()),
                constant,
                "{q}"
            );
            for (start, sort) in [("0", ""), ("7", ""), ("3", "score desc, name asc")] {
                let with = |extra: &[(&'static str, &'static str)]| {
                    let mut p = params.clone();
                    p.extend([("rows", "450"), ("start", start), ("sort", sort)]);
                    p.extend_from_slice(extra);
                    run(&p).unwrap()
                };
                let fast = with(&[]);
                let scored = with(&[("fl", "score")]);
                assert!(scored.num_found > 0, "{q}");
                assert_eq!(fast.num_found, scored.num_found, "{q}");
                assert_eq!(
                    addresses(&fast),
                    addresses(&scored),
                    "{q} start={start} sort={sort}"
                );
                if constant {
                    let first = scored.hits.first().map(|h| h.score);
                    assert!(scored.hits.iter().all(|h| Some(h.score) == first), "{q}");
                }
                let mut count = params.clone();
                count.push(("rows", "0"));
                assert_eq!(run(&count).unwrap().num_found, scored.num_found, "{q}");
            }
        }
    }
}

#[test]
fn filters_reading_now_are_not_cached_and_keys_cannot_be_spelled_by_clients() {
    let searcher = searcher();
    let schema = &fixture().schema;
    let compiled = |params: &[(&str, &str)]| {
        super::compile::compile(&searcher, schema, &request(params).unwrap()).unwrap()
    };
    let cached = |c: &super::compile::Compiled| -> Vec<bool> {
        c.filters
            .iter()
            .map(|(_, q)| q.is::<crate::filter_cache::CachedFilter>())
            .collect()
    };
    let c = compiled(&[
        ("q", "metadata_modified:[NOW-7DAY/DAY TO NOW]"),
        ("fq", "metadata_modified:[2020-01-01T00:00:00Z TO *]"),
        ("fq", "metadata_modified:[N\\OW-1DAY TO *]"),
        ("fq", "{!frange l=0 u=1e15}sub(ms(),ms(metadata_modified))"),
        ("fq", "{!cache=false}state:active"),
        ("fq", "state:active"),
    ]);
    assert_eq!(cached(&c), [true, false, false, false, true]);
    assert_eq!(c.main_key, None, "q reads NOW");
    // A df and fq carrying separators cannot make an fq's key equal a q's key.
    let q = compiled(&[("q", "state:active"), ("df", "text")]);
    let fq = compiled(&[
        ("q", "x"),
        ("df", "false\u{0}text"),
        ("fq", "q\u{0}state:active"),
    ]);
    let q_key = q.main_key.expect("q is cacheable");
    let fq_key = format!("{:?}", fq.filters[0].1);
    assert!(
        !fq_key.contains(&format!("{q_key:?}")),
        "{q_key} / {fq_key}"
    );
    // The same q under other parse options has another key.
    let dismax = compiled(&[
        ("q", "state:active"),
        ("defType", "dismax"),
        ("qf", "state"),
    ]);
    assert_ne!(dismax.main_key, Some(q_key));
}
