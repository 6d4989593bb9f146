//! `field:value` and `field:"phrase"` on string, text, typed and dynamic fields.

use super::{fixture, ids, term, term_op};
use crate::ast::{BoolQuery, PhraseQuery, QueryAst, TokenOperator};

fn phrase(field: &str, text: &str, slop: u32) -> QueryAst {
    QueryAst::Phrase(PhraseQuery {
        field: field.into(),
        text: text.into(),
        slop,
    })
}

#[test]
fn string_fields_match_the_exact_case_sensitive_value() {
    let f = fixture();
    assert_eq!(f.ids(&term("tags", "Health")), ids(&["d1"]));
    assert_eq!(f.ids(&term("tags", "health")), ids(&["d2"]));
    assert_eq!(f.ids(&term("name", "river-levels")), ids(&["d1"]));
    assert_eq!(f.ids(&term("name", "river")), ids(&[]));
    assert_eq!(f.ids(&term("license_id", "OGL-UK-3.0")), ids(&["d1", "d4"]));
    // Dynamic string fields (`vocab_*`, and `*` for any other name).
    assert_eq!(f.ids(&term("vocab_topics", "Rivers")), ids(&["d1"]));
    assert_eq!(f.ids(&term("vocab_topics", "rivers")), ids(&[]));
    assert_eq!(f.ids(&term("owner_org", "org-a")), ids(&["d1"]));
    assert_eq!(f.ids(&term("owner_org", "")), ids(&["d3"]));
}

#[test]
fn text_fields_analyse_with_the_query_analyser() {
    let f = fixture();
    // Stemming: "hospital" finds "Hospitals"; case is folded.
    assert_eq!(f.ids(&term("notes", "hospital")), ids(&["d1", "d2"]));
    assert_eq!(f.ids(&term("title", "HOSPITALS")), ids(&["d2"]));
    assert_eq!(f.ids(&term("notes", "rivers")), ids(&["d1", "d4"]));
    // Dynamic text fields (`extras_*`) use the same analyser.
    assert_eq!(f.ids(&term("extras_theme", "environments")), ids(&["d1"]));
    assert_eq!(f.ids(&term("extras_theme", "HEALTH")), ids(&["d2"]));
    // The catch-all `text` field gets the copies.
    assert_eq!(f.ids(&term("text", "gauges")), ids(&["d1"]));
}

#[test]
fn several_tokens_combine_with_the_operator() {
    let f = fixture();
    let and = term_op("notes", "river hospitals", TokenOperator::And);
    assert_eq!(f.ids(&and), ids(&["d1"]));
    let or = term_op("notes", "river hospitals", TokenOperator::Or);
    assert_eq!(f.ids(&or), ids(&["d1", "d2", "d4"]));
    // Word-delimiter parts are positions too: river-gauges → river, gaug.
    let split = term_op("notes", "river-gauges", TokenOperator::And);
    assert_eq!(f.ids(&split), ids(&["d1"]));
}

#[test]
fn synonyms_and_multi_word_synonyms() {
    let f = fixture();
    // GB, gib, gigabyte, gigabytes: one position, any alternative matches.
    assert_eq!(f.ids(&term("notes", "gigabytes")), ids(&["d4"]));
    // uk ⇔ united kingdom: a side path; with AND the path's words are all required.
    assert_eq!(
        f.ids(&term_op("notes", "uk", TokenOperator::And)),
        ids(&["d3"])
    );
    assert_eq!(
        f.ids(&term_op("notes", "uk archive", TokenOperator::And)),
        ids(&["d3"])
    );
    assert_eq!(f.ids(&phrase("notes", "uk data", 0)), ids(&["d3"]));
    assert_eq!(
        f.ids(&phrase("notes", "10 gigabyte archive", 0)),
        ids(&["d4"])
    );
}

#[test]
fn no_token_means_no_clause() {
    let f = fixture();
    // Alone, a query that analyses to nothing matches nothing.
    assert_eq!(f.ids(&term("notes", "-")), ids(&[]));
    // In a boolean query the clause is dropped, as Lucene's QueryBuilder returns null.
    let both = QueryAst::Bool(BoolQuery {
        must: vec![term("notes", "-"), term("tags", "Health")],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&both), ids(&["d1"]));
}

