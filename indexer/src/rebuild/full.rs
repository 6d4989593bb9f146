//! Full rebuild: a new generation built aside from the whole source, committed, validated,
//! then published with one atomic flip. Readers keep the live generation until then.

use tantivy::IndexWriter;

use super::carry::carry_other_sites;
use super::pipeline::Pipeline;
use super::{Progress, RebuildOptions, Summary};
use crate::generation::{GenerationInfo, GenerationStore, RunLock};
use crate::journal::{self, Journal};
use crate::source::Source;
use crate::{IndexerError, Result};

/// Rebuilds the whole index from `source` into a new generation and makes it live.
///
/// If anything fails (a bad document without `force`, an I/O error, a failed validation),
/// the new generation is removed and the live one is untouched.
pub fn full_rebuild(
    store: &GenerationStore,
    source: &dyn Source,
    options: &RebuildOptions,
    progress: &dyn Progress,
) -> Result<Summary> {
    let started = std::time::Instant::now();
    let _run = RunLock::acquire(store.data_dir(), "full rebuild")?;
    store.remove_stray()?;
    let building = store.begin_build()?;
    tracing::info!(generation = %building.id(), source = %source.name(), "full rebuild started");
    let mut writer: IndexWriter = building
        .index()
        .writer_with_num_threads(options.threads.max(1), options.writer_memory)
        .map_err(|e| IndexerError::tantivy("opening the generation writer", e))?;
    let pipeline = Pipeline {
        schema: store.schema(),
        options,
        upsert: false,
        apply_deletes: None,
    };
    // Recorded before the source is read: every write the server accepts from now on is
    // replayed onto this generation when the server starts writing to it.
    let journal_seq = Journal::last_seq_in(store.data_dir())?;
    let mut summary = pipeline.run(source, &writer, progress, &|_| true)?;
    let carried = carry_other_sites(store, &writer, &options.package.site_id)?;
    let mut prepared = writer
        .prepare_commit()
        .map_err(|e| IndexerError::tantivy("committing the new generation", e))?;
    prepared.set_payload(&journal::payload(journal_seq));
    prepared
        .commit()
        .map_err(|e| IndexerError::tantivy("committing the new generation", e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| IndexerError::tantivy("merging the new generation", e))?;

    // Validate before publishing: the generation must hold exactly the indexable records.
    let reader = building
        .index()
        .reader()
        .map_err(|e| IndexerError::tantivy("opening the new generation", e))?;
    let documents = reader.searcher().num_docs();
    if documents != summary.indexed + carried {
        return Err(IndexerError::Validation(format!(
            "the new generation holds {documents} documents but the source has {} indexable datasets and {carried} documents of other sites were carried over; the live index is unchanged",
            summary.indexed
        )));
    }
    drop(reader);

    summary.seconds = started.elapsed().as_secs_f64();
    let info = GenerationInfo {
        id: 0,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: source.name(),
        documents,
        seconds: summary.seconds,
    };
    let id = store.publish(building, info, options.keep)?;
    summary.generation = Some(id);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
