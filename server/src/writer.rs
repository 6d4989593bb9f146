//! The live writer: the one tantivy `IndexWriter` of the live generation, owned by one
//! thread and fed through a channel, so `/update` requests apply in arrival order.
//!
//! Each request is validated as a whole before anything is applied: a bad document or
//! query rejects the request and changes nothing (CKAN rolls back its database change on
//! that error). `commit=true` makes the writes visible before the request returns; without
//! it they become visible within the soft-commit interval.
//!
//! The writer is released after a short idle period, so `ckan-search search-index` modes
//! that write in place can take tantivy's lock on the same generation.
//!
//! A generation published by a full rebuild lacks the writes accepted while it was built.
//! The writer takes it over before any reader sees it ([`LiveIndex::hand_over_swaps`]):
//! it replays the journal entries after the generation's recorded sequence number,
//! commits, and only then swaps it in. Writes queued meanwhile wait for the swap.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ckan_search_indexer::document::SolrDocument;
use ckan_search_indexer::generation::GenerationId;
use ckan_search_indexer::journal::{self, Journal, JournalEntry};
use ckan_search_indexer::rebuild::next_version;
use ckan_search_indexer::schema::{fields, CkanSchema, IndexableDocument};
use ckan_search_query::ast::TokenOperator;
use ckan_search_query::build::{build, BuildContext};
use ckan_search_query::parse::{parse_filter, ParseOptions};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use tantivy::query::Query;
use tantivy::{IndexWriter, Term};

use crate::live::{Generation, LiveIndex};
use crate::update::UpdateCommand;

/// Why an update was refused or failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum WriteError {
    /// The request is wrong (bad document, bad delete query): HTTP 400.
    #[error("{0}")]
    BadRequest(String),
    /// The index could not be written: HTTP 500.
    #[error("{0}")]
    Internal(String),
}

/// When the writes of a request become visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Committed before the response (`commit=true`, or a `<commit/>` in the body).
    Now,
    /// Within the soft-commit interval.
    Soon,
}

struct Job {
    commands: Vec<UpdateCommand>,
    visibility: Visibility,
    reply: tokio::sync::oneshot::Sender<Result<(), WriteError>>,
}

/// Handle to the writer thread. Cheap to clone.
#[derive(Clone)]
pub struct LiveWriter {
    tx: Sender<Job>,
}

/// Tuning of the writer thread.
#[derive(Debug, Clone, Copy)]
pub struct WriterConfig {
    /// Uncommitted writes are committed after at most this long.
    pub soft_commit: Duration,
    /// The tantivy writer (and its lock) is released after this long without writes.
    pub idle_release: Duration,
    /// tantivy writer memory budget, bytes.
    pub memory: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            soft_commit: Duration::from_secs(1),
            idle_release: Duration::from_secs(5),
            memory: 64 * 1024 * 1024,
        }
    }
}

impl LiveWriter {
    /// Opens the data directory's journal and starts the writer thread for `live`. The
    /// thread first replays journaled writes the live generation does not contain yet.
    pub fn start(
        live: Arc<LiveIndex>,
        schema: Arc<CkanSchema>,
        config: WriterConfig,
    ) -> ckan_search_indexer::Result<Self> {
        let journal = Arc::new(Journal::open(live.store().data_dir())?);
        live.hand_over_swaps();
        let mut thread = WriterThread::new(live, schema, journal, config);
        // Replay what a crash left unapplied before the server answers its first request.
        thread.follow_live_generation();
        let (tx, rx) = crossbeam_channel::bounded::<Job>(64);
        std::thread::Builder::new()
            .name("ckan-search-writer".into())
            .spawn(move || thread.run(rx))
            .map_err(|e| {
                ckan_search_indexer::generation::io_err("starting the writer thread".into(), e)
            })?;
        Ok(Self { tx })
    }

    /// Applies `commands` in order; resolves once they are applied (and committed, for
    /// [`Visibility::Now`]).
    pub async fn apply(
        &self,
        commands: Vec<UpdateCommand>,
        visibility: Visibility,
    ) -> Result<(), WriteError> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        let job = Job {
            commands,
            visibility,
            reply,
        };
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || tx.send(job))
            .await
            .map_err(|e| WriteError::Internal(e.to_string()))?
            .map_err(|_| WriteError::Internal("the index writer has stopped".into()))?;
        rx.await
            .map_err(|_| WriteError::Internal("the index writer has stopped".into()))?
    }
}

/// A validated command, ready to apply.
enum Prepared {
    Add {
        doc: IndexableDocument,
        overwrite: bool,
    },
    DeleteById(String),
    DeleteByQuery(Box<dyn Query>),
    Commit,
}

