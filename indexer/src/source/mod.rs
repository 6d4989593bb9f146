//! Where package dicts come from. A source yields CKAN package dicts (as `package_show`
//! returns them), one record at a time, so a rebuild streams whatever the catalogue size.

mod jsonl;
pub mod postgres;

pub use jsonl::JsonlSource;
pub use postgres::PostgresSource;

use std::collections::HashMap;

use serde_json::Value;

use crate::document::DocumentError;
use crate::Result;

/// One record read from a source: a package dict, or why the record is unusable.
#[derive(Debug)]
pub struct SourceRecord {
    /// Where it came from (line number for JSONL, position in id order for PostgreSQL),
    /// for error messages.
    pub position: u64,
    /// The package dict.
    pub package: Result<Value, DocumentError>,
}

/// A catalogue of package dicts.
pub trait Source: Send + Sync {
    /// How the source is named on the command line (`jsonl:/path`, `sample`,
    /// `postgres://user@host/db`), never with a password.
    fn name(&self) -> String;

    /// Streams every record, from the start.
    fn records(&self) -> Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>>;

    /// The number of records, if cheap to know up front (for progress bars).
    fn count_hint(&self) -> Option<u64> {
        None
    }

    /// After the records of the last [`Source::records`] call ran out: an error if they
    /// ran out because reading broke off (a lost database connection) rather than because
    /// the catalogue ended. Such a break also yields one failed record, which aborts a
    /// run; a run that continues past failed records (`--force`) must call this before
    /// publishing, or it would publish a partial catalogue as complete.
    fn check_complete(&self) -> Result<()> {
        Ok(())
    }

    /// Vocabulary id → name, when the source knows them (CKAN's database does; a
    /// `package_show` dict only names a tag's vocabulary by id). The indexer needs the
    /// names for the `vocab_<name>` fields (`PackageOptions::vocabularies`).
    fn vocabularies(&self) -> Result<HashMap<String, String>> {
        Ok(HashMap::new())
    }
}
