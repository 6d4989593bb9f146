//! Runs a request against one searcher: the query with every filter, `numFound`, and the
//! page of stored documents projected through `fl`.

use ckan_search_indexer::schema::CkanSchema;
use serde_json::{Map, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{Searcher, TantivyDocument};

use crate::build::{build, BuildContext};
use crate::field_list::FieldList;
use crate::params::SolrParams;
use crate::parse::{parse, DefaultOperator};
use crate::{QueryError, Result};

/// Most rows one request may ask for: far above any real client (CKAN asks for the whole
/// catalogue's ids at once) but bounded so a typo cannot exhaust memory.
pub const MAX_ROWS: usize = 10_000_000;

/// A typed, validated search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The main query.
    pub q: String,
    /// Filter queries, all required; they do not change scores.
    pub fq: Vec<String>,
    /// Fields to return.
    pub fl: FieldList,
    /// Offset of the first document returned.
    pub start: usize,
    /// Page size.
    pub rows: usize,
    /// Default field.
    pub df: String,
    /// Default operator.
    pub op: DefaultOperator,
}

impl TryFrom<&SolrParams> for SearchRequest {
    type Error = QueryError;

    fn try_from(params: &SolrParams) -> Result<Self> {
        let op = match params.get("q.op").map(str::trim) {
            None | Some("") | Some("OR") => DefaultOperator::Or,
            Some("AND") => DefaultOperator::And,
            Some(other) => return Err(QueryError::BadParam(format!("Invalid q.op: {other}"))),
        };
        let rows = params.get_usize("rows", 10)?;
        if rows > MAX_ROWS {
            return Err(QueryError::BadParam(format!(
                "rows must be at most {MAX_ROWS}"
            )));
        }
        Ok(Self {
            q: params.get("q").unwrap_or("*:*").to_string(),
            fq: params
                .get_all("fq")
                .filter(|f| !f.trim().is_empty())
                .map(str::to_string)
                .collect(),
            fl: FieldList::parse(params.get_all("fl")),
            start: params.get_usize("start", 0)?,
            rows,
            df: params.get("df").unwrap_or("text").to_string(),
            op,
        })
    }
}

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
    let q = if request.q.trim().is_empty() {
        "*:*"
    } else {
        request.q.as_str()
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        build(&parse(q, &request.df, request.op)?, &ctx)?,
    )];
    for fq in &request.fq {
        let filter = build(&parse(fq, &request.df, request.op)?, &ctx)?;
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
