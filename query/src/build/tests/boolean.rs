//! Boolean structure, pure negatives, `mm`, dismax, boosts and constant scores.

use super::{assert_close, fixture, ids, term};
use crate::ast::{BoolQuery, DisMaxQuery, QueryAst};

fn all_ids() -> Vec<String> {
    ids(&["d1", "d2", "d3", "d4", "d5", "d6", "d7"])
}

fn should(clauses: Vec<QueryAst>, mm: Option<usize>) -> QueryAst {
    QueryAst::Bool(BoolQuery {
        should: clauses,
        minimum_should_match: mm,
        ..BoolQuery::default()
    })
}

fn boost(q: QueryAst, boost: f32) -> QueryAst {
    QueryAst::Boost {
        query: Box::new(q),
        boost,
    }
}

#[test]
fn match_all_and_none() {
    let f = fixture();
    assert_eq!(f.ids(&QueryAst::MatchAll), all_ids());
    assert_eq!(f.ids(&QueryAst::MatchNone), ids(&[]));
}

#[test]
fn must_should_must_not_and_filter() {
    let f = fixture();
    let q = QueryAst::Bool(BoolQuery {
        must: vec![term("notes", "river")],
        must_not: vec![term("tags", "Health")],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&q), ids(&["d4"]));
    let q = QueryAst::Bool(BoolQuery {
        must: vec![term("notes", "river")],
        should: vec![term("title", "air")],
        ..BoolQuery::default()
    });
    // With a required clause, optional clauses only score.
    assert_eq!(f.ids(&q), ids(&["d1", "d4"]));
    assert_eq!(f.order(&q), ["d4", "d1"]);
    // A filter restricts without scoring.
    let filtered = QueryAst::Bool(BoolQuery {
        must: vec![term("notes", "river")],
        filter: vec![term("site_id", "default")],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&filtered), ids(&["d1"]));
    assert_close(
        f.score(&filtered, "d1"),
        f.score(&term("notes", "river"), "d1"),
    );
    let only_filter = QueryAst::Bool(BoolQuery {
        filter: vec![term("site_id", "default")],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&only_filter), ids(&["d1", "d2", "d5", "d6", "d7"]));
}

#[test]
fn pure_negative_queries_subtract_from_everything() {
    let f = fixture();
    let q = QueryAst::Bool(BoolQuery {
        must_not: vec![term("tags", "Health")],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&q), ids(&["d2", "d3", "d4", "d5", "d6", "d7"]));
    // Nested too (`+site_id:default +(-tags:Health)`).
    let nested = QueryAst::Bool(BoolQuery {
        must: vec![term("site_id", "default"), q],
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&nested), ids(&["d2", "d5", "d6", "d7"]));
}

#[test]
fn minimum_should_match() {
    let f = fixture();
    let clauses = || {
        vec![
            term("notes", "river"),
            term("notes", "hospital"),
            term("notes", "north"),
        ]
    };
    assert_eq!(f.ids(&should(clauses(), None)), ids(&["d1", "d2", "d4"]));
    assert_eq!(f.ids(&should(clauses(), Some(1))), ids(&["d1", "d2", "d4"]));
    assert_eq!(f.ids(&should(clauses(), Some(2))), ids(&["d1"]));
    assert_eq!(f.ids(&should(clauses(), Some(3))), ids(&["d1"]));
    // mm counts only the clauses left after analysis (Solr clamps it).
    let mut with_empty = clauses();
    with_empty.push(term("notes", "-"));
    assert_eq!(f.ids(&should(with_empty, Some(4))), ids(&["d1"]));
    // With a required clause, mm still applies to the optional ones.
    let q = QueryAst::Bool(BoolQuery {
        must: vec![term("site_id", "default")],
        should: clauses(),
        minimum_should_match: Some(2),
        ..BoolQuery::default()
    });
    assert_eq!(f.ids(&q), ids(&["d1"]));
}

#[test]
fn dismax_takes_the_best_field_plus_tie() {
    let f = fixture();
    let dismax = |tie: f32| {
        QueryAst::DisMax(DisMaxQuery {
            disjuncts: vec![term("title", "river"), term("notes", "river")],
            tie,
        })
    };
    let title = f.score(&term("title", "river"), "d1");
    let notes = f.score(&term("notes", "river"), "d1");
    let (best, other) = if title > notes {
        (title, notes)
    } else {
        (notes, title)
    };
    assert_close(f.score(&dismax(0.0), "d1"), best);
    assert_close(f.score(&dismax(0.1), "d1"), best + 0.1 * other);
    assert_close(f.score(&dismax(1.0), "d1"), title + notes);
    assert_eq!(f.ids(&dismax(0.1)), ids(&["d1", "d4"]));
    // A disjunct that analyses to nothing is dropped.
    let q = QueryAst::DisMax(DisMaxQuery {
        disjuncts: vec![term("title", "-"), term("name", "bus-stops")],
        tie: 0.1,
    });
    assert_eq!(f.ids(&q), ids(&["d3"]));
}

#[test]
fn boosts_change_the_order() {
    let f = fixture();
    let plain = should(
        vec![term("title", "hospital"), term("notes", "river")],
        None,
    );
    let favour_river = should(
        vec![
            term("title", "hospital"),
            boost(term("notes", "river"), 20.0),
        ],
        None,
    );
    assert_eq!(f.order(&plain)[0], "d2");
    assert_ne!(f.order(&favour_river)[0], "d2");
    assert_close(
        f.score(&boost(term("title", "river"), 3.0), "d1"),
        3.0 * f.score(&term("title", "river"), "d1"),
    );
}

#[test]
fn constant_scores() {
    let f = fixture();
    let q = QueryAst::ConstScore {
        query: Box::new(term("notes", "river")),
        score: 2.5,
    };
    assert_eq!(
        f.ranked(&q),
        [("d1".to_string(), 2.5), ("d4".to_string(), 2.5)]
    );
}
