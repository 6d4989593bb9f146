//! Which parser reads a query text: local params at its start (`{!name k=v …}body`,
//! Solr's `QParser.getParser`) pick the parser and override parameters; otherwise the
//! caller's default. Also Solr's small parsers that only exist behind local params:
//! `frange`, `field`, `bool`, `terms`, `func`, `boost`, `prefix`.
//!
//! `v=` is honoured (the shared local-params reader puts it in the body); `$param`
//! references are refused with a 400.

use super::errors::{too_deep, EMBEDDED_LEVELS, MAX_DEPTH};
use super::function::parse_function_at;
use super::lucene::{self, text::escape_wildcard, DefaultField, LuceneConfig};
use super::{dismax, edismax, java, min_should_match, ParseOptions};
use crate::ast::{BoolQuery, FunctionRange, PhraseQuery, QueryAst, TermQuery, TokenOperator};
use crate::ast::{FuncExpr, WildcardQuery};
use crate::params::local_params::{split_local_params, LocalParams};
use crate::{QueryError, Result};

/// Parses `text`, embedded in a query at `depth`, with its local params or with the
/// `default_kind` parser. `None` is Solr's "no query" (an empty body): the caller decides
/// what that means.
pub(crate) fn parse_sub(
    text: &str,
    default_kind: &str,
    base: &ParseOptions,
    depth: usize,
) -> Result<Option<QueryAst>> {
    parse_with_alt(text, default_kind, base, depth + EMBEDDED_LEVELS, None)
}

/// Parses a query text at `depth` with its local params or the `default_kind` parser; in
/// dismax and edismax a blank text falls back to `q_alt`.
pub(crate) fn parse_with_alt(
    text: &str,
    default_kind: &str,
    base: &ParseOptions,
    depth: usize,
    q_alt: Option<&str>,
) -> Result<Option<QueryAst>> {
    if depth > MAX_DEPTH {
        return Err(too_deep(text));
    }
    // Solr looks for local params only at the very start (no leading whitespace).
    if !text.starts_with("{!") {
        return run(
            default_kind,
            text,
            base,
            base,
            &LocalParams::default(),
            q_alt,
            depth,
        );
    }
    let Some(lp) = split_local_params(text)? else {
        return run(
            default_kind,
            text,
            base,
            base,
            &LocalParams::default(),
            q_alt,
            depth,
        );
    };
    if let Some((key, value)) = lp.params.iter().find(|(_, v)| v.starts_with('$')) {
        return Err(QueryError::BadParam(format!(
            "parameter references are not supported: {key}={value}"
        )));
    }
    let kind = lp.kind.clone().unwrap_or_else(|| default_kind.to_string());
    let effective = base.with_local_params(&lp)?;
    let q_alt = lp.get("q.alt").or(q_alt);
    run(&kind, &lp.body, &effective, base, &lp, q_alt, depth)
}

fn run(
    kind: &str,
    body: &str,
    opts: &ParseOptions,
    base: &ParseOptions,
    lp: &LocalParams,
    q_alt: Option<&str>,
    depth: usize,
) -> Result<Option<QueryAst>> {
    match kind {
        "lucene" | "standard" => {
            // `LuceneQParser`: an empty string is no query; anything else parses.
            if body.is_empty() {
                return Ok(None);
            }
            let cfg = LuceneConfig {
                default_field: DefaultField::Field(&opts.df),
                op: opts.op,
                sub_queries: true,
                base,
                depth,
            };
            lucene::parse(body, &cfg).map(Some)
        }
        "dismax" => dismax::parse(body, opts, base, q_alt, depth),
        "edismax" => edismax::parse(body, opts, base, q_alt, depth),
        "func" => Ok(Some(QueryAst::Function(parse_function_at(body, depth)?))),
        "frange" => frange(body, lp, depth).map(Some),
        "field" => Ok(Some(QueryAst::Phrase(PhraseQuery {
            field: required_field(lp)?,
            text: body.to_string(),
            slop: 0,
        }))),
        "prefix" => Ok(Some(QueryAst::Wildcard(WildcardQuery {
            field: required_field(lp)?,
            pattern: format!("{}*", escape_wildcard(body)),
        }))),
        "terms" => terms(body, lp).map(Some),
        "bool" => bool_query(lp, base, depth).map(Some),
        "boost" => {
            let query = parse_sub(body, "lucene", base, depth)?;
            match (query, lp.get("b")) {
                (Some(query), Some(b)) => Ok(Some(QueryAst::Boosted {
                    query: Box::new(query),
                    boost: function_of(b, base, depth)?,
                })),
                (query, _) => Ok(query),
            }
        }
        other => Err(QueryError::BadParam(format!(
            "Unknown query parser '{other}'"
        ))),
    }
}

