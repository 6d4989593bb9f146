//! The loop: poll, apply, persist, reconcile, and retry through outages.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, TimeDelta};
use ckan_search_indexer::document::package::PackageOptions;

use super::apply::{apply_isolating, error_dataset, write_for, Write};
use super::backoff::Outage;
use super::database::{Database, DbError, PackageRow};
use super::reconcile::{self, holds};
use super::state::{state_path, StateError, SyncState};
use super::target::{SyncTarget, TargetError};

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Pause between polls.
    pub interval: Duration,
    /// Each poll reads again this long before the watermark: a change CKAN stamped
    /// earlier but committed later (a long transaction), or stamped by an application
    /// server whose clock is behind, is still seen. Must exceed both.
    pub window: Duration,
    /// A full comparison of database and index at least this often (it also runs as
    /// soon as the counts of the two move apart).
    pub reconcile_every: Duration,
    /// Datasets read and applied per request.
    pub batch: usize,
    /// First retry delay of an outage; doubled on each failure up to `max_backoff`.
    pub first_backoff: Duration,
    /// The longest retry delay.
    pub max_backoff: Duration,
    /// Where progress is persisted.
    pub state_path: PathBuf,
    /// CKAN's indexing settings (site id, …).
    pub package: PackageOptions,
}

impl SyncConfig {
    /// The defaults, with progress kept in `data_dir`, for the site `site_id`.
    pub fn new(data_dir: &Path, site_id: &str) -> Self {
        Self {
            interval: Duration::from_millis(500),
            window: Duration::from_secs(60),
            reconcile_every: Duration::from_secs(30),
            batch: 500,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            state_path: state_path(data_dir),
            package: PackageOptions {
                site_id: site_id.to_string(),
                ..PackageOptions::default()
            },
        }
    }
}

