//! `search-index rebuild-publisher ORG` (data.gov.uk's command, run after renaming a
//! publisher): re-indexes every dataset of one organisation and removes the organisation's
//! index entries whose datasets the source no longer has — in place, in one commit.
//!
//! It is a refresh (`rebuild -r`) over a source of its own, read in three passes:
//!
//! 1. the organisation's datasets (`PostgresSource::only_organization` for a database, a
//!    filter on `owner_org` / `organization` for JSONL), noting the organisation's id and
//!    name as the dicts give them;
//! 2. the index entries of the organisation (`owner_org` = its id, or `organization` = its
//!    name, so entries indexed under an old name count) that pass 1 did not yield, looked
//!    up in the whole source: a dataset moved to another organisation is re-indexed as it
//!    is now;
//! 3. those not found anywhere, as deleted stubs: the refresh removes their entries.
//!
//! Passes 2 and 3 only start once the previous read is known complete, so a read that
//! breaks off never makes datasets look purged.

use std::collections::HashSet;

use ckan_search_indexer::document::DocumentError;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{self, Progress, RebuildOptions, Summary};
use ckan_search_indexer::source::{PostgresSource, Source, SourceRecord};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tantivy::query::{BooleanQuery, Occur};

use super::parse_source;
use crate::sync::index_view::{self, quoted};

/// What a `rebuild-publisher` run found, beside the refresh's summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PublisherReport {
    /// The organisation's datasets in the source.
    pub in_source: u64,
    /// Index entries of the organisation whose dataset is now elsewhere in the source.
    pub moved: u64,
    /// Index entries of the organisation whose dataset the source no longer has.
    pub gone: u64,
}

/// Runs `rebuild-publisher ORG` against the source `spec` (as `--source` takes it).
pub fn rebuild_publisher(
    store: &GenerationStore,
    spec: &str,
    organization: &str,
    options: &RebuildOptions,
    progress: &dyn Progress,
) -> anyhow::Result<(Summary, PublisherReport)> {
    let source = PublisherSource {
        org_source: org_source(spec, organization)?,
        spec: spec.to_string(),
        organization: organization.to_string(),
        store,
        site_id: options.package.site_id.clone(),
        found: Mutex::new(Found::default()),
    };
    let summary = rebuild::refresh(store, &source, options, progress)?;
    source.check_complete()?;
    let found = source.found.into_inner();
    if let Some(reason) = found.failure {
        anyhow::bail!("rebuild-publisher {organization}: {reason}");
    }
    let report = PublisherReport {
        in_source: found.in_source,
        moved: found.moved,
        gone: found.gone,
    };
    if report == PublisherReport::default() && !found.had_entries {
        anyhow::bail!(
            "organisation {organization}: no dataset of the source or of the index belongs to it"
        );
    }
    Ok((summary, report))
}

fn is_postgres(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

/// The organisation's datasets.
fn org_source(spec: &str, organization: &str) -> anyhow::Result<Box<dyn Source>> {
    if is_postgres(spec) {
        return Ok(Box::new(
            PostgresSource::new(spec)?.only_organization(organization),
        ));
    }
    let wanted = organization.to_string();
    Ok(Box::new(Filtered {
        inner: parse_source(spec)?,
        keep: Box::new(move |pkg| belongs_to(pkg, &wanted)),
    }))
}

/// These datasets, from the whole source.
fn lookup_source(spec: &str, ids: &HashSet<String>) -> anyhow::Result<Box<dyn Source>> {
    if is_postgres(spec) {
        return Ok(Box::new(
            PostgresSource::new(spec)?.only_datasets(ids.iter().cloned()),
        ));
    }
    let wanted = ids.clone();
    Ok(Box::new(Filtered {
        inner: parse_source(spec)?,
        keep: Box::new(move |pkg| {
            pkg.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| wanted.contains(id))
        }),
    }))
}

