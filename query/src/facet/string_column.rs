//! How many base documents have each value of a raw string field: Solr's `fc` method on
//! doc values, with tantivy's fast string columns. Per segment, a `Vec<u32>` indexed by the
//! segment's term ordinal is filled from the documents' ordinals (a document holding a
//! value twice counts once, as Solr counts documents); the ordinals are then turned into
//! terms and the segments merged by term bytes.
//!
//! Cost: O(values of the base documents) for counting, plus O(terms decoded) for the
//! dictionary — all of them for `facet.mincount=0` (Solr lists every term of the field,
//! including those only in other documents), else only the ordinals that were counted.

use tantivy::columnar::Cardinality;
use tantivy::{DocId, Searcher};

use super::column::for_each_value_block;
use super::docset::DocSet;
use super::merge::{into_strings, merge_runs, Run};
use super::table::{CountPlan, FieldTable};
use crate::{QueryError, Result};

/// Counts the values of the fast string column `column` over `base`.
pub fn count(
    searcher: &Searcher,
    base: &DocSet,
    column: &str,
    plan: CountPlan,
) -> Result<FieldTable> {
    let internal = |e: &dyn std::fmt::Display| QueryError::Internal(e.to_string());
    let mut runs: Vec<Run> = Vec::new();
    let mut missing = 0u64;
    for (reader, docs) in searcher.segment_readers().iter().zip(base.segments()) {
        let Some(col) = reader.fast_fields().str(column).map_err(|e| internal(&e))? else {
            missing += docs.len();
            continue;
        };
        let ords = col.ords();
        let num_terms = col.num_terms();
        let mut counts = vec![0u32; num_terms];
        let mut with_value = 0u64;
        if ords.get_cardinality() == Cardinality::Multivalued {
            // A document holding a value twice counts once: remember, per ordinal, the last
            // document counted (documents arrive in ascending order).
            let mut last_doc = vec![DocId::MAX; num_terms];
            for_each_value_block(ords, docs, |doc_ids, doc_ords| {
                let mut previous = DocId::MAX;
                for (doc, ord) in doc_ids.iter().zip(doc_ords) {
                    if *doc != previous {
                        with_value += 1;
                        previous = *doc;
                    }
                    let ord = *ord as usize;
                    if let (Some(last), Some(count)) = (last_doc.get_mut(ord), counts.get_mut(ord))
                    {
                        if *last != *doc {
                            *last = *doc;
                            *count += 1;
                        }
                    }
                }
            });
        } else {
            for_each_value_block(ords, docs, |doc_ids, doc_ords| {
                with_value += doc_ids.len() as u64;
                for ord in doc_ords {
                    if let Some(count) = counts.get_mut(*ord as usize) {
                        *count += 1;
                    }
                }
            });
        }
        missing += docs.len().saturating_sub(with_value);

        let wanted: Vec<u64> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| plan.all_terms || **c > 0)
            .map(|(ord, _)| ord as u64)
            .collect();
        let mut run: Run = Vec::with_capacity(wanted.len());
        let mut next = wanted.iter();
        col.dictionary()
            .sorted_ords_to_term_cb(&wanted, |term| {
                if let Some(ord) = next.next() {
                    if plan.prefix.is_none_or(|p| term.starts_with(p.as_bytes())) {
                        let c = counts.get(*ord as usize).copied().unwrap_or(0);
                        run.push((term.to_vec(), u64::from(c)));
                    }
                }
            })
            .map_err(|e| internal(&e))?;
        runs.push(run);
    }
    Ok(FieldTable {
        values: into_strings(merge_runs(runs)),
        missing: plan.missing.then_some(missing),
    })
}
