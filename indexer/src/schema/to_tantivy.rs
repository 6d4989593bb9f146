//! Solr document → tantivy document, through CKAN's schema: every value typed by its field,
//! copyField applied once (no chaining), stored fields normalised into the `_stored` blob.
//! What Solr rejects is rejected here, with the dataset and the field named.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use tantivy::schema::OwnedValue;
use tantivy::TantivyDocument;

use super::{copy_field, fields, CkanSchema, FieldKind, FieldLocation, ResolvedField};
use crate::document::value::{
    format_solr_date, parse_solr_bool, parse_solr_date, parse_solr_float, parse_solr_int,
};
use crate::document::{DocumentError, SolrDocument};

/// Lucene refuses indexed terms longer than this many UTF-8 bytes ("immense term").
pub const MAX_TERM_BYTES: usize = 32_766;

/// A document ready for a tantivy writer, with the keys the writer needs.
#[derive(Debug, Clone)]
pub struct IndexableDocument {
    /// The uniqueKey: an add replaces any document with the same value.
    pub index_id: String,
    /// The dataset id.
    pub id: String,
    /// The tantivy document.
    pub doc: TantivyDocument,
}

/// One value, typed for its field.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Str(String),
    I64(i64),
    F64(f64),
    Bool(bool),
}

impl Typed {
    fn to_owned_value(&self) -> OwnedValue {
        match self {
            Typed::Str(s) => OwnedValue::Str(s.clone()),
            Typed::I64(v) => OwnedValue::I64(*v),
            Typed::F64(v) => OwnedValue::F64(*v),
            Typed::Bool(v) => OwnedValue::Bool(*v),
        }
    }

    /// The value as Solr returns it for a field of `kind`.
    fn to_stored(&self, kind: FieldKind) -> Value {
        match (self, kind) {
            (Typed::I64(ms), FieldKind::Date) => Value::String(format_solr_date(*ms)),
            (Typed::Str(s), _) => Value::String(s.clone()),
            (Typed::I64(v), _) => Value::from(*v),
            (Typed::F64(v), _) => Value::from(*v),
            (Typed::Bool(v), _) => Value::Bool(*v),
        }
    }
}

/// Collects the tantivy values and stored values of one document.
struct Builder<'a> {
    schema: &'a CkanSchema,
    dataset: String,
    doc: TantivyDocument,
    json: BTreeMap<tantivy::schema::Field, BTreeMap<String, Vec<OwnedValue>>>,
    stored: Map<String, Value>,
}

impl CkanSchema {
    /// Maps a Solr document to a tantivy document. `now_ms` fills `indexed_ts` (Solr's
    /// `default="NOW"`) and `version` becomes `_version_`.
    pub fn to_tantivy(
        &self,
        solr: &SolrDocument,
        now_ms: i64,
        version: i64,
    ) -> Result<IndexableDocument, DocumentError> {
        let dataset = solr
            .get_str(fields::ID)
            .or_else(|| solr.get_str(fields::INDEX_ID))
            .unwrap_or("(unknown)")
            .to_string();
        let mut b = Builder {
            schema: self,
            dataset,
            doc: TantivyDocument::new(),
            json: BTreeMap::new(),
            stored: Map::new(),
        };
        for (name, value) in solr.iter() {
            if name == fields::VERSION {
                continue; // assigned here, as Solr's update processor does
            }
            let field = self.resolve(name);
            let values = b.typed_values(&field, value)?;
            if values.is_empty() {
                continue;
            }
            b.add(&field, &values, true);
            let texts: Vec<Typed> = values
                .iter()
                .map(|v| Typed::Str(copy_text(v, field.def.kind)))
                .collect();
            for dest in copy_field::destinations(name) {
                let dest = self.resolve(dest);
                b.add(&dest, &texts, false);
            }
        }
        for required in [fields::INDEX_ID, fields::ID, fields::SITE_ID] {
            if !b.stored.contains_key(required) {
                return Err(DocumentError::MissingField {
                    dataset: b.dataset,
                    field: required.to_string(),
                });
            }
        }
        if !b.stored.contains_key(fields::INDEXED_TS) {
            let field = self.resolve(fields::INDEXED_TS);
            b.add(&field, &[Typed::I64(now_ms)], true);
        }
        b.stored
            .insert(fields::VERSION.to_string(), Value::from(version));
        Ok(b.finish())
    }
}

