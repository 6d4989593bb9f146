//! The live generation as the server sees it: an atomically swapped handle that every
//! request takes once, so a request in flight during a swap finishes on the generation it
//! started on, and the next request sees the new one.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ckan_search_indexer::generation::{GenerationId, GenerationStore};
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
}

impl LiveIndex {
    /// Opens whatever `CURRENT` names now.
    pub fn open(store: GenerationStore) -> ckan_search_indexer::Result<Arc<Self>> {
        let live = Arc::new(Self {
            store,
            current: ArcSwapOption::empty(),
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

    /// Re-reads `CURRENT` and swaps in the generation it names if that changed. Returns
    /// whether a swap happened.
    pub fn refresh(&self) -> ckan_search_indexer::Result<bool> {
        let Some(id) = self.store.current()? else {
            return Ok(false);
        };
        if self.get().is_some_and(|g| g.id == id) {
            return Ok(false);
        }
        let index = self.store.open_index(id)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| ckan_search_indexer::IndexerError::tantivy("opening a reader", e))?;
        let generation = Generation { id, reader };
        // Warm up before exposing it: the first request should not pay the page faults.
        let docs = generation.searcher().num_docs();
        let previous = self.current.swap(Some(Arc::new(generation)));
        tracing::info!(
            generation = %id,
            documents = docs,
            previous = ?previous.map(|g| g.id.to_string()),
            "serving generation"
        );
        Ok(true)
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