#[test]
fn phrases_need_order_and_proximity() {
    let f = fixture();
    assert_eq!(f.ids(&phrase("notes", "river gauges", 0)), ids(&["d1"]));
    assert_eq!(f.ids(&phrase("notes", "gauges river", 0)), ids(&[]));
    // "Hospitals and river gauges": two positions apart.
    assert_eq!(f.ids(&phrase("notes", "hospitals gauges", 1)), ids(&[]));
    assert_eq!(f.ids(&phrase("notes", "hospitals gauges", 2)), ids(&["d1"]));
    // Reversed order costs 2 more.
    assert_eq!(f.ids(&phrase("notes", "gauges river", 2)), ids(&["d1"]));
    // The index also holds the catenation "wifi" at "wi"'s position: the phrase still
    // matches on the parts.
    assert_eq!(f.ids(&phrase("notes", "wi-fi hotspots", 0)), ids(&["d5"]));
    assert_eq!(f.ids(&phrase("notes", "free wi-fi", 0)), ids(&["d5"]));
    // A one-token phrase is a term.
    assert_eq!(f.ids(&phrase("title", "Hospital", 0)), ids(&["d2"]));
    // On dynamic text fields too.
    assert_eq!(
        f.ids(&phrase("extras_harvest_object_id", "abc 123", 0)),
        ids(&["d1"])
    );
}

#[test]
fn phrases_on_string_fields_are_the_exact_value() {
    let f = fixture();
    assert_eq!(f.ids(&phrase("name", "river-levels", 0)), ids(&["d1"]));
    assert_eq!(
        f.ids(&phrase("site_id", "default", 0)),
        ids(&["d1", "d2", "d5", "d6", "d7"])
    );
    assert_eq!(f.ids(&phrase("title_string", "River levels", 0)), ids(&[]));
}

#[test]
fn typed_fields_parse_the_value() {
    let f = fixture();
    assert_eq!(
        f.ids(&term("metadata_modified", "2021-06-10T10:00:00Z")),
        ids(&["d1"])
    );
    assert_eq!(
        f.ids(&phrase("metadata_modified", "2021-06-10T10:00:00Z", 0)),
        ids(&["d1"])
    );
    assert_eq!(
        f.ids(&term("metadata_modified", "NOW/DAY-5DAYS+10HOURS")),
        ids(&["d1"])
    );
    assert_eq!(
        f.ids(&term("issued_date", "2021-06-01T00:00:00Z")),
        ids(&["d1"])
    );
    assert_eq!(f.ids(&term("views_total", "10")), ids(&["d1"]));
    assert_eq!(f.ids(&term("minx", "-2")), ids(&["d1"]));
    assert_eq!(f.ids(&term("minx", "-1.0")), ids(&["d4"]));
    // Point matches are constant-scoring.
    assert_eq!(f.score(&term("views_total", "10"), "d1"), 1.0);
}

#[test]
fn bad_values_and_unsearchable_fields_are_400s() {
    let f = fixture();
    assert_eq!(
        f.error(&term("metadata_modified", "yesterday")),
        "Invalid Date String:'yesterday'"
    );
    assert_eq!(
        f.error(&term("issued_date", "2021-02-30T00:00:00Z")),
        "Invalid Date in Date Math String:'2021-02-30T00:00:00Z'"
    );
    assert_eq!(
        f.error(&term("metadata_modified", "NOW+1WEEK")),
        "Invalid Date Math String:'NOW+1WEEK'"
    );
    assert_eq!(
        f.error(&term("views_total", "many")),
        "Invalid Number: many for field views_total"
    );
    assert_eq!(
        f.error(&term("views_total", "1.5")),
        "Invalid Number: 1.5 for field views_total"
    );
    assert_eq!(
        f.error(&term("maxx", "east")),
        "Invalid Number: east for field maxx"
    );
    assert_eq!(
        f.error(&term("data_dict", "x")),
        "can not search on field data_dict: not indexed"
    );
    assert_eq!(
        f.error(&phrase("validated_data_dict", "x", 0)),
        "can not search on field validated_data_dict: not indexed"
    );
}

#[test]
fn text_scores_rank_by_bm25() {
    let f = fixture();
    // "hospital" once in a short title beats once in longer notes.
    let q = QueryAst::Bool(BoolQuery {
        should: vec![term("title", "hospital"), term("notes", "hospital")],
        ..BoolQuery::default()
    });
    assert_eq!(f.order(&q), ["d2", "d1"]);
}