struct WriterThread {
    live: Arc<LiveIndex>,
    schema: Arc<CkanSchema>,
    journal: Arc<Journal>,
    config: WriterConfig,
    /// The generation whose journal replay is done (writes go there).
    synced: Option<Arc<Generation>>,
    /// The last journal entry applied to the writer's generation.
    applied_seq: u64,
    writer: Option<(Arc<Generation>, IndexWriter)>,
    dirty_since: Option<Instant>,
    last_write: Instant,
    /// Which published generation has been waiting since when, because its writer lock is
    /// held.
    pending_since: Option<(GenerationId, Instant)>,
}

/// How long a published generation waits for its writer lock (held by an in-place
/// `search-index` run) before it is served without the journal replayed; the replay then
/// follows as soon as the lock is free.
const HANDOVER_PATIENCE: Duration = Duration::from_secs(10);

impl WriterThread {
    fn new(
        live: Arc<LiveIndex>,
        schema: Arc<CkanSchema>,
        journal: Arc<Journal>,
        config: WriterConfig,
    ) -> Self {
        Self {
            live,
            schema,
            journal,
            config,
            synced: None,
            applied_seq: 0,
            writer: None,
            dirty_since: None,
            last_write: Instant::now(),
            pending_since: None,
        }
    }

    fn run(mut self, rx: Receiver<Job>) {
        loop {
            self.follow_live_generation();
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(job) => {
                    let result = self.handle(job.commands, job.visibility);
                    let _ = job.reply.send(result);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.commit();
                    return;
                }
            }
            if self
                .dirty_since
                .is_some_and(|t| t.elapsed() >= self.config.soft_commit)
            {
                if let Err(e) = self.commit() {
                    tracing::error!(error = %e, "soft commit failed");
                }
            }
            if self.dirty_since.is_none()
                && self.writer.is_some()
                && self.last_write.elapsed() >= self.config.idle_release
            {
                self.writer = None; // release tantivy's lock for the CLI
            }
        }
    }

    fn handle(
        &mut self,
        commands: Vec<UpdateCommand>,
        visibility: Visibility,
    ) -> Result<(), WriteError> {
        let generation = self
            .live
            .get()
            .ok_or_else(|| WriteError::Internal("no index generation is live yet".into()))?;
        if !self.is_synced(&generation) {
            self.sync(&generation)?;
        }
        let (prepared, entries) = self.prepare(commands, &generation.reader.searcher())?;
        // Durable before applied, applied before acknowledged.
        if !entries.is_empty() {
            self.applied_seq = self
                .journal
                .append(&entries)
                .map_err(|e| WriteError::Internal(format!("journaling the update: {e}")))?;
        }
        let index_id = self
            .schema
            .explicit_field(fields::INDEX_ID)
            .ok_or_else(|| WriteError::Internal("schema has no index_id".into()))?;
        let writer = self.writer_for(&generation)?;
        let mut commit = visibility == Visibility::Now;
        for command in prepared {
            if matches!(command, Prepared::Commit) {
                commit = true;
            } else {
                apply(writer, index_id, command)?;
            }
        }
        self.last_write = Instant::now();
        self.dirty_since.get_or_insert_with(Instant::now);
        if commit {
            self.commit()?;
        }
        Ok(())
    }

    /// Validates every command before any is applied.
    fn prepare(
        &self,
        commands: Vec<UpdateCommand>,
        searcher: &tantivy::Searcher,
    ) -> Result<(Vec<Prepared>, Vec<JournalEntry>), WriteError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut out = Vec::with_capacity(commands.len());
        let mut entries = Vec::with_capacity(commands.len());
        for command in commands {
            out.push(match command {
                UpdateCommand::Add { doc, overwrite, .. } => {
                    let doc = with_index_id(doc);
                    let indexed = self
                        .schema
                        .to_tantivy(&doc, now_ms, next_version())
                        .map_err(|e| {
                            WriteError::BadRequest(format!(
                                "ERROR: [doc={}] {e}",
                                doc.get_str(fields::ID).unwrap_or("?")
                            ))
                        })?;
                    entries.push(JournalEntry::Add {
                        doc: doc.0,
                        overwrite,
                    });
                    Prepared::Add {
                        doc: indexed,
                        overwrite,
                    }
                }
                UpdateCommand::DeleteById(id) => {
                    entries.push(JournalEntry::DeleteById { id: id.clone() });
                    Prepared::DeleteById(id)
                }
                UpdateCommand::DeleteByQuery(text) => {
                    let opts = ParseOptions::standard(fields::TEXT_FIELD, TokenOperator::Or);
                    let filter = parse_filter(&text, &opts)
                        .map_err(|e| WriteError::BadRequest(e.to_string()))?;
                    let ctx = BuildContext::new(
                        &self.schema,
                        searcher.index().tokenizers(),
                        now_ms,
                        None,
                    )
                    .map_err(|e| WriteError::BadRequest(e.to_string()))?;
                    let query = build(&filter.query, &ctx)
                        .map_err(|e| WriteError::BadRequest(e.to_string()))?;
                    entries.push(JournalEntry::DeleteByQuery { query: text });
                    Prepared::DeleteByQuery(query)
                }
                UpdateCommand::Commit { .. } | UpdateCommand::Optimize => Prepared::Commit,
            });
        }
        Ok((out, entries))
    }

    /// Replays a journal entry (after a crash or a rebuild); a bad one is skipped.
    fn replay_entry(&self, entry: JournalEntry, searcher: &tantivy::Searcher) -> Option<Prepared> {
        let command = match entry {
            JournalEntry::Add { doc, overwrite } => UpdateCommand::Add {
                doc: SolrDocument(doc),
                overwrite,
                commit_within_ms: None,
            },
            JournalEntry::DeleteById { id } => UpdateCommand::DeleteById(id),
            JournalEntry::DeleteByQuery { query } => UpdateCommand::DeleteByQuery(query),
        };
        match self.prepare(vec![command], searcher) {
            Ok((mut prepared, _)) => prepared.pop(),
            Err(e) => {
                tracing::warn!(error = %e, "skipping a journal entry that no longer applies");
                None
            }
        }
    }

    fn is_synced(&self, generation: &Generation) -> bool {
        self.synced.as_ref().is_some_and(|g| g.id == generation.id)
    }

    /// Makes `generation` the write target: replays the journal entries its last commit
    /// does not contain, then commits, so they are searchable.
    fn sync(&mut self, generation: &Arc<Generation>) -> Result<(), WriteError> {
        let result = self.replay_onto(generation);
        if result.is_err() && !self.is_synced(generation) {
            // Never commit a partial replay: its commit would record the journal position
            // of another generation, and the missing entries would never be replayed.
            self.writer = None;
        }
        result
    }

    fn replay_onto(&mut self, generation: &Arc<Generation>) -> Result<(), WriteError> {
        let searcher = generation.reader.searcher();
        let index_id = self
            .schema
            .explicit_field(fields::INDEX_ID)
            .ok_or_else(|| WriteError::Internal("schema has no index_id".into()))?;
        let writer = self.writer_for(generation)?;
        let from = journal::payload_seq(writer.index());
        let entries = self
            .journal
            .read_after(from)
            .map_err(|e| WriteError::Internal(format!("reading the journal: {e}")))?;
        let replayed = entries.len();
        let mut last = from;
        for (seq, entry) in entries {
            last = seq;
            let Some(prepared) = self.replay_entry(entry, &searcher) else {
                continue;
            };
            let writer = self.writer_for(generation)?;
            apply(writer, index_id, prepared)?;
        }
        self.applied_seq = last.max(from);
        self.synced = Some(generation.clone());
        if replayed > 0 {
            tracing::info!(generation = %generation.id, entries = replayed, "replayed journaled writes");
            self.dirty_since.get_or_insert_with(Instant::now);
            self.commit()?;
        }
        Ok(())
    }

    /// Takes over a newly published generation (replaying the journal onto it, then
    /// swapping it in for readers), or the live one if the writer is not on it yet.
    fn follow_live_generation(&mut self) {
        if let Some(pending) = self.live.pending() {
            self.adopt(pending);
            return;
        }
        let Some(current) = self.live.get() else {
            return;
        };
        if self.is_synced(&current) {
            return;
        }
        if self.synced.is_some() {
            let _ = self.commit();
        }
        self.writer = None;
        if let Err(e) = self.sync(&current) {
            // The CLI may hold the generation's writer lock: try again on the next tick.
            tracing::debug!(error = %e, generation = %current.id, "could not take over the live generation yet");
        }
    }

    /// Brings a published generation up to date with the journal, then serves it.
    fn adopt(&mut self, generation: Arc<Generation>) {
        let started = Instant::now();
        match self.sync(&generation) {
            Ok(()) => {
                self.pending_since = None;
                tracing::info!(
                    generation = %generation.id,
                    ms = started.elapsed().as_millis() as u64,
                    "journal replayed onto the new generation"
                );
                self.live.install(generation);
            }
            Err(e) => {
                let since = match self.pending_since {
                    Some((id, since)) if id == generation.id => since,
                    _ => {
                        self.pending_since = Some((generation.id, started));
                        started
                    }
                };
                if since.elapsed() >= HANDOVER_PATIENCE {
                    tracing::warn!(error = %e, generation = %generation.id, "serving the new generation before the journal could be replayed onto it");
                    self.pending_since = None;
                    self.live.install(generation);
                } else {
                    tracing::debug!(error = %e, generation = %generation.id, "could not take over the new generation yet");
                }
            }
        }
    }

    /// The writer of `generation`, reopened if the writer was on another generation.
    fn writer_for(&mut self, generation: &Arc<Generation>) -> Result<&mut IndexWriter, WriteError> {
        if self
            .writer
            .as_ref()
            .is_some_and(|(g, _)| g.id != generation.id)
        {
            // A rebuild flipped CURRENT: writes now go to the new generation.
            let _ = self.commit();
            self.writer = None;
        }
        if self.writer.is_none() {
            let writer = generation
                .reader
                .searcher()
                .index()
                .writer_with_num_threads(1, self.config.memory)
                .map_err(|e| WriteError::Internal(format!("opening the index writer: {e}")))?;
            self.writer = Some((generation.clone(), writer));
        }
        match self.writer.as_mut() {
            Some((_, w)) => Ok(w),
            None => Err(WriteError::Internal("no writer".into())),
        }
    }

    /// Commits pending writes and makes them visible to searches before returning.
    fn commit(&mut self) -> Result<(), WriteError> {
        let Some((generation, writer)) = self.writer.as_mut() else {
            self.dirty_since = None;
            return Ok(());
        };
        let mut prepared = writer
            .prepare_commit()
            .map_err(|e| WriteError::Internal(format!("committing: {e}")))?;
        prepared.set_payload(&journal::payload(self.applied_seq));
        prepared
            .commit()
            .map_err(|e| WriteError::Internal(format!("committing: {e}")))?;
        self.dirty_since = None;
        generation
            .reader
            .reload()
            .map_err(|e| WriteError::Internal(format!("reloading the searcher: {e}")))?;
        Ok(())
    }
}

