//! What values a fast (columnar) field has for each document of a set, read in blocks with
//! tantivy's batch APIs (doc ids → row ids → values) rather than one lookup per document.

use std::fmt::Debug;

use tantivy::columnar::{Column, ColumnValues};
use tantivy::DocId;

use super::docset::DocBits;

/// Calls `f(doc_ids, values)` block by block for the documents of `docs` that have values
/// in `column`: `values[i]` belongs to `doc_ids[i]`, a document with several values is
/// repeated once per value (its values adjacent), documents without a value are absent.
pub fn for_each_value_block<T>(
    column: &Column<T>,
    docs: &DocBits,
    mut f: impl FnMut(&[DocId], &[T]),
) where
    T: Copy + Default + PartialOrd + Debug + Send + Sync + 'static,
{
    let mut block = Vec::new();
    let mut docs_out: Vec<DocId> = Vec::new();
    let mut rows: Vec<u32> = Vec::new();
    let mut values: Vec<T> = Vec::new();
    docs.for_each_block(&mut block, |doc_ids| {
        docs_out.clear();
        rows.clear();
        column.row_ids_for_docs(doc_ids, &mut docs_out, &mut rows);
        if rows.is_empty() {
            return;
        }
        values.clear();
        values.resize(rows.len(), T::default());
        column.values.get_vals(&rows, &mut values);
        f(&docs_out, &values);
    });
}

/// Calls `f(doc, values)` for every document of `docs` that has at least one value in
/// `column`, in doc order (documents without a value are skipped: the caller counts them
/// as missing).
pub fn for_each_doc_values<T>(column: &Column<T>, docs: &DocBits, mut f: impl FnMut(DocId, &[T]))
where
    T: Copy + Default + PartialOrd + Debug + Send + Sync + 'static,
{
    for_each_value_block(column, docs, |doc_ids, values| {
        let mut start = 0;
        while start < doc_ids.len() {
            let doc = doc_ids[start];
            let end = start + doc_ids[start..].iter().take_while(|d| **d == doc).count();
            f(doc, &values[start..end]);
            start = end;
        }
    });
}
