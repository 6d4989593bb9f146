//! The indexing pipeline shared by every mode: read in chunks, map in parallel, write in
//! source order.

use std::collections::HashSet;

use rayon::prelude::*;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Term};

use super::{next_version, Progress, RebuildOptions, Summary, CHUNK};
use crate::document::package::{index_id, package_to_solr, PackageAction};
use crate::document::{DocumentError, SolrDocument};
use crate::schema::{fields, CkanSchema, IndexableDocument};
use crate::source::{Source, SourceRecord};
use crate::{IndexerError, Result};

/// What one source record becomes.
#[derive(Debug)]
pub enum MapOutcome {
    /// A document to add.
    Index(Box<IndexableDocument>),
    /// CKAN would remove this dataset from the index (it is deleted).
    Delete {
        /// The dataset id.
        id: String,
        /// Its uniqueKey.
        index_id: String,
    },
    /// The record is unusable.
    Failed(DocumentError),
}

/// Maps records and feeds a writer.
pub struct Pipeline<'a> {
    /// The schema.
    pub schema: &'a CkanSchema,
    /// The options.
    pub options: &'a RebuildOptions,
    /// `true` when the target index may already hold the documents (in-place modes), so
    /// every add first deletes by uniqueKey. A fresh generation only does so for ids seen
    /// twice in the source.
    pub upsert: bool,
    /// In-place modes apply the deletions CKAN would make for deleted datasets; this
    /// searcher on the index before the run tells which of them were really indexed, so
    /// `removed` counts documents, not requests.
    pub apply_deletes: Option<tantivy::Searcher>,
}

impl Pipeline<'_> {
    /// Maps one package dict.
    pub fn map(&self, package: &serde_json::Value, now_ms: i64) -> MapOutcome {
        match package_to_solr(package, &self.options.package) {
            Ok(PackageAction::Index(doc)) => self.map_solr(&doc, now_ms),
            Ok(PackageAction::Delete { id }) => MapOutcome::Delete {
                index_id: index_id(&id, &self.options.package.site_id),
                id,
            },
            Err(e) => MapOutcome::Failed(e),
        }
    }

    fn map_solr(&self, doc: &SolrDocument, now_ms: i64) -> MapOutcome {
        match self.schema.to_tantivy(doc, now_ms, next_version()) {
            Ok(d) => MapOutcome::Index(Box::new(d)),
            Err(e) => MapOutcome::Failed(e),
        }
    }

    /// Indexes the records `select` accepts into `writer` (without committing). Returns
    /// the summary, or the first bad record's error unless `force`; fails too when the
    /// source broke off part-way, so a forced run never passes a partial read as whole.
    /// Vocabulary names the source knows (CKAN's database) are added to the options'.
    pub fn run(
        &self,
        source: &dyn Source,
        writer: &IndexWriter,
        progress: &dyn Progress,
        select: &(dyn Fn(&serde_json::Value) -> bool + Sync),
    ) -> Result<Summary> {
        let vocabularies = source.vocabularies()?;
        let summary = if vocabularies.is_empty() {
            self.run_records(source, writer, progress, select)?
        } else {
            let mut options = self.options.clone();
            for (id, name) in vocabularies {
                options.package.vocabularies.entry(id).or_insert(name);
            }
            let pipeline = Pipeline {
                options: &options,
                apply_deletes: self.apply_deletes.clone(),
                ..*self
            };
            pipeline.run_records(source, writer, progress, select)?
        };
        source.check_complete()?;
        Ok(summary)
    }

    fn run_records(
        &self,
        source: &dyn Source,
        writer: &IndexWriter,
        progress: &dyn Progress,
        select: &(dyn Fn(&serde_json::Value) -> bool + Sync),
    ) -> Result<Summary> {
        let started = std::time::Instant::now();
        progress.start("indexing", source.count_hint());
        let mut summary = Summary::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut records = source.records()?;
        let index_id_field = self
            .schema
            .explicit_field(fields::INDEX_ID)
            .ok_or_else(|| IndexerError::Generation("schema has no index_id field".into()))?;
        loop {
            let chunk: Vec<SourceRecord> = records.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let now_ms = chrono::Utc::now().timestamp_millis();
            let outcomes: Vec<Option<MapOutcome>> = chunk
                .into_par_iter()
                .map(|record| match record.package {
                    Ok(pkg) if select(&pkg) => Some(self.map(&pkg, now_ms)),
                    Ok(_) => None,
                    Err(e) => Some(MapOutcome::Failed(e)),
                })
                .collect();
            let n = outcomes.len() as u64;
            for outcome in outcomes {
                match outcome {
                    None => summary.skipped += 1,
                    Some(MapOutcome::Index(doc)) => {
                        let doc = *doc;
                        let duplicate = !seen.insert(doc.index_id.clone());
                        if self.upsert || duplicate {
                            writer
                                .delete_term(Term::from_field_text(index_id_field, &doc.index_id));
                        }
                        if duplicate && !self.upsert {
                            summary.indexed -= 1;
                        }
                        writer
                            .add_document(doc.doc)
                            .map_err(|e| IndexerError::tantivy("adding a document", e))?;
                        summary.indexed += 1;
                    }
                    Some(MapOutcome::Delete { index_id, .. }) => {
                        summary.skipped += 1;
                        if let Some(before) = &self.apply_deletes {
                            let term = Term::from_field_text(index_id_field, &index_id);
                            let query = TermQuery::new(term.clone(), IndexRecordOption::Basic);
                            let indexed = before.search(&query, &Count).map_err(|e| {
                                IndexerError::tantivy("looking up a deleted dataset", e)
                            })?;
                            summary.removed += indexed as u64;
                            writer.delete_term(term);
                        }
                    }
                    Some(MapOutcome::Failed(e)) => {
                        if !self.options.force {
                            progress.finish();
                            return Err(e.into());
                        }
                        tracing::warn!(error = %e, "skipping bad document");
                        summary.failed.push(e);
                    }
                }
            }
            progress.advance(n);
        }
        progress.finish();
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }
}
