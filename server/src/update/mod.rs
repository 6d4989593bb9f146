//! Solr's `/update`: request bodies (JSON and XML) become [`UpdateCommand`]s, which the
//! live writer applies in order.

use ckan_search_indexer::document::SolrDocument;

/// One instruction of an `/update` request, in the order it appeared.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateCommand {
    /// Add (or replace, by `index_id`) a document.
    Add {
        /// The document as sent.
        doc: SolrDocument,
        /// `overwrite` (default true): replace a document with the same uniqueKey.
        overwrite: bool,
        /// `commitWithin` in milliseconds, if given.
        commit_within_ms: Option<u64>,
    },
    /// Delete by uniqueKey (`index_id`).
    DeleteById(String),
    /// Delete every document matching a query (standard syntax).
    DeleteByQuery(String),
    /// Make everything so far visible (`<commit/>`, `{"commit":{}}`).
    Commit {
        /// `softCommit`.
        soft: bool,
    },
    /// `<optimize/>`: a commit that also merges segments.
    Optimize,
}
