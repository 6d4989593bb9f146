//! Read-only inspections of the live generation against a source: `check`, `show`,
//! `list-orphans`.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, TantivyDocument, Term};

use crate::generation::GenerationStore;
use crate::schema::{fields, CkanSchema};
use crate::source::Source;
use crate::{IndexerError, Result};

/// The identifying fields of one indexed document, read from fast fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedDoc {
    /// Dataset id.
    pub id: String,
    /// Dataset name.
    pub name: String,
    /// `state` (active, draft).
    pub state: String,
    /// `site_id`.
    pub site_id: String,
}

/// Every live document's id, name, state and site, straight from the fast fields (no
/// stored-document decompression), so this stays quick on large catalogues.
pub fn indexed_docs(_schema: &CkanSchema, index: &Index) -> Result<Vec<IndexedDoc>> {
    let reader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| IndexerError::tantivy("opening a reader", e))?;
    let searcher = reader.searcher();
    let mut docs = Vec::with_capacity(searcher.num_docs() as usize);
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let column = |name: &str| {
            fast.str(name)
                .map_err(|e| IndexerError::tantivy(format!("reading fast field {name}"), e))
        };
        let cols = [
            column(fields::ID)?,
            column(fields::NAME)?,
            column("state")?,
            column(fields::SITE_ID)?,
        ];
        let mut buf = String::new();
        let mut read = |col: &Option<tantivy::columnar::StrColumn>, doc: u32| -> String {
            buf.clear();
            if let Some(col) = col {
                if let Some(ord) = col.term_ords(doc).next() {
                    let _ = col.ord_to_str(ord, &mut buf);
                }
            }
            buf.clone()
        };
        for doc in segment.doc_ids_alive() {
            docs.push(IndexedDoc {
                id: read(&cols[0], doc),
                name: read(&cols[1], doc),
                state: read(&cols[2], doc),
                site_id: read(&cols[3], doc),
            });
        }
    }
    Ok(docs)
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Active datasets in the source.
    pub active_in_source: u64,
    /// `(metadata_modified, name)` of active source datasets not indexed as active.
    pub not_indexed: Vec<(String, String)>,
}

impl std::fmt::Display for CheckReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // CKAN's own wording, so scripts reading `ckan search-index check` keep working.
        writeln!(
            f,
            "Packages not indexed = {} out of {}",
            self.not_indexed.len(),
            self.active_in_source
        )?;
        // CKAN prints `print((metadata_modified.strftime('%Y-%m-%d'), name))`: a tuple.
        for (modified, name) in &self.not_indexed {
            let day: String = modified.chars().take(10).collect();
            writeln!(
                f,
                "({}, {})",
                crate::document::package::python_str_repr(&day),
                crate::document::package::python_str_repr(name)
            )?;
        }
        Ok(())
    }
}

fn live(store: &GenerationStore) -> Result<Option<Index>> {
    store.current()?.map(|id| store.open_index(id)).transpose()
}

/// `check`: source datasets that should be indexed (active) but are not.
pub fn check(store: &GenerationStore, source: &dyn Source, site_id: &str) -> Result<CheckReport> {
    let indexed: HashSet<String> = match live(store)? {
        Some(index) => indexed_docs(store.schema(), &index)?
            .into_iter()
            .filter(|d| d.state == "active" && d.site_id == site_id)
            .map(|d| d.id)
            .collect(),
        None => HashSet::new(),
    };
    let mut report = CheckReport {
        active_in_source: 0,
        not_indexed: Vec::new(),
    };
    for record in source.records()? {
        let Ok(pkg) = record.package else { continue };
        if pkg.get("state").and_then(Value::as_str) != Some("active") {
            continue;
        }
        report.active_in_source += 1;
        let id = pkg.get("id").and_then(Value::as_str).unwrap_or_default();
        if !indexed.contains(id) {
            let text = |k: &str| {
                pkg.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            report
                .not_indexed
                .push((text("metadata_modified"), text("name")));
        }
    }
    source.check_complete()?;
    Ok(report)
}

/// `show DATASET`: the stored fields of the dataset with that id or name.
pub fn show(store: &GenerationStore, dataset: &str) -> Result<Map<String, Value>> {
    let not_found =
        || IndexerError::NotFound(format!("Dataset not found in the search index: {dataset}"));
    let index = live(store)?.ok_or_else(not_found)?;
    let schema = store.schema();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for name in [fields::ID, fields::NAME] {
        if let Some(f) = schema.explicit_field(name) {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f, dataset),
                    IndexRecordOption::Basic,
                )),
            ));
        }
    }
    let reader = index
        .reader()
        .map_err(|e| IndexerError::tantivy("opening a reader", e))?;
    let searcher = reader.searcher();
    let top = searcher
        .search(
            &BooleanQuery::new(clauses),
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )
        .map_err(|e| IndexerError::tantivy("searching", e))?;
    let (_, address) = top.into_iter().next().ok_or_else(not_found)?;
    let doc: TantivyDocument = searcher
        .doc(address)
        .map_err(|e| IndexerError::tantivy("reading a stored document", e))?;
    Ok(schema.stored_fields(&doc))
}

/// `list-orphans`: ids indexed for the site that the source does not have at all.
pub fn list_orphans(
    store: &GenerationStore,
    source: &dyn Source,
    site_id: &str,
) -> Result<Vec<String>> {
    let Some(index) = live(store)? else {
        return Ok(Vec::new());
    };
    // Every record must be read: a dataset whose record could not be would look like an
    // orphan, and `clear-orphans` would delete it.
    let mut in_source: HashMap<String, ()> = HashMap::new();
    for record in source.records()? {
        let pkg = record.package.map_err(|e| IndexerError::Source {
            source_name: source.name(),
            reason: format!(
                "record {} could not be read ({e}); not listing orphans, since the dataset \
                 it holds could be among them",
                record.position
            ),
        })?;
        if let Some(id) = pkg.get("id").and_then(Value::as_str) {
            in_source.insert(id.to_string(), ());
        }
    }
    source.check_complete()?;
    let mut orphans: Vec<String> = indexed_docs(store.schema(), &index)?
        .into_iter()
        .filter(|d| d.site_id == site_id && !in_source.contains_key(&d.id))
        .map(|d| d.id)
        .collect();
    orphans.sort();
    orphans.dedup();
    Ok(orphans)
}
