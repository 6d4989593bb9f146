//! How many base documents hold each indexed token of an analysed field (`title`,
//! `extras_theme-primary`, …). Solr facets a `TextField` by uninverting it, so the values
//! are the analysed tokens (`busi`, `businessandeconomi`, `economi`), not the text sent.
//!
//! We walk the field's term dictionary (for a JSON path, the terms under the path's string
//! prefix, with the prefix stripped) and intersect each term's postings with the base set.
//! Cost per segment: O(T + P) for T terms in range and P postings of those terms (block
//! decoded, one bitset probe each); when the base set holds every document of a segment
//! (no deletes), a term's count is its document frequency and P drops out. Fine for
//! moderate vocabularies (`extras_*`); faceting `text` over a large catalogue is as costly
//! here as it is in Solr.

use tantivy::postings::TermInfo;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, SegmentReader};

use super::docset::{DocBits, DocSet};
use super::merge::{into_strings, merge_runs, Run};
use super::source::prefix_upper_bound;
use super::table::{CountPlan, FieldTable};
use crate::{QueryError, Result};

/// Where the field's terms are.
#[derive(Debug, Clone, Copy)]
pub struct TermsField<'a> {
    /// The tantivy field.
    pub field: Field,
    /// Prefix of the field's string terms (JSON path + end byte + type byte; empty for an
    /// explicit field).
    pub value_prefix: &'a [u8],
    /// Prefix of all the field's terms, of any type (for `facet.missing`).
    pub field_prefix: &'a [u8],
}

/// Counts the tokens of `terms` over `base`.
pub fn count(
    searcher: &Searcher,
    base: &DocSet,
    terms: TermsField,
    plan: CountPlan,
) -> Result<FieldTable> {
    let mut lower = terms.value_prefix.to_vec();
    if let Some(p) = plan.prefix {
        lower.extend_from_slice(p.as_bytes());
    }
    let upper = prefix_upper_bound(&lower);
    let mut runs: Vec<Run> = Vec::new();
    let mut missing = 0u64;
    for (reader, docs) in searcher.segment_readers().iter().zip(base.segments()) {
        let full = docs.len() == u64::from(reader.max_doc());
        let mut run: Run = Vec::new();
        for_each_term(
            reader,
            terms.field,
            &lower,
            upper.as_deref(),
            |key, info, inv| {
                let count = if full {
                    u64::from(info.doc_freq)
                } else if docs.is_empty() {
                    0
                } else {
                    count_in(inv, info, docs)?
                };
                if count > 0 || plan.all_terms {
                    let token = key.get(terms.value_prefix.len()..).unwrap_or_default();
                    run.push((token.to_vec(), count));
                }
                Ok(())
            },
        )?;
        runs.push(run);
        if plan.missing && !docs.is_empty() {
            missing += docs.len() - docs_with_any_term(reader, terms, docs)?;
        }
    }
    Ok(FieldTable {
        values: into_strings(merge_runs(runs)),
        missing: plan.missing.then_some(missing),
    })
}

/// Calls `f(term bytes, term info, inverted index)` for every term of `field` in
/// `[lower, upper)`, in byte order.
fn for_each_term(
    reader: &SegmentReader,
    field: Field,
    lower: &[u8],
    upper: Option<&[u8]>,
    mut f: impl FnMut(&[u8], &TermInfo, &tantivy::InvertedIndexReader) -> Result<()>,
) -> Result<()> {
    let internal = |e: &dyn std::fmt::Display| QueryError::Internal(e.to_string());
    let inv = reader.inverted_index(field).map_err(|e| internal(&e))?;
    let mut range = inv.terms().range();
    if !lower.is_empty() {
        range = range.ge(lower);
    }
    if let Some(upper) = upper {
        range = range.lt(upper);
    }
    let mut stream = range.into_stream().map_err(|e| internal(&e))?;
    while stream.advance() {
        f(stream.key(), stream.value(), &inv)?;
    }
    Ok(())
}

/// The number of documents of `docs` in the term's postings.
fn count_in(inv: &tantivy::InvertedIndexReader, info: &TermInfo, docs: &DocBits) -> Result<u64> {
    let mut count = 0u64;
    for_each_posting_block(inv, info, |block| {
        count += block.iter().filter(|d| docs.contains(**d)).count() as u64;
    })?;
    Ok(count)
}

fn for_each_posting_block(
    inv: &tantivy::InvertedIndexReader,
    info: &TermInfo,
    mut f: impl FnMut(&[tantivy::DocId]),
) -> Result<()> {
    let mut postings = inv
        .read_block_postings_from_terminfo(info, IndexRecordOption::Basic)
        .map_err(|e| QueryError::Internal(e.to_string()))?;
    loop {
        let block = postings.docs();
        if block.is_empty() {
            return Ok(());
        }
        f(block);
        postings.advance();
    }
}

/// How many documents of `docs` hold at least one term of the field (Solr's missing count
/// is the base set minus the documents matching `field:[* TO *]`).
fn docs_with_any_term(reader: &SegmentReader, terms: TermsField, docs: &DocBits) -> Result<u64> {
    let mut has = DocBits::empty(reader.max_doc());
    let upper = prefix_upper_bound(terms.field_prefix);
    for_each_term(
        reader,
        terms.field,
        terms.field_prefix,
        upper.as_deref(),
        |_, info, inv| {
            for_each_posting_block(inv, info, |block| {
                for d in block {
                    has.insert(*d);
                }
            })
        },
    )?;
    Ok(has.intersection_len(docs))
}
