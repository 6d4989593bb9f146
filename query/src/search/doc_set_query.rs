//! A precomputed set of documents as a tantivy query. The cached filters of a request (CKAN
//! sends three with every search) are intersected a 64-document word at a time, and the
//! search then walks that one set, instead of seeking each filter's bitset document by
//! document beside the main query. A query that scores every match alike can be folded in
//! too, and the search becomes a walk over set bits.

use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, TERMINATED};

use crate::facet::{DocBits, DocSet as Docs};

/// The documents of `set` (live ones only: deletes are already masked), each scoring the
/// boost it is given.
#[derive(Clone, Debug)]
pub(crate) struct DocSetQuery {
    /// The segment of each of `set`'s parts.
    ids: Arc<Vec<SegmentId>>,
    set: Arc<Docs>,
}

impl DocSetQuery {
    /// `set`, computed on `searcher` (one [`DocBits`] per segment, in its order).
    pub(crate) fn new(searcher: &Searcher, set: Docs) -> Self {
        let ids = searcher
            .segment_readers()
            .iter()
            .map(|reader| reader.segment_id())
            .collect();
        Self {
            ids: Arc::new(ids),
            set: Arc::new(set),
        }
    }

    /// The documents.
    pub(crate) fn set(&self) -> &Arc<Docs> {
        &self.set
    }

    /// The position of `reader`'s segment in the set.
    fn position(&self, reader: &SegmentReader) -> tantivy::Result<usize> {
        let id = reader.segment_id();
        self.ids
            .iter()
            .position(|segment| *segment == id)
            .filter(|&position| position < self.set.segments().len())
            .ok_or_else(|| {
                TantivyError::InternalError(format!("no precomputed documents for segment {id}"))
            })
    }

    fn bits(&self, reader: &SegmentReader) -> tantivy::Result<&DocBits> {
        let position = self.position(reader)?;
        Ok(&self.set.segments()[position])
    }
}

impl Query for DocSetQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for DocSetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let position = self.position(reader)?;
        Ok(Box::new(BitsScorer::new(
            Arc::clone(&self.set),
            position,
            boost,
        )))
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        Ok(u32::try_from(self.bits(reader)?.len()).unwrap_or(u32::MAX))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.bits(reader)?.contains(doc) {
            Ok(Explanation::new("precomputed filter (constant score)", 1.0))
        } else {
            Err(crate::build::not_matching(doc))
        }
    }
}

/// Walks one segment's set bits.
struct BitsScorer {
    set: Arc<Docs>,
    /// Which of `segments` is walked.
    segment: usize,
    /// The word holding `doc`, and its bits not yet visited.
    word: usize,
    rest: u64,
    doc: DocId,
    len: u32,
    boost: Score,
}

impl BitsScorer {
    fn new(set: Arc<Docs>, segment: usize, boost: Score) -> Self {
        let bits = set.segments().get(segment);
        let len = bits.map_or(0, |b| u32::try_from(b.len()).unwrap_or(u32::MAX));
        let mut scorer = Self {
            set,
            segment,
            word: 0,
            rest: 0,
            doc: 0,
            len,
            boost,
        };
        scorer.rest = scorer.word_at(0).unwrap_or(0);
        scorer.next_set_bit();
        scorer
    }

    fn word_at(&self, index: usize) -> Option<u64> {
        let bits = self.set.segments().get(self.segment)?;
        bits.words().get(index).copied()
    }

    /// Moves to the lowest bit left in `rest` or the following words.
    fn next_set_bit(&mut self) -> DocId {
        while self.rest == 0 {
            self.word += 1;
            match self.word_at(self.word) {
                Some(w) => self.rest = w,
                None => {
                    self.doc = TERMINATED;
                    return TERMINATED;
                }
            }
        }
        let bit = self.rest.trailing_zeros();
        self.rest &= self.rest - 1;
        self.doc = (self.word as DocId) * 64 + bit;
        self.doc
    }
}

impl DocSet for BitsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.next_set_bit()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let word = (target / 64) as usize;
        let Some(w) = self.word_at(word) else {
            self.doc = TERMINATED;
            return TERMINATED;
        };
        self.word = word;
        self.rest = w & (u64::MAX << (target % 64));
        self.next_set_bit()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

impl Scorer for BitsScorer {
    fn score(&mut self) -> Score {
        self.boost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(docs: &[DocId], max_doc: DocId, seeks: &[DocId]) -> (Vec<DocId>, Vec<DocId>) {
        let mut bits = DocBits::empty(max_doc);
        for &d in docs {
            bits.insert(d);
        }
        let set = Arc::new(Docs::from_segments(vec![bits]));
        let mut scorer = BitsScorer::new(Arc::clone(&set), 0, 1.0);
        let mut all = Vec::new();
        while scorer.doc() != TERMINATED {
            all.push(scorer.doc());
            scorer.advance();
        }
        let mut scorer = BitsScorer::new(set, 0, 1.0);
        let found = seeks.iter().map(|&t| scorer.seek(t)).collect();
        (all, found)
    }

    #[test]
    fn walks_and_seeks_set_bits_in_order() {
        let docs = [0, 1, 63, 64, 130, 199];
        let (all, found) = walk(&docs, 200, &[0, 2, 64, 65, 131, 199, 200]);
        assert_eq!(all, docs);
        assert_eq!(found, [0, 63, 64, 130, 199, 199, TERMINATED]);
        let (all, found) = walk(&[], 100, &[5]);
        assert!(all.is_empty());
        assert_eq!(found, [TERMINATED]);
        let (all, _) = walk(&[127], 128, &[]);
        assert_eq!(all, [127]);
    }
}