/// A function given as a parameter (`b=`, `bf=`, `boost=`) of a query at `depth`: its own
/// local params are honoured, and it must be a function.
pub(crate) fn function_of(text: &str, base: &ParseOptions, depth: usize) -> Result<FuncExpr> {
    match parse_sub(text, "func", base, depth)? {
        Some(QueryAst::Function(f)) => Ok(f),
        _ => Err(QueryError::BadParam(format!(
            "not a function query: {text}"
        ))),
    }
}

/// `f=`: the field of `field`, `prefix` and `terms`.
fn required_field(lp: &LocalParams) -> Result<String> {
    lp.get("f")
        .map(str::to_string)
        .ok_or_else(|| QueryError::BadParam("undefined field null".into()))
}

/// `{!frange l= u= incl= incu=}function`: documents whose function value is in range.
fn frange(body: &str, lp: &LocalParams, depth: usize) -> Result<QueryAst> {
    let number = |key: &str| lp.get(key).map(java::parse_number).transpose();
    let flag = |key: &str| {
        lp.get(key)
            .map(java::parse_bool)
            .transpose()
            .map(|b| b.unwrap_or(true))
    };
    Ok(QueryAst::FunctionRange(FunctionRange {
        function: parse_function_at(body, depth)?,
        lower: number("l")?,
        upper: number("u")?,
        include_lower: flag("incl")?,
        include_upper: flag("incu")?,
    }))
}

/// `{!terms f=field separator=,}a,b,c`: any of the values, each an exact term.
fn terms(body: &str, lp: &LocalParams) -> Result<QueryAst> {
    let field = required_field(lp)?;
    let separator = lp.get("separator").unwrap_or(",");
    let values: Vec<String> = if separator == " " {
        body.trim_matches(|c: char| c <= ' ')
            .split(java::is_regex_space)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    } else if separator.is_empty() {
        // Java splits between every character, keeping a trailing empty value.
        body.chars()
            .map(String::from)
            .chain([String::new()])
            .collect()
    } else {
        body.split(separator).map(str::to_string).collect()
    };
    if body.is_empty() || values.is_empty() {
        return Ok(QueryAst::MatchNone);
    }
    Ok(QueryAst::Bool(BoolQuery {
        should: values
            .into_iter()
            .map(|text| {
                QueryAst::Term(TermQuery {
                    field: field.clone(),
                    text,
                    operator: TokenOperator::Or,
                })
            })
            .collect(),
        ..BoolQuery::default()
    }))
}

/// `{!bool must=… should=… must_not=… filter=… mm=…}`: each value a query in the
/// standard syntax (its own local params honoured); keys repeat.
fn bool_query(lp: &LocalParams, base: &ParseOptions, depth: usize) -> Result<QueryAst> {
    let mut bool = BoolQuery::default();
    for (key, value) in &lp.params {
        let target = match key.as_str() {
            "must" => &mut bool.must,
            "should" => &mut bool.should,
            "must_not" => &mut bool.must_not,
            "filter" => &mut bool.filter,
            _ => continue,
        };
        if let Some(query) = parse_sub(value, "lucene", base, depth)? {
            target.push(query);
        }
    }
    if bool.must.is_empty()
        && bool.should.is_empty()
        && bool.must_not.is_empty()
        && bool.filter.is_empty()
    {
        // An empty BooleanQuery matches nothing.
        return Ok(QueryAst::MatchNone);
    }
    // `mm` from the local params, defaulting by their own `q.op`.
    let and = lp.get("q.op").map(str::trim) == Some("AND");
    let spec = lp.get("mm").unwrap_or(if and { "100%" } else { "0%" });
    let required = min_should_match(spec, bool.should.len())?;
    if required > 0 {
        bool.minimum_should_match = Some(required);
    }
    Ok(QueryAst::Bool(bool))
}
