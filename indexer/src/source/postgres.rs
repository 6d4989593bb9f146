//! CKAN's PostgreSQL database as a source: package dicts exactly as CKAN 2.12's
//! `package_show` returns them for the core schema, read in bulk.
//!
//! # How it reads
//!
//! One connection, one `REPEATABLE READ READ ONLY` transaction, so the whole read sees one
//! consistent snapshot however long it takes and whatever CKAN writes meanwhile. Inside it,
//! one server-side cursor per table (`package` joined with its organisation, `resource`,
//! `package_tag`+`tag`, `member`+`group`, `package_relationship` both ways, and
//! `package_extra` on CKAN ≤ 2.11), each ordered by package id, fetched a batch at a time
//! and merged package by package (the `sql` module explains why that is safe). A handful of
//! queries for the whole catalogue, never one per dataset, and memory bounded by a batch
//! per cursor plus a bounded channel of finished dicts, whatever the catalogue size.
//!
//! The reading runs on its own thread with a small tokio runtime (the [`Source`] trait is
//! synchronous); the dicts cross a bounded channel, so the database work overlaps the
//! indexing.
//!
//! Every package is yielded, whatever its state and type, as from a JSONL dump: the
//! indexer decides what CKAN would index (deleted datasets are removed, drafts indexed).
//!
//! # What it produces
//!
//! The `dictize` module is CKAN's `package_dictize` plus validation against
//! `default_show_package_schema`: the dict CKAN 2.12 indexes (`data_dict`) and returns from
//! `package_show` on a site without an IDatasetForm plugin. Both database layouts are read:
//! CKAN 2.12's (`package.extras` JSONB; extras in JSONB key order, as CKAN 2.12 lists them)
//! and CKAN 2.9–2.11's (`package_extra` rows; extras sorted by key).
//!
//! On a site with an IDatasetForm plugin (ckanext-scheming, data.gov.uk's
//! ckanext-datagovuk, …) the index also receives the plugin's show-schema dict
//! (`validated_data_dict`), and plugins' `after_dataset_show`/`before_dataset_index` hooks
//! may add fields (data.gov.uk's `harvest`). None of that is in the database: this source
//! gives the core-schema dict, whose fields a plugin keeps as extras stay extras. For such
//! sites, `ckanapi dump datasets` JSONL (`jsonl:PATH`) is the source that reproduces the
//! site's documents exactly.
//!
//! # Configuration
//!
//! `postgres://` and `postgresql://` URLs are libpq-style connection URLs. Three query
//! parameters, named after CKAN's own settings, are taken out before connecting:
//! `ckan.site_url` (for uploaded resources' and group images' URLs),
//! `licenses_group_url` (a `file://` URL or path of the site's licence list; CKAN's
//! built-in list otherwise) and `ckan.resource_formats` (path of a `resource_formats.json`,
//! to clean formats as CKAN's show schema does).

mod dictize;
mod python;
mod settings;
mod sql;

use std::collections::HashMap;
use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDateTime;
use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

pub use settings::{CkanSettings, Licence, LicenceRegister, ResourceFormats};
pub use sql::{Filter, Layout};

use super::{Source, SourceRecord};
use crate::document::DocumentError;
use crate::{IndexerError, Result};
use dictize::Children;
use sql::{ExtraRow, FromRow, GroupRow, PackageRow, RelationshipRow, ResourceRow, Table, TagRow};

/// Packages fetched per round trip.
const PACKAGE_BATCH: usize = 1_000;
/// Child rows fetched per round trip (about four resources and three tags a dataset).
const CHILD_BATCH: usize = 4_000;
/// Finished dicts waiting for the indexer: one pipeline chunk ahead.
const CHANNEL: usize = 2_048;

/// A CKAN database, read as one snapshot. See the module documentation.
#[derive(Clone)]
pub struct PostgresSource {
    connect: PgConnectOptions,
    display: String,
    settings: Arc<CkanSettings>,
    filter: Filter,
    /// Why the last read stopped part-way, if it did (see [`Source::check_complete`]).
    failure: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for PostgresSource {
    /// Without the connection options, which hold the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSource")
            .field("database", &self.display)
            .field("filter", &self.filter)
            .field("settings", &self.settings)
            .finish()
    }
}

