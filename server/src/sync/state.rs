//! What the sync loop has applied, persisted in `DATA_DIR/sync/state.json` so a restart
//! resumes where it stopped: the watermark (the newest `metadata_modified` applied, in
//! CKAN's own naive-UTC clock) and every `(id, metadata_modified)` applied within the
//! safety window before it, which the next polls read again and must not apply twice.
//!
//! The file is replaced atomically (write a temporary file, fsync it, rename it over the
//! old one, fsync the directory): a crash leaves the old state or the new one, never a
//! torn one.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

/// How timestamps are written: CKAN's microsecond precision, no zone (naive UTC).
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";
/// Bumped when the file's meaning changes; another format starts afresh.
const FORMAT: u32 = 1;

/// Why the state could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("sync state {path}: {reason}")]
pub struct StateError {
    path: String,
    reason: String,
}

/// The persisted progress of one sync (one database, one site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// The newest `metadata_modified` applied; `None` before the first poll.
    pub watermark: Option<NaiveDateTime>,
    /// Dataset id → the `metadata_modified` last applied, for changes within the safety
    /// window before the watermark.
    pub applied: BTreeMap<String, NaiveDateTime>,
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    format: u32,
    /// The database, without password: a state is only valid for the database it read.
    source: String,
    site_id: String,
    watermark: Option<String>,
    applied: BTreeMap<String, String>,
}

/// Where a data directory keeps the sync state.
pub fn state_path(data_dir: &Path) -> PathBuf {
    data_dir.join("sync").join("state.json")
}

fn format_time(t: &NaiveDateTime) -> String {
    t.format(TIME_FORMAT).to_string()
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT).ok()
}

impl SyncState {
    /// An empty state: nothing applied yet.
    pub fn empty() -> Self {
        Self {
            watermark: None,
            applied: BTreeMap::new(),
        }
    }

    /// Reads the state at `path` for `source` and `site_id`. A missing file, or one written
    /// for another database or site, gives `None` (the caller starts afresh); an unreadable
    /// one is an error, so a damaged state is never silently taken for "nothing applied".
    pub fn load(path: &Path, source: &str, site_id: &str) -> Result<Option<Self>, StateError> {
        let err = |reason: String| StateError {
            path: path.display().to_string(),
            reason,
        };
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(err(e.to_string())),
        };
        let file: StateFile = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        if file.format != FORMAT || file.source != source || file.site_id != site_id {
            tracing::warn!(
                path = %path.display(),
                state_source = %file.source,
                state_site = %file.site_id,
                "the sync state was written for another database or site; starting afresh"
            );
            return Ok(None);
        }
        let watermark = match &file.watermark {
            Some(w) => Some(parse_time(w).ok_or_else(|| err(format!("bad watermark {w}")))?),
            None => None,
        };
        let mut applied = BTreeMap::new();
        for (id, t) in file.applied {
            let t = parse_time(&t).ok_or_else(|| err(format!("bad time {t} for {id}")))?;
            applied.insert(id, t);
        }
        Ok(Some(Self { watermark, applied }))
    }

    /// Whether this exact version of the dataset was applied.
    pub fn was_applied(&self, id: &str, modified: &NaiveDateTime) -> bool {
        self.applied.get(id) == Some(modified)
    }

    /// Records an applied version.
    pub fn record(&mut self, id: &str, modified: NaiveDateTime) {
        self.applied.insert(id.to_string(), modified);
    }

    /// Moves the watermark forward to `to` (never back).
    pub fn advance(&mut self, to: NaiveDateTime) {
        if self.watermark.is_none_or(|w| to > w) {
            self.watermark = Some(to);
        }
    }

    /// Moves the watermark back to `at` if it is later: a watermark ahead of the
    /// database's clock (taken from a document stamped by a server whose clock runs fast)
    /// would hide the changes made until the clock catches up.
    pub fn cap(&mut self, at: NaiveDateTime) {
        if self.watermark.is_some_and(|w| w > at) {
            self.watermark = Some(at);
        }
    }

    /// Forgets the versions older than the window before the watermark: polls no longer
    /// read them.
    pub fn prune(&mut self, window: TimeDelta) {
        if let Some(w) = self.watermark {
            let oldest = w - window;
            self.applied.retain(|_, t| *t >= oldest);
        }
    }

    /// Writes the state atomically (temporary file, fsync, rename, fsync of the directory).
    pub fn save(&self, path: &Path, source: &str, site_id: &str) -> Result<(), StateError> {
        let err = |what: &str, e: std::io::Error| StateError {
            path: path.display().to_string(),
            reason: format!("{what}: {e}"),
        };
        let file = StateFile {
            format: FORMAT,
            source: source.to_string(),
            site_id: site_id.to_string(),
            watermark: self.watermark.as_ref().map(format_time),
            applied: self
                .applied
                .iter()
                .map(|(id, t)| (id.clone(), format_time(t)))
                .collect(),
        };
        let json = serde_json::to_vec_pretty(&file).map_err(|e| StateError {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| err("creating the directory", e))?;
        let tmp = path.with_extension("json.tmp");
        let mut out = File::create(&tmp).map_err(|e| err("creating the temporary file", e))?;
        out.write_all(&json)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.sync_all())
            .map_err(|e| err("writing the temporary file", e))?;
        drop(out);
        fs::rename(&tmp, path).map_err(|e| err("replacing the state", e))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| err("syncing the directory", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        parse_time(s).unwrap()
    }

    #[test]
    fn round_trips_and_refuses_another_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        assert_eq!(SyncState::load(&path, "pg", "default").unwrap(), None);
        let mut state = SyncState::empty();
        state.record("a", t("2024-05-01T10:00:00.000001"));
        state.record("b", t("2024-05-01T09:59:00.500000"));
        state.advance(t("2024-05-01T10:00:00.000001"));
        state.advance(t("2024-05-01T09:00:00.000000"));
        assert_eq!(state.watermark, Some(t("2024-05-01T10:00:00.000001")));
        state.save(&path, "pg", "default").unwrap();
        let back = SyncState::load(&path, "pg", "default").unwrap().unwrap();
        assert_eq!(back, state);
        assert!(back.was_applied("a", &t("2024-05-01T10:00:00.000001")));
        assert!(!back.was_applied("a", &t("2024-05-01T10:00:00.000002")));
        assert_eq!(SyncState::load(&path, "other", "default").unwrap(), None);
        assert_eq!(SyncState::load(&path, "pg", "other-site").unwrap(), None);
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn prune_keeps_the_window() {
        let mut state = SyncState::empty();
        state.record("old", t("2024-05-01T09:58:59.999999"));
        state.record("edge", t("2024-05-01T09:59:00.000000"));
        state.record("new", t("2024-05-01T10:00:00.000000"));
        state.advance(t("2024-05-01T10:00:00.000000"));
        state.prune(TimeDelta::seconds(60));
        assert_eq!(
            state.applied.keys().collect::<Vec<_>>(),
            vec!["edge", "new"]
        );
    }

    #[test]
    fn a_damaged_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{not json").unwrap();
        assert!(SyncState::load(&path, "pg", "default").is_err());
    }
}
