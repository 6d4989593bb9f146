//! Function queries (`{!func}`, `bf`), `{!frange}` and multiplicative boosts.

use super::{assert_close, fixture, ids, term};
use crate::ast::{FuncExpr, FunctionRange, QueryAst};

fn c(v: f64) -> FuncExpr {
    FuncExpr::Const(v)
}

fn field(name: &str) -> FuncExpr {
    FuncExpr::Field(name.into())
}

fn call(name: &str, args: Vec<FuncExpr>) -> FuncExpr {
    FuncExpr::Call {
        name: name.into(),
        args,
    }
}

fn func(f: FuncExpr) -> QueryAst {
    QueryAst::Function(f)
}

fn frange(f: FuncExpr, lower: Option<f64>, upper: Option<f64>, incl: bool, incu: bool) -> QueryAst {
    QueryAst::FunctionRange(FunctionRange {
        function: f,
        lower,
        upper,
        include_lower: incl,
        include_upper: incu,
    })
}

/// ckanext-spatial's `solr-bbox` formula for a query box, as `ext_bbox` builds it:
/// 2·overlap / (query area + document area).
fn spatial(qminx: f64, qminy: f64, qmaxx: f64, qmaxy: f64) -> FuncExpr {
    let area = (qmaxx - qminx).abs() * (qmaxy - qminy).abs();
    let overlap = |qmin: f64, qmax: f64, min: &str, max: &str| {
        call(
            "max",
            vec![
                c(0.0),
                call(
                    "sub",
                    vec![
                        call("min", vec![c(qmax), field(max)]),
                        call("max", vec![c(qmin), field(min)]),
                    ],
                ),
            ],
        )
    };
    call(
        "div",
        vec![
            call(
                "mul",
                vec![
                    call(
                        "mul",
                        vec![
                            overlap(qminx, qmaxx, "minx", "maxx"),
                            overlap(qminy, qmaxy, "miny", "maxy"),
                        ],
                    ),
                    c(2.0),
                ],
            ),
            call(
                "add",
                vec![
                    c(area),
                    call(
                        "mul",
                        vec![
                            call("sub", vec![field("maxy"), field("miny")]),
                            call("sub", vec![field("maxx"), field("minx")]),
                        ],
                    ),
                ],
            ),
        ],
    )
}

#[test]
fn function_queries_score_every_document_by_the_value() {
    let f = fixture();
    let ranked = f.ranked(&func(field("views_total")));
    assert_eq!(ranked.len(), 7);
    assert_eq!(&ranked[0], &("d1".to_string(), 10.0));
    assert_eq!(&ranked[1], &("d4".to_string(), 7.0));
    assert_eq!(&ranked[2], &("d2".to_string(), 3.0));
    // Missing values are 0; negative values score 0.
    assert_eq!(ranked[3].1, 0.0);
    assert_eq!(f.score(&func(field("minx")), "d1"), 0.0);
    assert_eq!(f.score(&func(call("abs", vec![field("minx")])), "d1"), 2.0);
}

#[test]
fn arithmetic_follows_solr() {
    let f = fixture();
    let value = |expr: FuncExpr| f.score(&func(expr), "d1"); // views_total 10, minx -2
    assert_eq!(
        value(call("sum", vec![field("views_total"), c(2.0), c(3.0)])),
        15.0
    );
    assert_eq!(value(call("add", vec![field("views_total"), c(2.0)])), 12.0);
    assert_eq!(
        value(call("product", vec![field("views_total"), c(2.0)])),
        20.0
    );
    assert_eq!(value(call("mul", vec![field("views_total"), c(0.5)])), 5.0);
    assert_eq!(value(call("sub", vec![field("views_total"), c(4.0)])), 6.0);
    assert_eq!(value(call("div", vec![field("views_total"), c(4.0)])), 2.5);
    assert_eq!(value(call("div", vec![field("views_total"), c(0.0)])), 0.0);
    assert_eq!(value(call("max", vec![field("minx"), c(1.5)])), 1.5);
    assert_eq!(
        value(call("min", vec![field("views_total"), c(4.0), c(6.0)])),
        4.0
    );
    assert_eq!(value(call("abs", vec![field("minx")])), 2.0);
    assert_eq!(value(call("log", vec![field("views_total")])), 1.0);
    assert_eq!(value(call("sqrt", vec![c(16.0)])), 4.0);
    assert_eq!(value(call("pow", vec![c(2.0), c(10.0)])), 1024.0);
    assert_eq!(
        value(call(
            "recip",
            vec![field("views_total"), c(1.0), c(5.0), c(10.0)]
        )),
        0.25
    );
    assert_eq!(
        value(call("linear", vec![field("views_total"), c(2.0), c(1.0)])),
        21.0
    );
    assert_close(value(call("div", vec![c(1.0), c(3.0)])), 1.0f32 / 3.0f32);
}