/// Why a step of the loop failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// CKAN's database failed.
    #[error("database: {0}")]
    Database(#[from] DbError),
    /// The index failed.
    #[error("index: {0}")]
    Index(#[from] TargetError),
    /// Progress could not be persisted.
    #[error(transparent)]
    State(#[from] StateError),
}

/// What one batch did.
#[derive(Debug, Default, Clone, Copy)]
struct Applied {
    indexed: usize,
    deleted: usize,
    unchanged: usize,
    failed: usize,
    /// The longest time from a change's `metadata_modified` to its being searchable.
    lag_ms: Option<i64>,
}

impl Applied {
    fn add(&mut self, other: Applied) {
        self.indexed += other.indexed;
        self.deleted += other.deleted;
        self.unchanged += other.unchanged;
        self.failed += other.failed;
        self.lag_ms = self.lag_ms.max(other.lag_ms);
    }

    fn wrote(&self) -> bool {
        self.indexed + self.deleted + self.failed > 0
    }
}

/// The sync loop over one database and one index.
pub struct SyncLoop<T> {
    config: SyncConfig,
    db: Database,
    target: T,
    source_name: String,
    state: SyncState,
    started: bool,
    /// Packages CKAN indexes minus datasets indexed, after the last poll: a change means a
    /// soft delete or a purge the poll by `metadata_modified` cannot see.
    last_diff: Option<i64>,
    last_reconcile: Option<Instant>,
    /// Versions that could not be indexed (bad documents): not retried until they change.
    failed: HashMap<String, Option<NaiveDateTime>>,
    db_outage: Outage,
    index_outage: Outage,
}

impl<T: SyncTarget> SyncLoop<T> {
    /// A loop from the database at `source_url` (a `postgres://` URL) to `target`, resuming
    /// from the persisted state if there is one for this database and site.
    pub fn new(config: SyncConfig, source_url: &str, target: T) -> Result<Self, SyncError> {
        let db = Database::new(source_url, config.package.remove_deleted_packages)?;
        let source_name = db.name();
        let state = SyncState::load(&config.state_path, &source_name, &config.package.site_id)?
            .unwrap_or_else(SyncState::empty);
        Ok(Self {
            db_outage: Outage::new("database", config.first_backoff, config.max_backoff),
            index_outage: Outage::new("index", config.first_backoff, config.max_backoff),
            config,
            db,
            target,
            source_name,
            state,
            started: false,
            last_diff: None,
            last_reconcile: None,
            failed: HashMap::new(),
        })
    }

    /// Polls until `shutdown` resolves. Failures are retried with backoff; nothing stops
    /// the loop but `shutdown`.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tracing::info!(
            source = %self.source_name,
            site_id = %self.config.package.site_id,
            interval_ms = self.config.interval.as_millis() as u64,
            window_s = self.config.window.as_secs(),
            watermark = ?self.state.watermark,
            "sync started"
        );
        tokio::pin!(shutdown);
        loop {
            let wait = match self.step().await {
                Ok(()) => {
                    self.db_outage.recovered();
                    self.index_outage.recovered();
                    self.config.interval
                }
                Err(SyncError::Database(e)) => self.db_outage.failed(&e.0),
                Err(SyncError::Index(e)) => self.index_outage.failed(&e.to_string()),
                Err(SyncError::State(e)) => {
                    tracing::error!(error = %e, "sync: cannot persist progress");
                    self.config.max_backoff
                }
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!(watermark = ?self.state.watermark, "sync stopped");
    }

    fn window(&self) -> TimeDelta {
        TimeDelta::from_std(self.config.window).unwrap_or(TimeDelta::seconds(60))
    }

    /// One poll: apply what changed, then reconcile if due or if the counts moved apart.
    async fn step(&mut self) -> Result<(), SyncError> {
        if !self.started {
            self.start().await?;
        }
        let since = self
            .state
            .watermark
            .map_or(DateTime::UNIX_EPOCH.naive_utc(), |w| w - self.window());
        let poll = self.db.poll(since).await?;
        self.state.cap(poll.now);
        if !poll.changed.is_empty() {
            self.apply_polled(poll.changed, poll.now).await?;
        }
        let diff = poll.live - self.target.count().await? as i64;
        let due = self
            .last_reconcile
            .is_none_or(|t| t.elapsed() >= self.config.reconcile_every);
        if due || self.last_diff != Some(diff) {
            self.reconcile().await?;
        }
        Ok(())
    }

    /// Without a persisted state, starts from the newest dataset the index holds (a
    /// rebuild from the database holds everything up to then); the safety window and the
    /// version check cover the overlap.
    async fn start(&mut self) -> Result<(), SyncError> {
        if self.state.watermark.is_none() {
            let newest = self.target.newest_modified().await?;
            match newest.and_then(DateTime::from_timestamp_millis) {
                Some(t) => {
                    self.state.advance(t.naive_utc());
                    tracing::info!(watermark = %t.naive_utc(), "sync: no saved progress; starting from the newest dataset in the index");
                }
                None => tracing::info!(
                    "sync: no saved progress and no dataset indexed; reading every dataset"
                ),
            }
        }
        self.started = true;
        Ok(())
    }

    /// Applies the polled rows (ordered by `metadata_modified`) a batch at a time,
    /// persisting progress after each batch.
    async fn apply_polled(
        &mut self,
        rows: Vec<PackageRow>,
        db_now: NaiveDateTime,
    ) -> Result<(), SyncError> {
        for chunk in rows.chunks(self.config.batch.max(1)) {
            let before = self.state.watermark;
            let pending: Vec<PackageRow> = chunk
                .iter()
                .filter(|r| {
                    r.modified
                        .is_none_or(|m| !self.state.was_applied(&r.id, &m))
                })
                .cloned()
                .collect();
            let had_pending = !pending.is_empty();
            if had_pending {
                let applied = self.apply_rows(pending).await?;
                if applied.wrote() {
                    tracing::info!(
                        indexed = applied.indexed,
                        deleted = applied.deleted,
                        unchanged = applied.unchanged,
                        failed = applied.failed,
                        lag_ms = applied.lag_ms,
                        "sync: applied a batch"
                    );
                } else {
                    tracing::debug!(
                        unchanged = applied.unchanged,
                        "sync: the index already had the batch"
                    );
                }
            }
            for row in chunk {
                if let Some(m) = row.modified {
                    self.state.record(&row.id, m);
                    // Never past the database's clock: a row stamped by a server whose
                    // clock runs ahead must not push later changes out of the window.
                    self.state.advance(m.min(db_now));
                }
            }
            let window = self.window();
            self.state.prune(window);
            if had_pending || self.state.watermark != before {
                self.state.save(
                    &self.config.state_path,
                    &self.source_name,
                    &self.config.package.site_id,
                )?;
            }
        }
        Ok(())
    }

    /// Brings these datasets' documents to the rows' versions: unchanged ones are left
    /// alone (CKAN may have sent them itself, or a restart reads them again), deleted ones
    /// removed, the rest read from the database and indexed.
    async fn apply_rows(&mut self, rows: Vec<PackageRow>) -> Result<Applied, SyncError> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let indexed = self.target.versions(&ids).await?;
        let mut applied = Applied::default();
        let mut writes = Vec::new();
        let mut to_read = Vec::new();
        for row in &rows {
            let current = indexed.get(&row.id);
            if !self.db.indexable(row.state.as_deref()) {
                match current {
                    Some(_) => writes.push(Write::delete(&row.id, &self.config.package)),
                    None => applied.unchanged += 1,
                }
            } else if current.is_some_and(|v| holds(v, row))
                || self.failed.get(&row.id) == Some(&row.modified)
            {
                applied.unchanged += 1;
            } else {
                to_read.push(row.id.clone());
            }
        }
        let modified: HashMap<&str, Option<NaiveDateTime>> =
            rows.iter().map(|r| (r.id.as_str(), r.modified)).collect();
        if !to_read.is_empty() {
            self.config.package.vocabularies = self.db.vocabularies().await?;
            let wanted: HashSet<String> = to_read.iter().cloned().collect();
            let mut seen = HashSet::new();
            for dict in self.db.package_dicts(to_read).await? {
                match dict.and_then(|d| write_for(&d, &self.config.package)) {
                    Ok(write) if wanted.contains(&write.id) => {
                        seen.insert(write.id.clone());
                        writes.push(write);
                    }
                    // Matched by name rather than id: not one of ours.
                    Ok(_) => {}
                    Err(e) => {
                        let id = error_dataset(&e).to_string();
                        tracing::warn!(error = %e, "sync: a dataset cannot be indexed");
                        let at = modified.get(id.as_str()).copied().flatten();
                        seen.insert(id.clone());
                        self.failed.insert(id, at);
                        applied.failed += 1;
                    }
                }
            }
            // Purged between the poll and the read.
            for id in wanted.difference(&seen) {
                if indexed.contains_key(id) {
                    writes.push(Write::delete(id, &self.config.package));
                } else {
                    applied.unchanged += 1;
                }
            }
        }
        let kinds: Vec<(String, bool)> = writes
            .iter()
            .map(|w| (w.id.clone(), w.is_delete()))
            .collect();
        let refused = apply_isolating(&self.target, writes).await?;
        let refused_ids: HashSet<String> = refused.iter().map(|(w, _)| w.id.clone()).collect();
        for (write, reason) in refused {
            tracing::warn!(dataset = %write.id, %reason, "sync: the index refused a dataset");
            let at = modified.get(write.id.as_str()).copied().flatten();
            self.failed.insert(write.id, at);
            applied.failed += 1;
        }
        let now = chrono::Utc::now().naive_utc();
        for (id, is_delete) in kinds.iter().filter(|(id, _)| !refused_ids.contains(id)) {
            self.failed.remove(id);
            if *is_delete {
                applied.deleted += 1;
            } else {
                applied.indexed += 1;
            }
            if let Some(Some(m)) = modified.get(id.as_str()) {
                applied.lag_ms = applied.lag_ms.max(Some((now - *m).num_milliseconds()));
            }
        }
        Ok(applied)
    }

    /// Compares the whole database with the whole index and fixes what differs: purges
    /// and soft deletes (which leave `metadata_modified` alone), and documents that are
    /// missing or older than their row.
    async fn reconcile(&mut self) -> Result<(), SyncError> {
        let started = Instant::now();
        // The index first: a dataset CKAN creates meanwhile is then in the database read
        // (CKAN writes the row before or just after it sends the document).
        let indexed = self.target.all_versions().await?;
        let rows = self.db.all_packages().await?;
        let db = &self.db;
        let plan = reconcile::plan(&indexed, rows, |s| db.indexable(s), &self.failed);
        let mut deletes: Vec<Write> = plan
            .deleted
            .iter()
            .map(|id| Write::delete(id, &self.config.package))
            .collect();
        if !plan.missing.is_empty() {
            // Read again just before deleting: a row whose document CKAN sent before
            // committing it may have been committed since the list was read.
            let exist = self.db.existing(&plan.missing).await?;
            deletes.extend(
                plan.missing
                    .iter()
                    .filter(|id| !exist.contains(*id))
                    .map(|id| Write::delete(id, &self.config.package)),
            );
        }
        let mut removed = 0;
        for chunk in deletes.chunks(self.config.batch.max(1)) {
            let refused = apply_isolating(&self.target, chunk.to_vec()).await?;
            removed += chunk.len() - refused.len();
            for (write, reason) in refused {
                tracing::warn!(dataset = %write.id, %reason, "sync: the index refused a delete");
            }
        }
        let mut fixed = Applied::default();
        for chunk in plan.stale.chunks(self.config.batch.max(1)) {
            fixed.add(self.apply_rows(chunk.to_vec()).await?);
        }
        let count = self.target.count().await? as i64;
        self.last_diff = Some(plan.live - count);
        self.last_reconcile = Some(Instant::now());
        let took_ms = started.elapsed().as_millis() as u64;
        if removed > 0 || fixed.wrote() {
            tracing::info!(
                removed,
                reindexed = fixed.indexed,
                failed = fixed.failed,
                datasets = plan.live,
                took_ms,
                "sync: reconciled the index with the database"
            );
        } else {
            tracing::debug!(
                datasets = plan.live,
                took_ms,
                "sync: the index agrees with the database"
            );
        }
        Ok(())
    }
}
