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

use crate::live::LiveIndex;
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
        let (tx, rx) = crossbeam_channel::bounded::<Job>(64);
        std::thread::Builder::new()
            .name("ckan-search-writer".into())
            .spawn(move || WriterThread::new(live, schema, journal, config).run(rx))
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
    synced: Option<GenerationId>,
    /// The last journal entry applied to the writer's generation.
    applied_seq: u64,
    writer: Option<(GenerationId, IndexWriter)>,
    dirty_since: Option<Instant>,
    last_write: Instant,
}

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
        if self.synced != Some(generation.id) {
            self.sync(generation.id)?;
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
        let writer = self.writer_for(generation.id)?;
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

    /// Makes `generation` the write target: replays the journal entries its last commit
    /// does not contain, then commits, so they are searchable.
    fn sync(&mut self, generation: GenerationId) -> Result<(), WriteError> {
        let searcher = match self.live.get() {
            Some(g) if g.id == generation => g.reader.searcher(),
            _ => return Err(WriteError::Internal("the live generation changed".into())),
        };
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
        self.synced = Some(generation);
        if replayed > 0 {
            tracing::info!(generation = %generation, entries = replayed, "replayed journaled writes");
            self.dirty_since.get_or_insert_with(Instant::now);
            self.commit()?;
        }
        Ok(())
    }

    /// Switches to a new live generation as soon as the reader side has.
    fn follow_live_generation(&mut self) {
        let Some(current) = self.live.get().map(|g| g.id) else {
            return;
        };
        if self.synced == Some(current) {
            return;
        }
        if self.synced.is_some() {
            let _ = self.commit();
        }
        self.writer = None;
        if let Err(e) = self.sync(current) {
            // The CLI may hold the generation's writer lock: try again on the next tick.
            tracing::debug!(error = %e, generation = %current, "could not take over the live generation yet");
        }
    }

    /// The writer of `generation`, reopened if the live generation changed.
    fn writer_for(&mut self, generation: GenerationId) -> Result<&mut IndexWriter, WriteError> {
        if self
            .writer
            .as_ref()
            .is_some_and(|(id, _)| *id != generation)
        {
            // A rebuild flipped CURRENT: writes now go to the new generation.
            let _ = self.commit();
            self.writer = None;
        }
        if self.writer.is_none() {
            let index = self
                .live
                .store()
                .open_index(generation)
                .map_err(|e| WriteError::Internal(e.to_string()))?;
            let writer = index
                .writer_with_num_threads(1, self.config.memory)
                .map_err(|e| WriteError::Internal(format!("opening the index writer: {e}")))?;
            self.writer = Some((generation, writer));
        }
        match self.writer.as_mut() {
            Some((_, w)) => Ok(w),
            None => Err(WriteError::Internal("no writer".into())),
        }
    }

    /// Commits pending writes and makes them visible to searches before returning.
    fn commit(&mut self) -> Result<(), WriteError> {
        if let Some((_, writer)) = self.writer.as_mut() {
            let mut prepared = writer
                .prepare_commit()
                .map_err(|e| WriteError::Internal(format!("committing: {e}")))?;
            prepared.set_payload(&journal::payload(self.applied_seq));
            prepared
                .commit()
                .map_err(|e| WriteError::Internal(format!("committing: {e}")))?;
        }
        self.dirty_since = None;
        if let Some(generation) = self.live.get() {
            generation
                .reader
                .reload()
                .map_err(|e| WriteError::Internal(format!("reloading the searcher: {e}")))?;
        }
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
