//! Query text → [`QueryAst`]: Solr's query parsers as CKAN and data.gov.uk's Find use
//! them — the standard (Lucene) syntax, dismax, edismax, local params (`{!…}`), function
//! queries and `mm` specs. No schema and no tantivy here: values stay as written, for
//! `crate::build` to analyse and type.
//!
//! - [`parse_query`] reads `q` by `defType` (or its leading `{!…}`);
//! - [`parse_filter`] reads an `fq` (standard syntax unless `{!…}` says otherwise) and
//!   its `{!tag=…}`;
//! - [`parse_function`], [`min_should_match`], [`parse_field_boosts`] read `bf`/`boost`,
//!   `mm` and `qf`/`pf`.
//!
//! Errors are 400s worded as Solr words them (`org.apache.solr.search.SyntaxError: Cannot
//! parse '…': Encountered "<EOF>" at line 1, column 8.`). Nesting is bounded (100 levels)
//! and parsing is linear in the text, so hostile input cannot exhaust the stack or the CPU.

mod dismax;
mod edismax;
mod errors;
mod field_boosts;
mod function;
mod java;
mod local;
mod lucene;
mod min_should_match;
mod options;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;

pub use crate::ast::QueryAst;
pub use field_boosts::parse_field_boosts;
pub use function::parse_function;
pub use min_should_match::min_should_match;
pub use options::ParseOptions;

use crate::ast::TokenOperator;
use crate::params::local_params::split_local_params;
use crate::params::{DefType, SearchRequest};
use crate::Result;

/// Parses a main query (`q`) with its leading local params, if any, else by
/// `opts.def_type`. An empty query (or empty dismax text) matches nothing, as in Solr.
pub fn parse_query(text: &str, opts: &ParseOptions) -> Result<QueryAst> {
    let query = local::parse_with_alt(text, parser_name(opts.def_type), opts, 0, None)?;
    Ok(query.unwrap_or(QueryAst::MatchNone))
}

/// The request's main query as Solr's `QueryComponent` reads it: `q` by its parser, with
/// dismax/edismax falling back to `q.alt` when `q` is blank; no `q` at all (or a blank
/// one without `q.alt`) matches nothing, as in Solr (CKAN always sends `q`, `*:*` when the
/// user gave none).
pub fn parse_main_query(req: &SearchRequest, opts: &ParseOptions) -> Result<QueryAst> {
    let kind = parser_name(opts.def_type);
    let q_alt = req.q_alt.as_deref();
    let query = match req.q.as_deref() {
        Some(q) => local::parse_with_alt(q, kind, opts, 0, q_alt)?,
        None if kind == "lucene" => None,
        None => local::parse_with_alt("", kind, opts, 0, q_alt)?,
    };
    Ok(query.unwrap_or(QueryAst::MatchNone))
}

/// A filter query and its `{!tag=…}` names (for `{!ex=…}` facets).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// The tags, in order.
    pub tags: Vec<String>,
    /// What the filter keeps.
    pub query: QueryAst,
    /// Whether its matches may be cached (`{!cache=false}` says no).
    pub cache: bool,
}

/// Parses an `fq`: `{!tag=a,b}…`, `{!frange …}`, `{!field f=…}`, `{!bool …}`,
/// `{!lucene …}`, …; the standard syntax when no parser is named (whatever `defType`
/// says). A blank filter (or an empty body) keeps every document, as Solr skips it.
pub fn parse_filter(text: &str, opts: &ParseOptions) -> Result<Filter> {
    if text.trim_matches(|c: char| c <= ' ').is_empty() {
        return Ok(Filter {
            tags: Vec::new(),
            query: QueryAst::MatchAll,
            cache: true,
        });
    }
    let local = match text.starts_with("{!") {
        true => split_local_params(text)?,
        false => None,
    };
    let tags = local.as_ref().map(|lp| lp.list("tag")).unwrap_or_default();
    let cache = local.as_ref().and_then(|lp| lp.get("cache")) != Some("false");
    let query = local::parse_with_alt(text, "lucene", opts, 0, None)?.unwrap_or(QueryAst::MatchAll);
    Ok(Filter { tags, query, cache })
}

fn parser_name(def_type: DefType) -> &'static str {
    match def_type {
        DefType::Lucene => "lucene",
        DefType::Dismax => "dismax",
        DefType::Edismax => "edismax",
    }
}

/// The default boolean operator (`q.op`) of the first parser's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultOperator {
    /// Clauses are required.
    And,
    /// Clauses are optional.
    Or,
}

/// The first parser's API, kept for callers not yet on [`parse_query`] /
/// [`parse_filter`]: `query` in the standard syntax (local params honoured) with `df` and
/// `op`. An empty text (e.g. the body of `{!tag=x}`) keeps every document, as an empty
/// `fq` does in Solr.
pub fn parse(query: &str, df: &str, op: DefaultOperator) -> Result<QueryAst> {
    let op = match op {
        DefaultOperator::And => TokenOperator::And,
        DefaultOperator::Or => TokenOperator::Or,
    };
    let opts = ParseOptions::standard(df, op);
    Ok(local::parse_with_alt(query, "lucene", &opts, 0, None)?.unwrap_or(QueryAst::MatchAll))
}
