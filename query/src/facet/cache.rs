//! Which field counts can be reused: the counts of a field over a set of documents depend
//! only on the index's segments and that set. Counts over *every* live document (`q=*:*`)
//! and over any large base set (CKAN's home page: `*:*` with its public/active/site
//! filters; a broad keyword; a big organisation's page) are kept in a small LRU cache, so
//! a repeated request counts nothing, as Solr's caches spare it recounting. A large set is
//! keyed by a fingerprint of its bits and compared whole on lookup, so two requests share
//! counts only when they count exactly the same documents.
//!
//! The segments part of the key is the searcher's segments with their delete opstamps, not its generation id:
//! generation ids restart at 0 for every index (two generations on disk, or two test
//! indexes, share ids), while segment ids are random UUIDs and the delete opstamp changes
//! whenever deletes are committed. A new commit therefore changes the key, and stale
//! entries simply age out.

use std::sync::{Arc, OnceLock};

use tantivy::index::SegmentId;
use tantivy::Searcher;

use super::docset::DocSet;
use super::table::FieldTable;
use crate::lru::BoundedLru;

/// Entries kept by [`FacetCache::global`].
pub const DEFAULT_MAX_ENTRIES: usize = 256;
/// Facet values kept in total by [`FacetCache::global`] (bounds memory when a client facets
/// a large text field such as `text`; about 128 MB).
pub const DEFAULT_MAX_VALUES: usize = 2_000_000;
/// The largest base set whose counts are kept: 64 MiB of bits (each table over a set is
/// charged the set's bits, one value per 64 bytes, against [`DEFAULT_MAX_VALUES`]).
pub const DEFAULT_MAX_SET_BYTES: usize = 64 << 20;
/// Base sets smaller than this are counted every time: that is cheap, and caching them
/// would fill the cache with one-off searches.
pub const MIN_CACHED_BASE_DOCS: u64 = 10_000;

/// The segments (and their delete opstamps) a searcher sees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SegmentsKey(Arc<Vec<(SegmentId, Option<u64>)>>);

impl SegmentsKey {
    /// The key of `searcher`'s point-in-time view.
    pub fn of(searcher: &Searcher) -> Self {
        Self(Arc::new(
            searcher
                .generation()
                .segments()
                .iter()
                .map(|(id, opstamp)| (*id, *opstamp))
                .collect(),
        ))
    }
}

/// Which documents a table counted: every live one, or one particular set.
#[derive(Debug, Clone)]
enum BaseKey {
    All,
    Set { fingerprint: u64, set: Arc<DocSet> },
}

impl PartialEq for BaseKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (BaseKey::All, BaseKey::All) => true,
            (
                BaseKey::Set {
                    fingerprint: a,
                    set: x,
                },
                BaseKey::Set {
                    fingerprint: b,
                    set: y,
                },
            ) => a == b && (Arc::ptr_eq(x, y) || x == y),
            _ => false,
        }
    }
}

impl Eq for BaseKey {}

impl std::hash::Hash for BaseKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            BaseKey::All => 0u64.hash(state),
            BaseKey::Set { fingerprint, .. } => fingerprint.hash(state),
        }
    }
}

impl BaseKey {
    fn set_bytes(&self) -> usize {
        match self {
            BaseKey::All => 0,
            BaseKey::Set { set, .. } => set.byte_len(),
        }
    }
}

/// The documents a cached table counts: a searcher's segments and a base set of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountedSet {
    segments: SegmentsKey,
    base: BaseKey,
}

