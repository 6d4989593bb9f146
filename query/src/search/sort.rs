//! How does a `sort` order hits? Each key is resolved against CKAN's schema to the column it
//! reads, its direction and where documents without a value go, refusing (with Solr's 400
//! texts) what Solr cannot sort on. Keys are compared as order-preserving `u64`s, except
//! strings across segments, which compare by their bytes.

use std::cmp::Ordering;

use ckan_search_indexer::schema::fields::INDEX_ID;
use ckan_search_indexer::schema::{CkanSchema, FieldKind, FieldLocation};

use crate::params::sort::{SortKey, SortSpec};
use crate::{QueryError, Result};

/// Solr's pseudo-field for index order.
const DOCID: &str = "_docid_";

/// What one sort key compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// Relevance.
    Score,
    /// Index order (`_docid_`).
    Doc,
    /// Dates (epoch ms) and ints. CKAN's schema sets no `sortMissing*` on them, so Solr
    /// leaves Lucene's default missing value, 0: a document without a value sorts as if it
    /// had 0 (1970-01-01 for a date).
    I64,
    /// Floats; missing sorts as 0.0, as for [`KeyKind::I64`].
    F64,
    /// Booleans (`sortMissingLast`): false < true, missing last in both directions.
    Bool,
    /// Strings in byte order (`sortMissingLast`): missing last in both directions.
    Str,
}

/// One resolved sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyPlan {
    /// What it compares.
    pub kind: KeyKind,
    /// `desc`.
    pub descending: bool,
    /// The Solr field, for field keys.
    pub field: Option<String>,
    /// The tantivy fast-field column read (`name`, `_dyn_date.issued_date`).
    pub column: Option<String>,
}

/// A whole sort: hits ordered by these keys, then by index order (Lucene's tie-breaker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortPlan {
    /// The keys, most significant first.
    pub keys: Vec<KeyPlan>,
}

impl SortPlan {
    /// Resolves `specs`; none means Solr's default, `score desc`.
    pub fn new(specs: &[SortSpec], schema: &CkanSchema) -> Result<Self> {
        if specs.is_empty() {
            return Ok(Self {
                keys: vec![score_key(true)],
            });
        }
        let keys = specs
            .iter()
            .map(|spec| match &spec.key {
                SortKey::Score => Ok(score_key(spec.descending)),
                SortKey::Field(name) => field_key(name, spec.descending, schema),
            })
            .collect::<Result<_>>()?;
        Ok(Self { keys })
    }

    /// Whether the order depends on relevance.
    pub fn uses_score(&self) -> bool {
        self.keys.iter().any(|k| k.kind == KeyKind::Score)
    }

    /// The plan without its score keys (for a query whose matches all score the same).
    pub fn without_score(mut self) -> Self {
        self.keys.retain(|k| k.kind != KeyKind::Score);
        self
    }

    /// Whether this is plain `score desc` (tantivy's own top-score collector then applies).
    pub fn is_score_desc(&self) -> bool {
        matches!(self.keys.as_slice(), [k] if k.kind == KeyKind::Score && k.descending)
    }

    /// Whether the uniqueKey (`index_id`) is one of the keys, as a cursor requires.
    pub fn has_unique_key(&self) -> bool {
        self.keys
            .iter()
            .any(|k| k.field.as_deref() == Some(INDEX_ID))
    }

    /// Whether `_docid_` is one of the keys.
    pub fn has_docid(&self) -> bool {
        self.keys.iter().any(|k| k.kind == KeyKind::Doc)
    }

