//! How many base documents have each value of a date, int, float or boolean field, read
//! from its fast column and reported as Solr formats them (`NumericFacets`): dates as
//! `2020-01-01T00:00:00Z`, ints in decimal, floats as Java's `Float.toString`. Values are
//! in numeric order (Solr's index order for numbers, and its tie-break for count order).
//! Solr lists no zero counts for points fields (it raises `facet.mincount` to 1), so only
//! values of base documents appear.

use std::collections::HashMap;

use ckan_search_indexer::document::value::format_solr_date;
use tantivy::columnar::Column;
use tantivy::{f64_to_u64, i64_to_u64, u64_to_f64, u64_to_i64, Searcher, SegmentReader};

use super::column::for_each_doc_values;
use super::docset::{DocBits, DocSet};
use super::source::NumericKind;
use super::table::FieldTable;
use crate::{QueryError, Result};

/// Counts the values of the numeric column `column` over `base`.
pub fn count(
    searcher: &Searcher,
    base: &DocSet,
    column: &str,
    kind: NumericKind,
    missing_wanted: bool,
) -> Result<FieldTable> {
    // Values are keyed by an order-preserving u64 image, so sorting the keys sorts the values.
    let mut counts: HashMap<u64, u64> = HashMap::new();
    let mut missing = 0u64;
    for (reader, docs) in searcher.segment_readers().iter().zip(base.segments()) {
        let with_value = match kind {
            NumericKind::Int | NumericKind::Date => count_column(
                column_of::<i64>(reader, column)?,
                docs,
                i64_to_u64,
                &mut counts,
            ),
            NumericKind::Float => count_column(
                column_of::<f64>(reader, column)?,
                docs,
                f64_to_u64,
                &mut counts,
            ),
            NumericKind::Bool => count_column(
                column_of::<bool>(reader, column)?,
                docs,
                u64::from,
                &mut counts,
            ),
        };
        missing += docs.len().saturating_sub(with_value);
    }
    let mut keys: Vec<(u64, u64)> = counts.into_iter().collect();
    keys.sort_unstable();
    let values = keys
        .into_iter()
        .map(|(key, count)| (format_value(key, kind), count))
        .collect();
    Ok(FieldTable {
        values,
        missing: missing_wanted.then_some(missing),
    })
}

fn column_of<T>(reader: &SegmentReader, column: &str) -> Result<Option<Column<T>>>
where
    T: tantivy::columnar::HasAssociatedColumnType,
    tantivy::columnar::DynamicColumn: Into<Option<Column<T>>>,
{
    reader
        .fast_fields()
        .column_opt::<T>(column)
        .map_err(|e| QueryError::Internal(e.to_string()))
}

/// Adds each document's distinct values to `counts`; returns how many documents had one.
fn count_column<T>(
    column: Option<Column<T>>,
    docs: &DocBits,
    key: impl Fn(T) -> u64,
    counts: &mut HashMap<u64, u64>,
) -> u64
where
    T: Copy + Default + PartialOrd + std::fmt::Debug + Send + Sync + 'static,
{
    let Some(column) = column else {
        return 0;
    };
    let mut with_value = 0u64;
    let mut keys: Vec<u64> = Vec::new();
    for_each_doc_values(&column, docs, |_, values| {
        with_value += 1;
        keys.clear();
        keys.extend(values.iter().map(|v| key(*v)));
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            *counts.entry(*k).or_default() += 1;
        }
    });
    with_value
}

fn format_value(key: u64, kind: NumericKind) -> String {
    match kind {
        NumericKind::Int => u64_to_i64(key).to_string(),
        NumericKind::Date => format_solr_date(u64_to_i64(key)),
        NumericKind::Float => java_float(u64_to_f64(key)),
        NumericKind::Bool => (key != 0).to_string(),
    }
}

/// Java's `Float.toString` (Solr's `FloatPointField` values are 32-bit floats): plain
/// notation with at least one decimal for 10⁻³ ≤ |v| < 10⁷, else `1.0E7` notation; the
/// shortest digits that read back as the same float.
fn java_float(v: f64) -> String {
    let f = v as f32;
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let abs = f.abs();
    if abs == 0.0 || (1e-3..1e7).contains(&abs) {
        // Rust's Debug form is the shortest round-trip digits and keeps a `.0`.
        return format!("{f:?}");
    }
    let sci = format!("{f:e}"); // e.g. `1e7`, `1.5e-5`
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    if mantissa.contains('.') {
        format!("{mantissa}E{exponent}")
    } else {
        format!("{mantissa}.0E{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_java_does() {
        assert_eq!(java_float(1.0), "1.0");
        assert_eq!(java_float(-0.5), "-0.5");
        assert_eq!(java_float(0.1), "0.1");
        assert_eq!(java_float(123456.5), "123456.5");
        assert_eq!(java_float(1e7), "1.0E7");
        assert_eq!(java_float(1.5e-5), "1.5E-5");
        assert_eq!(java_float(0.0), "0.0");
    }

    #[test]
    fn numbers_and_dates_are_formatted_from_their_keys() {
        assert_eq!(format_value(i64_to_u64(-42), NumericKind::Int), "-42");
        assert_eq!(
            format_value(i64_to_u64(1_577_836_800_000), NumericKind::Date),
            "2020-01-01T00:00:00Z"
        );
        assert_eq!(format_value(1, NumericKind::Bool), "true");
        assert!(i64_to_u64(-1) < i64_to_u64(1));
    }
}
