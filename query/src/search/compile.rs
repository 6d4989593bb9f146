//! Which tantivy queries does a request run? `q` (or `q.alt`, or every document) through
//! the request's parser, each `fq` through the standard parser with its `{!tag=…}`, all
//! built against CKAN's schema with one `NOW`, so `q` and every `fq` agree on date math.

use std::sync::Arc;

use ckan_search_indexer::schema::CkanSchema;
use tantivy::query::Query;
use tantivy::Searcher;

use crate::ast::QueryAst;
use crate::build::{build, BuildContext};
use crate::facet::{compute, DocSet, FacetCounts, FacetInput, FacetRequest};
use crate::filter_cache::CachedFilter;
use crate::params::DefType;
use crate::params::SearchRequest;
use crate::parse::{parse_filter, parse_query, ParseOptions};
use crate::Result;

/// The queries of one request.
pub(crate) struct Compiled {
    /// `q`: what is scored.
    pub main: Box<dyn Query>,
    /// Each `fq` with its tags: required, not scored.
    pub filters: Vec<(Vec<String>, Box<dyn Query>)>,
    /// A filter-cache key for `q`'s matches, when its text alone (with `df`, `q.op`, `sow`,
    /// `TZ`, `NOW`) decides them: the standard parser, without nested `{!…}` queries that
    /// could read other parameters.
    pub main_key: Option<String>,
}

/// Parses and builds `q` and every `fq`.
pub(crate) fn compile(
    searcher: &Searcher,
    schema: &CkanSchema,
    request: &SearchRequest,
) -> Result<Compiled> {
    let ctx = context(searcher, schema, request)?;
    let standard = ParseOptions::standard(&request.df, request.op);
    // A blank `q` falls back to `q.alt` (standard syntax), else to every document.
    let main_ast = match non_blank(request.q.as_deref()) {
        Some(q) => parse_query(q, &ParseOptions::from_request(request)?)?,
        None => match non_blank(request.q_alt.as_deref()) {
            Some(alt) => parse_query(alt, &standard)?,
            None => QueryAst::MatchAll,
        },
    };
    let main = build(&main_ast, &ctx)?;
    let mut filters = Vec::with_capacity(request.fq.len());
    for fq in &request.fq {
        let filter = parse_filter(fq, &standard)?;
        let mut query = build(&filter.query, &ctx)?;
        if filter.cache {
            query = Box::new(CachedFilter::new(filter_key(fq, request), query));
        }
        filters.push((filter.tags, query));
    }
    let main_key = main_key(request);
    Ok(Compiled {
        main,
        filters,
        main_key,
    })
}

/// What an `fq`'s matches depend on besides the index: its text and the parameters it is
/// built with (`NOW` only when the text uses it, so date-math filters share an entry only
/// within one instant, as in Solr, whose cache keys hold the resolved dates).
fn filter_key(fq: &str, request: &SearchRequest) -> String {
    let now = if fq.contains("NOW") {
        request.now_ms.to_string()
    } else {
        String::new()
    };
    let tz = request.tz.as_deref().unwrap_or_default();
    format!(
        "{}\u{0}{:?}\u{0}{tz}\u{0}{now}\u{0}{fq}",
        request.df, request.op
    )
}

fn main_key(request: &SearchRequest) -> Option<String> {
    if request.def_type != DefType::Lucene {
        return None;
    }
    let text = match non_blank(request.q.as_deref()) {
        Some(q) => format!("q\u{0}{q}"),
        None => format!("q.alt\u{0}{}", request.q_alt.as_deref().unwrap_or_default()),
    };
    if text.contains("{!") || text.contains("_query_") {
        return None;
    }
    Some(format!(
        "{}\u{0}{}",
        request.sow,
        filter_key(&text, request)
    ))
}

/// Facet counts over the compiled queries, when the request asks for them: `q` and every
/// `fq` (with its tags, for `{!ex=…}`), `facet.query` texts through the standard parser.
pub(crate) fn facets(
    searcher: &Searcher,
    schema: &CkanSchema,
    request: &SearchRequest,
    compiled: &Compiled,
    facet: &FacetRequest,
    matched: Arc<DocSet>,
) -> Result<FacetCounts> {
    let ctx = context(searcher, schema, request)?;
    let standard = ParseOptions::standard(&request.df, request.op);
    let facet_query =
        |text: &str| -> Result<Box<dyn Query>> { build(&parse_query(text, &standard)?, &ctx) };
    let input = FacetInput {
        searcher,
        schema,
        main: compiled.main.as_ref(),
        filters: &compiled.filters,
        facet_query: &facet_query,
        matched: Some(matched),
    };
    compute(&input, facet)
}

/// The build context of a request: its `NOW` and `TZ`, fixed once for `q`, every `fq`
/// and every `facet.query`.
fn context<'a>(
    searcher: &'a Searcher,
    schema: &'a CkanSchema,
    request: &SearchRequest,
) -> Result<BuildContext<'a>> {
    BuildContext::new(
        schema,
        searcher.index().tokenizers(),
        request.now_ms,
        request.tz.as_deref(),
    )
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}
