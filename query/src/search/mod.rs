//! Runs a request against one searcher: `q` with every `fq`, the exact `numFound`, the page
//! (`sort`, `start`/`rows` or `cursorMark`), `maxScore` and facets — as addresses and
//! scores, before any wire format. [`PageFields`] then reads the hits' fields through `fl`
//! while the response is written, so no page is ever held as documents.

mod collector;
mod compile;
mod constant_score;
mod cursor;
mod fields;
mod page;
mod sort;
#[cfg(test)]
mod tests;

use ckan_search_indexer::schema::CkanSchema;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DocAddress, Searcher};

pub use fields::{hit_fields, score_value};
pub use page::PageFields;

use self::collector::SortCollector;
use self::compile::Compiled;
use self::constant_score::scores_are_constant;
use self::sort::SortPlan;
use crate::facet::{DocBitsCollector, FacetCounts};
use crate::params::SearchRequest;
use crate::{QueryError, Result};

/// One hit of the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The document.
    pub address: DocAddress,
    /// Its score: computed when the sort uses it or `fl` asks for it, else 0.
    pub score: f32,
}

/// A page of results, before any wire format.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// Documents matching `q` and every `fq` (all of them, also with a cursor).
    pub num_found: u64,
    /// The offset asked for.
    pub start: usize,
    /// `maxScore`: the best score of all matches (0 without any), only when `fl` asks for
    /// `score` — Solr writes it only then.
    pub max_score: Option<f32>,
    /// The page, in order.
    pub hits: Vec<Hit>,
    /// With `cursorMark`: the mark of the next page (the one sent when this page is empty).
    pub next_cursor_mark: Option<String>,
    /// Facet counts, when `facet=true`.
    pub facets: Option<FacetCounts>,
}

/// Runs `request` on `searcher`.
pub fn search(
    searcher: &Searcher,
    schema: &CkanSchema,
    request: &SearchRequest,
) -> Result<SearchResult> {
    // Solr's order of checks: the queries, then the sort, then the cursor.
    let compiled = compile::compile(searcher, schema, request)?;
    let plan = SortPlan::new(&request.sort, schema)?;
    let cursor = match &request.cursor_mark {
        None => None,
        Some(mark) => {
            cursor::check(&plan, request.start)?;
            Some((mark.as_str(), cursor::decode(mark, &plan)?))
        }
    };
    let query = combined(&compiled);
    let internal = |e: tantivy::TantivyError| QueryError::Internal(e.to_string());
    // No more hits than documents, whatever `rows` says (CKAN asks for the whole catalogue).
    let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let skip = if cursor.is_some() { 0 } else { request.start };
    let page_end = if skip >= num_docs {
        0 // past the end: only count
    } else {
        skip.saturating_add(request.rows).min(num_docs)
    };
    let wants_score = request.fl.score;
    // Scores that cannot differ order nothing: sort without them, so no document is scored
    // and a full page ends the work (not with a cursor, whose mark holds a value per key,
    // nor when `fl` shows scores).
    let plan = if cursor.is_none()
        && !wants_score
        && plan.uses_score()
        && scores_are_constant(query.as_ref(), searcher.schema())
    {
        plan.without_score()
    } else {
        plan
    };
    // Facets count over `q` ∩ every `fq`: the set this pass matches, so it is collected
    // here rather than by running the queries again.
    let matched = request.facet.as_ref().map(|_| DocBitsCollector);

    let (num_found, max_score, hits, last_key, matched) =
        if cursor.is_none() && page_end == 0 && !wants_score {
            // Only a count (`rows=0`, CKAN's and Find's count requests): tantivy counts
            // without visiting documents where it can (every document, one term).
            match matched {
                Some(bits) => {
                    let set = searcher.search(&query, &bits).map_err(internal)?;
                    (set.len(), None, Vec::new(), None, Some(set))
                }
                None => {
                    let count = query.count(searcher).map_err(internal)?;
                    (count as u64, None, Vec::new(), None, None)
                }
            }
        } else if cursor.is_none() && plan.is_score_desc() && page_end > 0 {
            // Plain relevance order: tantivy's own top-score collector (ties in index order).
            let top = TopDocs::with_limit(page_end).order_by_score();
            let (count, top, matched) = searcher
                .search(&query, &(Count, top, matched))
                .map_err(internal)?;
            let max_score = top.first().map_or(0.0, |(score, _)| *score);
            let hits = top
                .into_iter()
                .skip(skip)
                .map(|(score, address)| Hit { address, score })
                .collect();
            (
                count as u64,
                wants_score.then_some(max_score),
                hits,
                None,
                matched,
            )
        } else {
            let after = cursor.as_ref().and_then(|(_, after)| after.clone());
            let collector = SortCollector::new(plan, page_end, after, wants_score);
            let (fruit, matched) = searcher
                .search(&query, &(collector, matched))
                .map_err(internal)?;
            let last_key = fruit.hits.last().map(|h| h.key.clone());
            let hits = fruit
                .hits
                .into_iter()
                .skip(skip)
                .map(|h| Hit {
                    address: h.address,
                    score: h.score,
                })
                .collect();
            let max_score = wants_score.then(|| fruit.max_score.unwrap_or(0.0));
            (fruit.count, max_score, hits, last_key, matched)
        };

    let next_cursor_mark = cursor.map(|(sent, _)| match &last_key {
        Some(key) => cursor::encode(key),
        None => sent.to_string(),
    });
    let facets = match (&request.facet, matched) {
        (Some(facet), Some(matched)) => Some(compile::facets(
            searcher, schema, request, &compiled, facet, matched,
        )?),
        _ => None,
    };
    Ok(SearchResult {
        num_found,
        start: request.start,
        max_score,
        hits,
        next_cursor_mark,
        facets,
    })
}

/// `q` with every `fq` required and scoring nothing (so scores are `q`'s alone).
fn combined(compiled: &Compiled) -> Box<dyn Query> {
    if compiled.filters.is_empty() {
        return compiled.main.box_clone();
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, compiled.main.box_clone())];
    for (_, filter) in &compiled.filters {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}
