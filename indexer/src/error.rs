//! Errors of the indexer crate.
use std::sync::Arc;

use crate::document::DocumentError;

/// Any failure while mapping, indexing or managing generations.
#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    /// A file system operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: Arc<std::io::Error>,
    },
    /// tantivy failed.
    #[error("{context}: {source}")]
    Tantivy {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: tantivy::TantivyError,
    },
    /// A generation operation is impossible in the current state.
    #[error("{0}")]
    Generation(String),
    /// A document could not be indexed (and `--force` was not given).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The source could not be read.
    #[error("source {source_name}: {reason}")]
    Source {
        /// The source as given (`jsonl:/path`).
        source_name: String,
        /// What went wrong.
        reason: String,
    },
    /// A build finished but does not hold what the source had.
    #[error("validation failed: {0}")]
    Validation(String),
    /// A dataset asked for is not in the source or the index.
    #[error("{0}")]
    NotFound(String),
    /// Another `search-index` run is writing the data directory.
    #[error("{0}")]
    Busy(String),
}

/// Result with [`IndexerError`].
pub type Result<T, E = IndexerError> = std::result::Result<T, E>;

impl IndexerError {
    /// Wraps a tantivy error with what was being done.
    pub fn tantivy(context: impl Into<String>, source: tantivy::TantivyError) -> Self {
        Self::Tantivy {
            context: context.into(),
            source,
        }
    }
}
