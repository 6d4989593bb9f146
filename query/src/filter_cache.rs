//! Solr's `filterCache`, kept per segment as Lucene's query cache keeps it. CKAN sends the
//! same few filters with nearly every request (`+capacity:public +state:(active)`,
//! `+site_id:"default"`, `+permission_labels:("public")`); each used to be re-run twice per
//! request (once to narrow the page, once for the facets' base set), a pass over most of
//! the catalogue's postings each time.
//!
//! A [`CachedFilter`] wraps an `fq`'s query with a key naming everything its matches depend
//! on (its text, the parse options, `TZ`); a filter that reads `NOW` is not cached. A segment's matches
//! are kept as a bitset under (segment id, key): segments are immutable, so the bits stay
//! right for the segment's life and a commit only computes the new segments' (Solr drops
//! its whole filterCache on every commit and re-warms it). Deleted documents are in the
//! cached bits; the collector skips them, and [`CachedFilter::doc_set`] masks them with the
//! segment's current deletes.

use std::fmt;
use std::sync::{Arc, OnceLock};

use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, Score, Searcher, SegmentReader, TantivyError};

use crate::facet::{DocBits, DocSet};
use crate::lru::BoundedLru;
use crate::{QueryError, Result};

/// Bytes of filter bitsets kept: 64 MiB is 512 filters' bits over a million documents.
const CACHE_BYTES: usize = 64 << 20;
/// Entries kept (one per segment and filter).
const CACHE_ENTRIES: usize = 16_384;

type Key = (SegmentId, Arc<str>);

fn cache() -> &'static BoundedLru<Key, Arc<BitSet>> {
    static CACHE: OnceLock<BoundedLru<Key, Arc<BitSet>>> = OnceLock::new();
    CACHE.get_or_init(|| BoundedLru::new(CACHE_ENTRIES, CACHE_BYTES))
}

/// An `fq` whose per-segment matches are cached.
#[derive(Clone)]
pub(crate) struct CachedFilter {
    key: Arc<str>,
    inner: Arc<dyn Query>,
}

impl fmt::Debug for CachedFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedFilter")
            .field("key", &self.key)
            .field("inner", &self.inner)
            .finish()
    }
}

impl CachedFilter {
    /// `inner` cached under `key`, which must name everything that decides what `inner`
    /// matches (the filter's text and the parameters it was built with).
    pub(crate) fn new(key: String, inner: Box<dyn Query>) -> Self {
        Self {
            key: key.into(),
            inner: Arc::from(inner),
        }
    }

    /// The filter's live matches on `searcher`, as a facet base set.
    pub(crate) fn doc_set(&self, searcher: &Searcher) -> Result<DocSet> {
        let internal = |e: TantivyError| QueryError::Internal(e.to_string());
        // Built on the first segment missing from the cache.
        let mut weight: Option<Box<dyn Weight>> = None;
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let raw = match self.cached(reader) {
                Some(bits) => bits,
                None => {
                    let weight = match &mut weight {
                        Some(weight) => weight,
                        None => weight.insert(
                            self.inner
                                .weight(EnableScoring::disabled_from_searcher(searcher))
                                .map_err(internal)?,
                        ),
                    };
                    self.compute(reader, weight.as_ref()).map_err(internal)?
                }
            };
            let mut live = BitSet::clone(&raw);
            if let Some(alive) = reader.alive_bitset() {
                live.intersect_update(alive.bitset());
            }
            segments.push(DocBits::from_bitset(&live));
        }
        Ok(DocSet::from_segments(segments))
    }

    fn key(&self, reader: &SegmentReader) -> Key {
        (reader.segment_id(), Arc::clone(&self.key))
    }

    /// The segment's raw matches (deleted documents included), if cached.
    fn cached(&self, reader: &SegmentReader) -> Option<Arc<BitSet>> {
        cache().get(&self.key(reader))
    }

    /// Computes the segment's raw matches with `weight` (the inner query's) and caches them.
    fn compute(&self, reader: &SegmentReader, weight: &dyn Weight) -> tantivy::Result<Arc<BitSet>> {
        let mut bits = BitSet::with_max_value(reader.max_doc());
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                bits.insert(doc);
            }
        })?;
        let bits = Arc::new(bits);
        // The key's text is held once per segment too.
        let bytes = (reader.max_doc() as usize).div_ceil(8) + self.key.len();
        cache().insert(self.key(reader), Arc::clone(&bits), bytes);
        Ok(bits)
    }
}

impl Query for CachedFilter {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Filters never score: build the inner weight without scoring statistics.
        let disabled = match scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(scoring.schema()),
        };
        Ok(Box::new(CachedFilterWeight {
            filter: self.clone(),
            inner: self.inner.weight(disabled)?,
        }))
    }
}

struct CachedFilterWeight {
    filter: CachedFilter,
    inner: Box<dyn Weight>,
}

impl Weight for CachedFilterWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let bits = match self.filter.cached(reader) {
            Some(bits) => bits,
            None => self.filter.compute(reader, self.inner.as_ref())?,
        };
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(BitSet::clone(&bits)),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        crate::build::explain_constant(self, reader, doc, "filter")
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, STRING};
    use tantivy::{doc, Index, IndexWriter, Term};

    use super::*;

    #[test]
    fn cached_matches_follow_deletes_and_new_segments() {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING);
        let kind = builder.add_text_field("kind", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let add = |writer: &mut IndexWriter, n: u32| {
            let k = if n.is_multiple_of(2) { "even" } else { "odd" };
            writer
                .add_document(doc!(id => n.to_string(), kind => k))
                .unwrap();
        };
        for n in 0..100 {
            add(&mut writer, n);
        }
        writer.commit().unwrap();
        let reader = index.reader().unwrap();
        let even = || {
            let term = TermQuery::new(
                Term::from_field_text(kind, "even"),
                IndexRecordOption::Basic,
            );
            CachedFilter::new("kind:even".into(), Box::new(term))
        };
        let count = |searcher: &Searcher| {
            let by_search = searcher.search(&even(), &Count).unwrap() as u64;
            let by_set = even().doc_set(searcher).unwrap().len();
            assert_eq!(by_search, by_set);
            by_search
        };
        assert_eq!(count(&reader.searcher()), 50);
        assert_eq!(count(&reader.searcher()), 50, "from the cache");

        // Deletes are masked; a new segment is computed and the old one's bits reused.
        writer.delete_term(Term::from_field_text(id, "0"));
        writer.delete_term(Term::from_field_text(id, "1"));
        for n in 100..110 {
            add(&mut writer, n);
        }
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        assert_eq!(count(&searcher), 49 + 5);
        let first = &searcher.segment_readers()[0];
        assert!(even().cached(first).is_some());
    }
}
