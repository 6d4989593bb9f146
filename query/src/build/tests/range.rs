//! `field:[a TO b}` on every kind of field.

use super::{fixture, ids};
use crate::ast::{QueryAst, RangeBound, RangeQuery};

fn bound(text: &str) -> RangeBound {
    match text {
        "*" => RangeBound::Unbounded,
        t => match t.strip_prefix('{') {
            Some(v) => RangeBound::Excluded(v.to_string()),
            None => RangeBound::Included(t.to_string()),
        },
    }
}

/// `range("f", "a", "{b")`: an inclusive `a`, an exclusive `b`; `*` is open.
fn range(field: &str, lower: &str, upper: &str) -> QueryAst {
    QueryAst::Range(RangeQuery {
        field: field.into(),
        lower: bound(lower),
        upper: bound(upper),
    })
}

#[test]
fn string_ranges_compare_raw_terms() {
    let f = fixture();
    // Byte order: upper case sorts before lower case.
    assert_eq!(f.ids(&range("name", "a", "c")), ids(&["d3"]));
    assert_eq!(f.ids(&range("name", "*", "{b")), ids(&["d4"]));
    assert_eq!(
        f.ids(&range("name", "{bus-stops", "hospital-waiting-times")),
        ids(&["d2", "d6", "d7"])
    );
    assert_eq!(
        f.ids(&range("name", "bus-stops", "{exact-box")),
        ids(&["d3", "d7"])
    );
    assert_eq!(f.ids(&range("tags", "Health", "Roam")), ids(&["d1", "d5"]));
    // Dynamic string fields.
    assert_eq!(f.ids(&range("vocab_topics", "a", "g")), ids(&["d1"]));
}

#[test]
fn empty_lower_bound_means_has_a_value() {
    let f = fixture();
    // On a `*` string field the empty string is a value.
    assert_eq!(f.ids(&range("owner_org", "", "*")), ids(&["d1", "d3"]));
    assert_eq!(f.ids(&range("version", "", "*")), ids(&["d1", "d3"]));
    // On an `extras_*` text field only tokens count: an empty extra has none.
    assert_eq!(f.ids(&range("extras_theme", "", "*")), ids(&["d1", "d2"]));
    assert_eq!(
        f.ids(&range("extras_harvest_object_id", "", "*")),
        ids(&["d1", "d4"])
    );
    assert_eq!(
        f.ids(&range("notes", "", "*")),
        ids(&["d1", "d2", "d3", "d4", "d5"])
    );
}

#[test]
fn text_ranges_compare_normalised_terms() {
    let f = fixture();
    assert_eq!(f.ids(&range("title", "RIVER", "RIVER")), ids(&["d1"]));
    assert_eq!(f.ids(&range("title", "a", "{b")), ids(&["d4"]));
    assert_eq!(f.ids(&range("extras_theme", "E", "F")), ids(&["d1"]));
}

#[test]
fn date_ranges_use_date_math() {
    let f = fixture();
    let recent = range("metadata_modified", "NOW-7DAY/DAY", "NOW");
    assert_eq!(f.ids(&recent), ids(&["d1", "d2", "d4"]));
    let since = range("metadata_modified", "2021-06-01T00:00:00Z", "*");
    assert_eq!(f.ids(&since), ids(&["d1", "d2", "d4"]));
    let after_d1 = range("metadata_modified", "{2021-06-10T10:00:00Z", "*");
    assert_eq!(f.ids(&after_d1), ids(&["d2", "d4"]));
    let before_d1 = range(
        "metadata_modified",
        "2019-01-01T00:00:00Z",
        "{2021-06-10T10:00:00Z",
    );
    assert_eq!(f.ids(&before_d1), ids(&["d3", "d5"]));
    assert_eq!(
        f.ids(&range("metadata_modified", "*", "NOW-1YEAR")),
        ids(&["d3", "d5", "d6", "d7"])
    );
    // Dynamic `*_date` fields.
    assert_eq!(
        f.ids(&range("issued_date", "2021-01-01T00:00:00Z", "*")),
        ids(&["d1"])
    );
    assert_eq!(
        f.ids(&range("issued_date", "*", "{2021-06-01T00:00:00Z")),
        ids(&["d2"])
    );
    assert_eq!(f.ids(&range("issued_date", "*", "NOW")), ids(&["d1", "d2"]));
}

#[test]
fn date_ranges_follow_the_time_zone() {
    let f = fixture();
    let today = range("metadata_modified", "NOW/DAY", "*");
    assert_eq!(f.ids(&today), ids(&["d4"]));
    // In London (UTC+1 in June) today started at 23:00 UTC yesterday.
    let london = f.ctx_tz(Some("Europe/London"));
    assert_eq!(f.ids_with(&today, &london), ids(&["d2", "d4"]));
}

#[test]
fn number_ranges() {
    let f = fixture();
    assert_eq!(f.ids(&range("views_total", "5", "*")), ids(&["d1", "d4"]));
    assert_eq!(f.ids(&range("views_total", "{7", "10")), ids(&["d1"]));
    assert_eq!(f.ids(&range("views_total", "*", "{7")), ids(&["d2"]));
    assert_eq!(f.ids(&range("minx", "-2", "-1")), ids(&["d1", "d4"]));
    assert_eq!(f.ids(&range("minx", "{-2", "{0.5")), ids(&["d4"]));
    assert_eq!(f.ids(&range("maxy", "53.5", "*")), ids(&["d4", "d6", "d7"]));
}

#[test]
fn open_ranges_are_existence() {
    let f = fixture();
    assert_eq!(
        f.ids(&range("views_total", "*", "*")),
        ids(&["d1", "d2", "d4"])
    );
    assert_eq!(
        f.ids(&range("extras_harvest_object_id", "*", "*")),
        ids(&["d1", "d4"])
    );
}

#[test]
fn ranges_are_constant_scoring() {
    let f = fixture();
    for (_, score) in f.ranked(&range("name", "a", "z")) {
        assert_eq!(score, 1.0);
    }
    for (_, score) in f.ranked(&range("views_total", "0", "*")) {
        assert_eq!(score, 1.0);
    }
}

#[test]
fn bad_bounds_are_400s() {
    let f = fixture();
    assert_eq!(
        f.error(&range("metadata_modified", "last week", "NOW")),
        "Invalid Date String:'last week'"
    );
    assert_eq!(
        f.error(&range("views_total", "1", "lots")),
        "Invalid Number: lots for field views_total"
    );
    assert_eq!(
        f.error(&range("data_dict", "a", "b")),
        "can not search on field data_dict: not indexed"
    );
}
