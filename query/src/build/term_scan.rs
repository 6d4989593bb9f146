//! Which documents hold a term of one field (or one key of a JSON field) that lies in a
//! range and passes a test? The engine under Solr's multi-term queries that tantivy lacks
//! for JSON keys and analysed text: term ranges (`TermRangeQuery`), wildcards, fuzzy terms
//! and "any value" existence. Like Lucene's rewrite of those queries, it walks the term
//! dictionary, unions the postings of the matching terms and scores every document with
//! the query's constant score.

use std::fmt;
use std::ops::Bound;
use std::sync::Arc;

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError};

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
        }
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
        let docs = BitSetDocSet::from(self.matching_docs(reader)?);
        Ok(Box::new(ConstScorer::new(docs, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("TermScan (constant score)", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )))
        }
    }
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
