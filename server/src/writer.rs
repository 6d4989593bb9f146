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
    /// Starts the writer thread for `live`.
    pub fn start(live: Arc<LiveIndex>, schema: Arc<CkanSchema>, config: WriterConfig) -> Self {
        let (tx, rx) = crossbeam_channel::bounded::<Job>(64);
        std::thread::Builder::new()
            .name("ckan-search-writer".into())
            .spawn(move || WriterThread::new(live, schema, config).run(rx))
            .ok();
        Self { tx }
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
    config: WriterConfig,
    writer: Option<(GenerationId, IndexWriter)>,
    dirty_since: Option<Instant>,
    last_write: Instant,
}

impl WriterThread {
    fn new(live: Arc<LiveIndex>, schema: Arc<CkanSchema>, config: WriterConfig) -> Self {
        Self {
            live,
            schema,
            config,
            writer: None,
            dirty_since: None,
            last_write: Instant::now(),
        }
    }

    fn run(mut self, rx: Receiver<Job>) {
        loop {
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
        let prepared = self.prepare(commands, &generation.reader.searcher())?;
        let index_id = self
            .schema
            .explicit_field(fields::INDEX_ID)
            .ok_or_else(|| WriteError::Internal("schema has no index_id".into()))?;
        let writer = self.writer_for(generation.id)?;
        let mut commit = visibility == Visibility::Now;
        for command in prepared {
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
                Prepared::Commit => commit = true,
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
    ) -> Result<Vec<Prepared>, WriteError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut out = Vec::with_capacity(commands.len());
        for command in commands {
            out.push(match command {
                UpdateCommand::Add { doc, overwrite, .. } => {
                    let doc = with_index_id(doc);
                    let doc = self
                        .schema
                        .to_tantivy(&doc, now_ms, next_version())
                        .map_err(|e| {
                            WriteError::BadRequest(format!(
                                "ERROR: [doc={}] {e}",
                                doc.get_str(fields::ID).unwrap_or("?")
                            ))
                        })?;
                    Prepared::Add { doc, overwrite }
                }
                UpdateCommand::DeleteById(id) => Prepared::DeleteById(id),
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
                    Prepared::DeleteByQuery(
                        build(&filter.query, &ctx)
                            .map_err(|e| WriteError::BadRequest(e.to_string()))?,
                    )
                }
                UpdateCommand::Commit { .. } | UpdateCommand::Optimize => Prepared::Commit,
            });
        }
        Ok(out)
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
            writer
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

/// Solr's default update chain gives a document without the uniqueKey a generated one
/// (data.gov.uk's organisation documents rely on it).
fn with_index_id(mut doc: SolrDocument) -> SolrDocument {
    if doc.get(fields::INDEX_ID).is_none_or(|v| v.is_null()) {
        let mut bytes = [0u8; 16];
        let seed = next_version().to_le_bytes();
        let salt = std::process::id().to_le_bytes();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = seed[i % 8] ^ salt[i % 4].rotate_left(i as u32);
        }
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        doc.insert(fields::INDEX_ID, serde_json::Value::String(uuid));
    }
    doc
}