#[test]
fn max_and_min_skip_missing_values() {
    let f = fixture();
    // d3 has no views: `max(views_total, -1)` ignores the missing value (Lucene), so -1 →
    // scored 0; `sum(views_total, 1)` reads the missing value as 0.
    let sum = func(call("sum", vec![field("views_total"), c(1.0)]));
    assert_eq!(f.score(&sum, "d3"), 1.0);
    let in_range =
        |expr: FuncExpr, l: f64, u: f64| f.ids(&frange(expr, Some(l), Some(u), true, true));
    assert_eq!(
        in_range(call("max", vec![field("views_total"), c(-1.0)]), -1.0, -1.0),
        ids(&["d3", "d5", "d6", "d7"])
    );
    assert_eq!(
        in_range(
            call("min", vec![field("views_total"), c(100.0)]),
            100.0,
            100.0
        ),
        ids(&["d3", "d5", "d6", "d7"])
    );
}

#[test]
fn frange_selects_documents_whose_value_exists_and_is_in_range() {
    let f = fixture();
    let views = || field("views_total");
    assert_eq!(
        f.ids(&frange(views(), Some(5.0), None, true, true)),
        ids(&["d1", "d4"])
    );
    assert_eq!(
        f.ids(&frange(views(), Some(3.0), Some(10.0), false, false)),
        ids(&["d4"])
    );
    // A document without the value never matches, even with bounds around 0.
    assert_eq!(
        f.ids(&frange(views(), Some(-1.0), Some(1.0), true, true)),
        ids(&[])
    );
    assert_eq!(
        f.ids(&frange(views(), None, None, true, true)),
        ids(&["d1", "d2", "d4"])
    );
    // Constant score.
    for (_, score) in f.ranked(&frange(views(), None, None, true, true)) {
        assert_eq!(score, 1.0);
    }
}

#[test]
fn spatial_bbox_search_selects_overlapping_boxes() {
    let f = fixture();
    // ext_bbox=-3,50,0.5,53.5
    let formula = spatial(-3.0, 50.0, 0.5, 53.5);
    // `{!frange incl=false l=0 u=1}<formula>`: d1 inside, d4 partly, d6 equal (value 1);
    // d7 only touches the edge (overlap 0), d2 is elsewhere, d3 d5 have no box.
    let filter = frange(formula.clone(), Some(0.0), Some(1.0), false, true);
    assert_eq!(f.ids(&filter), ids(&["d1", "d4", "d6"]));
    // `bf=<formula>`: the closer the box, the higher.
    let scored = QueryAst::Bool(crate::ast::BoolQuery {
        must: vec![func(formula.clone())],
        filter: vec![filter],
        ..Default::default()
    });
    let ranked = f.ranked(&scored);
    let order: Vec<&str> = ranked.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order, ["d6", "d1", "d4"]);
    assert_eq!(ranked[0].1, 1.0);
    // 2·(2·2)/(3.5·3.5 + 2·2)
    assert_close(ranked[1].1, 8.0 / 16.25);
    // 2·(1.5·1.5)/(12.25 + 2·2)
    assert_close(ranked[2].1, 4.5 / 16.25);
    // A box around the whole world takes every box, and none of the box-less.
    let world = frange(
        spatial(-180.0, -90.0, 180.0, 90.0),
        Some(0.0),
        Some(1.0),
        false,
        true,
    );
    assert_eq!(f.ids(&world), ids(&["d1", "d2", "d4", "d6", "d7"]));
}

