//! The sync loop inside `serve`: reads the live generation's searcher and writes through
//! the server's [`LiveWriter`], exactly as `/update` does.

use std::collections::HashMap;
use std::sync::Arc;

use ckan_search_indexer::schema::CkanSchema;
use tantivy::Searcher;

use super::index_view::{self, IndexedVersion};
use super::target::{SyncTarget, TargetError};
use crate::live::LiveIndex;
use crate::update::UpdateCommand;
use crate::writer::{LiveWriter, Visibility, WriteError};

/// The server's own index and writer.
#[derive(Clone)]
pub struct LiveTarget {
    live: Arc<LiveIndex>,
    writer: LiveWriter,
    schema: Arc<CkanSchema>,
    site_id: String,
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
        }
    }

    /// Runs `read` on a searcher of the live generation, off the async threads. The writer
    /// swaps a new generation in only after replaying the journal onto it, so what is read
    /// here includes every write the server has accepted.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&CkanSchema, &str, &Searcher) -> tantivy::Result<T> + Send + 'static,
    ) -> Result<T, TargetError> {
        let generation = self
            .live
            .get()
            .ok_or_else(|| TargetError::Unavailable("no index generation is live".into()))?;
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
