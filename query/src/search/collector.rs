//! Which hits make the page? A tantivy collector for any [`SortPlan`]: it counts every match
//! (`numFound`), tracks the best score (`maxScore`), skips what a cursor has already
//! returned, and keeps the first `limit` hits by (sort keys, index order) — Lucene's
//! `TopFieldCollector` with its doc-id tie-breaker.
//!
//! Within a segment keys are `u64`s (strings by term ordinal), so comparing is cheap and a
//! document is rejected as soon as one key decides against it; only the kept hits have their
//! string ordinals turned into bytes, once per segment, for the merge across segments.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn, TermOrdHit};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

use super::sort::{
    f64_ord, i64_ord, ordinal_of, position_ord, score_ord, KeyKind, KeyValue, SortPlan,
    MISSING_LAST,
};

/// A hit with its sort keys.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SortedHit {
    /// Its keys, comparable across segments.
    pub key: Vec<KeyValue>,
    /// Where it is.
    pub address: DocAddress,
    /// Its score (0 unless scores were computed).
    pub score: Score,
}

/// What the collector returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SortedHits {
    /// Every document matching the query, cursor or not.
    pub count: u64,
    /// The best score among them (only when scoring; `None` without matches).
    pub max_score: Option<Score>,
    /// The first `limit` hits after the cursor, in order.
    pub hits: Vec<SortedHit>,
    /// A segment's dictionary could not be read while naming its hits' string keys
    /// (`harvest` cannot fail; [`SortCollector::merge_fruits`] reports it).
    failure: Option<String>,
}

/// Top-`limit` hits by a [`SortPlan`], strictly after `after` when given.
pub(crate) struct SortCollector {
    plan: SortPlan,
    limit: usize,
    after: Option<Vec<KeyValue>>,
    scoring: bool,
}

impl SortCollector {
    /// `after` must have one value per key of `plan` (a decoded cursor mark). `scoring`
    /// computes scores even when the sort does not use them (for `fl=score`).
    pub fn new(plan: SortPlan, limit: usize, after: Option<Vec<KeyValue>>, scoring: bool) -> Self {
        let scoring = scoring || plan.uses_score();
        Self {
            plan,
            limit,
            after,
            scoring,
        }
    }
}

impl Collector for SortCollector {
    type Fruit = SortedHits;
    type Child = SortSegmentCollector;