/// Whether a package dict names the organisation (by id or name) as its owner.
fn belongs_to(pkg: &Value, organization: &str) -> bool {
    let is = |v: Option<&Value>| v.and_then(Value::as_str) == Some(organization);
    is(pkg.get("owner_org"))
        || is(pkg.get("organization"))
        || is(pkg.pointer("/organization/name"))
        || is(pkg.pointer("/organization/id"))
}

/// A source restricted to the dicts `keep` accepts (records that failed pass through, so
/// they are reported as they would be by a rebuild).
struct Filtered {
    inner: Box<dyn Source>,
    keep: Box<dyn Fn(&Value) -> bool + Send + Sync>,
}

impl Source for Filtered {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn records(
        &self,
    ) -> ckan_search_indexer::Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>> {
        Ok(Box::new(self.inner.records()?.filter(
            |r| match &r.package {
                Ok(pkg) => (self.keep)(pkg),
                Err(_) => true,
            },
        )))
    }

    fn check_complete(&self) -> ckan_search_indexer::Result<()> {
        self.inner.check_complete()
    }

    fn vocabularies(
        &self,
    ) -> ckan_search_indexer::Result<std::collections::HashMap<String, String>> {
        self.inner.vocabularies()
    }
}

/// What the passes found.
#[derive(Debug, Default)]
struct Found {
    /// The organisation's ids and names: the one given, and those its dicts carry.
    names: HashSet<String>,
    seen: HashSet<String>,
    in_source: u64,
    moved: u64,
    gone: u64,
    had_entries: bool,
    /// Why pass 2 or 3 could not run.
    failure: Option<String>,
}

/// The three passes, as one source.
struct PublisherSource<'a> {
    org_source: Box<dyn Source>,
    spec: String,
    organization: String,
    store: &'a GenerationStore,
    site_id: String,
    found: Mutex<Found>,
}

enum Pass<'a> {
    Organisation(Box<dyn Iterator<Item = SourceRecord> + Send + 'a>),
    Elsewhere(std::vec::IntoIter<SourceRecord>, Vec<String>),
    Gone(std::vec::IntoIter<String>),
    Done,
}

impl PublisherSource<'_> {
    /// Ids of the index entries that belong to the organisation under any of `names`.
    fn indexed_entries(&self, names: &HashSet<String>) -> Result<HashSet<String>, String> {
        let Some(id) = self.store.current().map_err(|e| e.to_string())? else {
            return Ok(HashSet::new());
        };
        let index = self.store.open_index(id).map_err(|e| e.to_string())?;
        let reader: tantivy::IndexReader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| e.to_string())?;
        let searcher = reader.searcher();
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort();
        let any: Vec<String> = sorted.iter().map(|n| quoted(n)).collect();
        let any = any.join(" OR ");
        let schema = self.store.schema();
        let owner = index_view::solr_filter(
            schema,
            &searcher,
            &format!("owner_org:({any}) OR organization:({any})"),
        )?;
        let site = index_view::site_datasets(schema, &self.site_id).map_err(|e| e.to_string())?;
        let query = BooleanQuery::new(vec![(Occur::Must, site), (Occur::Must, owner)]);
        let versions = index_view::versions(&searcher, &query).map_err(|e| e.to_string())?;
        Ok(versions.into_keys().collect())
    }

    /// Passes 2 and 3, once pass 1 is complete: the organisation's index entries pass 1
    /// did not yield, read from the whole source (few: datasets moved away or purged, so
    /// they are held in memory), and those the source no longer has.
    fn elsewhere_and_gone(&self) -> Result<(Vec<SourceRecord>, Vec<String>), String> {
        let names = self.found.lock().names.clone();
        let entries = self
            .indexed_entries(&names)
            .map_err(|e| format!("reading the index: {e}"))?;
        let leftover: HashSet<String> = {
            let mut found = self.found.lock();
            found.had_entries = !entries.is_empty();
            entries
                .into_iter()
                .filter(|id| !found.seen.contains(id))
                .collect()
        };
        if leftover.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let lookup = |e: &dyn std::fmt::Display| format!("looking up datasets: {e}");
        let source = lookup_source(&self.spec, &leftover).map_err(|e| lookup(&e))?;
        let mut records = Vec::new();
        let mut found_elsewhere = HashSet::new();
        for record in source.records().map_err(|e| lookup(&e))? {
            if let Ok(pkg) = &record.package {
                match pkg.get("id").and_then(Value::as_str) {
                    Some(id) if leftover.contains(id) => {
                        found_elsewhere.insert(id.to_string());
                    }
                    _ => continue,
                }
            }
            records.push(record);
        }
        source.check_complete().map_err(|e| lookup(&e))?;
        let mut gone: Vec<String> = leftover
            .into_iter()
            .filter(|id| !found_elsewhere.contains(id))
            .collect();
        gone.sort();
        let mut found = self.found.lock();
        found.moved = found_elsewhere.len() as u64;
        found.gone = gone.len() as u64;
        Ok((records, gone))
    }

    fn failed_record(&self, reason: String) -> SourceRecord {
        SourceRecord {
            position: 0,
            package: Err(DocumentError::InvalidPackage {
                dataset: format!("organisation {}", self.organization),
                reason,
            }),
        }
    }

    /// Notes what a dict of pass 1 says about the organisation.
    fn note(&self, pkg: &Value) {
        let mut found = self.found.lock();
        found.in_source += 1;
        if let Some(id) = pkg.get("id").and_then(Value::as_str) {
            found.seen.insert(id.to_string());
        }
        for key in ["/owner_org", "/organization/id", "/organization/name"] {
            if let Some(n) = pkg.pointer(key).and_then(Value::as_str) {
                found.names.insert(n.to_string());
            }
        }
    }
}

