//! Documents of other sites. A core can hold documents that no dataset source has: other
//! CKAN sites sharing it (`site_id`), and data.gov.uk's organisation documents
//! (`site_id:dgu_organisations_2`), written through `/update`. CKAN's own rebuild only ever
//! clears `+site_id:<its site>`, so a full rebuild here carries every other site's
//! documents from the live generation into the new one, unchanged.

use std::collections::HashSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::next_version;
use crate::document::SolrDocument;
use crate::generation::GenerationStore;
use crate::schema::{copy_field, fields};
use crate::{IndexerError, Result};

/// Adds to `writer` every document of the live generation whose `site_id` is not
/// `site_id`. Returns how many.
pub(super) fn carry_other_sites(
    store: &GenerationStore,
    writer: &IndexWriter,
    site_id: &str,
) -> Result<u64> {
    let Some(live) = store.current()? else {
        return Ok(0);
    };
    let index = store.open_index(live)?;
    let schema = store.schema();
    let site_field = schema
        .explicit_field(fields::SITE_ID)
        .ok_or_else(|| IndexerError::Generation("schema has no site_id field".into()))?;
    let reader = index
        .reader()
        .map_err(|e| IndexerError::tantivy("opening the live generation", e))?;
    let searcher = reader.searcher();
    let others = BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
        (
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_text(site_field, site_id),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let addresses = searcher
        .search(&others, &DocSetCollector)
        .map_err(|e| IndexerError::tantivy("finding other sites' documents", e))?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut carried = 0;
    for address in addresses {
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(|e| IndexerError::tantivy("reading another site's document", e))?;
        let solr = as_sent(schema.stored_fields(&doc));
        let indexable = schema.to_tantivy(&solr, now_ms, next_version())?;
        writer
            .add_document(indexable.doc)
            .map_err(|e| IndexerError::tantivy("carrying another site's document", e))?;
        carried += 1;
    }
    if carried > 0 {
        tracing::info!(
            documents = carried,
            "carried other sites' documents into the new generation"
        );
    }
    Ok(carried)
}

/// A stored document as it was sent: without the copies the schema made (`title_ngram`
/// from `title`, …), which indexing it again makes anew.
fn as_sent(stored: serde_json::Map<String, serde_json::Value>) -> SolrDocument {
    let copies: HashSet<&str> = stored
        .keys()
        .flat_map(|name| copy_field::destinations(name))
        .collect();
    let mut doc = SolrDocument::new();
    for (name, value) in stored {
        if !copies.contains(name.as_str()) {
            doc.insert(name, value);
        }
    }
    doc
}
