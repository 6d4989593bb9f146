//! The `search-index` modes: full rebuild into a new generation, refresh and only-missing in
//! place, single datasets, and the read-only inspections (check, show, orphans).
//!
//! Every indexing mode runs the same pipeline ([`pipeline`]): the source is read on the
//! calling thread in chunks of [`CHUNK`] records; each chunk is mapped (package dict → Solr
//! document → tantivy document) in parallel with rayon; tantivy's writer threads index. Only
//! one chunk is in memory at a time, so memory stays bounded whatever the catalogue size.

mod carry;
mod full;
mod in_place;
mod inspect;
mod pipeline;

pub use full::full_rebuild;
pub use in_place::{clear, only_missing, rebuild_datasets, refresh};
pub use inspect::{check, indexed_docs, list_orphans, show, CheckReport, IndexedDoc};
pub use pipeline::{MapOutcome, Pipeline};

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::document::package::PackageOptions;
use crate::document::DocumentError;
use crate::generation::GenerationId;

/// Records mapped per parallel batch.
pub const CHUNK: usize = 2048;

/// How a rebuild behaves.
#[derive(Debug, Clone)]
pub struct RebuildOptions {
    /// `-i/--force`: continue past bad documents and report them at the end.
    pub force: bool,
    /// Previous generations kept after a full rebuild (`--keep`).
    pub keep: usize,
    /// CKAN settings that shape documents (site id, …).
    pub package: PackageOptions,
    /// tantivy writer threads.
    pub threads: usize,
    /// tantivy writer memory budget in bytes, all threads together.
    pub writer_memory: usize,
}

impl Default for RebuildOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8);
        Self {
            force: false,
            keep: 2,
            package: PackageOptions::default(),
            threads,
            writer_memory: 128 * 1024 * 1024,
        }
    }
}

/// Receives progress from long operations (the CLI draws a bar from it).
pub trait Progress: Sync {
    /// A phase starts; `total` records are expected if known.
    fn start(&self, _phase: &str, _total: Option<u64>) {}
    /// `n` more records were processed.
    fn advance(&self, _n: u64) {}
    /// The phase is over.
    fn finish(&self) {}
}

/// Progress that goes nowhere (tests, library use).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// What an indexing run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Documents added or replaced.
    pub indexed: u64,
    /// Records not indexed because CKAN would not index them (deleted datasets) or the mode
    /// did not need them (only-missing).
    pub skipped: u64,
    /// Documents removed from the index.
    pub removed: u64,
    /// Bad records (only non-empty with `--force`).
    pub failed: Vec<DocumentError>,
    /// Wall-clock duration.
    pub seconds: f64,
    /// The generation written to.
    pub generation: Option<GenerationId>,
}

impl Summary {
    /// Datasets indexed per second.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.indexed as f64 / self.seconds
        } else {
            0.0
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "indexed {}, skipped {}, removed {}, failed {} in {:.2} s ({:.0} datasets/s)",
            self.indexed,
            self.skipped,
            self.removed,
            self.failed.len(),
            self.seconds,
            self.rate()
        )?;
        if let Some(g) = self.generation {
            write!(f, " — generation {g}")?;
        }
        Ok(())
    }
}

static LAST_VERSION: AtomicI64 = AtomicI64::new(0);

/// A new `_version_` value: like Solr's, derived from the clock and strictly increasing.
pub fn next_version() -> i64 {
    let now = chrono::Utc::now().timestamp_millis() << 20;
    let mut last = LAST_VERSION.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST_VERSION.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}
