//! `ckan-search sync` (and `serve --sync-source`): keeps the live index in step with CKAN's
//! PostgreSQL database, for changes CKAN did not send itself (writes made with search
//! indexing off, scripts writing SQL, a CKAN that was down, …).
//!
//! Every poll (`--interval-ms`, 500 ms by default) runs one statement: the packages whose
//! `metadata_modified` is at or after the watermark minus a safety window (60 s), and how
//! many packages CKAN would index. Changed datasets whose version the index does not hold
//! yet are read as full package dicts (the same assembly as a rebuild from the database),
//! mapped as CKAN's `index_package` maps them, and applied through the server's writer
//! with a commit, so they are searchable within about one interval and every change is
//! journaled: a full rebuild running meanwhile replays it onto the new generation. Progress
//! (the watermark, and the versions applied within the window) is persisted atomically
//! after each batch in `DATA_DIR/sync/state.json`; a restart reads the window again and
//! skips what it applied, and a version the index already holds is never written again.
//!
//! CKAN soft-deletes and purges without touching `metadata_modified`. Those are found by
//! reconciliation — the whole `(id, state, metadata_modified)` list against the whole
//! index — which runs every 30 s and as soon as the poll's count of indexable packages
//! and the index's count of datasets move apart (a soft delete or a purge changes one and
//! not the other), so they too are searchable within about one interval.
//!
//! A database or server that goes away is retried with exponential backoff up to 30 s,
//! with one log line when the outage starts and one when it ends.
//!
//! Limits: the window must exceed both the clock skew between CKAN's application servers
//! and CKAN's longest write transaction. Changes that touch neither a package row's
//! `metadata_modified` nor its state (renaming an organisation or a group) are not seen:
//! run `search-index rebuild-publisher` or a rebuild. On large catalogues the poll scans
//! `package` (CKAN has no index on `metadata_modified`); `CREATE INDEX CONCURRENTLY ON
//! package (metadata_modified)` makes it cheap. Sites with an IDatasetForm plugin should
//! let CKAN send its own documents (the database holds only the core-schema dict): the
//! sync then only confirms them, since it skips versions the index already holds.

mod apply;
mod backoff;
mod database;
mod engine;
mod http_target;
pub mod index_view;
mod live_target;
mod reconcile;
mod state;
mod target;

pub use database::DbError;
pub use engine::{SyncConfig, SyncError, SyncLoop};
pub use http_target::HttpTarget;
pub use index_view::IndexedVersion;
pub use live_target::LiveTarget;
pub use state::{state_path, SyncState};
pub use target::{SyncTarget, TargetError};
