//! The journal: every acknowledged `/update` write, numbered and fsynced before the
//! server answers, so none is lost to a crash or to a rebuild.
//!
//! Each generation's tantivy commit carries the sequence number of the last journal entry
//! it contains (the commit payload, see [`payload`] / [`payload_seq`]). Whoever opens a
//! generation for writing replays the entries after that number: after a crash (writes
//! applied but not committed), and after a full rebuild, which records the journal's end
//! *before* it reads its source snapshot, so every write accepted during the rebuild is
//! replayed onto the new generation. Replaying full documents in order is idempotent, so
//! overlap with the snapshot is harmless.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::generation::{io_err, sync_dir};
use crate::{IndexerError, Result};

const JOURNAL_DIR: &str = "journal";
const JOURNAL_FILE: &str = "journal.jsonl";

/// One journaled write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum JournalEntry {
    /// Add (or replace) a Solr document.
    Add {
        /// The document as accepted (with its `index_id`).
        doc: Map<String, Value>,
        /// Replace a document with the same uniqueKey.
        overwrite: bool,
    },
    /// Delete by uniqueKey.
    DeleteById {
        /// The `index_id`.
        id: String,
    },
    /// Delete by query (standard syntax; resolved by the server, which knows the parser).
    DeleteByQuery {
        /// The query.
        query: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    #[serde(flatten)]
    entry: JournalEntry,
}

/// The append-only journal of a data directory.
pub struct Journal {
    path: PathBuf,
    state: Mutex<(File, u64)>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

impl Journal {
    /// Opens (creating) the journal of `data_dir`. A torn last line (a crash mid-append,
    /// never acknowledged) is cut off.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.join(JOURNAL_DIR);
        fs::create_dir_all(&dir).map_err(|e| io_err(format!("creating {}", dir.display()), e))?;
        let path = dir.join(JOURNAL_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| io_err(format!("opening {}", path.display()), e))?;
        let (last, good_len) = scan(&path)?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if good_len < len {
            tracing::warn!(path = %path.display(), bytes = len - good_len, "cutting a torn journal tail");
            file.set_len(good_len)
                .map_err(|e| io_err(format!("truncating {}", path.display()), e))?;
            file.seek(SeekFrom::End(0))
                .map_err(|e| io_err("seeking the journal".into(), e))?;
        }
        sync_dir(&dir)?;
        Ok(Self {
            path,
            state: Mutex::new((file, last)),
        })
    }

    /// The sequence number of the last entry (0 when empty).
    pub fn last_seq(&self) -> u64 {
        self.state.lock().1
    }

    /// The last sequence number of the journal in `data_dir`, without opening it for
    /// writing (a rebuild in another process records it before reading its source).
    pub fn last_seq_in(data_dir: &Path) -> Result<u64> {
        let path = data_dir.join(JOURNAL_DIR).join(JOURNAL_FILE);
        if !path.exists() {
            return Ok(0);
        }
        Ok(scan(&path)?.0)
    }

    /// Appends entries and fsyncs them. Returns the sequence number of the last one.
    pub fn append(&self, entries: &[JournalEntry]) -> Result<u64> {
        let mut state = self.state.lock();
        let mut seq = state.1;
        let mut buf = Vec::new();
        for entry in entries {
            seq += 1;
            let line = Line {
                seq,
                entry: entry.clone(),
            };
            serde_json::to_writer(&mut buf, &line)
                .map_err(|e| IndexerError::Generation(format!("encoding a journal entry: {e}")))?;
            buf.push(b'\n');
        }
        let file = &mut state.0;
        file.write_all(&buf)
            .and_then(|_| file.sync_data())
            .map_err(|e| io_err(format!("appending to {}", self.path.display()), e))?;
        state.1 = seq;
        Ok(seq)
    }

    /// Every entry after `seq`, in order.
    pub fn read_after(&self, seq: u64) -> Result<Vec<(u64, JournalEntry)>> {
        let _guard = self.state.lock();
        let file = File::open(&self.path)
            .map_err(|e| io_err(format!("reading {}", self.path.display()), e))?;
        let mut out = Vec::new();
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| io_err("reading the journal".into(), e))?;
            let Ok(parsed) = serde_json::from_str::<Line>(&line) else {
                break;
            };
            if parsed.seq > seq {
                out.push((parsed.seq, parsed.entry));
            }
        }
        Ok(out)
    }
}

/// The last good sequence number and the byte length of the good prefix.
fn scan(path: &Path) -> Result<(u64, u64)> {
    let file = File::open(path).map_err(|e| io_err(format!("reading {}", path.display()), e))?;
    let mut reader = BufReader::new(file);
    let (mut last, mut good) = (0u64, 0u64);
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| io_err("reading the journal".into(), e))?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        match serde_json::from_str::<Line>(line.trim_end()) {
            Ok(parsed) => {
                last = parsed.seq;
                good += n as u64;
            }
            Err(_) => break,
        }
    }
    Ok((last, good))
}

/// The commit payload recording that a generation contains the journal up to `seq`.
pub fn payload(seq: u64) -> String {
    serde_json::json!({ "journal_seq": seq }).to_string()
}

/// The journal sequence number a generation's last commit recorded (0 if none).
pub fn payload_seq(index: &tantivy::Index) -> u64 {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .and_then(|v| v.get("journal_seq").and_then(Value::as_u64))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_are_numbered_durable_and_torn_tails_are_cut() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(dir.path()).unwrap();
        assert_eq!(journal.last_seq(), 0);
        let add = JournalEntry::Add {
            doc: serde_json::json!({"id": "a"}).as_object().cloned().unwrap(),
            overwrite: true,
        };
        assert_eq!(
            journal
                .append(&[add.clone(), JournalEntry::DeleteById { id: "x".into() }])
                .unwrap(),
            2
        );
        assert_eq!(
            journal
                .append(&[JournalEntry::DeleteByQuery {
                    query: "*:*".into()
                }])
                .unwrap(),
            3
        );
        drop(journal);
        // A crash mid-append leaves half a line.
        let path = dir.path().join(JOURNAL_DIR).join(JOURNAL_FILE);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":4,\"op\":\"del").unwrap();
        drop(f);
        assert_eq!(Journal::last_seq_in(dir.path()).unwrap(), 3);
        let journal = Journal::open(dir.path()).unwrap();
        assert_eq!(journal.last_seq(), 3);
        let after = journal.read_after(1).unwrap();
        assert_eq!(after.len(), 2);
        assert_eq!(after[0], (2, JournalEntry::DeleteById { id: "x".into() }));
        assert_eq!(journal.append(&[add]).unwrap(), 4);
        assert_eq!(journal.read_after(3).unwrap().len(), 1);
    }
}
