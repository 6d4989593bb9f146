//! Modes that write into the live generation: refresh (`-r`), only-missing (`-o`), named
//! datasets, and clear. Each commits once at the end, so a failure part-way leaves the live
//! index as it was.

use std::collections::HashSet;

use parking_lot::Mutex;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexWriter, Term};

use super::inspect::indexed_docs;
use super::pipeline::Pipeline;
use super::{Progress, RebuildOptions, Summary};
use crate::generation::{GenerationId, GenerationInfo, GenerationStore, RunLock};
use crate::journal;
use crate::schema::fields;
use crate::source::Source;
use crate::{IndexerError, Result};

/// Opens the live generation for writing; on a data directory with none yet, publishes an
/// empty one first so the in-place modes work from scratch.
fn live_index(store: &GenerationStore, options: &RebuildOptions) -> Result<(GenerationId, Index)> {
    if let Some(id) = store.current()? {
        return Ok((id, store.open_index(id)?));
    }
    let building = store.begin_build()?;
    let mut writer: IndexWriter = building
        .index()
        .writer_with_num_threads(1, 15_000_000)
        .map_err(|e| IndexerError::tantivy("creating an empty generation", e))?;
    writer
        .commit()
        .map_err(|e| IndexerError::tantivy("committing an empty generation", e))?;
    drop(writer);
    let info = GenerationInfo {
        id: 0,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: "empty".into(),
        documents: 0,
        seconds: 0.0,
    };
    let id = store.publish(building, info, options.keep)?;
    Ok((id, store.open_index(id)?))
}

/// How long an in-place mode waits for the live generation's writer lock: a running
/// server holds it while `/update` writes arrive and releases it a few seconds after.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

fn writer(index: &Index, options: &RebuildOptions) -> Result<IndexWriter> {
    let started = std::time::Instant::now();
    let mut warned = false;
    loop {
        match index.writer_with_num_threads(options.threads.max(1), options.writer_memory) {
            Ok(writer) => return Ok(writer),
            Err(tantivy::TantivyError::LockFailure(..)) if started.elapsed() < LOCK_WAIT => {
                if !warned {
                    tracing::info!("the live generation is being written (a running server?); waiting for its lock");
                    warned = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => {
                return Err(IndexerError::tantivy(
                    "opening the live generation's writer",
                    e,
                ))
            }
        }
    }
}

/// Commits, keeping the journal position the generation had (in-place modes do not
/// consume journal entries; the server replays them).
fn commit(mut writer: IndexWriter) -> Result<()> {
    let seq = journal::payload_seq(writer.index());
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| IndexerError::tantivy("committing to the live generation", e))?;
    prepared.set_payload(&journal::payload(seq));
    prepared
        .commit()
        .map_err(|e| IndexerError::tantivy("committing to the live generation", e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| IndexerError::tantivy("merging the live generation", e))
}

/// One in-place run over the live generation.
struct InPlace<'a> {
    store: &'a GenerationStore,
    source: &'a dyn Source,
    options: &'a RebuildOptions,
    progress: &'a dyn Progress,
}

impl InPlace<'_> {
    /// Indexes the records `select` accepts into the live generation with one commit.
    /// `before_commit` may still refuse the run; on any error the writer is dropped
    /// uncommitted, so the live generation is unchanged.
    fn run(
        &self,
        (id, index): (GenerationId, Index),
        apply_deletes: bool,
        select: &(dyn Fn(&serde_json::Value) -> bool + Sync),
        before_commit: impl FnOnce() -> Result<()>,
    ) -> Result<Summary> {
        let started = std::time::Instant::now();
        let writer = writer(&index, self.options)?;
        let pipeline = Pipeline {
            schema: self.store.schema(),
            options: self.options,
            upsert: true,
            apply_deletes: if apply_deletes {
                Some(searcher(&index)?)
            } else {
                None
            },
        };
        let mut summary = pipeline.run(self.source, &writer, self.progress, select)?;
        before_commit()?;
        commit(writer)?;
        summary.generation = Some(id);
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }
}

/// `rebuild -r`: upserts every dataset of the source into the live generation, removes the
/// ones the source marks deleted, and keeps everything else.
pub fn refresh(
    store: &GenerationStore,
    source: &dyn Source,
    options: &RebuildOptions,
    progress: &dyn Progress,
) -> Result<Summary> {
    let _run = RunLock::acquire(store.data_dir(), "refresh")?;
    let live = live_index(store, options)?;
    let run = InPlace {
        store,
        source,
        options,
        progress,
    };
    run.run(live, true, &|_| true, || Ok(()))
}

