//! Reading a whole page of hits at once. When `fl` names a single plain string field (CKAN's
//! `fl=id` walk of the catalogue, `search-index -o`'s id listing), its values come from the
//! field's fast column instead of each hit's stored blob: per segment, every hit's term
//! ordinal is looked up, the ordinals are sorted, and one pass over the term dictionary
//! names them all. That skips the document store (one block decompression per few hits)
//! entirely; a per-hit dictionary lookup would not (it was measured slower than the
//! cached block). Every other `fl`, and any hit the column cannot answer, reads the blob
//! through [`hit_fields`], so both paths give byte-identical documents.

use std::ops::Range;

use ckan_search_indexer::schema::{CkanSchema, FieldKind, FieldLocation};
use serde_json::{Map, Value};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::Searcher;

use super::fields::{hit_fields, score_value};
use super::Hit;
use crate::field_list::FieldList;
use crate::{QueryError, Result};

/// The documents of one page, as `fl` asks: prepared once for the page, then read hit by
/// hit (in any order) while the response is written.
pub struct PageFields<'a> {
    searcher: &'a Searcher,
    schema: &'a CkanSchema,
    fl: &'a FieldList,
    /// The column-read values, when `fl` allows it.
    column: Option<ColumnValues>,
}

/// One field's values for every hit of the page, in one string arena.
struct ColumnValues {
    field: String,
    arena: String,
    /// Per hit (in page order): its value's bytes in `arena`, or `None` when the column had
    /// none (the blob is read instead).
    spans: Vec<Option<Range<usize>>>,
}

impl<'a> PageFields<'a> {
    /// Prepares reading `hits` (the page, in order) through `fl`.
    pub fn new(
        searcher: &'a Searcher,
        schema: &'a CkanSchema,
        fl: &'a FieldList,
        hits: &[Hit],
    ) -> Result<Self> {
        let column = match column_field(schema, fl) {
            Some(field) if hits.len() > 1 => Some(read_column(searcher, field, hits)?),
            _ => None,
        };
        Ok(Self {
            searcher,
            schema,
            fl,
            column,
        })
    }

    /// The fields of hit number `index` of the page (`hit` is that hit).
    pub fn get(&self, index: usize, hit: &Hit) -> Result<Map<String, Value>> {
        let value = self.column.as_ref().and_then(|column| {
            let span = column.spans.get(index)?.clone()?;
            Some((&column.field, &column.arena[span]))
        });
        let Some((field, value)) = value else {
            return hit_fields(self.searcher, self.schema, self.fl, hit);
        };
        let mut out = Map::new();
        out.insert(field.clone(), Value::String(value.to_string()));
        if self.fl.score {
            out.insert("score".into(), score_value(hit.score));
        }
        Ok(out)
    }

    /// How many hits are read from a column rather than their blob.
    #[cfg(test)]
    pub(crate) fn column_read_count(&self) -> usize {
        self.column
            .as_ref()
            .map_or(0, |c| c.spans.iter().flatten().count())
    }

    /// Every hit's fields, in page order.
    pub fn all(&self, hits: &[Hit]) -> Result<Vec<Map<String, Value>>> {
        hits.iter()
            .enumerate()
            .map(|(index, hit)| self.get(index, hit))
            .collect()
    }
}

/// The field `fl` can be read from a column for: a single stored, single-valued string
/// field of CKAN's schema. Its column holds exactly the stored value (the raw analyser
/// indexes the whole string, and nothing is copied into such a field).
fn column_field<'f>(schema: &CkanSchema, fl: &'f FieldList) -> Option<&'f str> {
    let name = fl.single_field()?;
    let field = schema.resolve(name);
    let plain = field.dynamic.is_none()
        && matches!(field.location, FieldLocation::Explicit(_))
        && field.def.kind == FieldKind::String
        && field.def.stored
        && !field.def.multi_valued;
    plain.then_some(name)
}

fn read_column(searcher: &Searcher, field: &str, hits: &[Hit]) -> Result<ColumnValues> {
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        QueryError::Internal(format!("reading the {field} column ({what}): {e}"))
    };
    let mut values = ColumnValues {
        field: field.to_string(),
        arena: String::new(),
        spans: vec![None; hits.len()],
    };
    // (segment, ordinal, index in the page), so each segment's ordinals come out sorted.
    let mut wanted: Vec<(u32, u64, usize)> = Vec::with_capacity(hits.len());
    let mut columns: Vec<Option<StrColumn>> = Vec::new();
    for reader in searcher.segment_readers() {
        let column = reader
            .fast_fields()
            .str(field)
            .map_err(|e| internal("open", &e))?;
        // A multi-valued column (values sent to a single-valued field by a bad client)
        // may not hold the stored first value first: leave its hits to the blob.
        columns.push(column.filter(|c| c.ords().get_cardinality() != Cardinality::Multivalued));
    }
    for (index, hit) in hits.iter().enumerate() {
        let segment = hit.address.segment_ord;
        let column = columns.get(segment as usize).and_then(Option::as_ref);
        if let Some(ord) = column.and_then(|c| c.ords().first(hit.address.doc_id)) {
            wanted.push((segment, ord, index));
        }
    }
    wanted.sort_unstable();
    for run in wanted.chunk_by(|a, b| a.0 == b.0) {
        let Some(column) = columns.get(run[0].0 as usize).and_then(Option::as_ref) else {
            continue;
        };
        let ords: Vec<u64> = run.iter().map(|&(_, ord, _)| ord).collect();
        let mut next = run.iter();
        let complete = column
            .dictionary()
            .sorted_ords_to_term_cb(&ords, |bytes| {
                let Some(&(_, _, index)) = next.next() else {
                    return;
                };
                // Terms were indexed from Rust strings; a term that is not UTF-8 is left
                // to the blob.
                if let Ok(text) = std::str::from_utf8(bytes) {
                    let start = values.arena.len();
                    values.arena.push_str(text);
                    values.spans[index] = Some(start..values.arena.len());
                }
            })
            .map_err(|e| internal("dictionary", &e))?;
        if !complete {
            return Err(QueryError::Internal(format!(
                "the {field} column names an ordinal its dictionary does not have"
            )));
        }
    }
    Ok(values)
}
