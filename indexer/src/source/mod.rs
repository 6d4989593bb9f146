//! Where package dicts come from. A source yields CKAN package dicts (as `package_show`
//! returns them), one record at a time, so a rebuild streams whatever the catalogue size.

mod jsonl;

pub use jsonl::JsonlSource;

use serde_json::Value;

use crate::document::DocumentError;
use crate::Result;

/// One record read from a source: a package dict, or why the record is unusable.
#[derive(Debug)]
pub struct SourceRecord {
    /// Where it came from (line number for JSONL), for error messages.
    pub position: u64,
    /// The package dict.
    pub package: Result<Value, DocumentError>,
}

/// A catalogue of package dicts.
pub trait Source: Send + Sync {
    /// How the source is named on the command line (`jsonl:/path`, `sample`).
    fn name(&self) -> String;

    /// Streams every record, from the start.
    fn records(&self) -> Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>>;

    /// The number of records, if cheap to know up front (for progress bars).
    fn count_hint(&self) -> Option<u64> {
        None
    }
}
