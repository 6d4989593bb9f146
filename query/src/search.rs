//! Runs a request against one searcher: the query with every filter, `numFound`, and the
//! page of stored documents projected through `fl`.

use ckan_search_indexer::schema::CkanSchema;
use serde_json::{Map, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{Searcher, TantivyDocument};

use crate::build::{build, BuildContext};
use crate::params::SearchRequest;
use crate::parse::{parse, DefaultOperator};
use crate::{QueryError, Result};

/// A page of results, before any wire format.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// Documents matching `q` and every `fq`.
    pub num_found: u64,
    /// The offset asked for.
    pub start: usize,
    /// The page: stored fields selected by `fl` (plus `score` if asked).
    pub docs: Vec<Map<String, Value>>,
}

/// Runs `request` on `searcher`.
pub fn search(
    searcher: &Searcher,
    schema: &CkanSchema,
    request: &SearchRequest,
) -> Result<SearchResult> {
    let ctx = BuildContext {
        schema,
        tokenizers: searcher.index().tokenizers(),
    };
    let q = match request.q.as_deref().map(str::trim) {
        None | Some("") => "*:*",
        Some(q) => q,
    };
    let op = match request.op {
        crate::ast::TokenOperator::And => DefaultOperator::And,
        crate::ast::TokenOperator::Or => DefaultOperator::Or,
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, build(&parse(q, &request.df, op)?, &ctx)?)];
    for fq in &request.fq {
        let filter = build(&parse(fq, &request.df, op)?, &ctx)?;
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::ConstScoreQuery::new(filter, 0.0)),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let internal = |e: tantivy::TantivyError| QueryError::Internal(e.to_string());
    let limit = request.rows.min(searcher.num_docs() as usize);
    let (num_found, top) = if limit == 0 {
        (
            searcher.search(&query, &Count).map_err(internal)?,
            Vec::new(),
        )
    } else {
        let top = TopDocs::with_limit(limit)
            .and_offset(request.start)
            .order_by_score();
        searcher.search(&query, &(Count, top)).map_err(internal)?
    };
    let mut docs = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address).map_err(internal)?;
        let mut stored = schema.stored_fields(&doc);
        stored.retain(|k, _| request.fl.includes(k));
        if request.fl.score {
            stored.insert("score".into(), Value::from(f64::from(score)));
        }
        docs.push(stored);
    }
    Ok(SearchResult {
        num_found: num_found as u64,
        start: request.start,
        docs,
    })
}
