//! Where the sync loop applies changes: the server's own writer when it runs inside
//! `serve` ([`super::LiveTarget`]), or a running server's `/update` when it runs as the
//! standalone `ckan-search sync` ([`super::HttpTarget`]). Either way every change goes
//! through the server's writer, which journals it before applying it, so a full rebuild
//! running meanwhile replays it onto the new generation.

use std::collections::HashMap;
use std::future::Future;

use super::index_view::IndexedVersion;
use crate::update::UpdateCommand;

/// Why the index did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The write was refused (a document Solr would refuse): retrying cannot help.
    #[error("{0}")]
    Rejected(String),
    /// The index could not be reached or failed: retry later.
    #[error("{0}")]
    Unavailable(String),
}

/// The index the sync loop keeps in step with the database, for one site.
pub trait SyncTarget: Send + Sync + 'static {
    /// The versions the index holds of these datasets (absent ones are not indexed).
    fn versions(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<HashMap<String, IndexedVersion>, TargetError>> + Send;

    /// The version of every dataset of the site.
    fn all_versions(
        &self,
    ) -> impl Future<Output = Result<HashMap<String, IndexedVersion>, TargetError>> + Send;

    /// How many datasets of the site are indexed.
    fn count(&self) -> impl Future<Output = Result<u64, TargetError>> + Send;

    /// The newest `metadata_modified` indexed for the site (epoch milliseconds).
    fn newest_modified(&self) -> impl Future<Output = Result<Option<i64>, TargetError>> + Send;

    /// Applies the commands in order as one request and makes them searchable before
    /// returning. A refused request changes nothing.
    fn apply(
        &self,
        commands: Vec<UpdateCommand>,
    ) -> impl Future<Output = Result<(), TargetError>> + Send;
}
