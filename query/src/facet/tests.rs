//! Facet counts over a small three-segment index, checked against what Solr answers for
//! the same documents with CKAN's schema.

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::document::SolrDocument;
use ckan_search_indexer::schema::{CkanSchema, FieldLocation};
use serde_json::{json, Value};
use tantivy::indexer::NoMergePolicy;
use tantivy::query::{AllQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, Searcher, Term};

use super::*;
use crate::{QueryError, Result};

/// d1, d2 | d3, d4 | d5, d6: three segments.
fn batches() -> Vec<Vec<Value>> {
    vec![
        vec![
            json!({"id": "d1", "tags": ["flood", "rivers", "flood"], "organization": "env-agency",
                   "res_format": ["CSV", "csv", " CSV ", "CSV"], "license_id": "uk-ogl",
                   "owner_org": "org-1", "harvest_source_title": "Env harvest",
                   "vocab_genre": ["fiction"], "extras_theme-primary": "business-and-economy",
                   "metadata_modified": "2020-01-01T00:00:00Z", "views_total": 5,
                   "bbox_area": 0.5, "capacity": "public"}),
            json!({"id": "d2", "tags": ["rivers"], "organization": "env-agency",
                   "res_format": [".csv"], "license_id": "OGL-UK-3.0", "owner_org": "org-1",
                   "vocab_genre": ["fiction", "poetry"], "extras_theme-primary": "environment",
                   "metadata_modified": "2021-06-01T12:30:00.5Z", "views_total": 5,
                   "bbox_area": 1.0e7, "capacity": "public"}),
        ],
        vec![
            json!({"id": "d3", "tags": ["flood", "transport"], "organization": "dft",
                   "res_format": ["CSV", "PDF"], "license_id": "uk-ogl", "owner_org": "org-2",
                   "extras_theme-primary": "business-and-economy",
                   "metadata_modified": "2020-01-01T00:00:00Z", "views_total": 12,
                   "capacity": "private"}),
            json!({"id": "d4", "organization": "dft", "res_format": ["csv"],
                   "owner_org": "org-2", "extras_theme-primary": "transport",
                   "capacity": "public"}),
        ],
        vec![
            json!({"id": "d5", "tags": ["transport", "Flood"], "organization": "hull",
                   "res_format": ["HTML"], "vocab_genre": ["poetry"],
                   "extras_theme-primary": "Business and economy", "capacity": "public"}),
            json!({"id": "d6", "tags": ["zebra"], "harvest_source_title": "Env harvest",
                   "capacity": "public"}),
        ],
    ]
}

struct Fixture {
    schema: CkanSchema,
    reader: IndexReader,
    writer: IndexWriter,
}

impl Fixture {
    fn new() -> Self {
        let schema = CkanSchema::new();
        let index = Index::create_in_ram(schema.tantivy_schema().clone());
        schema.register_analyzers(&index, &AnalysisConfig::default());
        let writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let reader = index.reader().expect("reader");
        let mut fixture = Self {
            schema,
            reader,
            writer,
        };
        for batch in batches() {
            fixture.add(&batch);
        }
        fixture
    }

    /// Adds the documents as one new segment.
    fn add(&mut self, docs: &[Value]) {
        for d in docs {
            let mut map = d.as_object().cloned().expect("object");
            let id = map["id"].clone();
            map.insert("index_id".into(), id);
            map.insert("site_id".into(), json!("default"));
            let doc = self
                .schema
                .to_tantivy(&SolrDocument(map), 0, 1)
                .expect("valid document");
            self.writer.add_document(doc.doc).expect("add");
        }
        self.commit();
    }

    fn delete(&mut self, index_id: &str) {
        let field = self.schema.explicit_field("index_id").expect("index_id");
        self.writer
            .delete_term(Term::from_field_text(field, index_id));
        self.commit();
    }

    fn commit(&mut self) {
        self.writer.commit().expect("commit");
        self.reader.reload().expect("reload");
    }

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn term(&self, field: &str, value: &str) -> Box<dyn Query> {
        term_query(&self.schema, field, value)
    }
}

