//! Does any text make a query parser panic or fail with something other than a 400?
//! Every parser entry point of `ckan-search-query` gets the same input: `q` under each
//! `defType` (with CKAN's dismax parameters and ckanext-spatial's boosts, so every code
//! path runs), `fq`, a function (`bf`), an `mm` spec and a `qf` list.

#![no_main]

use ckan_search_query::ast::TokenOperator;
use ckan_search_query::params::DefType;
use ckan_search_query::parse::{
    min_should_match, parse_field_boosts, parse_filter, parse_function, parse_query, ParseOptions,
};
use ckan_search_query::QueryError;
use libfuzzer_sys::fuzz_target;

fn options() -> Vec<ParseOptions> {
    let dismax_family = |def_type| ParseOptions {
        def_type,
        qf: vec![
            ("name".into(), 4.0),
            ("title".into(), 4.0),
            ("tags".into(), 2.0),
            ("groups".into(), 2.0),
            ("text".into(), 1.0),
        ],
        pf: vec![("title".into(), 2.0)],
        mm: Some("2<-1 5<80%".into()),
        tie: 0.1,
        bf: vec!["recip(ms(NOW,metadata_modified),3.16e-11,1,1)^2".into()],
        boost: vec!["log(views)".into()],
        ..ParseOptions::standard("text", TokenOperator::And)
    };
    vec![
        ParseOptions::standard("text", TokenOperator::Or),
        ParseOptions::standard("text", TokenOperator::And),
        dismax_family(DefType::Dismax),
        dismax_family(DefType::Edismax),
    ]
}

/// Errors must be the client's fault (HTTP 400), never the server's.
fn assert_400<T>(result: Result<T, QueryError>) {
    if let Err(e) = result {
        assert!(e.is_bad_request(), "not a 400: {e:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let all = options();
    for opts in &all {
        assert_400(parse_query(text, opts));
    }
    assert_400(parse_filter(text, &all[1]));
    assert_400(parse_function(text));
    assert_400(min_should_match(text, data.len() % 12));
    assert_400(parse_field_boosts(text));
});