/// The text a value contributes to a copyField destination (dates in Solr's form).
fn copy_text(value: &Typed, kind: FieldKind) -> String {
    match value.to_stored(kind) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

impl Builder<'_> {
    /// Flattens and types the values sent for one field. `null`s (top-level or inside
    /// arrays) are ignored, as Solr ignores them.
    fn typed_values(
        &self,
        field: &ResolvedField,
        value: &Value,
    ) -> Result<Vec<Typed>, DocumentError> {
        let raw: Vec<&Value> = match value {
            Value::Array(items) => items.iter().filter(|v| !v.is_null()).collect(),
            Value::Null => Vec::new(),
            single => vec![single],
        };
        if raw.len() > 1 && !field.def.multi_valued {
            return Err(DocumentError::MultipleValues {
                dataset: self.dataset.clone(),
                field: field.name.clone(),
            });
        }
        raw.into_iter().map(|v| self.typed(field, v)).collect()
    }

    fn typed(&self, field: &ResolvedField, value: &Value) -> Result<Typed, DocumentError> {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            // Solr would read an object as an atomic update or a child document and refuse
            // it as a value. Plugins do send them (ckanext-datagovuk's `harvest` list of
            // {key, value}); we index their JSON text instead of failing the dataset.
            Value::Array(_) | Value::Object(_) => value.to_string(),
            Value::Null => String::new(),
        };
        let kind = field.def.kind;
        let typed = match kind {
            FieldKind::String => {
                if field.def.indexed && text.len() > MAX_TERM_BYTES {
                    return Err(DocumentError::ImmenseTerm {
                        dataset: self.dataset.clone(),
                        field: field.name.clone(),
                        bytes: text.len(),
                    });
                }
                Typed::Str(text)
            }
            FieldKind::Text(_) => Typed::Str(text),
            FieldKind::Date => {
                let ms = parse_solr_date(&text).map_err(|e| self.invalid(field, e.kind, &text))?;
                Typed::I64(ms)
            }
            FieldKind::Int => {
                Typed::I64(parse_solr_int(&text).map_err(|e| self.invalid(field, e.kind, &text))?)
            }
            FieldKind::Float => {
                Typed::F64(parse_solr_float(&text).map_err(|e| self.invalid(field, e.kind, &text))?)
            }
            FieldKind::Boolean => Typed::Bool(parse_solr_bool(&text)),
        };
        Ok(typed)
    }

    fn invalid(&self, field: &ResolvedField, kind: &'static str, value: &str) -> DocumentError {
        DocumentError::InvalidValue {
            dataset: self.dataset.clone(),
            field: field.name.clone(),
            kind,
            value: value.chars().take(100).collect(),
        }
    }

    /// Adds typed values to the index (if the field is indexed) and to the stored blob (if
    /// it is stored). Copies never overwrite a stored single value already present.
    fn add(&mut self, field: &ResolvedField, values: &[Typed], is_source: bool) {
        match &field.location {
            FieldLocation::Explicit(f) => {
                for v in values {
                    self.doc.add_field_value(*f, &v.to_owned_value());
                }
            }
            FieldLocation::Json { field: f, .. } => {
                self.json
                    .entry(*f)
                    .or_default()
                    .entry(field.name.clone())
                    .or_default()
                    .extend(values.iter().map(Typed::to_owned_value));
            }
            FieldLocation::NotIndexed => {}
        }
        if !field.def.stored {
            return;
        }
        let kind = field.def.kind;
        if field.def.multi_valued {
            let entry = self
                .stored
                .entry(field.name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.extend(values.iter().map(|v| v.to_stored(kind)));
            }
        } else if let Some(first) = values.first() {
            if is_source || !self.stored.contains_key(&field.name) {
                self.stored
                    .insert(field.name.clone(), first.to_stored(kind));
            }
        }
    }

    fn finish(mut self) -> IndexableDocument {
        for (field, object) in std::mem::take(&mut self.json) {
            let object = object
                .into_iter()
                .map(|(k, mut vs)| {
                    let v = if vs.len() == 1 {
                        vs.pop().unwrap_or(OwnedValue::Null)
                    } else {
                        OwnedValue::Array(vs)
                    };
                    (k, v)
                })
                .collect();
            self.doc.add_object(field, object);
        }
        let text = |name: &str| {
            self.stored
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let index_id = text(fields::INDEX_ID);
        let id = text(fields::ID);
        let blob = Value::Object(std::mem::take(&mut self.stored)).to_string();
        self.doc.add_text(self.schema.stored_field(), blob);
        IndexableDocument {
            index_id,
            id,
            doc: self.doc,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(extra: serde_json::Value) -> SolrDocument {
        let mut map = json!({
            "index_id": "abc", "id": "ds-1", "site_id": "default", "name": "river-levels",
            "title": "River levels"
        });
        if let (Some(m), Some(e)) = (map.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                m.insert(k.clone(), v.clone());
            }
        }
        SolrDocument(map.as_object().cloned().unwrap_or_default())
    }

    fn stored(schema: &CkanSchema, d: &SolrDocument) -> Map<String, Value> {
        let indexed = schema.to_tantivy(d, 1_000, 7).expect("accepted");
        schema.stored_fields(&indexed.doc)
    }

    #[test]
    fn accepts_what_solr_accepts() {
        let schema = CkanSchema::new();
        let s = stored(
            &schema,
            &doc(json!({
                "res_description": ["the csv", null], "res_name": [null],
                "tags": [], "private": false, "num_resources": 2, "isopen": true,
                "author": null, "capacity": "public",
                "metadata_modified": "2026-11-25T13:54:37.966159Z",
                "extras_issued_date": "2020-01-01T00:00:00+01:00",
                "issued_date": "2020-01-01T00:00:00+01:00",
                "vocab_genre": ["fiction"], "harvest": [{"key": "guid", "value": "x"}]
            })),
        );
        assert_eq!(s["res_description"], json!(["the csv"]));
        assert!(
            !s.contains_key("res_name") && !s.contains_key("tags") && !s.contains_key("author")
        );
        // `*` fields (private, num_resources, isopen) are indexed but never stored.
        assert!(!s.contains_key("private") && !s.contains_key("num_resources"));
        assert_eq!(s["metadata_modified"], json!("2026-11-25T13:54:37.966Z"));
        // extras_* is text: stored as sent; *_date is a date: normalised to UTC.
        assert_eq!(s["extras_issued_date"], json!("2020-01-01T00:00:00+01:00"));
        assert_eq!(s["issued_date"], json!("2019-12-31T23:00:00Z"));
        assert_eq!(s["vocab_genre"], json!(["fiction"]));
        assert_eq!(s["title_ngram"], json!("River levels"));
        assert_eq!(s["indexed_ts"], json!("1970-01-01T00:00:01Z"));
        assert_eq!(s["_version_"], json!(7));
        assert_eq!(s["harvest"], json!(["{\"key\":\"guid\",\"value\":\"x\"}"]));
    }

    #[test]
    fn rejects_what_solr_rejects_naming_dataset_and_field() {
        let schema = CkanSchema::new();
        let err = |extra| {
            schema
                .to_tantivy(&doc(extra), 0, 1)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(json!({"organization": ["a", "b"]})),
            "dataset ds-1: multiple values encountered for non multiValued field organization"
        );
        assert_eq!(
            err(json!({"owner_org": ["a", "b"]})),
            "dataset ds-1: multiple values encountered for non multiValued field owner_org"
        );
        assert_eq!(
            err(json!({"status": "x".repeat(40_000)})),
            "dataset ds-1: field status contains an immense term of 40000 bytes (the limit is 32766)"
        );
        assert_eq!(
            err(json!({"metadata_modified": "yesterday"})),
            "dataset ds-1: field metadata_modified: invalid date value 'yesterday'"
        );
        assert_eq!(
            err(json!({"views_total": "many"})),
            "dataset ds-1: field views_total: invalid int value 'many'"
        );
        let mut no_site = doc(json!({}));
        no_site.0.remove("site_id");
        assert_eq!(
            schema.to_tantivy(&no_site, 0, 1).unwrap_err().to_string(),
            "dataset ds-1: missing required field site_id"
        );
        // data_dict is not indexed, so no term limit applies to it.
        assert!(schema
            .to_tantivy(&doc(json!({"data_dict": "x".repeat(40_000)})), 0, 1)
            .is_ok());
    }
}
