//! Runs a request against one searcher: `q` with every `fq`, the exact `numFound`, the page
//! (`sort`, `start`/`rows` or `cursorMark`), `maxScore` and facets — as addresses and
//! scores, before any wire format. [`PageFields`] then reads the hits' fields through `fl`
//! while the response is written, so no page is ever held as documents.

mod collector;
mod compile;
mod constant_score;
mod cursor;
mod doc_set_query;
mod fields;
mod page;
mod sort;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use ckan_search_indexer::schema::CkanSchema;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DocAddress, Searcher};

pub use fields::{hit_fields, score_value};
pub use page::PageFields;

use self::collector::SortCollector;
use self::compile::Compiled;
use self::constant_score::scores_are_constant;
use self::doc_set_query::DocSetQuery;
use self::sort::SortPlan;
use crate::facet::{DocBitsCollector, FacetCounts};
use crate::filter_cache::CachedFilter;
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
    let constant = scores_are_constant(compiled.main.as_ref(), searcher.schema());
    let plan = if cursor.is_none() && !wants_score && plan.uses_score() && constant {
        plan.without_score()
    } else {
        plan
    };
    // When no score is read, a constant-scoring `q` is one more cached filter.
    let fold_main = constant && !wants_score && !plan.uses_score();
    let query = combined(searcher, &compiled, fold_main)?;
    // Facets count over `q` ∩ every `fq`: the set this pass matches, so it is collected
    // here rather than by running the queries again.
    let matched = request.facet.as_ref().map(|_| DocBitsCollector);

    let walked = match query.downcast_ref::<DocSetQuery>() {
        Some(set) if cursor.is_none() && !wants_score => {
            collector::keys_rise_with_doc(&plan, searcher)
                .map_err(internal)?
                .then(|| Arc::clone(set.set()))
        }
        _ => None,
    };
    let (num_found, max_score, hits, last_key, matched) = if let Some(set) = walked {
        // The whole query is one precomputed set in index order (CKAN's home page, the
        // manual's existence counts): the page is its first set bits.
        let hits = first_documents(&set, page_end)
            .into_iter()
            .skip(skip)
            .map(|address| Hit {
                address,
                score: 0.0,
            })
            .collect();
        let matched = request.facet.as_ref().map(|_| set.clone());
        (set.len(), None, hits, None, matched)
    } else if cursor.is_none() && page_end == 0 && !wants_score {
        // Only a count (`rows=0`, CKAN's and Find's count requests): tantivy counts
        // without visiting documents where it can (every document, one term).
        match matched {
            Some(bits) => {
                let set = searcher.search(&query, &bits).map_err(internal)?;
                (set.len(), None, Vec::new(), None, Some(Arc::new(set)))
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
            matched.map(Arc::new),
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
        (
            fruit.count,
            max_score,
            hits,
            last_key,
            matched.map(Arc::new),
        )
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

/// The first `n` documents of `set` in index order.
fn first_documents(set: &crate::facet::DocSet, n: usize) -> Vec<DocAddress> {
    set.segments()
        .iter()
        .enumerate()
        .flat_map(|(segment, bits)| {
            let segment = u32::try_from(segment).unwrap_or(u32::MAX);
            bits.iter().map(move |doc| DocAddress::new(segment, doc))
        })
        .take(n)
        .collect()
}

/// The query a search runs: `q` and every `fq` required, the filters scoring nothing (so
/// scores are `q`'s alone). Two or more cached filters are intersected a word at a time
/// into one set; with `fold_main` (scores unused, `q` cacheable) `q` joins that set and the
/// search is a walk over its bits.
fn combined(searcher: &Searcher, compiled: &Compiled, fold_main: bool) -> Result<Box<dyn Query>> {
    let mut cached: Vec<CachedFilter> = Vec::new();
    let mut others: Vec<&dyn Query> = Vec::new();
    for (_, filter) in &compiled.filters {
        match filter.downcast_ref::<CachedFilter>() {
            Some(filter) => cached.push(filter.clone()),
            None => others.push(filter.as_ref()),
        }
    }
    let folded = match (&compiled.main_key, fold_main) {
        (Some(key), true) => {
            cached.push(CachedFilter::new(key.clone(), compiled.main.box_clone()));
            true
        }
        _ => false,
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !folded {
        clauses.push((Occur::Must, compiled.main.box_clone()));
    }
    if folded || cached.len() >= 2 {
        let mut parts = cached.iter();
        let mut set = match parts.next() {
            Some(first) => first.doc_set(searcher)?,
            None => return Err(QueryError::Internal("no filter to intersect".into())),
        };
        for part in parts {
            set.intersect_with(&part.doc_set(searcher)?);
        }
        let set: Box<dyn Query> = Box::new(DocSetQuery::new(searcher, set));
        // Folded, the set stands for `q` (its constant score is never read).
        let set = if folded {
            set
        } else {
            Box::new(ConstScoreQuery::new(set, 0.0))
        };
        clauses.push((Occur::Must, set));
    } else {
        others.extend(cached.iter().map(|filter| filter as &dyn Query));
    }
    for filter in others {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
        ));
    }
    Ok(match clauses.len() {
        1 => clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(tantivy::query::EmptyQuery)),
        _ => Box::new(BooleanQuery::new(clauses)),
    })
}
