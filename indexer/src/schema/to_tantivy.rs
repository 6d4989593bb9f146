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
