//! Builder tests against a small in-memory CKAN index: each asserts the exact set (or
//! order) of datasets a query selects, as Solr with CKAN's schema would.

mod boolean;
mod function;
mod multiterm;
mod range;
mod text;

use std::sync::OnceLock;

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::document::value::parse_solr_date;
use ckan_search_indexer::document::SolrDocument;
use ckan_search_indexer::schema::CkanSchema;
use serde_json::{json, Value};
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument};

use super::{build, BuildContext};
use crate::ast::{QueryAst, TokenOperator};

/// The request's `NOW` in every test: 2021-06-15T13:45:30Z.
pub(super) const NOW: &str = "2021-06-15T13:45:30Z";

/// Synonyms for the graph tests (the `text` query analyser applies them).
const SYNONYMS: &str = "uk, united kingdom\nGB, gib, gigabyte, gigabytes\n";

/// The datasets. `site_id`, `index_id` and `id` are filled in from the name.
fn datasets() -> Vec<Value> {
    vec![
        json!({
            "id": "d1", "name": "river-levels", "title": "River levels",
            "notes": "Hospitals and river gauges in the north",
            "tags": ["Health", "water"], "license_id": "OGL-UK-3.0", "version": "1.0",
            "metadata_modified": "2021-06-10T10:00:00Z",
            "extras_harvest_object_id": "abc-123", "extras_theme": "Environment",
            "views_total": 10, "minx": -2.0, "miny": 51.0, "maxx": 0.0, "maxy": 53.0,
            "issued_date": "2021-06-01T00:00:00Z", "owner_org": "org-a",
            "vocab_topics": ["flood", "Rivers"], "site_id": "default"
        }),
        json!({
            "id": "d2", "name": "hospital-waiting-times", "title": "Hospital waiting times",
            "notes": "Waiting times for NHS hospital treatment",
            "tags": ["health"], "license_id": "OGL-UK-2.0",
            "metadata_modified": "2021-06-14T23:30:00Z", "extras_theme": "Health",
            "views_total": 3, "minx": 10.0, "miny": 40.0, "maxx": 12.0, "maxy": 42.0,
            "issued_date": "2019-03-01T00:00:00Z", "site_id": "default"
        }),
        json!({
            "id": "d3", "name": "bus-stops", "title": "Bus stops in London",
            "notes": "Location of every bus stop in the United Kingdom data archive",
            "tags": ["transport"], "license_id": "cc-by", "version": "",
            "metadata_modified": "2020-01-01T00:00:00Z", "extras_theme": "",
            "owner_org": "", "site_id": "dgu_organisations.gov"
        }),
        json!({
            "id": "d4", "name": "Air-Quality", "title": "Air quality monitoring",
            "notes": "Levels of pollutants near rivers, 10 GB archive",
            "license_id": "OGL-UK-3.0", "metadata_modified": "2021-06-15T12:00:00Z",
            "extras_harvest_object_id": "def-456", "views_total": 7,
            "minx": -1.0, "miny": 52.0, "maxx": 1.0, "maxy": 54.0,
            "site_id": "dgu_organisationsXgov"
        }),
        json!({
            "id": "d5", "name": "roam-data", "title": "Roaming charges",
            "notes": "Free wi-fi hotspots for roaming visitors",
            "tags": ["Roam"], "license_id": "other",
            "metadata_modified": "2019-05-05T05:05:05Z", "extras_themes": "health",
            "site_id": "default"
        }),
        json!({
            "id": "d6", "name": "exact-box", "title": "Exact box",
            "metadata_modified": "2018-01-01T00:00:00Z",
            "minx": -3.0, "miny": 50.0, "maxx": 0.5, "maxy": 53.5, "site_id": "default"
        }),
        json!({
            "id": "d7", "name": "edge-box", "title": "Edge box", "notes": " - ",
            "metadata_modified": "2018-01-01T00:00:00Z",
            "minx": 0.5, "miny": 50.0, "maxx": 2.0, "maxy": 53.5, "site_id": "default"
        }),
    ]
}

pub(super) struct Fixture {
    pub schema: CkanSchema,
    pub index: Index,
    pub reader: IndexReader,
}

