//! A small bounded least-recently-used map, shared by the query crate's caches (facet
//! tables, whole-key term scans, filter bitsets). Each entry is charged a cost (bytes, or
//! values held); the least recently used entries are dropped while the total cost or the
//! number of entries is over budget (down to 90 % of them, so one sorted pass makes room
//! for many inserts). An entry costing more than the whole budget is not kept. Lookups and
//! inserts take one mutex.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// A bounded LRU map from `K` to cheaply cloned values (`Arc`s).
pub struct BoundedLru<K, V> {
    inner: Mutex<Inner<K, V>>,
    max_entries: usize,
    max_cost: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

struct Inner<K, V> {
    entries: HashMap<K, Entry<V>>,
    tick: u64,
    cost: usize,
}

struct Entry<V> {
    value: V,
    cost: usize,
    last_used: u64,
}

impl<K: Hash + Eq + Clone, V: Clone> BoundedLru<K, V> {
    /// An empty map of at most `max_entries` entries costing at most `max_cost` in all.
    pub fn new(max_entries: usize, max_cost: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                tick: 0,
                cost: 0,
            }),
            max_entries,
            max_cost,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The value of `key`, marked as just used.
    pub fn get(&self, key: &K) -> Option<V> {
        self.get_if(key, |_| true)
    }

    /// The value of `key` if `usable` accepts it, marked as just used.
    pub fn get_if(&self, key: &K, usable: impl FnOnce(&V) -> bool) -> Option<V> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let found = inner
            .entries
            .get_mut(key)
            .filter(|entry| usable(&entry.value))
            .map(|entry| {
                entry.last_used = tick;
                entry.value.clone()
            });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores `value` under `key` at `cost`, then drops the least recently used entries
    /// beyond the budgets.
    pub fn insert(&self, key: K, value: V, cost: usize) {
        if cost > self.max_cost || self.max_entries == 0 {
            return;
        }
        let mut inner = self.lock();
        inner.tick += 1;
        let last_used = inner.tick;
        let entry = Entry {
            value,
            cost,
            last_used,
        };
        if let Some(old) = inner.entries.insert(key, entry) {
            inner.cost -= old.cost;
        }
        inner.cost += cost;
        if inner.entries.len() > self.max_entries || inner.cost > self.max_cost {
            self.evict(&mut inner);
        }
    }

    /// Drops the least recently used entries until the map is within 90 % of both
    /// budgets: one sorted pass frees room for many inserts, rather than a scan per insert.
    fn evict(&self, inner: &mut Inner<K, V>) {
        let max_entries = self.max_entries - self.max_entries / 10;
        let max_cost = self.max_cost - self.max_cost / 10;
        let mut by_age: Vec<(u64, K)> = inner
            .entries
            .iter()
            .map(|(key, entry)| (entry.last_used, key.clone()))
            .collect();
        by_age.sort_unstable_by_key(|(last_used, _)| *last_used);
        for (_, key) in by_age {
            if inner.entries.len() <= max_entries && inner.cost <= max_cost {
                break;
            }
            if let Some(old) = inner.entries.remove(&key) {
                inner.cost -= old.cost;
            }
        }
    }

    /// `(hits, misses)` of the lookups so far.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// The number of entries held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        // Every mutation is one insert or remove plus its cost: a map left by a panic
        // elsewhere is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::BoundedLru;

    #[test]
    fn drops_least_recently_used_beyond_entries_or_cost() {
        let lru = BoundedLru::new(2, 10);
        lru.insert("a", 1, 3);
        lru.insert("b", 2, 3);
        assert_eq!(lru.get(&"a"), Some(1)); // `a` is now the most recent
        lru.insert("c", 3, 3); // three entries: `b` goes
        assert_eq!(
            (lru.get(&"b"), lru.get(&"a"), lru.get(&"c")),
            (None, Some(1), Some(3))
        );
        lru.insert("d", 4, 11); // over the whole budget: not kept
        assert_eq!(lru.get(&"d"), None);
        lru.insert("e", 5, 9); // 3 + 3 + 9 > 10: `a` then `c` go
        assert_eq!(lru.len(), 1);
        assert_eq!(lru.get(&"e"), Some(5));
        lru.insert("e", 6, 2); // a replacement is charged once
        lru.insert("f", 7, 8);
        assert_eq!((lru.get(&"e"), lru.get(&"f")), (Some(6), Some(7)));
        assert_eq!(lru.get_if(&"f", |v| *v > 10), None);
        assert_eq!(lru.stats(), (6, 3));
    }
}
