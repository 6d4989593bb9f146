//! Which version of each dataset a generation holds: id, `state` and `metadata_modified`,
//! read from fast fields (no stored-document decompression), for the documents a query
//! matches.

use std::collections::HashMap;

use ckan_search_indexer::schema::{fields, CkanSchema};
use ckan_search_query::ast::TokenOperator;
use ckan_search_query::build::{build, BuildContext};
use ckan_search_query::parse::{parse_filter, ParseOptions};
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

/// What the index holds for one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedVersion {
    /// `state` (`active`, `draft`, …).
    pub state: String,
    /// `metadata_modified` in epoch milliseconds (the index's precision).
    pub modified_ms: Option<i64>,
}

/// A string field's term query.
fn term(schema: &CkanSchema, field: &str, value: &str) -> tantivy::Result<Box<dyn Query>> {
    let f = schema
        .explicit_field(field)
        .ok_or_else(|| tantivy::TantivyError::FieldNotFound(field.to_string()))?;
    Ok(Box::new(TermQuery::new(
        Term::from_field_text(f, value),
        IndexRecordOption::Basic,
    )))
}

/// The dataset documents of one site (`site_id`, `entity_type:package`): what CKAN's
/// `index_package` writes, and nothing else a client may have put in the same core.
pub fn site_datasets(schema: &CkanSchema, site_id: &str) -> tantivy::Result<Box<dyn Query>> {
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Must, term(schema, fields::SITE_ID, site_id)?),
        (Occur::Must, term(schema, "entity_type", "package")?),
    ])))
}

/// The documents `base` matches whose `id` is one of `ids`.
pub fn with_ids(
    schema: &CkanSchema,
    base: Box<dyn Query>,
    ids: &[String],
) -> tantivy::Result<Box<dyn Query>> {
    let mut any = Vec::with_capacity(ids.len());
    for id in ids {
        any.push((Occur::Should, term(schema, fields::ID, id)?));
    }
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Must, base),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ])))
}

/// A filter in Solr's standard syntax (as `fq` takes it), for fields only the query
/// parser knows how to reach (dynamic fields such as `owner_org`).
pub fn solr_filter(
    schema: &CkanSchema,
    searcher: &Searcher,
    text: &str,
) -> Result<Box<dyn Query>, String> {
    let opts = ParseOptions::standard(fields::TEXT_FIELD, TokenOperator::Or);
    let filter = parse_filter(text, &opts).map_err(|e| e.to_string())?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let ctx = BuildContext::new(schema, searcher.index().tokenizers(), now_ms, None)
        .map_err(|e| e.to_string())?;
    build(&filter.query, &ctx).map_err(|e| e.to_string())
}

/// A value quoted for Solr's standard syntax.
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// How many documents `query` matches.
pub fn count(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<u64> {
    searcher.search(query, &Count).map(|n| n as u64)
}

/// Dataset id → version, for every document `query` matches.
pub fn versions(
    searcher: &Searcher,
    query: &dyn Query,
) -> tantivy::Result<HashMap<String, IndexedVersion>> {
    let mut by_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for DocAddress {
        segment_ord,
        doc_id,
    } in searcher.search(query, &DocSetCollector)?
    {
        by_segment.entry(segment_ord).or_default().push(doc_id);
    }
    let mut out = HashMap::new();
    let mut buf = String::new();
    for (segment_ord, docs) in by_segment {
        let fast = searcher.segment_reader(segment_ord).fast_fields();
        let ids = fast.str(fields::ID)?;
        let states = fast.str("state")?;
        let modified = fast.column_opt::<i64>("metadata_modified")?;
        let mut text = |col: &Option<tantivy::columnar::StrColumn>, doc: u32| {
            buf.clear();
            if let Some(ord) = col.as_ref().and_then(|c| c.term_ords(doc).next()) {
                if let Some(c) = col {
                    let _ = c.ord_to_str(ord, &mut buf);
                }
            }
            buf.clone()
        };
        for doc in docs {
            let id = text(&ids, doc);
            let state = text(&states, doc);
            let modified_ms = modified.as_ref().and_then(|c| c.first(doc));
            out.insert(id, IndexedVersion { state, modified_ms });
        }
    }
    Ok(out)
}
