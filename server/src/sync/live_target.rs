//! The sync loop inside `serve`: reads the live generation's searcher and writes through
//! the server's [`LiveWriter`], exactly as `/update` does.

use std::collections::HashMap;
use std::sync::Arc;

use ckan_search_indexer::generation::GenerationId;
use ckan_search_indexer::schema::CkanSchema;
use parking_lot::Mutex;
use tantivy::Searcher;

use super::index_view::{self, IndexedVersion};
use super::target::{SyncTarget, TargetError};
use crate::live::{Generation, LiveIndex};
use crate::update::UpdateCommand;
use crate::writer::{LiveWriter, Visibility, WriteError};

/// The server's own index and writer.
#[derive(Clone)]
pub struct LiveTarget {
    live: Arc<LiveIndex>,
    writer: LiveWriter,
    schema: Arc<CkanSchema>,
    site_id: String,
    /// The generation the writer is known to have replayed the journal onto.
    settled: Arc<Mutex<Option<GenerationId>>>,
}

impl LiveTarget {
    /// The live generation of `live`, written through `writer`, for the site `site_id`.
    pub fn new(
        live: Arc<LiveIndex>,
        writer: LiveWriter,
        schema: Arc<CkanSchema>,
        site_id: &str,
    ) -> Self {
        Self {
            live,
            writer,
            schema,
            site_id: site_id.to_string(),
            settled: Arc::new(Mutex::new(None)),
        }
    }

    /// The live generation, once the writer has replayed the journal onto it. Readers
    /// see a newly published generation a moment before the writer does; one empty
    /// request makes the writer take it over (replaying the writes accepted while it was
    /// built) before anything here reads it.
    async fn generation(&self) -> Result<Arc<Generation>, TargetError> {
        let generation = self
            .live
            .get()
            .ok_or_else(|| TargetError::Unavailable("no index generation is live".into()))?;
        if *self.settled.lock() != Some(generation.id) {
            self.apply(Vec::new()).await?;
            *self.settled.lock() = Some(generation.id);
        }
        Ok(generation)
    }

    /// Runs `read` on a searcher of the live generation, off the async threads.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&CkanSchema, &str, &Searcher) -> tantivy::Result<T> + Send + 'static,
    ) -> Result<T, TargetError> {
        let generation = self.generation().await?;
        let schema = self.schema.clone();
        let site = self.site_id.clone();
        tokio::task::spawn_blocking(move || {
            read(&schema, &site, &generation.searcher())
                .map_err(|e| TargetError::Unavailable(format!("reading the index: {e}")))
        })
        .await
        .map_err(|e| TargetError::Unavailable(e.to_string()))?
    }
}

impl SyncTarget for LiveTarget {
    async fn versions(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, IndexedVersion>, TargetError> {
        let ids = ids.to_vec();
        self.read(move |schema, site, searcher| {
            let query =
                index_view::with_ids(schema, index_view::site_datasets(schema, site)?, &ids)?;
            index_view::versions(searcher, query.as_ref())
        })
        .await
    }

    async fn all_versions(&self) -> Result<HashMap<String, IndexedVersion>, TargetError> {
        self.read(|schema, site, searcher| {
            index_view::versions(searcher, index_view::site_datasets(schema, site)?.as_ref())
        })
        .await
    }

    async fn count(&self) -> Result<u64, TargetError> {
        self.read(|schema, site, searcher| {
            index_view::count(searcher, index_view::site_datasets(schema, site)?.as_ref())
        })
        .await
    }

    async fn newest_modified(&self) -> Result<Option<i64>, TargetError> {
        let all = self.all_versions().await?;
        Ok(all.values().filter_map(|v| v.modified_ms).max())
    }

    async fn settle(&self) -> Result<(), TargetError> {
        self.generation().await.map(drop)
    }

    async fn apply(&self, commands: Vec<UpdateCommand>) -> Result<(), TargetError> {
        self.writer
            .apply(commands, Visibility::Now)
            .await
            .map_err(|e| match e {
                WriteError::BadRequest(m) => TargetError::Rejected(m),
                WriteError::Internal(m) => TargetError::Unavailable(m),
            })
    }
}
