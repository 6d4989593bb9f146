//! One `search-index` writer at a time per data directory.
//!
//! A full rebuild reads a snapshot of the source and replays the server's journal onto its
//! new generation; the in-place modes (`-r`, `-o`, named datasets, `clear`,
//! `rebuild-publisher`) write straight into the live generation and are not journaled.
//! Run side by side, the in-place run's changes would be lost when the rebuild's
//! generation is published. So each run holds an exclusive lock on
//! `DATA_DIR/search-index.lock` (an OS file lock: it dies with the process), and a second
//! run is refused with who holds it, changing nothing. The server's own writes and `sync`
//! do not take it: they are journaled.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::io_err;
use crate::{IndexerError, Result};

const LOCK_FILE: &str = "search-index.lock";

/// Held for the whole of one `search-index` run; released on drop (or process death).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the data directory's run lock for `what` (e.g. "full rebuild"), or refuses if
    /// another run holds it.
    pub fn acquire(data_dir: &Path, what: &str) -> Result<Self> {
        let path = data_dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io_err(format!("opening {}", path.display()), e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::Error(e)) => {
                return Err(io_err(format!("locking {}", path.display()), e));
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another search-index run"
                } else {
                    holder
                };
                return Err(IndexerError::Busy(format!(
                "{holder} is writing this data directory; a {what} now would lose one run's changes. Nothing was changed: run it again when that one has finished"
            )));
            }
        }
        let note = format!("a {what} (pid {})", std::process::id());
        file.set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(note.as_bytes()))
            .map_err(|e| io_err(format!("writing {}", path.display()), e))?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path(), "full rebuild").unwrap();
        let err = RunLock::acquire(dir.path(), "refresh").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "a full rebuild (pid {}) is writing this data directory; a refresh now would lose one run's changes. Nothing was changed: run it again when that one has finished",
                std::process::id()
            )
        );
        drop(first);
        RunLock::acquire(dir.path(), "refresh").unwrap();
    }
}
