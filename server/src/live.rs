//! The live generation as the server sees it: an atomically swapped handle that every
//! request takes once, so a request in flight during a swap finishes on the generation it
//! started on, and the next request sees the new one.
//!
//! When the server writes (it always does in `serve`), a newly published generation is not
//! swapped in by the watcher itself: it is handed to the writer, which replays onto it the
//! journaled writes the rebuild did not see, commits, and only then swaps it in. So no
//! reader ever sees a generation that lacks an acknowledged write, not even for the moment
//! after a flip.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ckan_search_indexer::generation::{GenerationId, GenerationStore};
use parking_lot::Mutex;
use tantivy::{IndexReader, ReloadPolicy, Searcher};

/// One opened generation.
pub struct Generation {
    /// Its id.
    pub id: GenerationId,
    /// A reader that follows commits made inside the generation (refresh, single datasets).
    pub reader: IndexReader,
}

impl Generation {
    /// A searcher for one request: all of the request's queries see the same segments.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }
}

/// The generation `CURRENT` names, kept in step by [`LiveIndex::refresh`].
pub struct LiveIndex {
    store: GenerationStore,
    current: ArcSwapOption<Generation>,
    /// Set once a writer takes charge of swaps ([`LiveIndex::hand_over_swaps`]).
    writer_swaps: AtomicBool,
    /// A published generation opened by the watcher, waiting for the writer to replay the
    /// journal onto it and swap it in.
    pending: Mutex<Option<Arc<Generation>>>,
}

impl LiveIndex {
    /// Opens whatever `CURRENT` names now.
    pub fn open(store: GenerationStore) -> ckan_search_indexer::Result<Arc<Self>> {
        let live = Arc::new(Self {
            store,
            current: ArcSwapOption::empty(),
            writer_swaps: AtomicBool::new(false),
            pending: Mutex::new(None),
        });
        live.refresh()?;
        Ok(live)
    }

    /// The generation store.
    pub fn store(&self) -> &GenerationStore {
        &self.store
    }

    /// The generation to serve this request from (None before the first publish).
    pub fn get(&self) -> Option<Arc<Generation>> {
        self.current.load_full()
    }

    /// From now on a newly published generation waits in [`LiveIndex::pending`] until the
    /// writer has brought it up to date and calls [`LiveIndex::install`].
    pub fn hand_over_swaps(&self) {
        self.writer_swaps.store(true, Ordering::SeqCst);
    }

    /// The generation the watcher opened and the writer has not installed yet.
    pub fn pending(&self) -> Option<Arc<Generation>> {
        self.pending.lock().clone()
    }

    /// Re-reads `CURRENT` and, if it names another generation, opens it: swaps it in at
    /// once, or leaves it for the writer once [`LiveIndex::hand_over_swaps`] was called.
    /// Returns whether a new generation was opened.
    pub fn refresh(&self) -> ckan_search_indexer::Result<bool> {
        let Some(id) = self.store.current()? else {
            return Ok(false);
        };
        let writer_swaps = self.writer_swaps.load(Ordering::SeqCst);
        if !self.needs_opening(id, writer_swaps) {
            return Ok(false);
        }
        let index = self.store.open_index(id)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| ckan_search_indexer::IndexerError::tantivy("opening a reader", e))?;
        let generation = Arc::new(Generation { id, reader });
        if !writer_swaps {
            self.install(generation);
            return Ok(true);
        }
        // Checked again under the lock `install` holds while it swaps: the writer may have
        // installed this generation while it was being opened.
        let mut pending = self.pending.lock();
        if self.get().is_some_and(|g| g.id == id) {
            return Ok(false);
        }
        tracing::info!(generation = %id, "new generation published: handing it to the writer");
        *pending = Some(generation);
        Ok(true)
    }

    /// Whether `CURRENT`'s `id` is neither served nor already waiting for the writer. A
    /// waiting generation that `CURRENT` no longer names (a rollback meanwhile) is dropped.
    fn needs_opening(&self, id: GenerationId, writer_swaps: bool) -> bool {
        let mut pending = self.pending.lock();
        if pending.as_ref().is_some_and(|g| g.id != id) {
            *pending = None;
        }
        if self.get().is_some_and(|g| g.id == id) {
            return false;
        }
        !(writer_swaps && pending.is_some())
    }

    /// Serves `generation` from the next request on.
    pub fn install(&self, generation: Arc<Generation>) {
        let id = generation.id;
        // Warm up before exposing it: the first request should not pay the page faults.
        let docs = generation.searcher().num_docs();
        // Cleared and swapped under one lock, so `refresh` never sees neither.
        let previous = {
            let mut pending = self.pending.lock();
            if pending.as_ref().is_some_and(|g| g.id == id) {
                *pending = None;
            }
            self.current.swap(Some(generation))
        };
        tracing::info!(
            generation = %id,
            documents = docs,
            previous = ?previous.map(|g| g.id.to_string()),
            "serving generation"
        );
    }

    /// Follows `CURRENT` every `period` until the task is dropped.
    pub async fn watch(self: Arc<Self>, period: Duration) {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let live = self.clone();
            let result = tokio::task::spawn_blocking(move || live.refresh()).await;
            match result {
                Ok(Err(e)) => tracing::warn!(error = %e, "could not follow CURRENT"),
                Err(e) => tracing::warn!(error = %e, "CURRENT watcher failed"),
                Ok(Ok(_)) => {}
            }
        }
    }
}