/// The index, built once: two segments, so per-segment code runs on both.
pub(super) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let schema = CkanSchema::new();
        let index = Index::create_in_ram(schema.tantivy_schema().clone());
        let config = AnalysisConfig::from_strs(SYNONYMS, "").expect("synonyms");
        schema.register_analyzers(&index, &config);
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for (i, mut dataset) in datasets().into_iter().enumerate() {
            let id = dataset["id"].as_str().unwrap_or_default().to_string();
            dataset["index_id"] = json!(format!("index-{id}"));
            let map = dataset.as_object().cloned().unwrap_or_default();
            let doc = schema
                .to_tantivy(&SolrDocument(map), 0, 1)
                .expect("valid dataset");
            writer.add_document(doc.doc).expect("added");
            if i == 3 {
                writer.commit().expect("first segment");
            }
        }
        writer.commit().expect("second segment");
        let reader = index.reader().expect("reader");
        Fixture {
            schema,
            index,
            reader,
        }
    })
}

impl Fixture {
    pub fn ctx(&self) -> BuildContext<'_> {
        self.ctx_tz(None)
    }

    pub fn ctx_tz(&self, tz: Option<&str>) -> BuildContext<'_> {
        let now = parse_solr_date(NOW).expect("now");
        BuildContext::new(&self.schema, self.index.tokenizers(), now, tz).expect("context")
    }

    fn query(&self, ast: &QueryAst, ctx: &BuildContext) -> Box<dyn Query> {
        build(ast, ctx).unwrap_or_else(|e| panic!("{ast:?}: {e}"))
    }

    /// The ids of the datasets `ast` selects, with their scores, best first (ties by id).
    pub fn ranked_with(&self, ast: &QueryAst, ctx: &BuildContext) -> Vec<(String, f32)> {
        let query = self.query(ast, ctx);
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(100).order_by_score())
            .unwrap_or_else(|e| panic!("{ast:?}: {e}"));
        let mut out: Vec<(String, f32)> = top
            .into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).expect("stored");
                let stored = self.schema.stored_fields(&doc);
                let id = stored["id"].as_str().unwrap_or_default().to_string();
                (id, score)
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    pub fn ranked(&self, ast: &QueryAst) -> Vec<(String, f32)> {
        self.ranked_with(ast, &self.ctx())
    }

    /// The ids in score order.
    pub fn order(&self, ast: &QueryAst) -> Vec<String> {
        self.ranked(ast).into_iter().map(|(id, _)| id).collect()
    }

    /// The ids `ast` selects, sorted.
    pub fn ids_with(&self, ast: &QueryAst, ctx: &BuildContext) -> Vec<String> {
        let mut ids: Vec<String> = self
            .ranked_with(ast, ctx)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids
    }

    pub fn ids(&self, ast: &QueryAst) -> Vec<String> {
        self.ids_with(ast, &self.ctx())
    }

    /// The score of one dataset.
    pub fn score(&self, ast: &QueryAst, id: &str) -> f32 {
        self.ranked(ast)
            .into_iter()
            .find(|(d, _)| d == id)
            .unwrap_or_else(|| panic!("{id} not selected by {ast:?}"))
            .1
    }

    /// The error building `ast` gives, as Solr clients see it.
    pub fn error(&self, ast: &QueryAst) -> String {
        match build(ast, &self.ctx()) {
            Ok(q) => panic!("{ast:?} built {q:?}"),
            Err(e) => {
                assert!(e.is_bad_request(), "{e:?}");
                e.to_string()
            }
        }
    }
}

/// Sorted ids, for comparisons.
pub(super) fn ids(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

pub(super) fn term(field: &str, text: &str) -> QueryAst {
    QueryAst::term(field, text)
}

pub(super) fn term_op(field: &str, text: &str, operator: TokenOperator) -> QueryAst {
    QueryAst::Term(crate::ast::TermQuery {
        field: field.into(),
        text: text.into(),
        operator,
    })
}

pub(super) fn assert_close(a: f32, b: f32) {
    assert!(
        (a - b).abs() <= 1e-4 * a.abs().max(b.abs()).max(1.0),
        "{a} != {b}"
    );
}
