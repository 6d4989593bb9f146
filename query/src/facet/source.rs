//! Where a faceted field's values are read from: a fast string column, the term dictionary
//! of an analysed field, a numeric column, or nowhere (a stored-only field).

use ckan_search_indexer::schema::{CkanSchema, FieldKind, FieldLocation};
use tantivy::schema::Field;
use tantivy::Term;

/// How a numeric column's values are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericKind {
    /// `IntPointField`: decimal.
    Int,
    /// `DatePointField`: epoch milliseconds, reported as `2020-01-01T00:00:00Z`.
    Date,
    /// `FloatPointField`: Java's `Float.toString`.
    Float,
    /// `BoolField`: `false` / `true`.
    Bool,
}

/// The values a facet counts, and where they are.
#[derive(Debug, Clone, PartialEq)]
pub enum FacetSource {
    /// Not indexed (`data_dict`, `validated_data_dict`): Solr finds no values to count.
    Nothing,
    /// A raw string field: its fast column (explicit field, or a `_dyn_string` JSON path).
    StrColumn {
        /// The column name as tantivy's fast-field readers resolve it.
        column: String,
    },
    /// An analysed field: its indexed tokens, as Solr's uninverted field cache sees them.
    Terms {
        /// The tantivy field holding the terms.
        field: Field,
        /// Bytes every string term of the field starts with (the JSON path, its end byte and
        /// the string type byte; empty for an explicit field); the token follows.
        value_prefix: Vec<u8>,
        /// Bytes every term of the field starts with, whatever its type (for `facet.missing`).
        field_prefix: Vec<u8>,
    },
    /// A date, int, float or boolean fast column.
    Numeric {
        /// The column name as tantivy's fast-field readers resolve it.
        column: String,
        /// How its values are formatted.
        kind: NumericKind,
    },
}

impl FacetSource {
    /// Where the values of the Solr field `name` live.
    pub fn resolve(schema: &CkanSchema, name: &str) -> Self {
        let resolved = schema.resolve(name);
        let tantivy_schema = schema.tantivy_schema();
        let (field, json_path) = match &resolved.location {
            FieldLocation::NotIndexed => return FacetSource::Nothing,
            FieldLocation::Explicit(f) => (*f, None),
            FieldLocation::Json { field, path } => (*field, Some(path.as_str())),
        };
        let column = match json_path {
            None => tantivy_schema.get_field_name(field).to_string(),
            Some(path) => format!("{}.{}", tantivy_schema.get_field_name(field), path),
        };
        let numeric = |kind| FacetSource::Numeric {
            column: column.clone(),
            kind,
        };
        match resolved.def.kind {
            FieldKind::String => FacetSource::StrColumn { column },
            FieldKind::Text(_) => {
                let (value_prefix, field_prefix) = match json_path {
                    None => (Vec::new(), Vec::new()),
                    Some(path) => {
                        let mut term = Term::from_field_json_path(field, path, false);
                        let field_prefix = term.serialized_value_bytes().to_vec();
                        term.append_type_and_str("");
                        (term.serialized_value_bytes().to_vec(), field_prefix)
                    }
                };
                FacetSource::Terms {
                    field,
                    value_prefix,
                    field_prefix,
                }
            }
            FieldKind::Date => numeric(NumericKind::Date),
            FieldKind::Int => numeric(NumericKind::Int),
            FieldKind::Float => numeric(NumericKind::Float),
            FieldKind::Boolean => numeric(NumericKind::Bool),
        }
    }

    /// Whether Solr treats the field as a points (numeric) field when faceting.
    pub fn is_numeric(&self) -> bool {
        matches!(self, FacetSource::Numeric { kind, .. } if *kind != NumericKind::Bool)
    }
}

/// The smallest byte string greater than every string starting with `prefix` (None when
/// there is none, i.e. the prefix is empty or all `0xFF`).
pub fn prefix_upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_field_has_its_source() {
        let schema = CkanSchema::new();
        assert_eq!(
            FacetSource::resolve(&schema, "tags"),
            FacetSource::StrColumn {
                column: "tags".into()
            }
        );
        assert_eq!(
            FacetSource::resolve(&schema, "owner_org"),
            FacetSource::StrColumn {
                column: "_dyn_string.owner_org".into()
            }
        );
        assert_eq!(
            FacetSource::resolve(&schema, "a.b"),
            FacetSource::StrColumn {
                column: "_dyn_string.a\\.b".into()
            }
        );
        assert_eq!(
            FacetSource::resolve(&schema, "data_dict"),
            FacetSource::Nothing
        );
        match FacetSource::resolve(&schema, "extras_theme-primary") {
            FacetSource::Terms {
                value_prefix,
                field_prefix,
                ..
            } => {
                assert_eq!(value_prefix, b"extras_theme-primary\0s");
                assert_eq!(field_prefix, b"extras_theme-primary\0");
            }
            other => panic!("{other:?}"),
        }
        assert!(FacetSource::resolve(&schema, "metadata_modified").is_numeric());
        assert_eq!(
            FacetSource::resolve(&schema, "issued_date"),
            FacetSource::Numeric {
                column: "_dyn_date.issued_date".into(),
                kind: NumericKind::Date
            }
        );
    }

    #[test]
    fn upper_bounds() {
        assert_eq!(prefix_upper_bound(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_upper_bound(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_upper_bound(b"\xff"), None);
        assert_eq!(prefix_upper_bound(b""), None);
    }
}