fn term_query(schema: &CkanSchema, field: &str, value: &str) -> Box<dyn Query> {
    let term = match schema.resolve(field).location {
        FieldLocation::Explicit(f) => Term::from_field_text(f, value),
        FieldLocation::Json { field, path } => {
            let mut t = Term::from_field_json_path(field, &path, false);
            t.append_type_and_str(value);
            t
        }
        FieldLocation::NotIndexed => panic!("{field} is not indexed"),
    };
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn field(name: &str) -> FacetField {
    FacetField {
        field: name.into(),
        key: name.into(),
        limit: 100,
        offset: 0,
        mincount: 1,
        sort: FacetSort::Count,
        prefix: None,
        missing: false,
        exclude_tags: Vec::new(),
    }
}

/// Runs a request with `q` = `main`, the filters and a private cache.
fn run_with(
    fx: &Fixture,
    main: &dyn Query,
    filters: &[(Vec<String>, Box<dyn Query>)],
    request: &FacetRequest,
    cache: &FacetCache,
) -> Result<FacetCounts> {
    let searcher = fx.searcher();
    let schema = fx.schema.clone();
    let facet_query = move |text: &str| -> Result<Box<dyn Query>> {
        let (f, v) = text
            .split_once(':')
            .ok_or_else(|| QueryError::BadParam(text.to_string()))?;
        Ok(term_query(&schema, f, v))
    };
    let input = FacetInput {
        searcher: &searcher,
        schema: &fx.schema,
        main,
        filters,
        facet_query: &facet_query,
        matched: None,
    };
    compute_with_cache(&input, request, cache)
}

fn fields(fx: &Fixture, main: &dyn Query, specs: Vec<FacetField>) -> Vec<FieldCounts> {
    let request = FacetRequest {
        fields: specs,
        queries: Vec::new(),
    };
    run_with(fx, main, &[], &request, &FacetCache::new(16, 1000))
        .expect("facets")
        .fields
}

fn one(fx: &Fixture, main: &dyn Query, spec: FacetField) -> FieldCounts {
    fields(fx, main, vec![spec]).remove(0)
}

fn pairs(counts: &FieldCounts) -> Vec<(&str, u64)> {
    counts
        .values
        .iter()
        .map(|(v, c)| (v.as_str(), *c))
        .collect()
}

#[test]
fn string_fields_count_documents_per_raw_value_across_segments() {
    let fx = Fixture::new();
    assert_eq!(fx.searcher().segment_readers().len(), 3);
    let counts = fields(
        &fx,
        &AllQuery,
        [
            "tags",
            "organization",
            "res_format",
            "license_id",
            "owner_org",
            "harvest_source_title",
            "vocab_genre",
        ]
        .into_iter()
        .map(field)
        .collect(),
    );
    let got: Vec<(&str, Vec<(&str, u64)>)> =
        counts.iter().map(|c| (c.key.as_str(), pairs(c))).collect();
    assert_eq!(
        got,
        vec![
            // d1 holds "flood" twice: one document, counted once. Ties: byte order.
            (
                "tags",
                vec![
                    ("flood", 2),
                    ("rivers", 2),
                    ("transport", 2),
                    ("Flood", 1),
                    ("zebra", 1)
                ]
            ),
            (
                "organization",
                vec![("dft", 2), ("env-agency", 2), ("hull", 1)]
            ),
            // Raw values, case and spaces kept, as Solr's StrField does.
            (
                "res_format",
                vec![
                    ("CSV", 2),
                    ("csv", 2),
                    (" CSV ", 1),
                    (".csv", 1),
                    ("HTML", 1),
                    ("PDF", 1)
                ]
            ),
            ("license_id", vec![("uk-ogl", 2), ("OGL-UK-3.0", 1)]),
            ("owner_org", vec![("org-1", 2), ("org-2", 2)]),
            ("harvest_source_title", vec![("Env harvest", 2)]),
            ("vocab_genre", vec![("fiction", 2), ("poetry", 2)]),
        ]
    );
}

#[test]
fn text_fields_facet_their_indexed_tokens() {
    let fx = Fixture::new();
    let mut spec = field("extras_theme-primary");
    spec.missing = true;
    let counts = one(&fx, &AllQuery, spec.clone());
    // data.gov.uk's Find maps these stemmed tokens back to topics.
    assert_eq!(
        pairs(&counts),
        vec![
            ("and", 3),
            ("busi", 3),
            ("economi", 3),
            ("businessandeconomi", 2),
            ("environ", 1),
            ("transport", 1)
        ]
    );
    assert_eq!(counts.missing, Some(1)); // d6
    let public = fx.term("capacity", "public"); // d1, d2, d4, d5, d6
    let counts = one(&fx, public.as_ref(), spec.clone());
    assert_eq!(
        pairs(&counts),
        vec![
            ("and", 2),
            ("busi", 2),
            ("economi", 2),
            ("businessandeconomi", 1),
            ("environ", 1),
            ("transport", 1)
        ]
    );
    assert_eq!(counts.missing, Some(1));
    spec.prefix = Some("bus".into());
    spec.sort = FacetSort::Index;
    spec.missing = false;
    for main in [&AllQuery as &dyn Query, public.as_ref()] {
        let counts = one(&fx, main, spec.clone());
        assert_eq!(counts.values.len(), 2);
        assert_eq!(counts.values[0].0, "busi");
        assert_eq!(counts.values[1].0, "businessandeconomi");
    }
    // An explicit text field: the title's tokens.
    assert!(one(&fx, &AllQuery, field("title")).values.is_empty());
}

#[test]
fn limit_offset_sort_and_ties_follow_solr() {
    let fx = Fixture::new();
    let public = fx.term("capacity", "public"); // d1, d2, d4, d5, d6
    let counts = one(&fx, public.as_ref(), field("tags"));
    assert_eq!(
        pairs(&counts),
        vec![
            ("rivers", 2),
            ("Flood", 1),
            ("flood", 1),
            ("transport", 1),
            ("zebra", 1)
        ]
    );
    let mut spec = field("tags");
    spec.limit = 2;
    spec.offset = 1;
    assert_eq!(
        pairs(&one(&fx, public.as_ref(), spec.clone())),
        vec![("Flood", 1), ("flood", 1)]
    );
    spec.sort = FacetSort::Index;
    assert_eq!(
        pairs(&one(&fx, public.as_ref(), spec.clone())),
        vec![("flood", 1), ("rivers", 2)]
    );
    spec.limit = -1;
    spec.offset = 0;
    spec.prefix = Some("f".into());
    assert_eq!(
        pairs(&one(&fx, public.as_ref(), spec.clone())),
        vec![("flood", 1)]
    );
    assert_eq!(
        pairs(&one(&fx, &AllQuery, spec.clone())),
        vec![("flood", 2)]
    );
    spec.prefix = None;
    spec.limit = 0;
    spec.missing = true;
    let counts = one(&fx, public.as_ref(), spec);
    assert!(counts.values.is_empty());
    assert_eq!(counts.missing, Some(1)); // d4
}

#[test]
fn mincount_zero_lists_every_value_of_the_index() {
    let fx = Fixture::new();
    let dft = fx.term("organization", "dft"); // d3, d4
    let mut spec = field("tags");
    spec.mincount = 0;
    spec.sort = FacetSort::Index;
    spec.limit = -1;
    spec.missing = true;
    let counts = one(&fx, dft.as_ref(), spec.clone());
    assert_eq!(
        pairs(&counts),
        vec![
            ("Flood", 0),
            ("flood", 1),
            ("rivers", 0),
            ("transport", 1),
            ("zebra", 0)
        ]
    );
    assert_eq!(counts.missing, Some(1)); // d4
    spec.sort = FacetSort::Count;
    assert_eq!(
        pairs(&one(&fx, dft.as_ref(), spec.clone())),
        vec![
            ("flood", 1),
            ("transport", 1),
            ("Flood", 0),
            ("rivers", 0),
            ("zebra", 0)
        ]
    );
    spec.mincount = 1;
    assert_eq!(
        pairs(&one(&fx, dft.as_ref(), spec)),
        vec![("flood", 1), ("transport", 1)]
    );
    // The same for the tokens of a text field.
    let mut spec = field("extras_theme-primary");
    spec.mincount = 0;
    assert_eq!(
        pairs(&one(&fx, dft.as_ref(), spec)),
        vec![
            ("and", 1),
            ("busi", 1),
            ("businessandeconomi", 1),
            ("economi", 1),
            ("transport", 1),
            ("environ", 0)
        ]
    );
}

#[test]
fn dates_and_numbers_are_faceted_as_solr_formats_them() {
    let fx = Fixture::new();
    let mut spec = field("metadata_modified");
    spec.missing = true;
    spec.mincount = 0; // raised to 1: Solr lists no zero counts for points fields
    let counts = one(&fx, &AllQuery, spec);
    assert_eq!(
        pairs(&counts),
        vec![("2020-01-01T00:00:00Z", 2), ("2021-06-01T12:30:00.500Z", 1)]
    );
    assert_eq!(counts.missing, Some(3));
    let mut spec = field("views_total");
    spec.sort = FacetSort::Index; // numeric order, not byte order
    assert_eq!(pairs(&one(&fx, &AllQuery, spec)), vec![("5", 2), ("12", 1)]);
    assert_eq!(
        pairs(&one(&fx, &AllQuery, field("bbox_area"))),
        vec![("0.5", 1), ("1.0E7", 1)]
    );
    let mut spec = field("metadata_modified");
    spec.prefix = Some("2020".into());
    let request = FacetRequest {
        fields: vec![spec],
        queries: Vec::new(),
    };
    let err = run_with(&fx, &AllQuery, &[], &request, &FacetCache::new(1, 1)).unwrap_err();
    assert_eq!(
        err,
        QueryError::BadParam("facet.prefix is not supported on numeric types".into())
    );
}

#[test]
fn unknown_and_stored_only_fields_get_an_empty_list() {
    let fx = Fixture::new();
    let mut unknown = field("no_such_field");
    unknown.missing = true;
    let mut data_dict = field("data_dict");
    data_dict.missing = true;
    data_dict.key = "dd".into();
    let counts = fields(&fx, &AllQuery, vec![unknown, data_dict, field("tags")]);
    assert_eq!(counts.len(), 3);
    assert_eq!(
        counts[0],
        FieldCounts {
            key: "no_such_field".into(),
            values: Vec::new(),
            missing: Some(6)
        }
    );
    assert_eq!(
        counts[1],
        FieldCounts {
            key: "dd".into(),
            values: Vec::new(),
            missing: Some(6)
        }
    );
    assert_eq!(counts[2].key, "tags");
}

#[test]
fn facet_queries_and_tag_exclusion() {
    let fx = Fixture::new();
    let filters: Vec<(Vec<String>, Box<dyn Query>)> = vec![
        (vec!["cap".into()], fx.term("capacity", "public")),
        (
            vec!["org".into(), "x".into()],
            fx.term("organization", "env-agency"),
        ),
    ];
    let mut org_all = field("organization");
    org_all.exclude_tags = vec!["org".into()];
    org_all.key = "org_all".into();
    let mut everything = field("tags");
    everything.exclude_tags = vec!["cap".into(), "x".into()];
    let request = FacetRequest {
        fields: vec![field("organization"), org_all, everything],
        queries: vec![
            FacetQuery {
                query: "tags:flood".into(),
                key: "tags:flood".into(),
                exclude_tags: Vec::new(),
            },
            FacetQuery {
                query: "tags:flood".into(),
                key: "flood_any_org".into(),
                exclude_tags: vec!["org".into()],
            },
            FacetQuery {
                query: "tags:flood".into(),
                key: "flood_anywhere".into(),
                exclude_tags: vec!["org".into(), "cap".into()],
            },
        ],
    };
    let cache = FacetCache::new(16, 1000);
    let counts = run_with(&fx, &AllQuery, &filters, &request, &cache).expect("facets");
    // Base: public ∩ env-agency = d1, d2.
    assert_eq!(pairs(&counts.fields[0]), vec![("env-agency", 2)]);
    // Without the org filter: public = d1, d2, d4, d5, d6.
    assert_eq!(
        pairs(&counts.fields[1]),
        vec![("env-agency", 2), ("dft", 1), ("hull", 1)]
    );
    assert_eq!(counts.fields[1].key, "org_all");
    // Both filters excluded: all six documents (so the cache is used).
    assert_eq!(counts.fields[2].values.len(), 5);
    assert_eq!(cache.stats(), (0, 1));
    assert_eq!(
        counts.queries,
        vec![
            ("tags:flood".to_string(), 1),
            ("flood_any_org".to_string(), 1),
            ("flood_anywhere".to_string(), 2)
        ]
    );
    // A facet.query that does not parse is the request's error.
    let bad = FacetRequest {
        fields: Vec::new(),
        queries: vec![FacetQuery {
            query: "nocolon".into(),
            key: "nocolon".into(),
            exclude_tags: Vec::new(),
        }],
    };
    assert!(run_with(&fx, &AllQuery, &filters, &bad, &cache).is_err());
}

#[test]
fn counts_over_a_large_base_set_are_cached_for_exactly_that_set() {
    let fx = Fixture::new();
    let cache = FacetCache::new(16, 1000).with_min_base_docs(2);
    let request = FacetRequest {
        fields: vec![field("tags"), field("organization")],
        queries: Vec::new(),
    };
    let dft = vec![(Vec::new(), fx.term("organization", "dft"))];
    let fresh =
        run_with(&fx, &AllQuery, &dft, &request, &FacetCache::new(16, 1000)).expect("facets");
    let first = run_with(&fx, &AllQuery, &dft, &request, &cache).expect("facets");
    assert_eq!(first, fresh);
    assert_eq!(cache.stats(), (0, 2));
    // The same documents reached another way (as `q` instead of `fq`) share the counts.
    let again = run_with(
        &fx,
        fx.term("organization", "dft").as_ref(),
        &[],
        &request,
        &cache,
    )
    .expect("facets");
    assert_eq!(again, first);
    assert_eq!(cache.stats(), (2, 2));
    // Another set of the same size is counted afresh, never served the first set's counts.
    let other = vec![(Vec::new(), fx.term("organization", "env-agency"))];
    let counted = run_with(&fx, &AllQuery, &other, &request, &cache).expect("facets");
    assert_eq!(cache.stats(), (2, 4));
    assert_eq!(
        counted,
        run_with(&fx, &AllQuery, &other, &request, &FacetCache::new(16, 1000)).expect("facets")
    );
    assert_ne!(counted, first);
}

#[test]
fn match_all_counts_are_cached_per_commit() {
    let mut fx = Fixture::new();
    let cache = FacetCache::new(16, 1000);
    let mut tags = field("tags");
    tags.missing = true;
    let request = FacetRequest {
        fields: vec![tags.clone(), field("organization")],
        queries: Vec::new(),
    };
    let first = run_with(&fx, &AllQuery, &[], &request, &cache).expect("facets");
    assert_eq!(cache.stats(), (0, 2));
    let second = run_with(&fx, &AllQuery, &[], &request, &cache).expect("facets");
    assert_eq!(second, first);
    assert_eq!(cache.stats(), (2, 2));
    // Filters that match every document are a match-all base too.
    let all_sites = vec![(Vec::new(), fx.term("site_id", "default"))];
    let third = run_with(&fx, &AllQuery, &all_sites, &request, &cache).expect("facets");
    assert_eq!(third, first);
    assert_eq!(cache.stats(), (4, 2));
    // A narrower base is counted, not cached.
    let dft = fx.term("organization", "dft");
    run_with(&fx, dft.as_ref(), &[], &request, &cache).expect("facets");
    assert_eq!(cache.stats(), (4, 2));

    // A commit changes the segments: counted afresh.
    fx.add(&[json!({"id": "d7", "tags": ["flood"], "organization": "hull"})]);
    let after = run_with(&fx, &AllQuery, &[], &request, &cache).expect("facets");
    assert_eq!(cache.stats(), (4, 4));
    assert_eq!(after.fields[0].values[0], ("flood".to_string(), 3));
    assert_eq!(
        pairs(&after.fields[1]),
        vec![("dft", 2), ("env-agency", 2), ("hull", 2)]
    );

    // So does a delete. Solr still lists a deleted document's value with mincount 0.
    fx.delete("d6");
    let mut zero = field("tags");
    zero.mincount = 0;
    let request = FacetRequest {
        fields: vec![tags, zero],
        queries: Vec::new(),
    };
    let deleted = run_with(&fx, &AllQuery, &[], &request, &cache).expect("facets");
    assert!(!deleted.fields[0].values.iter().any(|(v, _)| v == "zebra"));
    assert_eq!(deleted.fields[0].missing, Some(1));
    assert_eq!(
        deleted.fields[1].values.last(),
        Some(&("zebra".to_string(), 0))
    );
    assert_eq!(cache.stats(), (5, 5));
}

#[test]
fn the_global_cache_serves_compute() {
    let fx = Fixture::new();
    let searcher = fx.searcher();
    let no_query = |_: &str| -> Result<Box<dyn Query>> { Ok(Box::new(AllQuery)) };
    let input = FacetInput {
        searcher: &searcher,
        schema: &fx.schema,
        main: &AllQuery,
        filters: &[],
        facet_query: &no_query,
        matched: None,
    };
    let request = FacetRequest {
        fields: vec![field("organization")],
        queries: vec![FacetQuery {
            query: "*:*".into(),
            key: "all".into(),
            exclude_tags: Vec::new(),
        }],
    };
    let counts = compute(&input, &request).expect("facets");
    assert_eq!(counts, compute(&input, &request).expect("facets"));
    assert_eq!(counts.queries, vec![("all".to_string(), 6)]);
    assert!(!FacetCache::global().is_empty());
    assert_eq!(
        compute(&input, &FacetRequest::default()).expect("facets"),
        FacetCounts::default()
    );
}
