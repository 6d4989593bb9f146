//! Which documents hold a term of one field (or one key of a JSON field) that lies in a
//! range and passes a test? The engine under Solr's multi-term queries that tantivy lacks
//! for JSON keys and analysed text: term ranges (`TermRangeQuery`), wildcards, fuzzy terms
//! and "any value" existence. Like Lucene's rewrite of those queries, it walks the term
//! dictionary, unions the postings of the matching terms and scores every document with
//! the query's constant score.
//!
//! A scan of *every* term under a key (existence: `extras_harvest_object_id:*` or
//! `:["" TO *]`) is the costly case — harvest object ids are UUIDs, so millions of terms at a
//! million datasets — and its answer for a segment never changes (segments are immutable;
//! deleted documents are dropped by the collector). So that answer is kept per segment in
//! a small LRU cache: the first request after a commit scans only the new segments.

use std::fmt;
use std::ops::Bound;
use std::sync::{Arc, OnceLock};

use tantivy::index::SegmentId;

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, Score, SegmentReader};

use crate::lru::BoundedLru;

/// A test on the part of a term key after the scan's prefix.
pub(crate) trait TermMatcher: Send + Sync + fmt::Debug + 'static {
    /// Whether the key bytes after the prefix match.
    fn matches(&self, suffix: &[u8]) -> bool;
}

/// Accepts every term in the range.
#[derive(Debug)]
pub(crate) struct AnyTerm;

impl TermMatcher for AnyTerm {
    fn matches(&self, _suffix: &[u8]) -> bool {
        true
    }
}

/// Documents with a term `prefix + suffix` where `suffix` lies within the bounds and
/// passes the matcher.
#[derive(Clone, Debug)]
pub(crate) struct TermScanQuery {
    field: Field,
    prefix: Vec<u8>,
    lower: Bound<Vec<u8>>,
    upper: Bound<Vec<u8>>,
    matcher: Arc<dyn TermMatcher>,
    /// No matcher narrows the terms (so the scan may be cached when the range is open).
    any_term: bool,
}

impl TermScanQuery {
    /// Every term of `field` starting with `prefix`.
    pub(crate) fn prefix(field: Field, prefix: Vec<u8>) -> Self {
        Self {
            field,
            prefix,
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
            matcher: Arc::new(AnyTerm),
            any_term: true,
        }
    }

    /// Whether the scan takes every term under the prefix (an existence test).
    fn takes_every_term(&self) -> bool {
        let open_below = match &self.lower {
            Bound::Unbounded => true,
            Bound::Included(s) => s.is_empty(),
            Bound::Excluded(_) => false,
        };
        self.any_term && open_below && matches!(self.upper, Bound::Unbounded)
    }

    /// Restricts the suffix (the key after the prefix) to a range.
    pub(crate) fn with_range(mut self, lower: Bound<Vec<u8>>, upper: Bound<Vec<u8>>) -> Self {
        self.lower = lower;
        self.upper = upper;
        self
    }

    /// Keeps only the terms whose suffix passes `matcher`.
    pub(crate) fn with_matcher(mut self, matcher: impl TermMatcher) -> Self {
        self.matcher = Arc::new(matcher);
        self.any_term = false;
        self
    }
}

impl Query for TermScanQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(TermScanWeight {
            query: self.clone(),
        }))
    }
}

struct TermScanWeight {
    query: TermScanQuery,
}

/// The smallest key greater than every key starting with `prefix`, if any.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn with_prefix(prefix: &[u8], suffix: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + suffix.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(suffix);
    key
}

impl TermScanWeight {
    fn matching_docs(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let q = &self.query;
        let mut docs = BitSet::with_max_value(reader.max_doc());
        let inverted_index = reader.inverted_index(q.field)?;
        let dictionary = inverted_index.terms();
        let mut range = dictionary.range();
        range = match &q.lower {
            Bound::Included(s) => range.ge(with_prefix(&q.prefix, s)),
            Bound::Excluded(s) => range.gt(with_prefix(&q.prefix, s)),
            Bound::Unbounded if q.prefix.is_empty() => range,
            Bound::Unbounded => range.ge(&q.prefix),
        };
        range = match &q.upper {
            Bound::Included(s) => range.le(with_prefix(&q.prefix, s)),
            Bound::Excluded(s) => range.lt(with_prefix(&q.prefix, s)),
            Bound::Unbounded => match prefix_end(&q.prefix) {
                Some(end) => range.lt(end),
                None => range,
            },
        };
        let mut terms = range.into_stream()?;
        while terms.advance() {
            let Some(suffix) = terms.key().get(q.prefix.len()..) else {
                continue;
            };
            if !q.matcher.matches(suffix) {
                continue;
            }
            let mut postings = inverted_index
                .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            loop {
                let block = postings.docs();
                if block.is_empty() {
                    break;
                }
                for &doc in block {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(docs)
    }
}

impl Weight for TermScanWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = if self.query.takes_every_term() {
            let key = ScanKey {
                segment: reader.segment_id(),
                field: self.query.field,
                prefix: self.query.prefix.clone(),
            };
            match scan_cache().get(&key) {
                Some(docs) => BitSet::clone(&docs),
                None => {
                    let docs = self.matching_docs(reader)?;
                    let bytes = bitset_bytes(&docs);
                    scan_cache().insert(key, Arc::new(docs.clone()), bytes);
                    docs
                }
            }
        } else {
            self.matching_docs(reader)?
        };
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        super::explain_constant(self, reader, doc, "TermScan")
    }
}

/// One segment's answer to one whole-key scan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ScanKey {
    segment: SegmentId,
    field: Field,
    prefix: Vec<u8>,
}

/// 64 MiB of bitsets: 512 key-segment answers of a million documents.
const SCAN_CACHE_BYTES: usize = 64 << 20;

/// Whole-key scan answers per segment, least recently used out beyond a byte budget.
fn scan_cache() -> &'static BoundedLru<ScanKey, Arc<BitSet>> {
    static CACHE: OnceLock<BoundedLru<ScanKey, Arc<BitSet>>> = OnceLock::new();
    CACHE.get_or_init(|| BoundedLru::new(usize::MAX, SCAN_CACHE_BYTES))
}

fn bitset_bytes(docs: &BitSet) -> usize {
    (docs.max_value() as usize).div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_end_skips_saturated_bytes() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[b'a', 0xFF]), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None);
        assert_eq!(prefix_end(b""), None);
    }
}
