//! Helpers the server's integration tests share (each test file includes this module).

use std::collections::BTreeMap;
use std::path::Path;

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::schema::CkanSchema;
use serde_json::{Map, Value};
use tantivy::{DocAddress, TantivyDocument};

/// Every live document's stored fields by id, without the fields that record when it was
/// indexed.
pub fn stored_docs(data: &Path) -> BTreeMap<String, Map<String, Value>> {
    let store = GenerationStore::open(data, CkanSchema::new(), AnalysisConfig::default())
        .expect("open store");
    let current = store
        .current()
        .expect("CURRENT")
        .expect("a live generation");
    let index = store.open_index(current).expect("open the live generation");
    let searcher = index.reader().expect("reader").searcher();
    let mut docs = BTreeMap::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument = searcher
                .doc(DocAddress::new(ordinal as u32, doc_id))
                .expect("stored document");
            let mut fields = store.schema().stored_fields(&doc);
            fields.remove("indexed_ts");
            fields.remove("_version_");
            let id = fields["id"].as_str().expect("id").to_string();
            assert!(docs.insert(id.clone(), fields).is_none(), "{id} twice");
        }
    }
    docs
}