fn source_error(name: &str, reason: impl Into<String>) -> IndexerError {
    IndexerError::Source {
        source_name: name.to_string(),
        reason: reason.into(),
    }
}

/// Decodes `%XX` escapes and `+` in a URL query value.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `scheme://user:password@host…` without the password, for messages.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}@{}", &rest[at + 1..])
        }
        None => url.to_string(),
    }
}

/// Reads a file named by a setting: a path or a `file://` URL.
fn read_setting_file(name: &str, setting: &str, value: &str) -> Result<String> {
    let path = value.strip_prefix("file://").unwrap_or(value);
    if path.contains("://") {
        return Err(source_error(
            name,
            format!("{setting}: only local files are supported, not {value}"),
        ));
    }
    std::fs::read_to_string(path)
        .map_err(|e| source_error(name, format!("{setting}: cannot read {path}: {e}")))
}

impl PostgresSource {
    /// A source over the database at `url` (`postgres://user@host:port/dbname?…`), with the
    /// CKAN settings its query may carry (see the module documentation). Nothing is
    /// connected until the source is read.
    pub fn new(url: &str) -> Result<Self> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut settings = CkanSettings::default();
        let shown = without_password(base);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match percent_decode(key).as_str() {
                "ckan.site_url" => {
                    settings.site_url = Some(value.trim_end_matches('/').to_string());
                }
                "licenses_group_url" => {
                    let text = read_setting_file(&shown, "licenses_group_url", &value)?;
                    settings.licences = LicenceRegister::from_json(&text).map_err(|e| {
                        source_error(&shown, format!("licenses_group_url {value}: {e}"))
                    })?;
                }
                "ckan.resource_formats" => {
                    let text = read_setting_file(&shown, "ckan.resource_formats", &value)?;
                    settings.resource_formats =
                        Some(ResourceFormats::from_json(&text).map_err(|e| {
                            source_error(&shown, format!("ckan.resource_formats {value}: {e}"))
                        })?);
                }
                _ => kept.push(pair),
            }
        }
        let connect_url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let connect = PgConnectOptions::from_str(&connect_url)
            .map_err(|e| source_error(&shown, format!("not a PostgreSQL URL: {e}")))?
            .application_name("ckan-search")
            .disable_statement_logging();
        Ok(Self {
            connect,
            display: shown,
            settings: Arc::new(settings),
            filter: Filter::default(),
            failure: Arc::new(Mutex::new(None)),
        })
    }

    /// Replaces the CKAN settings (site URL, licences, resource formats).
    pub fn with_settings(mut self, settings: CkanSettings) -> Self {
        self.settings = Arc::new(settings);
        self
    }

    /// The CKAN settings in use.
    pub fn settings(&self) -> &CkanSettings {
        &self.settings
    }

    /// Reads only the packages `filter` selects (same assembly, different `WHERE`).
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Reads only these datasets, each named by id or name (`rebuild DATASET…`).
    pub fn only_datasets(mut self, names_or_ids: impl IntoIterator<Item = String>) -> Self {
        self.filter.datasets = Some(names_or_ids.into_iter().collect());
        self
    }

    /// Reads only the datasets the organisation (name or id) owns (`rebuild-publisher`).
    pub fn only_organization(mut self, name_or_id: impl Into<String>) -> Self {
        self.filter.organization = Some(name_or_id.into());
        self
    }

    /// Reads only the datasets whose `metadata_modified` (naive UTC, as CKAN stores it) is
    /// at or after `since`: inclusive, so a change stamped exactly at a sync watermark is
    /// read again rather than missed.
    pub fn modified_since(mut self, since: NaiveDateTime) -> Self {
        self.filter.modified_since = Some(since);
        self
    }

    /// The filter in use.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Vocabulary id → name, for the `vocab_<name>` fields CKAN indexes vocabulary tags
    /// under (a package dict only carries the vocabulary id).
    pub fn vocabulary_names(&self) -> Result<HashMap<String, String>> {
        let connect = self.connect.clone();
        let rows: Vec<(String, String)> = on_own_runtime(&self.display, async move {
            let mut conn = PgConnection::connect_with(&connect)
                .await
                .map_err(|e| format!("cannot connect: {e}"))?;
            let rows = sqlx::query_as("SELECT id, name FROM vocabulary")
                .fetch_all(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            let _ = conn.close().await;
            Ok(rows)
        })?;
        Ok(rows.into_iter().collect())
    }

    fn name_with_filter(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = &self.filter.datasets {
            parts.push(format!("datasets {}", d.join(", ")));
        }
        if let Some(o) = &self.filter.organization {
            parts.push(format!("organisation {o}"));
        }
        if let Some(t) = &self.filter.modified_since {
            parts.push(format!("modified since {}", python::isoformat(t)));
        }
        if parts.is_empty() {
            self.display.clone()
        } else {
            format!("{} ({})", self.display, parts.join("; "))
        }
    }
}

