//! Wildcards, fuzzy terms and existence.

use super::{fixture, ids};
use crate::ast::{BoolQuery, FuzzyQuery, QueryAst, WildcardQuery};

fn wildcard(field: &str, pattern: &str) -> QueryAst {
    QueryAst::Wildcard(WildcardQuery {
        field: field.into(),
        pattern: pattern.into(),
    })
}

fn fuzzy(field: &str, text: &str, distance: u8) -> QueryAst {
    QueryAst::Fuzzy(FuzzyQuery {
        field: field.into(),
        text: text.into(),
        distance,
    })
}

fn exists(field: &str) -> QueryAst {
    QueryAst::Exists {
        field: field.into(),
    }
}

fn not(q: QueryAst) -> QueryAst {
    QueryAst::Bool(BoolQuery {
        must_not: vec![q],
        ..BoolQuery::default()
    })
}

#[test]
fn wildcards_on_string_fields_match_raw_terms() {
    let f = fixture();
    assert_eq!(
        f.ids(&wildcard("license_id", "OGL-UK-*")),
        ids(&["d1", "d2", "d4"])
    );
    assert_eq!(f.ids(&wildcard("license_id", "ogl-uk-*")), ids(&[]));
    assert_eq!(
        f.ids(&wildcard("license_id", "OGL-UK-?.0")),
        ids(&["d1", "d2", "d4"])
    );
    assert_eq!(
        f.ids(&wildcard("license_id", "OGL-UK-3?0")),
        ids(&["d1", "d4"])
    );
    // `.` is a literal character, not "any character".
    assert_eq!(
        f.ids(&wildcard("site_id", "dgu_organisations.*")),
        ids(&["d3"])
    );
    assert_eq!(
        f.ids(&wildcard("site_id", "dgu_organisations?gov")),
        ids(&["d3", "d4"])
    );
    // Leading wildcards.
    assert_eq!(f.ids(&wildcard("name", "*-levels")), ids(&["d1"]));
    assert_eq!(f.ids(&wildcard("name", "*box")), ids(&["d6", "d7"]));
    assert_eq!(f.ids(&wildcard("name", "?ir-Quality")), ids(&["d4"]));
    // Escaped wildcards are literals.
    assert_eq!(f.ids(&wildcard("name", "river\\*")), ids(&[]));
    // Dynamic string fields.
    assert_eq!(f.ids(&wildcard("owner_org", "org-*")), ids(&["d1"]));
    assert_eq!(f.ids(&wildcard("vocab_topics", "Riv*")), ids(&["d1"]));
}

#[test]
fn wildcards_on_text_fields_match_normalised_analysed_terms() {
    let f = fixture();
    // Lowercased, then matched against the stemmed terms ("hospit").
    assert_eq!(f.ids(&wildcard("title", "HOSP*")), ids(&["d2"]));
    assert_eq!(f.ids(&wildcard("title", "riv?r")), ids(&["d1"]));
    assert_eq!(f.ids(&wildcard("notes", "*otspot")), ids(&["d5"]));
    // Stemming does not apply to the pattern: "hospitals" is not an indexed term.
    assert_eq!(f.ids(&wildcard("notes", "hospitals*")), ids(&[]));
    assert_eq!(f.ids(&wildcard("extras_theme", "ENV*")), ids(&["d1"]));
    // Constant score.
    for (_, score) in f.ranked(&wildcard("notes", "*")) {
        assert_eq!(score, 1.0);
    }
}

#[test]
fn wildcards_on_numbers_and_dates() {
    let f = fixture();
    assert_eq!(
        f.error(&wildcard("views_total", "1*")),
        "Can't run prefix queries on numeric fields"
    );
    assert_eq!(
        f.error(&wildcard("metadata_modified", "2021*")),
        "Can't run prefix queries on numeric fields"
    );
    assert_eq!(f.ids(&wildcard("views_total", "1?")), ids(&[]));
    assert_eq!(
        f.ids(&wildcard("views_total", "*")),
        ids(&["d1", "d2", "d4"])
    );
}

#[test]
fn fuzzy_terms() {
    let f = fixture();
    // String fields: raw, case-sensitive terms; a case change is an edit.
    assert_eq!(f.ids(&fuzzy("tags", "Roan", 1)), ids(&["d5"]));
    assert_eq!(f.ids(&fuzzy("tags", "roam", 1)), ids(&["d5"]));
    assert_eq!(f.ids(&fuzzy("tags", "roan", 1)), ids(&[]));
    assert_eq!(f.ids(&fuzzy("tags", "roan", 2)), ids(&["d5"]));
    // Transpositions cost one edit.
    assert_eq!(f.ids(&fuzzy("tags", "Haelth", 1)), ids(&["d1"]));
    // Text fields: the normalised term against the analysed ("hospit") terms.
    assert_eq!(f.ids(&fuzzy("notes", "HOSPITL", 1)), ids(&["d1", "d2"]));
    assert_eq!(f.ids(&fuzzy("notes", "hospital", 0)), ids(&[]));
    // Dynamic fields: the edit distance never reaches into the key, so `extras_them`
    // does not find `extras_theme` (nor `extras_themes`).
    assert_eq!(f.ids(&fuzzy("extras_theme", "helth", 1)), ids(&["d2"]));
    assert_eq!(f.ids(&fuzzy("extras_them", "health", 1)), ids(&[]));
    assert_eq!(f.ids(&fuzzy("extras_themes", "heath", 1)), ids(&["d5"]));
    assert_eq!(f.ids(&fuzzy("owner_org", "org-b", 1)), ids(&["d1"]));
    // Numbers have no terms to be near.
    assert_eq!(f.ids(&fuzzy("views_total", "10", 1)), ids(&[]));
}