/// Applies one validated write to the writer.
fn apply(
    writer: &IndexWriter,
    index_id: tantivy::schema::Field,
    command: Prepared,
) -> Result<(), WriteError> {
    match command {
        Prepared::Add { doc, overwrite } => {
            if overwrite {
                writer.delete_term(Term::from_field_text(index_id, &doc.index_id));
            }
            writer
                .add_document(doc.doc)
                .map_err(|e| WriteError::Internal(format!("adding a document: {e}")))?;
        }
        Prepared::DeleteById(id) => {
            writer.delete_term(Term::from_field_text(index_id, &id));
        }
        Prepared::DeleteByQuery(query) => {
            writer
                .delete_query(query)
                .map_err(|e| WriteError::Internal(format!("deleting by query: {e}")))?;
        }
        Prepared::Commit => {}
    }
    Ok(())
}

/// A version-4-shaped UUID, as Solr's `UUIDUpdateProcessorFactory` makes. Its 122 bits are
/// an MD5 of what makes this call unique (a process-wide counter, the process id, the
/// clock, and the address of a fresh allocation), so ids never repeat within a process and
/// collide across restarts only by MD5 chance.
fn random_uuid() -> String {
    use md5::{Digest, Md5};
    let mut hasher = Md5::new();
    hasher.update(next_version().to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.update(now.to_le_bytes());
    let local = Box::new(0u8);
    hasher.update((&*local as *const u8 as usize).to_le_bytes());
    let mut bytes: [u8; 16] = hasher.finalize().into();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Solr's default update chain gives a document without the uniqueKey a generated one
/// (data.gov.uk's organisation documents rely on it).
fn with_index_id(mut doc: SolrDocument) -> SolrDocument {
    if doc.get(fields::INDEX_ID).is_none_or(|v| v.is_null()) {
        doc.insert(fields::INDEX_ID, serde_json::Value::String(random_uuid()));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::random_uuid;

    #[test]
    fn generated_index_ids_are_distinct_version_4_uuids() {
        let ids: Vec<String> = (0..1000).map(|_| random_uuid()).collect();
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                vec![8, 4, 4, 4, 12]
            );
            assert!(parts[2].starts_with('4'), "{id}");
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{id}");
            // The halves are independent (the old generator repeated them).
            assert_ne!(&id[..8], &id[24..32]);
        }
    }
}