impl Source for PublisherSource<'_> {
    fn name(&self) -> String {
        format!(
            "{} (organisation {})",
            self.org_source.name(),
            self.organization
        )
    }

    fn records(
        &self,
    ) -> ckan_search_indexer::Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>> {
        {
            let mut found = self.found.lock();
            *found = Found::default();
            found.names.insert(self.organization.clone());
        }
        let mut pass = Pass::Organisation(self.org_source.records()?);
        // The passes are read one after the other, lazily: pass 1 streams whatever the
        // organisation's size.
        Ok(Box::new(std::iter::from_fn(move || loop {
            match &mut pass {
                Pass::Organisation(records) => match records.next() {
                    Some(record) => {
                        if let Ok(pkg) = &record.package {
                            self.note(pkg);
                        }
                        return Some(record);
                    }
                    // A read that broke off has already yielded its failed record; it
                    // must not make the unread datasets look purged.
                    None if self.org_source.check_complete().is_err() => pass = Pass::Done,
                    None => match self.elsewhere_and_gone() {
                        Ok((records, gone)) => pass = Pass::Elsewhere(records.into_iter(), gone),
                        Err(reason) => {
                            self.found.lock().failure = Some(reason.clone());
                            pass = Pass::Done;
                            return Some(self.failed_record(reason));
                        }
                    },
                },
                Pass::Elsewhere(records, gone) => match records.next() {
                    Some(record) => return Some(record),
                    None => pass = Pass::Gone(std::mem::take(gone).into_iter()),
                },
                Pass::Gone(ids) => {
                    // CKAN's index_package removes a dataset whose state is deleted.
                    return ids.next().map(|id| SourceRecord {
                        position: 0,
                        package: Ok(json!({"id": id, "state": "deleted"})),
                    });
                }
                Pass::Done => return None,
            }
        })))
    }

    fn check_complete(&self) -> ckan_search_indexer::Result<()> {
        self.org_source.check_complete()
    }

    fn vocabularies(
        &self,
    ) -> ckan_search_indexer::Result<std::collections::HashMap<String, String>> {
        self.org_source.vocabularies()
    }
}