/// Runs `work` to completion on a current-thread runtime of its own, on its own thread,
/// so callers need not be (and may even be inside) a tokio runtime.
fn on_own_runtime<T: Send + 'static>(
    name: &str,
    work: impl std::future::Future<Output = Result<T, String>> + Send + 'static,
) -> Result<T> {
    let thread = std::thread::Builder::new()
        .name("ckan-search-postgres".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start a runtime: {e}"))?;
            runtime.block_on(work)
        })
        .map_err(|e| source_error(name, format!("cannot start a thread: {e}")))?;
    match thread.join() {
        Ok(result) => result.map_err(|reason| source_error(name, reason)),
        Err(_) => Err(source_error(name, "the PostgreSQL reader panicked")),
    }
}

impl Source for PostgresSource {
    fn name(&self) -> String {
        self.name_with_filter()
    }

    fn records(&self) -> Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>> {
        *self.failure.lock() = None;
        let name = self.name_with_filter();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let (records_tx, records_rx) = crossbeam_channel::bounded(CHANNEL);
        let reader = Reader {
            connect: self.connect.clone(),
            filter: self.filter.clone(),
            settings: self.settings.clone(),
        };
        std::thread::Builder::new()
            .name("ckan-search-postgres".into())
            .spawn(move || reader.run(ready_tx, records_tx))
            .map_err(|e| source_error(&name, format!("cannot start the reader thread: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(layout)) => {
                tracing::debug!(source = %name, ?layout, "reading CKAN's tables");
            }
            Ok(Err(reason)) => return Err(source_error(&name, reason)),
            Err(_) => return Err(source_error(&name, "the reader stopped before starting")),
        }
        Ok(Box::new(Records {
            rx: records_rx,
            name,
            failure: self.failure.clone(),
        }))
    }

    fn count_hint(&self) -> Option<u64> {
        let connect = self.connect.clone();
        let condition = self.filter.condition();
        let filter = self.filter.clone();
        let count = on_own_runtime(&self.display, async move {
            let mut conn = PgConnection::connect_with(&connect)
                .await
                .map_err(|e| e.to_string())?;
            let sql = format!("SELECT count(*) FROM package p WHERE {condition}");
            let row = filter
                .bind(sqlx::query(&sql))
                .fetch_one(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            let _ = conn.close().await;
            sqlx::Row::try_get::<i64, _>(&row, 0).map_err(|e| e.to_string())
        });
        count.ok().and_then(|n| u64::try_from(n).ok())
    }

    fn check_complete(&self) -> Result<()> {
        match self.failure.lock().clone() {
            None => Ok(()),
            Some(reason) => Err(source_error(
                &self.name_with_filter(),
                format!("reading stopped part-way: {reason}"),
            )),
        }
    }

    fn vocabularies(&self) -> Result<HashMap<String, String>> {
        self.vocabulary_names()
    }
}

/// What the reader thread sends.
enum Message {
    /// The next package (numbered from 1 in id order), or why CKAN could not show it.
    Package(u64, Result<Value, DocumentError>),
    /// The read broke off (the connection was lost…); nothing follows.
    Broken(String),
}

/// The iterator [`PostgresSource::records`] returns.
struct Records {
    rx: Receiver<Message>,
    name: String,
    failure: Arc<Mutex<Option<String>>>,
}

impl Iterator for Records {
    type Item = SourceRecord;

    fn next(&mut self) -> Option<SourceRecord> {
        match self.rx.recv().ok()? {
            Message::Package(position, package) => Some(SourceRecord { position, package }),
            Message::Broken(reason) => {
                *self.failure.lock() = Some(reason.clone());
                // Surfaces as a failed record: it aborts a run without `--force`, and
                // `check_complete` refuses the run with it.
                Some(SourceRecord {
                    position: 0,
                    package: Err(DocumentError::InvalidPackage {
                        dataset: self.name.clone(),
                        reason: format!("reading stopped part-way: {reason}"),
                    }),
                })
            }
        }
    }
}

/// Why streaming stopped early.
enum Stop {
    /// The consumer dropped the iterator: nothing to report.
    ConsumerGone,
    /// A database or decoding error.
    Failed(String),
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Self {
        Stop::Failed(e.to_string())
    }
}

/// The reader thread's work.
struct Reader {
    connect: PgConnectOptions,
    filter: Filter,
    settings: Arc<CkanSettings>,
}

impl Reader {
    fn run(self, ready: Sender<Result<Layout, String>>, records: Sender<Message>) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                let _ = ready.send(Err(format!("cannot start a runtime: {e}")));
                return;
            }
        };
        runtime.block_on(async move {
            let (mut conn, layout) = match self.open().await {
                Ok(opened) => opened,
                Err(reason) => {
                    let _ = ready.send(Err(reason));
                    return;
                }
            };
            let _ = ready.send(Ok(layout));
            match self.stream(&mut conn, layout, &records).await {
                Ok(()) => {
                    // Read only: ending the transaction changes nothing.
                    let _ = sqlx::query("COMMIT").execute(&mut conn).await;
                }
                Err(Stop::ConsumerGone) => {}
                Err(Stop::Failed(reason)) => {
                    let _ = records.send(Message::Broken(reason));
                }
            }
            let _ = conn.close().await;
        });
    }

    /// Connects, starts the snapshot and declares the cursors.
    async fn open(&self) -> Result<(PgConnection, Layout), String> {
        let mut conn = PgConnection::connect_with(&self.connect)
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let setup = async {
            sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut conn)
                .await?;
            // Every row is read: plan for total time, not for the first rows.
            sqlx::query("SET LOCAL cursor_tuple_fraction = 1.0")
                .execute(&mut conn)
                .await?;
            Ok::<_, sqlx::Error>(())
        };
        setup.await.map_err(|e| e.to_string())?;
        let layout = sql::detect_layout(&mut conn).await?;
        let condition = self.filter.condition();
        for table in tables(layout) {
            let declare = table.declare(layout, &condition);
            self.filter
                .bind(sqlx::query(&declare))
                .execute(&mut conn)
                .await
                .map_err(|e| format!("cannot read {}: {e}", table.cursor()))?;
        }
        Ok((conn, layout))
    }

    /// Walks the package cursor, gathers each package's child rows from the other
    /// cursors, and sends the assembled dicts.
    async fn stream(
        &self,
        conn: &mut PgConnection,
        layout: Layout,
        records: &Sender<Message>,
    ) -> Result<(), Stop> {
        let mut packages = Cursor::<PackageRow>::new(Table::Packages, PACKAGE_BATCH);
        let mut resources = Cursor::<ResourceRow>::new(Table::Resources, CHILD_BATCH);
        let mut tags = Cursor::<TagRow>::new(Table::Tags, CHILD_BATCH);
        let mut extras = Cursor::<ExtraRow>::new(Table::Extras, CHILD_BATCH);
        let mut groups = Cursor::<GroupRow>::new(Table::Groups, CHILD_BATCH);
        let mut as_subject =
            Cursor::<RelationshipRow>::new(Table::RelationshipsAsSubject, CHILD_BATCH);
        let mut as_object =
            Cursor::<RelationshipRow>::new(Table::RelationshipsAsObject, CHILD_BATCH);
        if layout == Layout::JsonbExtras {
            extras.exhausted = true;
        }
        let mut position = 0;
        while let Some(row) = packages.next(conn).await? {
            position += 1;
            let children = Children {
                resources: resources.take_for(conn, &row.id).await?,
                tags: tags.take_for(conn, &row.id).await?,
                extras: extras.take_for(conn, &row.id).await?,
                groups: groups.take_for(conn, &row.id).await?,
                as_subject: as_subject.take_for(conn, &row.id).await?,
                as_object: as_object.take_for(conn, &row.id).await?,
            };
            let package =
                dictize::package(&row, children, layout, &self.settings).map_err(|reason| {
                    DocumentError::InvalidPackage {
                        dataset: row.id.clone(),
                        reason,
                    }
                });
            if records.send(Message::Package(position, package)).is_err() {
                return Err(Stop::ConsumerGone);
            }
        }
        // Every child row belongs to a package the package cursor yielded; one left over
        // means the cursors disagreed on order, and the dicts above may lack children.
        resources.expect_drained(conn).await?;
        tags.expect_drained(conn).await?;
        extras.expect_drained(conn).await?;
        groups.expect_drained(conn).await?;
        as_subject.expect_drained(conn).await?;
        as_object.expect_drained(conn).await?;
        Ok(())
    }
}