impl CountedSet {
    /// The key of counting `base` on `searcher`, or None for a base smaller than
    /// `min_docs` (and not every document).
    pub fn of(searcher: &Searcher, base: &Arc<DocSet>, min_docs: u64) -> Option<Self> {
        let len = base.len();
        let base = if len == searcher.num_docs() {
            BaseKey::All
        } else if len >= min_docs {
            BaseKey::Set {
                fingerprint: base.fingerprint(),
                set: Arc::clone(base),
            }
        } else {
            return None;
        };
        Some(Self {
            segments: SegmentsKey::of(searcher),
            base,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    counted: CountedSet,
    field: String,
}

/// Bytes of base-set bits charged as one facet value (about what a value and its count
/// take), so one budget bounds both.
const SET_BYTES_PER_VALUE: usize = 64;

/// A bounded LRU cache of field counts over every document or a large base set.
pub struct FacetCache {
    tables: BoundedLru<Key, Arc<FieldTable>>,
    min_base_docs: u64,
}

impl FacetCache {
    /// An empty cache holding at most `max_entries` tables and `max_values` values in all
    /// (a base set's bits count as one value per [`SET_BYTES_PER_VALUE`] bytes).
    pub fn new(max_entries: usize, max_values: usize) -> Self {
        Self {
            tables: BoundedLru::new(max_entries, max_values),
            min_base_docs: MIN_CACHED_BASE_DOCS,
        }
    }

    /// Caches base sets from `docs` documents on (default [`MIN_CACHED_BASE_DOCS`]).
    pub fn with_min_base_docs(mut self, docs: u64) -> Self {
        self.min_base_docs = docs;
        self
    }

    /// The smallest base set (other than every document) whose counts are cached.
    pub fn min_base_docs(&self) -> u64 {
        self.min_base_docs
    }

    /// The process-wide cache [`super::compute`] uses.
    pub fn global() -> &'static FacetCache {
        static GLOBAL: OnceLock<FacetCache> = OnceLock::new();
        GLOBAL.get_or_init(|| FacetCache::new(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_VALUES))
    }

    /// The table for `field` over `counted`, if cached (and holding a missing count when
    /// `need_missing`).
    pub fn get(
        &self,
        counted: &CountedSet,
        field: &str,
        need_missing: bool,
    ) -> Option<Arc<FieldTable>> {
        let key = Key {
            counted: counted.clone(),
            field: field.to_string(),
        };
        self.tables
            .get_if(&key, |table| !need_missing || table.missing.is_some())
    }

    /// Stores the table for `field` over `counted`, evicting the least recently used
    /// tables beyond the bounds. A table larger than the budgets is not kept.
    pub fn insert(&self, counted: &CountedSet, field: &str, table: Arc<FieldTable>) {
        let set_bytes = counted.base.set_bytes();
        if set_bytes > DEFAULT_MAX_SET_BYTES {
            return;
        }
        let cost = table.values.len() + set_bytes.div_ceil(SET_BYTES_PER_VALUE);
        let key = Key {
            counted: counted.clone(),
            field: field.to_string(),
        };
        self.tables.insert(key, table, cost);
    }

    /// `(hits, misses)` since the cache was made.
    pub fn stats(&self) -> (u64, u64) {
        self.tables.stats()
    }

    /// The number of tables held.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether no table is held.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: usize) -> Arc<FieldTable> {
        Arc::new(FieldTable {
            values: (0..n).map(|i| (i.to_string(), 1)).collect(),
            missing: None,
        })
    }

    fn key(n: u128) -> CountedSet {
        let id = SegmentId::from_uuid_string(&format!("{n:032x}")).expect("uuid");
        CountedSet {
            segments: SegmentsKey(Arc::new(vec![(id, None)])),
            base: BaseKey::All,
        }
    }

    #[test]
    fn evicts_least_recently_used_and_respects_the_value_budget() {
        let cache = FacetCache::new(2, 10);
        cache.insert(&key(1), "tags", table(3));
        cache.insert(&key(1), "groups", table(3));
        assert!(cache.get(&key(1), "tags", false).is_some()); // tags now most recent
        cache.insert(&key(2), "tags", table(3));
        assert!(cache.get(&key(1), "groups", false).is_none());
        assert!(cache.get(&key(1), "tags", false).is_some());
        assert!(cache.get(&key(1), "tags", true).is_none()); // no missing count stored
        cache.insert(&key(3), "res_format", table(11)); // over budget: not kept
        assert!(cache.get(&key(3), "res_format", false).is_none());
        cache.insert(&key(3), "license_id", table(9)); // evicts until ≤ 10 values
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.stats(), (2, 3));
    }
}
