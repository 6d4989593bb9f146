//! Exact ASTs and error texts of the parsers, against Solr's documented rules and the
//! queries CKAN and data.gov.uk's Find really send.

use super::*;
use crate::ast::{
    BoolQuery, DisMaxQuery, FuncExpr, FunctionRange, FuzzyQuery, PhraseQuery, RangeBound,
    RangeQuery, TermQuery, TokenOperator, WildcardQuery,
};
use crate::QueryError;

const OR: TokenOperator = TokenOperator::Or;
const AND: TokenOperator = TokenOperator::And;

fn std(op: TokenOperator) -> ParseOptions {
    ParseOptions::standard("text", op)
}

fn q(text: &str, opts: &ParseOptions) -> QueryAst {
    parse_query(text, opts).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn err(text: &str, opts: &ParseOptions) -> String {
    match parse_query(text, opts) {
        Ok(ast) => panic!("{text} parsed as {ast:?}"),
        Err(e) => {
            assert!(e.is_bad_request(), "{text}: {e:?} is not a 400");
            e.to_string()
        }
    }
}

fn term(field: &str, text: &str, operator: TokenOperator) -> QueryAst {
    QueryAst::Term(TermQuery {
        field: field.into(),
        text: text.into(),
        operator,
    })
}

fn phrase(field: &str, text: &str) -> QueryAst {
    QueryAst::phrase(field, text)
}

fn sloppy(field: &str, text: &str, slop: u32) -> QueryAst {
    QueryAst::Phrase(PhraseQuery {
        field: field.into(),
        text: text.into(),
        slop,
    })
}

fn wild(field: &str, pattern: &str) -> QueryAst {
    QueryAst::Wildcard(WildcardQuery {
        field: field.into(),
        pattern: pattern.into(),
    })
}

fn exists(field: &str) -> QueryAst {
    QueryAst::Exists {
        field: field.into(),
    }
}

fn range(field: &str, lower: RangeBound, upper: RangeBound) -> QueryAst {
    QueryAst::Range(RangeQuery {
        field: field.into(),
        lower,
        upper,
    })
}

fn inc(v: &str) -> RangeBound {
    RangeBound::Included(v.into())
}

fn exc(v: &str) -> RangeBound {
    RangeBound::Excluded(v.into())
}

fn boost(query: QueryAst, boost: f32) -> QueryAst {
    QueryAst::Boost {
        query: Box::new(query),
        boost,
    }
}

fn bool(must: Vec<QueryAst>, should: Vec<QueryAst>, must_not: Vec<QueryAst>) -> QueryAst {
    QueryAst::Bool(BoolQuery {
        must,
        should,
        must_not,
        ..BoolQuery::default()
    })
}

fn must(clauses: Vec<QueryAst>) -> QueryAst {
    bool(clauses, vec![], vec![])
}

fn should(clauses: Vec<QueryAst>) -> QueryAst {
    bool(vec![], clauses, vec![])
}

fn not(clauses: Vec<QueryAst>) -> QueryAst {
    bool(vec![], vec![], clauses)
}

fn func(name: &str, args: Vec<FuncExpr>) -> FuncExpr {
    FuncExpr::Call {
        name: name.into(),
        args,
    }
}

fn field(name: &str) -> FuncExpr {
    FuncExpr::Field(name.into())
}

#[test]
fn match_all_exists_and_single_clauses() {
    let o = std(OR);
    assert_eq!(q("*:*", &o), QueryAst::MatchAll);
    assert_eq!(q("*", &o), QueryAst::MatchAll);
    assert_eq!(q(" *:* ", &o), QueryAst::MatchAll);
    assert_eq!(q("title:*", &o), exists("title"));
    assert_eq!(q("title:(*)", &o), exists("title"));
    assert_eq!(q("title:[* TO *]", &o), exists("title"));
    assert_eq!(q("title:{* TO *}", &o), exists("title"));
    assert_eq!(q("flood", &o), term("text", "flood", OR));
    assert_eq!(
        q("+capacity:public", &std(AND)),
        term("capacity", "public", AND)
    );
    assert_eq!(
        q("-dataset_type:harvest", &o),
        not(vec![term("dataset_type", "harvest", OR)])
    );
    assert_eq!(q("", &o), QueryAst::MatchNone, "an empty q is no query");
}

#[test]
fn ckan_and_find_queries() {
    let and = std(AND);
    let or = std(OR);
    assert_eq!(
        q("+site_id:\"default\" +entity_type:package", &and),
        must(vec![
            phrase("site_id", "default"),
            term("entity_type", "package", AND)
        ])
    );
    assert_eq!(
        q("name:\"x\" OR id:\"x\"", &and),
        should(vec![phrase("name", "x"), phrase("id", "x")])
    );
    assert_eq!(
        q("+capacity:public  +state:(active OR draft)", &and),
        must(vec![
            term("capacity", "public", AND),
            should(vec![
                term("state", "active", AND),
                term("state", "draft", AND)
            ]),
        ])
    );
    assert_eq!(
        q("+permission_labels:(\"public\")", &and),
        phrase("permission_labels", "public")
    );
    assert_eq!(
        q(
            "+capacity:public -dataset_type:harvest -collection_package_id:[\"\" TO *]",
            &and
        ),
        bool(
            vec![term("capacity", "public", AND)],
            vec![],
            vec![
                term("dataset_type", "harvest", AND),
                range("collection_package_id", inc(""), RangeBound::Unbounded),
            ]
        )
    );
    // Lowercase `and` is a term in df; with q.op=OR every clause is optional.
    assert_eq!(
        q(
            "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset",
            &or
        ),
        should(vec![
            term("state", "active", OR),
            term("text", "and", OR),
            range("extras_harvest_object_id", inc(""), RangeBound::Unbounded),
            term("text", "and", OR),
            term("dataset_type", "dataset", OR),
        ])
    );
    assert_eq!(
        q("-extras_harvest_object_id:*", &or),
        not(vec![exists("extras_harvest_object_id")])
    );
    assert_eq!(
        q("metadata_modified:[NOW-7DAY/DAY TO NOW]", &or),
        range("metadata_modified", inc("NOW-7DAY/DAY"), inc("NOW"))
    );
    assert_eq!(
        q("metadata_modified:[NOW-1YEAR/DAY TO NOW/DAY+1DAY]", &or),
        range(
            "metadata_modified",
            inc("NOW-1YEAR/DAY"),
            inc("NOW/DAY+1DAY")
        )
    );
    assert_eq!(
        q(
            "metadata_created:[2021-06-01T00:00:00Z TO 2021-07-01T00:00:00Z]",
            &or
        ),
        range(
            "metadata_created",
            inc("2021-06-01T00:00:00Z"),
            inc("2021-07-01T00:00:00Z")
        )
    );
    assert_eq!(
        q("frequency-of-update:daily", &or),
        term("frequency-of-update", "daily", OR)
    );
    assert_eq!(
        q("id:[* TO *] AND -id:[* TO *]", &or),
        bool(vec![exists("id")], vec![], vec![exists("id")])
    );
}

#[test]
fn find_queries() {
    // data.gov.uk's Find: a quoted phrase directly followed by OR.
    assert_eq!(
        q("res_format:\"CSV\"OR res_format:\".csv\"", &std(OR)),
        should(vec![
            phrase("res_format", "CSV"),
            phrase("res_format", ".csv")
        ])
    );
    assert_eq!(
        q("res_format:\"CSV\"OR res_format:\".csv\"", &std(AND)),
        should(vec![
            phrase("res_format", "CSV"),
            phrase("res_format", ".csv")
        ])
    );
    // `-` inside a word is part of it; `OGL-UK-*` is a pattern.
    assert_eq!(
        q("license_id:(uk-ogl OGL-UK-* ogl)", &std(OR)),
        should(vec![
            term("license_id", "uk-ogl", OR),
            wild("license_id", "OGL-UK-*"),
            term("license_id", "ogl", OR),
        ])
    );
    assert_eq!(
        q("license_id:(uk-ogl OGL-UK-* ogl)", &std(AND)),
        must(vec![
            term("license_id", "uk-ogl", AND),
            wild("license_id", "OGL-UK-*"),
            term("license_id", "ogl", AND),
        ])
    );
    let find = "(title:(flood risk)^2 OR notes:(flood risk)) AND NOT site_id:dgu_organisations.*";
    assert_eq!(
        q(find, &std(OR)),
        bool(
            vec![should(vec![
                boost(
                    should(vec![term("title", "flood", OR), term("title", "risk", OR)]),
                    2.0
                ),
                should(vec![term("notes", "flood", OR), term("notes", "risk", OR)]),
            ])],
            vec![],
            vec![wild("site_id", "dgu_organisations.*")]
        )
    );
    assert_eq!(
        q(find, &std(AND)),
        bool(
            vec![should(vec![
                boost(
                    must(vec![
                        term("title", "flood", AND),
                        term("title", "risk", AND)
                    ]),
                    2.0
                ),
                must(vec![
                    term("notes", "flood", AND),
                    term("notes", "risk", AND)
                ]),
            ])],
            vec![],
            vec![wild("site_id", "dgu_organisations.*")]
        )
    );
}

#[test]
fn position_rules_not_precedence() {
    let (a_or, b_or, c_or) = (
        term("text", "a", OR),
        term("text", "b", OR),
        term("text", "c", OR),
    );
    // a AND b OR c: q.op=OR → +a +b c; q.op=AND → +a b c.
    assert_eq!(
        q("a AND b OR c", &std(OR)),
        bool(vec![a_or.clone(), b_or.clone()], vec![c_or.clone()], vec![])
    );
    let (a_and, b_and, c_and) = (
        term("text", "a", AND),
        term("text", "b", AND),
        term("text", "c", AND),
    );
    assert_eq!(
        q("a AND b OR c", &std(AND)),
        bool(
            vec![a_and.clone()],
            vec![b_and.clone(), c_and.clone()],
            vec![]
        )
    );
    assert_eq!(
        q("a b", &std(AND)),
        must(vec![a_and.clone(), b_and.clone()])
    );
    assert_eq!(q("a b", &std(OR)), should(vec![a_or.clone(), b_or.clone()]));
    assert_eq!(
        q("a OR b", &std(AND)),
        should(vec![a_and.clone(), b_and.clone()])
    );
    // Lucene: OR after a prohibited clause leaves it prohibited; `+` after OR is ignored
    // with q.op=AND.
    assert_eq!(
        q("-a OR b", &std(AND)),
        bool(vec![], vec![b_and.clone()], vec![a_and.clone()])
    );
    assert_eq!(
        q("a OR +b", &std(AND)),
        should(vec![a_and.clone(), b_and.clone()])
    );
    assert_eq!(
        q("a && b || !c", &std(OR)),
        bool(vec![a_or.clone(), b_or.clone()], vec![], vec![c_or.clone()])
    );
    assert_eq!(
        q("a NOT b", &std(OR)),
        bool(vec![], vec![a_or.clone()], vec![b_or.clone()])
    );
    assert_eq!(
        q("a and b or c not d", &std(OR)),
        should(
            ["a", "and", "b", "or", "c", "not", "d"]
                .iter()
                .map(|t| term("text", t, OR))
                .collect()
        ),
        "lowercase operators are terms"
    );
    // A bare operator followed by whitespace is a term (analysed away on text fields).
    assert_eq!(
        q("a - b", &std(OR)),
        should(vec![a_or.clone(), term("text", "-", OR), b_or.clone()])
    );
    // Groups, nested groups and pure-negative groups.
    assert_eq!(
        q("x AND (-a)", &std(OR)),
        must(vec![term("text", "x", OR), not(vec![a_or.clone()])])
    );
    assert_eq!(
        q("title:(a (b OR c))", &std(OR)),
        should(vec![
            term("title", "a", OR),
            should(vec![term("title", "b", OR), term("title", "c", OR)]),
        ])
    );
    assert_eq!(
        q("title : a", &std(OR)),
        term("title", "a", OR),
        "whitespace around the colon"
    );
}

#[test]
fn term_modifiers() {
    let o = std(OR);
    let fuzzy = |text: &str, distance| {
        QueryAst::Fuzzy(FuzzyQuery {
            field: "text".into(),
            text: text.into(),
            distance,
        })
    };
    assert_eq!(q("roam~", &o), fuzzy("roam", 2));
    assert_eq!(q("roam~1", &o), fuzzy("roam", 1));
    assert_eq!(q("roam~0", &o), fuzzy("roam", 0));
    assert_eq!(q("roam~5", &o), fuzzy("roam", 2));
    // The old similarity syntax: (1 − 0.5) × 4 characters = 2 edits; 0.8 → 0.
    assert_eq!(q("roam~0.5", &o), fuzzy("roam", 2));
    assert_eq!(q("roam~0.8", &o), fuzzy("roam", 0));
    assert_eq!(q("roam~1^2", &o), boost(fuzzy("roam", 1), 2.0));
    assert_eq!(q("roam^2~1", &o), boost(fuzzy("roam", 1), 2.0));
    assert_eq!(
        err("roam~1.5", &o),
        "org.apache.solr.search.SyntaxError: Fractional edit distances are not allowed!"
    );
    assert_eq!(q("te?t", &o), wild("text", "te?t"));
    assert_eq!(q("*ing", &o), wild("text", "*ing"));
    assert_eq!(q("flo*", &o), wild("text", "flo*"));
    assert_eq!(q("a\\*b*", &o), wild("text", "a\\*b*"));
    assert_eq!(
        q("foo\\*", &o),
        term("text", "foo*", OR),
        "an escaped * is literal"
    );
    assert_eq!(q("\"a b\"~3", &o), sloppy("text", "a b", 3));
    assert_eq!(q("\"a b\"~", &o), sloppy("text", "a b", 0));
    assert_eq!(q("\"a b\"~2^3", &o), boost(sloppy("text", "a b", 2), 3.0));
    assert_eq!(q("title:a^2.5", &o), boost(term("title", "a", OR), 2.5));
    assert_eq!(
        q("title:a^=3", &o),
        QueryAst::ConstScore {
            query: Box::new(term("title", "a", OR)),
            score: 3.0
        }
    );
    assert_eq!(
        q("(a b)^2", &o),
        boost(
            should(vec![term("text", "a", OR), term("text", "b", OR)]),
            2.0
        )
    );
    assert_eq!(
        q("filter(tags:x)", &o),
        QueryAst::ConstScore {
            query: Box::new(term("tags", "x", OR)),
            score: 0.0
        }
    );
    assert_eq!(err("a^-1", &o), "boost must be a positive float, got -1.0");
    assert_eq!(
        err("/flo+d/", &o),
        "regular expression queries are not supported"
    );
}

#[test]
fn escapes_comments_and_ranges() {
    let o = std(OR);
    assert_eq!(q("a\\:b", &o), term("text", "a:b", OR));
    assert_eq!(q("name:uk\\-ogl", &o), term("name", "uk-ogl", OR));
    assert_eq!(q("a\\ b", &o), term("text", "a b", OR));
    assert_eq!(q("caf\\u00e9", &o), term("text", "café", OR));
    assert_eq!(
        q(
            "\\+\\-\\&\\&\\|\\|\\!\\(\\)\\{\\}\\[\\]\\^\\\"\\~\\*\\?\\:\\/\\\\",
            &o
        ),
        term("text", "+-&&||!(){}[]^\"~*?:/\\", OR)
    );
    assert_eq!(
        q("title:\"a:b \\\"c\\\"\"", &o),
        phrase("title", "a:b \"c\"")
    );
    assert_eq!(
        q("a /* b */ c /* open", &o),
        should(vec![term("text", "a", OR), term("text", "c", OR)])
    );
    assert_eq!(q("n:[1 TO 5}", &o), range("n", inc("1"), exc("5")));
    assert_eq!(q("n:{1 TO 5]", &o), range("n", exc("1"), inc("5")));
    assert_eq!(
        q("n:[* TO 5]", &o),
        range("n", RangeBound::Unbounded, inc("5"))
    );
    assert_eq!(
        q("n:{5 TO *}", &o),
        range("n", exc("5"), RangeBound::Unbounded)
    );
    assert_eq!(
        q("title:[\"a b\" TO \"c\\\"d\"]", &o),
        range("title", inc("a b"), inc("c\"d"))
    );
    assert_eq!(
        q("n:[a\\:b TO c]^2", &o),
        boost(range("n", inc("a:b"), inc("c")), 2.0)
    );
    // Inside a range only whitespace separates: an escaped space does not join words.
    assert_eq!(
        err("n:[a\\ b TO c]", &o),
        "org.apache.solr.search.SyntaxError: Cannot parse 'n:[a\\ b TO c]': Encountered \" <RANGE_GOOP> \"b \"\" at line 1, column 6."
    );
}

#[test]
fn magic_fields_and_embedded_local_params() {
    let o = std(OR);
    assert_eq!(
        q("_query_:\"{!dismax qf=title}flood\"", &o),
        QueryAst::DisMax(DisMaxQuery {
            disjuncts: vec![term("title", "flood", OR)],
            tie: 0.0
        })
    );
    assert_eq!(
        q("_val_:\"div(a,2)\"", &o),
        QueryAst::Function(func("div", vec![field("a"), FuncExpr::Const(2.0)]))
    );
    assert_eq!(
        q("a {!lucene df=title}b", &o),
        should(vec![term("text", "a", OR), term("title", "b", OR)])
    );
    assert_eq!(
        q("x:1 _query_:\"\"", &o),
        term("x", "1", OR),
        "an empty embedded query vanishes"
    );
}

#[test]
fn local_params_pick_the_parser() {
    let o = std(OR);
    assert_eq!(
        q("{!lucene q.op=AND df=title}a b", &o),
        must(vec![term("title", "a", AND), term("title", "b", AND)])
    );
    assert_eq!(
        q("{!bool must=bees}", &o),
        must(vec![term("text", "bees", OR)])
    );
    assert_eq!(
        q(
            "{!bool must=a should=b should=c must_not=d filter=e mm=1}",
            &o
        ),
        QueryAst::Bool(BoolQuery {
            must: vec![term("text", "a", OR)],
            should: vec![term("text", "b", OR), term("text", "c", OR)],
            must_not: vec![term("text", "d", OR)],
            filter: vec![term("text", "e", OR)],
            minimum_should_match: Some(1),
        })
    );
    let bbox = "div(a,b)";
    assert_eq!(
        q(&format!("{{!frange incl=false l=0 u=1}}{bbox}"), &o),
        QueryAst::FunctionRange(FunctionRange {
            function: func("div", vec![field("a"), field("b")]),
            lower: Some(0.0),
            upper: Some(1.0),
            include_lower: false,
            include_upper: true,
        })
    );
    assert_eq!(
        q(
            "{!field f=spatial_geom}Intersects(ENVELOPE(-1.5, -0.1, 51.6, 51.2))",
            &o
        ),
        phrase(
            "spatial_geom",
            "Intersects(ENVELOPE(-1.5, -0.1, 51.6, 51.2))"
        )
    );
    assert_eq!(
        q("{!terms f=tags}health,transport", &o),
        should(vec![
            term("tags", "health", OR),
            term("tags", "transport", OR)
        ])
    );
    assert_eq!(q("{!terms f=tags}", &o), QueryAst::MatchNone);
    assert_eq!(q("{!prefix f=name}ab*", &o), wild("name", "ab\\**"));
    assert_eq!(
        q("{!func}log(x)", &o),
        QueryAst::Function(func("log", vec![field("x")]))
    );
    assert_eq!(
        q("{!boost b=log(views)}flood", &o),
        QueryAst::Boosted {
            query: Box::new(term("text", "flood", OR)),
            boost: func("log", vec![field("views")]),
        }
    );
    assert_eq!(
        q("{!lucene v='a:b'}", &o),
        term("a", "b", OR),
        "v= is the body"
    );
    assert_eq!(
        err("{!xmlparser}<x/>", &o),
        "Unknown query parser 'xmlparser'"
    );
    assert_eq!(
        parse_query("{!lucene v=$qq}", &o),
        Err(QueryError::BadParam(
            "parameter references are not supported: v=$qq".into()
        ))
    );
    assert!(err("{!lucene", &o)
        .starts_with("org.apache.solr.search.SyntaxError: Cannot parse '{!lucene'"));
}

#[test]
fn filters_keep_their_tags_and_default_to_lucene() {
    let mut opts = std(AND);
    opts.def_type = DefType::Dismax;
    opts.qf = vec![("title".into(), 2.0)];
    assert_eq!(
        parse_filter("{!tag=org,fmt}organization:x", &opts).unwrap(),
        Filter {
            tags: vec!["org".into(), "fmt".into()],
            query: term("organization", "x", AND),
            cache: true,
        }
    );
    let uncached = parse_filter("{!cache=false tag=t}state:active", &opts).unwrap();
    assert_eq!(
        (uncached.cache, uncached.tags),
        (false, vec!["t".to_string()])
    );
    assert_eq!(
        parse_filter("+site_id:\"default\" +state:active", &opts).unwrap(),
        Filter {
            tags: vec![],
            query: must(vec![
                phrase("site_id", "default"),
                term("state", "active", AND)
            ]),
            cache: true,
        }
    );
    assert_eq!(
        parse_filter("{!tag=bbox}{!frange l=0 u=1}x", &opts)
            .unwrap()
            .query,
        QueryAst::FunctionRange(FunctionRange {
            function: field("x"),
            lower: Some(0.0),
            upper: Some(1.0),
            include_lower: true,
            include_upper: true,
        })
    );
    assert_eq!(parse_filter("  ", &opts).unwrap().query, QueryAst::MatchAll);
    assert_eq!(
        parse_filter("{!tag=x}", &opts).unwrap().query,
        QueryAst::MatchAll
    );
    assert_eq!(
        parse_filter("-dataset_type:harvest", &opts).unwrap().query,
        not(vec![term("dataset_type", "harvest", AND)])
    );
}

/// CKAN's dismax request: `qf=name^4 title^4 tags^2 groups^2 text`, `tie=0.1`,
/// `mm=2<-1 5<80%`, `q.op=AND`.
fn ckan_dismax() -> ParseOptions {
    ParseOptions {
        def_type: DefType::Dismax,
        qf: parse_field_boosts("name^4 title^4 tags^2 groups^2 text").unwrap(),
        mm: Some("2<-1 5<80%".into()),
        tie: 0.1,
        ..std(AND)
    }
}

/// One dismax clause over CKAN's `qf`.
fn over_qf(make: impl Fn(&str) -> QueryAst, tie: f32) -> QueryAst {
    QueryAst::DisMax(DisMaxQuery {
        disjuncts: vec![
            boost(make("name"), 4.0),
            boost(make("title"), 4.0),
            boost(make("tags"), 2.0),
            boost(make("groups"), 2.0),
            make("text"),
        ],
        tie,
    })
}

#[test]
fn dismax_as_ckan_sends_it() {
    let opts = ckan_dismax();
    let word = |w: &'static str| over_qf(move |f| term(f, w, OR), 0.1);
    assert_eq!(
        q("flood risk", &opts),
        QueryAst::Bool(BoolQuery {
            should: vec![word("flood"), word("risk")],
            minimum_should_match: Some(2),
            ..BoolQuery::default()
        })
    );
    assert_eq!(q("flood", &opts), word("flood"));
    // 3 clauses: all but one; operators still work, but mm applies regardless.
    assert_eq!(
        q("a OR b c", &opts),
        QueryAst::Bool(BoolQuery {
            should: vec![word("a"), word("b"), word("c")],
            minimum_should_match: Some(2),
            ..BoolQuery::default()
        })
    );
    assert_eq!(
        q("\"flood risk\" -rain", &opts),
        QueryAst::Bool(BoolQuery {
            should: vec![over_qf(|f| phrase(f, "flood risk"), 0.1)],
            must_not: vec![word("rain")],
            minimum_should_match: Some(1),
            ..BoolQuery::default()
        })
    );
    // Everything but quotes, + and - is literal.
    assert_eq!(q("risk:x", &opts), word("risk:x"));
    assert_eq!(q("(flood)", &opts), word("(flood)"));
    assert_eq!(q("data.gov.uk/x*", &opts), word("data.gov.uk/x*"));
    // An odd number of quotes drops them all.
    assert_eq!(
        q("\"flood risk", &opts),
        QueryAst::Bool(BoolQuery {
            should: vec![word("flood"), word("risk")],
            minimum_should_match: Some(2),
            ..BoolQuery::default()
        })
    );
    assert_eq!(
        q("   ", &opts),
        QueryAst::MatchNone,
        "blank dismax text is no query"
    );
    // Without explicit mm, q.op=OR gives 0 %.
    let mut or = ckan_dismax();
    or.mm = None;
    or.op = OR;
    assert_eq!(
        q("flood risk", &or),
        should(vec![word("flood"), word("risk")])
    );
}

#[test]
fn dismax_phrase_and_function_boosts() {
    let mut opts = ckan_dismax();
    opts.qf = vec![("title".into(), 1.0)];
    opts.pf = vec![("title".into(), 2.0), ("notes".into(), 1.0)];
    opts.ps = 3;
    opts.bf = vec!["recip(ms(NOW,metadata_modified),3.16e-11,1,1)^2 log(views)".into()];
    let word = |w: &str| {
        QueryAst::DisMax(DisMaxQuery {
            disjuncts: vec![term("title", w, OR)],
            tie: 0.1,
        })
    };
    assert_eq!(
        q("flood \"risk map\"", &opts),
        QueryAst::Bool(BoolQuery {
            must: vec![QueryAst::Bool(BoolQuery {
                should: vec![
                    word("flood"),
                    QueryAst::DisMax(DisMaxQuery {
                        disjuncts: vec![phrase("title", "risk map")],
                        tie: 0.1
                    })
                ],
                minimum_should_match: Some(2),
                ..BoolQuery::default()
            })],
            should: vec![
                QueryAst::DisMax(DisMaxQuery {
                    disjuncts: vec![
                        boost(sloppy("title", "flood risk map", 3), 2.0),
                        sloppy("notes", "flood risk map", 3),
                    ],
                    tie: 0.1
                }),
                boost(
                    QueryAst::Function(func(
                        "recip",
                        vec![
                            func("ms", vec![field("NOW"), field("metadata_modified")]),
                            FuncExpr::Const(3.16e-11),
                            FuncExpr::Const(1.0),
                            FuncExpr::Const(1.0),
                        ]
                    )),
                    2.0
                ),
                QueryAst::Function(func("log", vec![field("views")])),
            ],
            ..BoolQuery::default()
        })
    );
}

#[test]
fn dismax_errors_and_q_alt() {
    let opts = ckan_dismax();
    assert_eq!(
        err("AND", &opts),
        "org.apache.solr.search.SyntaxError: Cannot parse 'AND': Encountered \" <AND> \"AND \"\" at line 1, column 0."
    );
    assert_eq!(
        err(
            "flood risk",
            &ParseOptions {
                mm: Some("x".into()),
                ..ckan_dismax()
            }
        ),
        "Invalid 'mm' spec. Expecting an integer."
    );
    let params = crate::SolrParams::new(vec![
        ("defType".into(), "dismax".into()),
        ("q".into(), "  ".into()),
        ("q.alt".into(), "tags:health".into()),
    ]);
    let req = SearchRequest::from_params(&params, 0).unwrap();
    let opts = ParseOptions::from_request(&req).unwrap();
    assert_eq!(
        parse_main_query(&req, &opts).unwrap(),
        term("tags", "health", OR)
    );
    let params = crate::SolrParams::new(vec![]);
    let req = SearchRequest::from_params(&params, 0).unwrap();
    let opts = ParseOptions::from_request(&req).unwrap();
    assert_eq!(parse_main_query(&req, &opts).unwrap(), QueryAst::MatchNone);
}

fn edismax(op: TokenOperator, mm: Option<&str>) -> ParseOptions {
    ParseOptions {
        def_type: DefType::Edismax,
        qf: vec![("title".into(), 2.0), ("text".into(), 1.0)],
        mm: mm.map(str::to_string),
        tie: 0.1,
        ..std(op)
    }
}

fn ed(make: impl Fn(&str) -> QueryAst) -> QueryAst {
    QueryAst::DisMax(DisMaxQuery {
        disjuncts: vec![boost(make("title"), 2.0), make("text")],
        tie: 0.1,
    })
}

#[test]
fn edismax_lucene_syntax_over_qf() {
    let or = edismax(OR, None);
    assert_eq!(
        q("flood risk", &or),
        should(vec![
            ed(|f| term(f, "flood", OR)),
            ed(|f| term(f, "risk", OR))
        ])
    );
    let and = edismax(AND, None);
    assert_eq!(
        q("flood risk", &and),
        must(vec![
            ed(|f| term(f, "flood", AND)),
            ed(|f| term(f, "risk", AND))
        ])
    );
    // Explicit fields keep their field; wildcards, ranges and phrases expand over qf.
    assert_eq!(
        q("title:flood AND flo* AND \"a b\"", &or),
        must(vec![
            term("title", "flood", OR),
            ed(|f| wild(f, "flo*")),
            ed(|f| phrase(f, "a b")),
        ])
    );
    assert_eq!(q("*:*", &or), QueryAst::MatchAll);
    // Explicit mm applies to the top-level optional clauses, operators or not.
    let mm = edismax(OR, Some("2<-1 5<80%"));
    assert_eq!(
        q("a b c", &mm),
        QueryAst::Bool(BoolQuery {
            should: vec![
                ed(|f| term(f, "a", OR)),
                ed(|f| term(f, "b", OR)),
                ed(|f| term(f, "c", OR))
            ],
            minimum_should_match: Some(2),
            ..BoolQuery::default()
        })
    );
    // Without mm, explicit operators (other than AND) switch the q.op=AND default off.
    assert_eq!(
        q("a OR b", &and),
        should(vec![ed(|f| term(f, "a", AND)), ed(|f| term(f, "b", AND))])
    );
    assert_eq!(
        q(
            "a b",
            &ParseOptions {
                op: OR,
                mm: Some("100%".into()),
                ..edismax(OR, None)
            }
        ),
        QueryAst::Bool(BoolQuery {
            should: vec![ed(|f| term(f, "a", OR)), ed(|f| term(f, "b", OR))],
            minimum_should_match: Some(2),
            ..BoolQuery::default()
        })
    );
    // Lowercase operators are terms; `_query_` is not a sub-query.
    assert_eq!(
        q("a and b", &or),
        should(vec![
            ed(|f| term(f, "a", OR)),
            ed(|f| term(f, "and", OR)),
            ed(|f| term(f, "b", OR)),
        ])
    );
}

#[test]
fn edismax_escapes_what_does_not_parse() {
    let or = edismax(OR, None);
    assert_eq!(
        q("flood (risk", &or),
        should(vec![
            ed(|f| term(f, "flood", OR)),
            ed(|f| term(f, "(risk", OR))
        ])
    );
    assert_eq!(
        q("https://data.gov.uk/x", &or),
        term("https", "//data.gov.uk/x", OR)
    );
    assert_eq!(q("AND", &or), ed(|f| phrase(f, "AND")));
    assert_eq!(q("title:", &or), ed(|f| term(f, "title:", OR)));
    assert_eq!(
        q("_query_:\"{!lucene}x\"", &or),
        should(vec![
            ed(|f| term(f, "_query_:", OR)),
            ed(|f| phrase(f, "{!lucene}x")),
        ])
    );
}

#[test]
fn edismax_boosts_as_ckanext_spatial_sends_them() {
    let bf = "div(mul(mul(max(0,sub(min(-0.1,maxx),max(-1.5,minx))),max(0,sub(min(51.6,maxy),max(51.2,miny)))),2),add(0.56,mul(sub(maxy,miny),sub(maxx,minx))))";
    let mut opts = edismax(AND, Some("2<-1 5<80%"));
    opts.bf = vec![bf.into()];
    let spatial = parse_function(bf).unwrap();
    assert_eq!(
        q("*:*", &opts),
        QueryAst::Bool(BoolQuery {
            must: vec![QueryAst::MatchAll],
            should: vec![QueryAst::Function(spatial)],
            ..BoolQuery::default()
        })
    );
    let mut opts = edismax(OR, None);
    opts.boost = vec!["log(views)".into(), "recip(x,1,2,3)".into()];
    opts.pf = vec![("title".into(), 1.0)];
    assert_eq!(
        q("flood risk", &opts),
        QueryAst::Boosted {
            query: Box::new(QueryAst::Bool(BoolQuery {
                must: vec![should(vec![
                    ed(|f| term(f, "flood", OR)),
                    ed(|f| term(f, "risk", OR))
                ])],
                should: vec![QueryAst::DisMax(DisMaxQuery {
                    disjuncts: vec![phrase("title", "flood risk")],
                    tie: 0.1
                })],
                ..BoolQuery::default()
            })),
            boost: func(
                "product",
                vec![
                    func("log", vec![field("views")]),
                    func(
                        "recip",
                        vec![
                            field("x"),
                            FuncExpr::Const(1.0),
                            FuncExpr::Const(2.0),
                            FuncExpr::Const(3.0)
                        ]
                    ),
                ]
            ),
        }
    );
}

#[test]
fn syntax_errors_read_as_solr_writes_them() {
    let o = std(OR);
    let cannot = |query: &str, reason: &str| {
        format!("org.apache.solr.search.SyntaxError: Cannot parse '{query}': {reason}")
    };
    assert_eq!(
        err("title:\"open", &o),
        cannot(
            "title:\"open",
            "Lexical error at line 1, column 12.  Encountered: <EOF> after : \"\\\"open\""
        )
    );
    assert_eq!(
        err("title:(a", &o),
        cannot("title:(a", "Encountered \"<EOF>\" at line 1, column 8.")
    );
    assert_eq!(
        err("a)", &o),
        cannot("a)", "Encountered \" \")\" \") \"\" at line 1, column 1.")
    );
    assert_eq!(
        err("a AND", &o),
        cannot("a AND", "Encountered \"<EOF>\" at line 1, column 5.")
    );
    assert_eq!(
        err("AND a", &o),
        cannot(
            "AND a",
            "Encountered \" <AND> \"AND \"\" at line 1, column 0."
        )
    );
    assert_eq!(
        err("title:AND", &o),
        cannot(
            "title:AND",
            "Encountered \" <AND> \"AND \"\" at line 1, column 6."
        )
    );
    assert_eq!(
        err("   ", &o),
        cannot("   ", "Encountered \"<EOF>\" at line 1, column 3.")
    );
    assert_eq!(
        err("a:b:c", &o),
        cannot(
            "a:b:c",
            "Encountered \" \":\" \": \"\" at line 1, column 3."
        )
    );
    assert_eq!(
        err("n:[1 TO]", &o),
        cannot(
            "n:[1 TO]",
            "Encountered \" \"]\" \"] \"\" at line 1, column 7."
        )
    );
    // A URL in q: Solr reads `https` as the field and `//…` as a broken regex.
    assert_eq!(
        err("https://data.gov.uk/x", &o),
        cannot(
            "https://data.gov.uk/x",
            "Lexical error at line 1, column 8.  Encountered: \"/\" (47), after : \"/\""
        )
    );
    assert_eq!(
        err("a^ 2", &o),
        cannot(
            "a^ 2",
            "Lexical error at line 1, column 3.  Encountered: \" \" (32), after : \"\""
        )
    );
    assert_eq!(
        err("caf\\u00", &o),
        "org.apache.solr.search.SyntaxError: Truncated unicode escape sequence."
    );
    assert_eq!(
        err("a", &ParseOptions::standard("", OR)),
        "no field name specified in query and no default specified via 'df' param"
    );
    let deep = format!("{}a{}", "(".repeat(101), ")".repeat(101));
    assert_eq!(
        err(&deep, &o),
        cannot(&deep, "nesting deeper than 100 levels is not supported")
    );
    // Embedded local params count too: each `{!lucene}` re-parses its body one level down.
    let nested = |n: usize| format!("{}x", "{!lucene}".repeat(n));
    assert_eq!(q(&nested(11), &o), term("text", "x", OR));
    assert!(err(&nested(12), &o).contains("nesting deeper than 100 levels"));
}

#[test]
fn the_first_api_still_works() {
    let and = DefaultOperator::And;
    assert_eq!(parse("*:*", "text", and).unwrap(), QueryAst::MatchAll);
    assert_eq!(
        parse("+capacity:public", "text", and).unwrap(),
        term("capacity", "public", AND)
    );
    assert_eq!(
        parse("+site_id:\"default\" +entity_type:package", "text", and).unwrap(),
        must(vec![
            phrase("site_id", "default"),
            term("entity_type", "package", AND)
        ])
    );
    assert!(parse("title:\"open", "text", and).is_err());
    assert!(parse("   ", "text", and).is_err());
    assert_eq!(parse("", "text", and).unwrap(), QueryAst::MatchAll);
}

#[test]
fn options_come_from_the_request() {
    let params = crate::SolrParams::new(vec![
        ("defType".into(), "edismax".into()),
        ("q.op".into(), "AND".into()),
        ("qf".into(), "name^4 title^4 tags^2 groups^2 text".into()),
        ("pf".into(), "title^2".into()),
        ("mm".into(), "2<-1 5<80%".into()),
        ("tie".into(), "0.1".into()),
        ("bf".into(), "log(x)".into()),
        ("boost".into(), "log(y)".into()),
    ]);
    let req = SearchRequest::from_params(&params, 0).unwrap();
    let opts = ParseOptions::from_request(&req).unwrap();
    assert_eq!(opts.def_type, DefType::Edismax);
    assert_eq!(opts.op, AND);
    assert_eq!(opts.qf.len(), 5);
    assert_eq!(opts.qf[0], ("name".to_string(), 4.0));
    assert_eq!(opts.pf, vec![("title".to_string(), 2.0)]);
    assert_eq!(opts.mm.as_deref(), Some("2<-1 5<80%"));
    assert_eq!(opts.tie, 0.1);
    assert_eq!(opts.bf, vec!["log(x)".to_string()]);
    assert_eq!(opts.boost, vec!["log(y)".to_string()]);
    assert_eq!(ParseOptions::standard("text", OR).def_type, DefType::Lucene);
}

#[test]
fn the_deepest_accepted_queries_fit_a_small_stack() {
    // Without optimisations a parenthesis costs ~6 KiB of stack, a function call ~8 KiB
    // and an embedded query ~14 KiB (counted as ten levels); the limit keeps the worst
    // case well under 1 MiB.
    let cases = vec![
        format!("{}a{}", "(".repeat(99), ")".repeat(99)),
        format!("{}x", "{!lucene}".repeat(11)),
        format!("{{!func}}{}x{}", "abs(".repeat(97), ")".repeat(97)),
        format!(
            "{}_val_:\"{}x{}\"{}",
            "(".repeat(30),
            "abs(".repeat(55),
            ")".repeat(55),
            ")".repeat(30)
        ),
    ];
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            for text in cases {
                parse_query(&text, &std(OR)).unwrap_or_else(|e| panic!("{e}"));
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