/// `rebuild -o`: indexes only the source's datasets that are not indexed as active (as
/// CKAN, drafts in the index therefore count as missing).
pub fn only_missing(
    store: &GenerationStore,
    source: &dyn Source,
    options: &RebuildOptions,
    progress: &dyn Progress,
) -> Result<Summary> {
    let _run = RunLock::acquire(store.data_dir(), "only-missing run")?;
    let (id, index) = live_index(store, options)?;
    let site = options.package.site_id.clone();
    let indexed: HashSet<String> = indexed_docs(store.schema(), &index)?
        .into_iter()
        .filter(|d| d.state == "active" && d.site_id == site)
        .map(|d| d.id)
        .collect();
    let select = move |pkg: &serde_json::Value| {
        pkg.get("id")
            .and_then(|v| v.as_str())
            .is_none_or(|id| !indexed.contains(id))
    };
    let run = InPlace {
        store,
        source,
        options,
        progress,
    };
    run.run((id, index), false, &select, || Ok(()))
}

/// `rebuild DATASET…`: re-indexes the named datasets (by name or id). Fails, naming them,
/// if some are not in the source; then nothing is changed.
pub fn rebuild_datasets(
    store: &GenerationStore,
    source: &dyn Source,
    datasets: &[String],
    options: &RebuildOptions,
    progress: &dyn Progress,
) -> Result<Summary> {
    let _run = RunLock::acquire(store.data_dir(), "rebuild of named datasets")?;
    let live = live_index(store, options)?;
    let wanted: HashSet<&str> = datasets.iter().map(String::as_str).collect();
    let found: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
    let select = |pkg: &serde_json::Value| {
        let mut hit = false;
        for key in ["id", "name"] {
            if let Some(v) = pkg.get(key).and_then(|v| v.as_str()) {
                if wanted.contains(v) {
                    found.lock().insert(v.to_string());
                    hit = true;
                }
            }
        }
        hit
    };
    let all_found = || {
        let found = found.lock();
        let missing: Vec<&str> = datasets
            .iter()
            .map(String::as_str)
            .filter(|d| !found.contains(*d))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(IndexerError::NotFound(format!(
                "Couldn't find package {}",
                missing.join(", ")
            )))
        }
    };
    let run = InPlace {
        store,
        source,
        options,
        progress,
    };
    run.run(live, true, &select, all_found)
}

/// `clear [DATASET]`: removes one dataset (by id or name) or every document of the site
/// from the live generation. Returns how many documents were removed.
pub fn clear(
    store: &GenerationStore,
    dataset: Option<&str>,
    options: &RebuildOptions,
) -> Result<u64> {
    let _run = RunLock::acquire(store.data_dir(), "clear")?;
    let Some(id) = store.current()? else {
        return Ok(0);
    };
    let index = store.open_index(id)?;
    let schema = store.schema();
    let term = |field: &str, value: &str| -> Result<Box<dyn Query>> {
        let f = schema
            .explicit_field(field)
            .ok_or_else(|| IndexerError::Generation(format!("schema has no field {field}")))?;
        Ok(Box::new(TermQuery::new(
            Term::from_field_text(f, value),
            IndexRecordOption::Basic,
        )))
    };
    let site = term(fields::SITE_ID, &options.package.site_id)?;
    let query: Box<dyn Query> = match dataset {
        None => site,
        Some(d) => {
            let either = BooleanQuery::new(vec![
                (Occur::Should, term(fields::ID, d)?),
                (Occur::Should, term(fields::NAME, d)?),
            ]);
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, site),
                (Occur::Must, Box::new(either)),
            ]))
        }
    };
    let before = count(&index)?;
    let writer = writer(&index, options)?;
    writer
        .delete_query(query)
        .map_err(|e| IndexerError::tantivy("deleting", e))?;
    commit(writer)?;
    let after = count(&index)?;
    Ok(before.saturating_sub(after))
}

fn searcher(index: &Index) -> Result<tantivy::Searcher> {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| IndexerError::tantivy("opening a reader", e))?;
    Ok(reader.searcher())
}

fn count(index: &Index) -> Result<u64> {
    Ok(searcher(index)?.num_docs())
}