#[test]
fn existence_on_every_kind_of_field() {
    let f = fixture();
    // Explicit string field: the empty string is a value.
    assert_eq!(f.ids(&exists("version")), ids(&["d1", "d3"]));
    assert_eq!(f.ids(&exists("tags")), ids(&["d1", "d2", "d3", "d5"]));
    // Explicit text fields: d7's notes (" - ") analyse to no token, so they do not count.
    assert_eq!(
        f.ids(&exists("title")),
        ids(&["d1", "d2", "d3", "d4", "d5", "d6", "d7"])
    );
    assert_eq!(
        f.ids(&exists("notes")),
        ids(&["d1", "d2", "d3", "d4", "d5"])
    );
    // Numbers and dates.
    assert_eq!(f.ids(&exists("views_total")), ids(&["d1", "d2", "d4"]));
    assert_eq!(f.ids(&exists("maxx")), ids(&["d1", "d2", "d4", "d6", "d7"]));
    assert_eq!(
        f.ids(&exists("metadata_modified")),
        ids(&["d1", "d2", "d3", "d4", "d5", "d6", "d7"])
    );
    // Dynamic fields of every kind.
    assert_eq!(f.ids(&exists("issued_date")), ids(&["d1", "d2"]));
    assert_eq!(f.ids(&exists("owner_org")), ids(&["d1", "d3"]));
    assert_eq!(f.ids(&exists("vocab_topics")), ids(&["d1"]));
    assert_eq!(
        f.ids(&exists("extras_harvest_object_id")),
        ids(&["d1", "d4"])
    );
    assert_eq!(f.ids(&exists("extras_theme")), ids(&["d1", "d2"]));
    assert_eq!(f.ids(&exists("no_such_field")), ids(&[]));
    assert_eq!(
        f.error(&exists("data_dict")),
        "can not search on field data_dict: not indexed"
    );
}

#[test]
fn negated_existence_is_all_minus_the_field() {
    let f = fixture();
    assert_eq!(
        f.ids(&not(exists("extras_harvest_object_id"))),
        ids(&["d2", "d3", "d5", "d6", "d7"])
    );
    assert_eq!(
        f.ids(&not(wildcard("extras_harvest_object_id", "*"))),
        ids(&["d2", "d3", "d5", "d6", "d7"])
    );
    assert_eq!(f.ids(&not(exists("metadata_modified"))), ids(&[]));
}

#[test]
fn cached_existence_follows_commits_and_deletes() {
    use ckan_search_indexer::analysis::AnalysisConfig;
    use ckan_search_indexer::document::SolrDocument;
    use ckan_search_indexer::schema::CkanSchema;
    use serde_json::json;
    use tantivy::{Index, IndexWriter, Term};

    let schema = CkanSchema::new();
    let index = Index::create_in_ram(schema.tantivy_schema().clone());
    schema.register_analyzers(&index, &AnalysisConfig::default());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    let add = |writer: &IndexWriter, id: &str, harvested: bool| {
        let mut doc = json!({"id": id, "index_id": format!("index-{id}"), "site_id": "default"});
        if harvested {
            doc["extras_harvest_object_id"] = json!(format!("{id}-0b3e-4c1d"));
        }
        let map = doc.as_object().cloned().unwrap_or_default();
        let doc = schema.to_tantivy(&SolrDocument(map), 0, 1).expect("valid");
        writer.add_document(doc.doc).expect("added");
    };
    add(&writer, "h1", true);
    add(&writer, "p1", false);
    writer.commit().expect("commit");
    let f = super::Fixture {
        reader: index.reader().expect("reader"),
        schema: CkanSchema::new(),
        index: index.clone(),
    };
    for _ in 0..2 {
        // The second time from the per-segment cache.
        assert_eq!(f.ids(&exists("extras_harvest_object_id")), ids(&["h1"]));
        assert_eq!(
            f.ids(&not(exists("extras_harvest_object_id"))),
            ids(&["p1"])
        );
    }
    // A delete in the cached segment and a new segment with the key.
    let index_id = schema.explicit_field("index_id").expect("index_id");
    writer.delete_term(Term::from_field_text(index_id, "index-h1"));
    add(&writer, "h2", true);
    writer.commit().expect("commit");
    f.reader.reload().expect("reload");
    assert_eq!(f.ids(&exists("extras_harvest_object_id")), ids(&["h2"]));
    assert_eq!(
        f.ids(&not(exists("extras_harvest_object_id"))),
        ids(&["p1"])
    );
}