#[test]
fn boost_multiplies_the_score() {
    let f = fixture();
    let q = term("notes", "river");
    let boosted = QueryAst::Boosted {
        query: Box::new(q.clone()),
        boost: field("views_total"),
    };
    assert_eq!(f.ids(&boosted), ids(&["d1", "d4"]));
    assert_close(f.score(&boosted, "d1"), 10.0 * f.score(&q, "d1"));
    assert_close(f.score(&boosted, "d4"), 7.0 * f.score(&q, "d4"));
    // Where the function has no value the score is kept; a negative product scores 0.
    let by_maxx = |q: QueryAst| QueryAst::Boosted {
        query: Box::new(q),
        boost: field("maxx"),
    };
    let bus = term("notes", "bus");
    assert_close(f.score(&by_maxx(bus.clone()), "d3"), f.score(&bus, "d3"));
    let minus = QueryAst::Boosted {
        query: Box::new(q),
        boost: field("minx"),
    };
    assert_eq!(f.score(&minus, "d1"), 0.0);
}

#[test]
fn ms_and_recency_boosts() {
    let f = fixture();
    let age = || call("ms", vec![field("NOW"), field("metadata_modified")]);
    // Modified within the last day (86,400,000 ms).
    assert_eq!(
        f.ids(&frange(age(), Some(0.0), Some(86_400_000.0), true, true)),
        ids(&["d2", "d4"])
    );
    // recip(ms(NOW,metadata_modified),3.16e-11,1,1): the newer, the higher.
    let recency = func(call("recip", vec![age(), c(3.16e-11), c(1.0), c(1.0)]));
    assert_eq!(
        f.order(&recency),
        ["d4", "d2", "d1", "d3", "d5", "d6", "d7"]
    );
    // ms(a,b) subtracts exactly in milliseconds before the float; ms(a) alone is a float
    // of epoch milliseconds (so differences of two ms(a) lose precision, as in Solr).
    let d1 = func(call(
        "ms",
        vec![field("metadata_modified"), field("2021-06-10T00:00:00Z")],
    ));
    assert_eq!(f.score(&d1, "d1"), 36_000_000.0);
    let rounded = func(call(
        "sub",
        vec![
            call("ms", vec![field("metadata_modified")]),
            call("ms", vec![field("2021-06-10T00:00:00Z")]),
        ],
    ));
    assert_eq!(
        f.score(&rounded, "d1"),
        1_623_319_200_000f64 as f32 - 1_623_283_200_000f64 as f32
    );
    assert_eq!(
        f.score(&func(call("ms", vec![])), "d1"),
        1_623_764_730_000f64 as f32
    );
    let now_minus_day = func(call("ms", vec![field("NOW"), field("NOW-1DAY")]));
    assert_eq!(f.score(&now_minus_day, "d1"), 86_400_000.0);
    // Dynamic `*_date` fields work too.
    let issued = frange(
        call(
            "ms",
            vec![field("issued_date"), field("2021-01-01T00:00:00Z")],
        ),
        Some(0.0),
        None,
        true,
        true,
    );
    assert_eq!(f.ids(&issued), ids(&["d1"]));
}

#[test]
fn bad_functions_are_400s() {
    let f = fixture();
    assert_eq!(
        f.error(&func(call("foo", vec![c(1.0)]))),
        "undefined function foo"
    );
    assert_eq!(
        f.error(&func(call("div", vec![c(1.0)]))),
        "function div takes 2 argument(s), got 1"
    );
    assert_eq!(
        f.error(&func(field("title"))),
        "can not use field title in a function: it is not a numeric or date field"
    );
    assert_eq!(
        f.error(&func(call("ms", vec![field("views_total")]))),
        "Can't use ms() function on non-date field views_total"
    );
    assert_eq!(
        f.error(&func(call("ms", vec![field("NOW+1WEEK")]))),
        "Invalid Date Math String:'NOW+1WEEK'"
    );
    assert_eq!(
        f.error(&func(field("data_dict"))),
        "can not search on field data_dict: not indexed"
    );
}
