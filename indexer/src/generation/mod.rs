//! Generations: complete tantivy indexes side by side under `DATA_DIR/generations/`, and the
//! `CURRENT` pointer naming the live one.
//!
//! Three bits of state stay consistent because each changes atomically:
//! 1. `generations/<id>.building/` — a generation being built. Its builder holds an
//!    exclusive lock on `.build.lock` inside it; a directory whose lock is free belongs to a
//!    build that died and is removed by [`GenerationStore::remove_stray`].
//! 2. `generations/<id>/` — a complete, committed and validated generation (renamed from
//!    `.building` only after that).
//! 3. `CURRENT` — the id of the live generation, flipped by an atomic rename.
//!
//! So a crash at any point leaves `CURRENT` naming a complete generation.

mod current;
mod run_lock;
mod store;

pub use current::{read_current, sync_dir, write_current, CURRENT_FILE};
pub use run_lock::RunLock;
pub use store::{BuildingGeneration, GenerationInfo, GenerationStore};

use std::fmt;
use std::sync::Arc;

use crate::IndexerError;

/// A generation's id: a number, increasing with every build, shown zero-padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GenerationId(pub u64);

impl GenerationId {
    /// Parses a directory name or the content of `CURRENT`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().ok().map(GenerationId)
        } else {
            None
        }
    }
}

impl fmt::Display for GenerationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.0)
    }
}

/// An I/O error with what was being done.
pub fn io_err(context: String, source: std::io::Error) -> IndexerError {
    IndexerError::Io {
        context,
        source: Arc::new(source),
    }
}