    fn for_segment(
        &self,
        segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<SortSegmentCollector> {
        let readers = self
            .plan
            .keys
            .iter()
            .map(|key| {
                KeyReader::open(
                    key.kind,
                    key.descending,
                    key.column.as_deref(),
                    segment_ord,
                    reader,
                )
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let after = match &self.after {
            None => None,
            Some(values) => Some(
                readers
                    .iter()
                    .zip(values)
                    .map(|(r, v)| r.segment_bound(v))
                    .collect::<tantivy::Result<Vec<u64>>>()?,
            ),
        };
        let keys_rise_with_doc = readers.iter().all(KeyReader::rises_with_doc);
        Ok(SortSegmentCollector {
            keys_rise_with_doc,
            readers,
            after,
            threshold: None,
            top: Vec::new(),
            limit: self.limit,
            scratch: Vec::with_capacity(self.plan.keys.len()),
            count: 0,
            max_score: f32::NEG_INFINITY,
            scoring: self.scoring,
            segment_ord,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SortedHits>) -> tantivy::Result<SortedHits> {
        let mut merged = SortedHits::default();
        for fruit in fruits {
            if let Some(failure) = fruit.failure {
                return Err(tantivy::TantivyError::InternalError(failure));
            }
            merged.count += fruit.count;
            merged.max_score = match (merged.max_score, fruit.max_score) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            merged.hits.extend(fruit.hits);
        }
        merged.hits.sort_by(|a, b| {
            self.plan
                .compare(&a.key, &b.key)
                .then_with(|| a.address.cmp(&b.address))
        });
        merged.hits.truncate(self.limit);
        Ok(merged)
    }
}

/// Whether, without scores, no key of `plan` falls as the document id grows in any segment
/// of `searcher`: the order is then index order.
pub(crate) fn keys_rise_with_doc(plan: &SortPlan, searcher: &Searcher) -> tantivy::Result<bool> {
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        for key in &plan.keys {
            let ord = u32::try_from(ord).unwrap_or(u32::MAX);
            let reader =
                KeyReader::open(key.kind, key.descending, key.column.as_deref(), ord, reader)?;
            if !reader.rises_with_doc() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Reads one key's segment-level value for a document.
enum KeyReader {
    Score(bool),
    Doc { base: u64, descending: bool },
    I64(Option<Column<i64>>, bool),
    F64(Option<Column<f64>>, bool),
    Bool(Option<Column<bool>>, bool),
    Str(Option<StrColumn>, bool),
}

impl KeyReader {
    fn open(
        kind: KeyKind,
        descending: bool,
        column: Option<&str>,
        segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let column = column.unwrap_or_default();
        // A column no document of this segment has a value in does not exist: every
        // document is then missing (the `view_recent` case).
        Ok(match kind {
            KeyKind::Score => KeyReader::Score(descending),
            KeyKind::Doc => KeyReader::Doc {
                base: u64::from(segment_ord) << 32,
                descending,
            },
            KeyKind::I64 => KeyReader::I64(fast.column_opt::<i64>(column)?, descending),
            KeyKind::F64 => KeyReader::F64(fast.column_opt::<f64>(column)?, descending),
            KeyKind::Bool => KeyReader::Bool(fast.column_opt::<bool>(column)?, descending),
            KeyKind::Str => KeyReader::Str(fast.str(column)?, descending),
        })
    }

    #[inline]
    fn key(&self, doc: DocId, score: Score) -> u64 {
        match self {
            KeyReader::Score(desc) => score_ord(score, *desc),
            KeyReader::Doc { base, descending } => {
                let v = base | u64::from(doc);
                if *descending {
                    !v
                } else {
                    v
                }
            }
            KeyReader::I64(col, desc) => {
                i64_ord(col.as_ref().and_then(|c| c.first(doc)).unwrap_or(0), *desc)
            }
            KeyReader::F64(col, desc) => f64_ord(
                col.as_ref().and_then(|c| c.first(doc)).unwrap_or(0.0),
                *desc,
            ),
            KeyReader::Bool(col, desc) => match col.as_ref().and_then(|c| c.first(doc)) {
                Some(v) => position_ord(2 * u64::from(v) + 1, *desc),
                None => MISSING_LAST,
            },
            KeyReader::Str(col, desc) => match col.as_ref().and_then(|c| c.ords().first(doc)) {
                Some(ord) => position_ord(2 * ord + 1, *desc),
                None => MISSING_LAST,
            },
        }
    }

    /// Whether, without scores, this key never falls as the document id grows: a missing
    /// column (every document missing), a score (all 0), or index order ascending.
    fn rises_with_doc(&self) -> bool {
        match self {
            KeyReader::Score(_) => true,
            KeyReader::Doc { descending, .. } => !descending,
            KeyReader::I64(col, _) => col.is_none(),
            KeyReader::F64(col, _) => col.is_none(),
            KeyReader::Bool(col, _) => col.is_none(),
            KeyReader::Str(col, _) => col.is_none(),
        }
    }

    /// A cursor value as this segment's key: documents with a greater key come after it.
    fn segment_bound(&self, value: &KeyValue) -> tantivy::Result<u64> {
        Ok(match (self, value) {
            (KeyReader::Str(_, _), KeyValue::Str(None)) => MISSING_LAST,
            (KeyReader::Str(col, desc), KeyValue::Str(Some(s))) => {
                let position = match col {
                    None => 0,
                    Some(col) => {
                        let dict = col.dictionary();
                        match dict.term_ord_or_next(s.as_bytes())? {
                            TermOrdHit::Exact(ord) => 2 * ord + 1,
                            // The gap before the next term (`Next(u64::MAX)`: after them all).
                            TermOrdHit::Next(ord) => 2 * ord.min(dict.num_terms() as u64),
                        }
                    }
                };
                position_ord(position, *desc)
            }
            (_, KeyValue::Ord(v)) => *v,
            // A string value for a non-string key cannot come from a decoded mark.
            (_, KeyValue::Str(_)) => MISSING_LAST,
        })
    }
}

/// One segment's share of [`SortCollector`].
pub(crate) struct SortSegmentCollector {
    readers: Vec<KeyReader>,
    after: Option<Vec<u64>>,
    /// The worst key kept once `top` has been cut to `limit`: nothing at or above it can
    /// enter (documents come in doc-id order, so an equal key loses the tie).
    threshold: Option<Box<[u64]>>,
    top: Vec<SegmentHit>,
    limit: usize,
    scratch: Vec<u64>,
    count: u64,
    max_score: Score,
    scoring: bool,
    segment_ord: u32,
    /// Every key rises (or stays) with the document id when scores are not computed: once
    /// `limit` hits are kept, no later document can enter, and blocks are only counted.
    keys_rise_with_doc: bool,
}

struct SegmentHit {
    key: Box<[u64]>,
    doc: DocId,
    score: Score,
}

fn segment_order(a: &SegmentHit, b: &SegmentHit) -> Ordering {
    a.key.cmp(&b.key).then(a.doc.cmp(&b.doc))
}

impl SortSegmentCollector {
    /// Computes the document's keys into `scratch`, stopping as soon as it is known to be at
    /// or before the cursor, or at or after the threshold.
    #[inline]
    fn competitive(&mut self, doc: DocId, score: Score) -> bool {
        self.scratch.clear();
        let mut vs_after = if self.after.is_some() {
            Ordering::Equal
        } else {
            Ordering::Greater
        };
        let mut vs_threshold = if self.threshold.is_some() {
            Ordering::Equal
        } else {
            Ordering::Less
        };
        for (i, reader) in self.readers.iter().enumerate() {
            let key = reader.key(doc, score);
            self.scratch.push(key);
            if vs_after == Ordering::Equal {
                if let Some(after) = &self.after {
                    vs_after = key.cmp(&after[i]);
                    if vs_after == Ordering::Less {
                        return false;
                    }
                }
            }
            if vs_threshold == Ordering::Equal {
                if let Some(threshold) = &self.threshold {
                    vs_threshold = key.cmp(&threshold[i]);
                    if vs_threshold == Ordering::Greater {
                        return false;
                    }
                }
            }
        }
        vs_after == Ordering::Greater && vs_threshold == Ordering::Less
    }

    /// Whether no later document can enter the page, so documents are only counted: no page
    /// at all, or (without scores) a full page whose keys cannot fall as the doc id grows —
    /// CKAN's home page sorts by a field no document has, so after the first `limit`
    /// documents the rest of a million only add to `numFound`.
    fn only_counting(&self) -> bool {
        !self.scoring
            && (self.limit == 0 || (self.keys_rise_with_doc && self.top.len() >= self.limit))
    }

    /// Keeps the best `limit` hits and remembers the worst of them as the threshold.
    fn cut(&mut self) {
        if self.top.len() <= self.limit || self.limit == 0 {
            return;
        }
        self.top
            .select_nth_unstable_by(self.limit - 1, segment_order);
        self.top.truncate(self.limit);
        self.threshold = self.top.iter().map(|h| &h.key).max().cloned();
    }
}

impl SegmentCollector for SortSegmentCollector {
    type Fruit = SortedHits;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        if self.only_counting() {
            // tantivy calls `collect` rather than `collect_block` on segments with deletes.
            return;
        }
        if self.scoring && score > self.max_score {
            self.max_score = score;
        }
        if self.limit == 0 || !self.competitive(doc, score) {
            return;
        }
        self.top.push(SegmentHit {
            key: self.scratch.as_slice().into(),
            doc,
            score: if self.scoring { score } else { 0.0 },
        });
        if self.top.len() >= self.limit.saturating_mul(2) {
            self.cut();
        }
    }

    /// Documents without scores (tantivy calls this only when none are needed).
    fn collect_block(&mut self, docs: &[DocId]) {
        if self.only_counting() {
            self.count += docs.len() as u64;
            return;
        }
        for &doc in docs {
            self.collect(doc, 0.0);
        }
    }

    fn harvest(mut self) -> SortedHits {
        self.cut();
        self.top.sort_by(segment_order);
        let mut keys: Vec<Vec<KeyValue>> = self
            .top
            .iter()
            .map(|h| h.key.iter().map(|&k| KeyValue::Ord(k)).collect())
            .collect();
        let mut failure = None;
        for (i, reader) in self.readers.iter().enumerate() {
            if let KeyReader::Str(col, desc) = reader {
                if let Err(e) = resolve_strings(col.as_ref(), *desc, i, &mut keys) {
                    failure = Some(format!("reading a sort column: {e}"));
                }
            }
        }
        SortedHits {
            failure,
            count: self.count,
            max_score: (self.scoring && self.count > 0).then_some(self.max_score),
            hits: self
                .top
                .iter()
                .zip(keys)
                .map(|(h, key)| SortedHit {
                    key,
                    address: DocAddress::new(self.segment_ord, h.doc),
                    score: h.score,
                })
                .collect(),
        }
    }
}

/// Replaces key `i` of every hit (a term-ordinal position) by its string, looking the
/// ordinals up in one sorted pass over the dictionary.
fn resolve_strings(
    col: Option<&StrColumn>,
    desc: bool,
    i: usize,
    keys: &mut [Vec<KeyValue>],
) -> std::io::Result<()> {
    let mut wanted: Vec<(u64, usize)> = Vec::new();
    for (hit, key) in keys.iter_mut().enumerate() {
        let ordinal = match key[i] {
            KeyValue::Ord(k) => ordinal_of(k, desc),
            KeyValue::Str(_) => None,
        };
        match (ordinal, col) {
            (Some(ord), Some(_)) => wanted.push((ord, hit)),
            _ => key[i] = KeyValue::Str(None),
        }
    }
    let Some(col) = col else { return Ok(()) };
    wanted.sort_unstable();
    let ords: Vec<u64> = wanted.iter().map(|(ord, _)| *ord).collect();
    let mut strings = Vec::with_capacity(ords.len());
    let complete = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        // Terms were indexed from Rust strings, so they are UTF-8.
        strings.push(String::from_utf8_lossy(bytes).into_owned());
    })?;
    if !complete || strings.len() != wanted.len() {
        return Err(std::io::Error::other("term ordinal not in dictionary"));
    }
    for ((_, hit), value) in wanted.iter().zip(strings) {
        keys[*hit][i] = KeyValue::Str(Some(value));
    }
    Ok(())
}
