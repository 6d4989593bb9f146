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
use crate::params::SearchRequest;
use crate::parse::{parse_filter, parse_query, ParseOptions};
use crate::Result;

/// The queries of one request.
pub(crate) struct Compiled {
    /// `q`: what is scored.
    pub main: Box<dyn Query>,
    /// Each `fq` with its tags: required, not scored.
    pub filters: Vec<(Vec<String>, Box<dyn Query>)>,
    /// A filter-cache key for `q`'s matches, unless they depend on `NOW`.
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
    let tz = request.tz.as_deref().unwrap_or_default();
    // A blank `q` falls back to `q.alt` (standard syntax), else to every document.
    let (main_ast, main_text) = match non_blank(request.q.as_deref()) {
        Some(q) => {
            let opts = ParseOptions::from_request(request)?;
            let key = cache_key(&[("q", q), ("options", &format!("{opts:?}")), ("tz", tz)]);
            (parse_query(q, &opts)?, key)
        }
        None => match non_blank(request.q_alt.as_deref()) {
            Some(alt) => {
                let key = cache_key(&[
                    ("q.alt", alt),
                    ("options", &format!("{standard:?}")),
                    ("tz", tz),
                ]);
                (parse_query(alt, &standard)?, key)
            }
            None => (QueryAst::MatchAll, cache_key(&[("all", "")])),
        },
    };
    ctx.take_used_now();
    let main = build(&main_ast, &ctx)?;
    let main_key = (!ctx.take_used_now()).then_some(main_text);
    let mut filters = Vec::with_capacity(request.fq.len());
    for fq in &request.fq {
        let filter = parse_filter(fq, &standard)?;
        let mut query = build(&filter.query, &ctx)?;
        // A filter reading `NOW` matches differently from one request to the next (Solr
        // keys its cache by the resolved instants; we do not cache such filters at all).
        if filter.cache && !ctx.take_used_now() {
            let key = cache_key(&[
                ("fq", fq),
                ("options", &format!("{standard:?}")),
                ("tz", tz),
            ]);
            query = Box::new(CachedFilter::new(key, query));
        }
        filters.push((filter.tags, query));
    }
    Ok(Compiled {
        main,
        filters,
        main_key,
    })
}

/// A filter-cache key: everything a query's matches depend on besides the index — its
/// kind (`q`, `fq`, …), its text, the parse options it was read with, `TZ`. Each part is
/// written with its length, so no text a client sends can spell another query's key.
fn cache_key(parts: &[(&str, &str)]) -> String {
    let mut key = String::new();
    for (name, value) in parts {
        key.push_str(&format!("{}:{name}={}:{value};", name.len(), value.len()));
    }
    key
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