/// The cursors a layout needs.
fn tables(layout: Layout) -> Vec<Table> {
    let mut tables = vec![
        Table::Packages,
        Table::Resources,
        Table::Tags,
        Table::Groups,
        Table::RelationshipsAsSubject,
        Table::RelationshipsAsObject,
    ];
    if layout == Layout::ExtraTable {
        tables.push(Table::Extras);
    }
    tables
}

/// A declared cursor and the rows fetched from it but not yet used.
struct Cursor<T> {
    table: Table,
    fetch: String,
    batch: usize,
    rows: VecDeque<T>,
    exhausted: bool,
}

impl<T: FromRow> Cursor<T> {
    fn new(table: Table, batch: usize) -> Self {
        Self {
            table,
            fetch: format!("FETCH FORWARD {batch} FROM {}", table.cursor()),
            batch,
            rows: VecDeque::new(),
            exhausted: false,
        }
    }

    /// Fetches the next batch when the buffered rows are used up.
    async fn fill(&mut self, conn: &mut PgConnection) -> Result<(), Stop> {
        if !self.rows.is_empty() || self.exhausted {
            return Ok(());
        }
        let rows = sqlx::query(&self.fetch).fetch_all(&mut *conn).await?;
        self.exhausted = rows.len() < self.batch;
        for row in &rows {
            self.rows.push_back(T::from_row(row)?);
        }
        Ok(())
    }