    /// Compares two hits' keys (as produced by the collector for this plan).
    pub fn compare(&self, a: &[KeyValue], b: &[KeyValue]) -> Ordering {
        for ((plan, x), y) in self.keys.iter().zip(a).zip(b) {
            let ord = match (x, y) {
                (KeyValue::Ord(x), KeyValue::Ord(y)) => x.cmp(y),
                (KeyValue::Str(x), KeyValue::Str(y)) => match (x, y) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) if plan.descending => y.as_bytes().cmp(x.as_bytes()),
                    (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
                },
                // Keys of one plan always have the same shapes.
                (KeyValue::Ord(_), KeyValue::Str(_)) => Ordering::Less,
                (KeyValue::Str(_), KeyValue::Ord(_)) => Ordering::Greater,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

fn score_key(descending: bool) -> KeyPlan {
    KeyPlan {
        kind: KeyKind::Score,
        descending,
        field: None,
        column: None,
    }
}

/// Resolves a field key, with the checks of Solr's `SchemaField.checkSortability`.
fn field_key(name: &str, descending: bool, schema: &CkanSchema) -> Result<KeyPlan> {
    if name == DOCID {
        return Ok(KeyPlan {
            kind: KeyKind::Doc,
            descending,
            field: None,
            column: None,
        });
    }
    if name.contains(['(', ')', '"', '\'']) {
        // A function sort; we have no function values to sort by.
        return Err(QueryError::BadParam(format!(
            "sort param could not be parsed as a query, and is not a field that exists in the index: {name}"
        )));
    }
    let field = schema.resolve(name);
    if field.def.multi_valued {
        return Err(QueryError::BadParam(format!(
            "can not sort on multivalued field: {name} of type: {}",
            field.def.kind.solr_name()
        )));
    }
    let kind = match field.def.kind {
        FieldKind::String => KeyKind::Str,
        FieldKind::Date | FieldKind::Int => KeyKind::I64,
        FieldKind::Float => KeyKind::F64,
        FieldKind::Boolean => KeyKind::Bool,
        // Solr would uninvert a tokenized field and sort by its smallest term, which is
        // never what a client means; we refuse it with the message Solr gives a field it
        // cannot uninvert.
        FieldKind::Text(_) => return Err(not_sortable(name)),
    };
    let column = match &field.location {
        FieldLocation::Explicit(f) => schema.tantivy_schema().get_field_name(*f).to_string(),
        FieldLocation::Json { field: f, path } => {
            format!("{}.{path}", schema.tantivy_schema().get_field_name(*f))
        }
        FieldLocation::NotIndexed => return Err(not_sortable(name)),
    };
    if !field.def.indexed {
        return Err(not_sortable(name));
    }
    Ok(KeyPlan {
        kind,
        descending,
        field: Some(name.to_string()),
        column: Some(column),
    })
}

fn not_sortable(name: &str) -> QueryError {
    QueryError::BadParam(format!(
        "can not sort on a field w/o docValues unless it is indexed=true uninvertible=true and the type supports Uninversion: {name}"
    ))
}

/// One key of one hit, comparable across segments: an order-preserving `u64` with the
/// direction already applied, or (strings) the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyValue {
    /// Every kind but strings.
    Ord(u64),
    /// A string key's value; `None` when the document has none.
    Str(Option<String>),
}

/// The segment-level key of a document without a value in a missing-last key.
pub(crate) const MISSING_LAST: u64 = u64::MAX;

fn directed(v: u64, descending: bool) -> u64 {
    if descending {
        !v
    } else {
        v
    }
}

/// A score as an order-preserving `u64`.
pub(crate) fn score_ord(score: f32, descending: bool) -> u64 {
    let bits = score.to_bits();
    let sortable = if bits >> 31 == 1 {
        !bits
    } else {
        bits | (1 << 31)
    };
    directed(u64::from(sortable), descending)
}

/// An `i64` as an order-preserving `u64`.
pub(crate) fn i64_ord(v: i64, descending: bool) -> u64 {
    directed((v as u64) ^ (1 << 63), descending)
}

/// An `f64` as an order-preserving `u64` (total order; NaN after +inf).
pub(crate) fn f64_ord(v: f64, descending: bool) -> u64 {
    let bits = v.to_bits();
    let sortable = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    directed(sortable, descending)
}

/// A position among a missing-last key's values: `2·ord + 1` for the value with ordinal
/// `ord`, `2·k` for the gap just before ordinal `k` (where a cursor's value that this
/// segment lacks falls). Descending flips positions but keeps [`MISSING_LAST`] last.
pub(crate) fn position_ord(position: u64, descending: bool) -> u64 {
    if descending {
        MISSING_LAST - 1 - position
    } else {
        position
    }
}

/// The value ordinal behind a [`position_ord`] key, or `None` for a missing value.
pub(crate) fn ordinal_of(key: u64, descending: bool) -> Option<u64> {
    if key == MISSING_LAST {
        return None;
    }
    let position = if descending {
        MISSING_LAST - 1 - key
    } else {
        key
    };
    Some(position.saturating_sub(1) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::sort::parse_sort;

    fn plan(spec: &str) -> Result<SortPlan> {
        SortPlan::new(&parse_sort(spec)?, &CkanSchema::new())
    }

    fn err(spec: &str) -> String {
        plan(spec).unwrap_err().to_string()
    }

    #[test]
    fn resolves_ckan_sorts_to_columns() {
        let p = plan("score desc, metadata_modified desc, title_string asc").unwrap();
        let kinds: Vec<_> = p.keys.iter().map(|k| (k.kind, k.descending)).collect();
        assert_eq!(
            kinds,
            [
                (KeyKind::Score, true),
                (KeyKind::I64, true),
                (KeyKind::Str, false)
            ]
        );
        assert_eq!(p.keys[1].column.as_deref(), Some("metadata_modified"));
        let p =
            plan("issued_date asc, view_recent desc, views_recent desc, bbox_area asc").unwrap();
        assert_eq!(p.keys[0].column.as_deref(), Some("_dyn_date.issued_date"));
        assert_eq!(p.keys[0].kind, KeyKind::I64);
        assert_eq!(p.keys[1].column.as_deref(), Some("_dyn_string.view_recent"));
        assert_eq!(p.keys[1].kind, KeyKind::Str);
        assert_eq!(p.keys[2].kind, KeyKind::I64);
        assert_eq!(p.keys[3].kind, KeyKind::F64);
        // Dots in a dynamic name are escaped in the JSON path.
        let p = plan("a.b asc").unwrap();
        assert_eq!(p.keys[0].column.as_deref(), Some("_dyn_string.a\\.b"));
        assert_eq!(
            SortPlan::new(&[], &CkanSchema::new()).unwrap(),
            plan("score desc").unwrap()
        );
        assert!(plan("score desc").unwrap().is_score_desc());
        assert!(!plan("score asc").unwrap().is_score_desc());
        assert!(plan("name asc, index_id asc").unwrap().has_unique_key());
        assert!(!plan("name asc, id asc").unwrap().has_unique_key());
    }

    #[test]
    fn refuses_what_solr_cannot_sort_on() {
        assert_eq!(
            err("tags asc"),
            "can not sort on multivalued field: tags of type: string"
        );
        assert_eq!(
            err("res_name desc"),
            "can not sort on multivalued field: res_name of type: text_general"
        );
        assert_eq!(
            err("vocab_genre asc"),
            "can not sort on multivalued field: vocab_genre of type: string"
        );
        for field in ["title", "notes", "extras_theme-primary", "data_dict"] {
            assert_eq!(
                err(&format!("{field} asc")),
                format!("can not sort on a field w/o docValues unless it is indexed=true uninvertible=true and the type supports Uninversion: {field}")
            );
        }
        assert!(
            err("abs(views_total) desc").starts_with("sort param could not be parsed as a query")
        );
    }

    #[test]
    fn encodings_preserve_order() {
        for desc in [false, true] {
            let flip = |o: Ordering| if desc { o.reverse() } else { o };
            let ints = [i64::MIN, -5, 0, 1, 1_700_000_000_000, i64::MAX];
            for w in ints.windows(2) {
                assert_eq!(
                    i64_ord(w[0], desc).cmp(&i64_ord(w[1], desc)),
                    flip(Ordering::Less)
                );
            }
            let floats = [f64::NEG_INFINITY, -2.5, -0.0, 0.0, 1e-9, 3.0, f64::INFINITY];
            for w in floats.windows(2) {
                assert_ne!(
                    f64_ord(w[0], desc).cmp(&f64_ord(w[1], desc)),
                    flip(Ordering::Greater)
                );
            }
            let scores = [-1.0f32, 0.0, 0.5, 1.0, 12.25];
            for w in scores.windows(2) {
                assert_eq!(
                    score_ord(w[0], desc).cmp(&score_ord(w[1], desc)),
                    flip(Ordering::Less)
                );
            }
            // Values, the gaps between them, and missing last either way.
            let positions = [0u64, 1, 2, 3, 4];
            for w in positions.windows(2) {
                assert_eq!(
                    position_ord(w[0], desc).cmp(&position_ord(w[1], desc)),
                    flip(Ordering::Less)
                );
                assert!(position_ord(w[0], desc) < MISSING_LAST);
            }
            assert_eq!(ordinal_of(position_ord(7, desc), desc), Some(3));
            assert_eq!(ordinal_of(MISSING_LAST, desc), None);
        }
    }
}
