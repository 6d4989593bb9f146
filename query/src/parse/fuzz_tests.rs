//! A bounded, deterministic fuzz of every parser entry point: random and mutated query
//! texts built from Solr syntax pieces and arbitrary Unicode must never panic, must only
//! fail with 400-kind errors, and long hostile texts must parse in linear time. (The
//! open-ended fuzzer is the cargo-fuzz crate in `/fuzz`.)

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::*;
use crate::params::DefType;

/// splitmix64: a fixed sequence, so a failure always reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Pieces of Solr query, local-params, function and `mm` syntax.
const PIECES: &[&str] = &[
    "a",
    "flood",
    "risk",
    "title",
    "title:",
    "name:",
    "*:*",
    "*",
    "?",
    "te?t",
    "flo*",
    "*ing",
    ":",
    "\"",
    "\"a b\"",
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    " TO ",
    "TO",
    "[* TO *]",
    "{a TO b]",
    "[\"\" TO *]",
    "NOW-7DAY/DAY",
    "~",
    "~2",
    "~0.5",
    "~1.5",
    "^",
    "^2",
    "^=3",
    "^-1",
    "\\",
    "\\u00e9",
    "\\u12",
    "\\:",
    "+",
    "-",
    "!",
    "- ",
    "&&",
    "||",
    " AND ",
    " OR ",
    " NOT ",
    "and",
    "or",
    "/",
    "/ab/",
    "//",
    "/*",
    "*/",
    "{!",
    "{!lucene}",
    "{!lucene q.op=AND}",
    "{!dismax qf=title mm=2}",
    "{!edismax qf='title^2 text'}",
    "{!frange l=0 u=1}",
    "{!field f=x}",
    "{!bool must=a should=b}",
    "{!terms f=tags}",
    "{!func}",
    "{!boost b=log(x)}",
    "{!tag=a,b}",
    "{!xmlparser}",
    "{!lucene v=$q}",
    "v=",
    "_query_:",
    "_val_:",
    "filter(",
    "div(",
    "max(",
    "min(",
    "sub(",
    "add(",
    "mul(",
    "recip(",
    "ms(",
    "NOW",
    ",",
    "0",
    "-0.1",
    "3.16e-11",
    "1e",
    "2<-1",
    "5<80%",
    "%",
    "<",
    "=",
    " ",
    "  ",
    "\t",
    "\n",
    "\u{3000}",
    "\u{a0}",
    "é",
    "😀",
    "\u{0}",
    "\u{7f}",
    "https://data.gov.uk/x",
    "uk-ogl",
    "OGL-UK-*",
    "res_format:\"CSV\"OR",
    "-extras_harvest_object_id:*",
];

/// Real queries to mutate.
const SEEDS: &[&str] = &[
    "+site_id:\"default\" +entity_type:package",
    "name:\"x\" OR id:\"x\"",
    "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset",
    "(title:(flood risk)^2 OR notes:(flood risk)) AND NOT site_id:dgu_organisations.*",
    "res_format:\"CSV\"OR res_format:\".csv\"",
    "license_id:(uk-ogl OGL-UK-* ogl)",
    "metadata_modified:[NOW-7DAY/DAY TO NOW]",
    "{!frange incl=false l=0 u=1}div(mul(mul(max(0,sub(min(-0.1,maxx),max(-1.5,minx))),max(0,sub(min(51.6,maxy),max(51.2,miny)))),2),add(0.56,mul(sub(maxy,miny),sub(maxx,minx))))",
    "{!bool must=bees}",
    "_query_:\"{!dismax qf=title}flood\" AND _val_:\"log(x)\"",
    "2<-1 5<80%",
];

fn random_char(rng: &mut Rng) -> char {
    match rng.below(4) {
        0 => char::from(rng.below(128) as u8),
        1 => char::from_u32(rng.below(0x3000) as u32).unwrap_or('x'),
        _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
    }
}

fn random_text(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(14) {
        if rng.below(5) == 0 {
            text.push(random_char(rng));
        } else {
            text.push_str(rng.pick(PIECES));
        }
    }
    text
}

fn mutated_seed(rng: &mut Rng) -> String {
    let mut chars: Vec<char> = rng.pick(SEEDS).chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                for (k, c) in rng.pick(PIECES).chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
            _ => chars.insert(at, random_char(rng)),
        }
    }
    chars.into_iter().collect()
}

fn options() -> Vec<ParseOptions> {
    let dismax_family = |def_type| ParseOptions {
        def_type,
        qf: vec![("title".into(), 4.0), ("text".into(), 1.0)],
        pf: vec![("title".into(), 2.0)],
        mm: Some("2<-1 5<80%".into()),
        tie: 0.1,
        bf: vec!["log(x)^2".into()],
        boost: vec!["recip(x,1,2,3)".into()],
        ..ParseOptions::standard("text", TokenOperator::And)
    };
    vec![
        ParseOptions::standard("text", TokenOperator::Or),
        ParseOptions::standard("text", TokenOperator::And),
        dismax_family(DefType::Dismax),
        dismax_family(DefType::Edismax),
    ]
}

/// Runs `f`, failing the test with the input if it panics or returns a non-400 error.
fn check<T>(what: &str, text: &str, f: impl FnOnce() -> crate::Result<T>) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Err(_) => panic!("{what} panicked on {text:?}"),
        Ok(Err(e)) => assert!(e.is_bad_request(), "{what} on {text:?}: {e:?} is not a 400"),
        Ok(Ok(_)) => {}
    }
}

#[test]
fn twenty_thousand_texts_never_panic_and_only_fail_with_400s() {
    let mut rng = Rng(0x5eed_c4a2);
    let all = options();
    for i in 0..20_000 {
        let text = if i % 2 == 0 {
            random_text(&mut rng)
        } else {
            mutated_seed(&mut rng)
        };
        for opts in &all {
            check("parse_query", &text, || parse_query(&text, opts));
        }
        check("parse_filter", &text, || parse_filter(&text, &all[1]));
        check("parse_function", &text, || parse_function(&text));
        check("min_should_match", &text, || min_should_match(&text, i % 9));
        check("parse_field_boosts", &text, || parse_field_boosts(&text));
    }
}

#[test]
fn long_hostile_texts_parse_in_linear_time() {
    let n = 10_000;
    let texts = [
        "a ".repeat(n * 5),
        "(".repeat(n * 5),
        "{!a='x TO y] ".repeat(n),
        "{!a TO b] ".repeat(n),
        "[\"x TO y] ".repeat(n),
        "a:".repeat(n * 3),
        " +".repeat(n * 3),
        "\" ".repeat(n * 3),
        "/* ".repeat(n * 3),
        "\\".repeat(n * 5),
        format!("{}{}", "x ".repeat(n * 2), "\""),
        "{!lucene}".repeat(n),
        "abs(".repeat(n),
        format!("2<-1{}5<80%", " ".repeat(n * 5)),
        format!("2{}<80%", " ".repeat(n * 5)),
    ];
    for opts in options() {
        for text in &texts {
            let start = Instant::now();
            check("parse_query", text, || parse_query(text, &opts));
            check("parse_function", text, || parse_function(text));
            check("min_should_match", text, || min_should_match(text, 7));
            // Generous for a debug build on a shared machine; quadratic work would take
            // minutes at these sizes.
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{:?}… took {:?}",
                text.chars().take(40).collect::<String>(),
                start.elapsed()
            );
        }
    }
}