    async fn next(&mut self, conn: &mut PgConnection) -> Result<Option<T>, Stop> {
        self.fill(conn).await?;
        Ok(self.rows.pop_front())
    }

    /// The rows of package `id`, which are next if it has any.
    async fn take_for(&mut self, conn: &mut PgConnection, id: &str) -> Result<Vec<T>, Stop> {
        let mut taken = Vec::new();
        loop {
            self.fill(conn).await?;
            if self.rows.front().is_none_or(|r| r.package_id() != id) {
                return Ok(taken);
            }
            taken.extend(self.rows.pop_front());
        }
    }

    async fn expect_drained(&mut self, conn: &mut PgConnection) -> Result<(), Stop> {
        self.fill(conn).await?;
        match self.rows.front() {
            None => Ok(()),
            Some(row) => Err(Stop::Failed(format!(
                "{} has rows of package {} after that package was read; the cursors disagree \
                 on the order of package ids",
                self.table.cursor(),
                row.package_id()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_out_of_the_url() {
        let source = PostgresSource::new(
            "postgres://ckan:secret@db.example:5433/ckan_default?sslmode=disable&ckan.site_url=https%3A%2F%2Fdata.example%2F",
        )
        .unwrap();
        assert_eq!(
            source.settings().site_url.as_deref(),
            Some("https://data.example")
        );
        assert_eq!(
            source.name(),
            "postgres://ckan@db.example:5433/ckan_default"
        );
        assert_eq!(source.connect.get_port(), 5433);
        assert_eq!(source.connect.get_database(), Some("ckan_default"));
        assert!(!format!("{source:?}").contains("secret"));
        let filtered = source.only_organization("env-agency");
        assert_eq!(
            filtered.name(),
            "postgres://ckan@db.example:5433/ckan_default (organisation env-agency)"
        );
    }

    #[test]
    fn a_missing_licence_file_is_reported() {
        let err = PostgresSource::new(
            "postgresql://localhost/ckan?licenses_group_url=file:///no/such/licences.json",
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .starts_with("source postgresql://localhost/ckan: licenses_group_url: cannot read /no/such/licences.json:"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb+c%zz%4"), "a/b c%zz%4");
    }
}
