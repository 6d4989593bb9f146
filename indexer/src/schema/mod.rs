//! CKAN's Solr schema on tantivy: the one place that decides a field's type, analyser and
//! storage. The indexer uses it to turn Solr documents into tantivy documents; the query
//! side uses it to find where a field lives and how to analyse query text for it.
//!
//! Mapping:
//! - each indexed explicit field is a tantivy field of the same name (strings as raw,
//!   fast terms; text with its CKAN analyser and positions; dates as `i64` epoch
//!   milliseconds, fast);
//! - each dynamic pattern lives in a tantivy JSON field keyed by the full Solr field name:
//!   `_dyn_text` (`extras_*`, `res_extras_*`), `_dyn_string` (`vocab_*`, `*`) and
//!   `_dyn_date` (`*_date`);
//! - every stored field goes, already normalised as Solr would return it, into one JSON
//!   blob `_stored`, so stored strings come back byte-exact and in the order they were sent.

pub mod copy_field;
pub mod dynamic;
pub mod field_kind;
pub mod fields;

mod to_tantivy;

use std::collections::HashMap;

use tantivy::schema::{
    Field, IndexRecordOption, JsonObjectOptions, NumericOptions, Schema as TantivySchema,
    TextFieldIndexing, TextOptions, STORED,
};

pub use dynamic::DynamicPattern;
pub use field_kind::{FieldKind, TextType};
pub use fields::FieldDef;
pub use to_tantivy::IndexableDocument;

use crate::analysis;

/// tantivy field holding the stored Solr fields as one JSON object.
pub const STORED_FIELD: &str = "_stored";
const DYN_TEXT: &str = "_dyn_text";
const DYN_STRING: &str = "_dyn_string";
const DYN_DATE: &str = "_dyn_date";

/// Where a Solr field's indexed values live in tantivy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldLocation {
    /// A tantivy field of its own.
    Explicit(Field),
    /// A key of a tantivy JSON field (the key is the full Solr field name).
    Json {
        /// The JSON field.
        field: Field,
        /// The key, escaped for tantivy's JSON paths (dots and backslashes).
        path: String,
    },
    /// Not indexed (`data_dict`, `validated_data_dict`): stored only.
    NotIndexed,
}

/// A Solr field name resolved against the schema.
#[derive(Debug, Clone)]
pub struct ResolvedField {
    /// The Solr field name as asked for.
    pub name: String,
    /// Its definition (the explicit field, or the dynamic pattern it matched).
    pub def: FieldDef,
    /// The dynamic pattern it matched, if it is not explicit.
    pub dynamic: Option<DynamicPattern>,
    /// Where its indexed values are.
    pub location: FieldLocation,
}

/// CKAN's schema, built once and shared by every generation and request.
#[derive(Debug, Clone)]
pub struct CkanSchema {
    schema: TantivySchema,
    explicit: HashMap<&'static str, (FieldDef, Option<Field>)>,
    dyn_text: Field,
    dyn_string: Field,
    dyn_date: Field,
    stored: Field,
}

impl Default for CkanSchema {
    fn default() -> Self {
        Self::new()
    }
}

impl CkanSchema {
    /// Builds the tantivy schema for CKAN's `schema.xml`.
    pub fn new() -> Self {
        let mut builder = TantivySchema::builder();
        let mut explicit = HashMap::new();
        for def in fields::EXPLICIT_FIELDS {
            let field = def.indexed.then(|| match def.kind {
                FieldKind::String => builder.add_text_field(def.name, string_options()),
                FieldKind::Text(t) => builder.add_text_field(def.name, text_options(t)),
                FieldKind::Date | FieldKind::Int => builder.add_i64_field(def.name, numeric()),
                FieldKind::Float => builder.add_f64_field(def.name, numeric()),
                FieldKind::Boolean => builder.add_bool_field(def.name, numeric()),
            });
            explicit.insert(def.name, (*def, field));
        }
        let dyn_text = builder.add_json_field(
            DYN_TEXT,
            JsonObjectOptions::default().set_indexing_options(text_indexing(TextType::Text)),
        );
        let dyn_string = builder.add_json_field(
            DYN_STRING,
            JsonObjectOptions::default()
                .set_indexing_options(raw_indexing())
                .set_fast(analysis::STRING),
        );
        let dyn_date = builder.add_json_field(
            DYN_DATE,
            JsonObjectOptions::default()
                .set_indexing_options(raw_indexing())
                .set_fast(analysis::STRING),
        );
        let stored = builder.add_text_field(STORED_FIELD, STORED);
        Self {
            schema: builder.build(),
            explicit,
            dyn_text,
            dyn_string,
            dyn_date,
            stored,
        }
    }

    /// The tantivy schema every generation is created with.
    pub fn tantivy_schema(&self) -> &TantivySchema {
        &self.schema
    }

    /// The tantivy field holding the stored-fields blob.
    pub fn stored_field(&self) -> Field {
        self.stored
    }

    /// The tantivy field of an indexed explicit field (`index_id`, `id`, `name`, …).
    pub fn explicit_field(&self, name: &str) -> Option<Field> {
        self.explicit.get(name).and_then(|(_, f)| *f)
    }

    /// Resolves any field name, as Solr does: an explicit field, else the longest matching
    /// dynamic pattern (`*` matches everything, so every name is valid).
    pub fn resolve(&self, name: &str) -> ResolvedField {
        if let Some((def, field)) = self.explicit.get(name) {
            return ResolvedField {
                name: name.to_string(),
                def: *def,
                dynamic: None,
                location: field.map_or(FieldLocation::NotIndexed, FieldLocation::Explicit),
            };
        }
        let (pattern, def) = dynamic::resolve(name);
        let field = match pattern {
            DynamicPattern::Date => self.dyn_date,
            DynamicPattern::Extras | DynamicPattern::ResExtras => self.dyn_text,
            DynamicPattern::Vocab | DynamicPattern::CatchAll => self.dyn_string,
        };
        ResolvedField {
            name: name.to_string(),
            def: *def,
            dynamic: Some(pattern),
            location: FieldLocation::Json {
                field,
                path: escape_json_path(name),
            },
        }
    }

    /// Registers CKAN's analysers on an index so its text fields can be indexed and queried.
    pub fn register_analyzers(&self, index: &tantivy::Index, config: &analysis::AnalysisConfig) {
        analysis::register_ckan_analyzers(index.tokenizers(), config);
        analysis::register_ckan_analyzers(index.fast_field_tokenizer(), config);
    }

    /// The names of every explicit field, in schema.xml order (for `fl=*` and the schema
    /// endpoint).
    pub fn explicit_fields(&self) -> &'static [FieldDef] {
        fields::EXPLICIT_FIELDS
    }
}

/// Escapes a Solr field name for use as one segment of a tantivy JSON path.
fn escape_json_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == '.' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn raw_indexing() -> TextFieldIndexing {
    TextFieldIndexing::default()
        .set_tokenizer(analysis::STRING)
        .set_index_option(IndexRecordOption::Basic)
        .set_fieldnorms(false)
}

fn text_indexing(t: TextType) -> TextFieldIndexing {
    TextFieldIndexing::default()
        .set_tokenizer(t.index_analyzer())
        .set_index_option(IndexRecordOption::WithFreqsAndPositions)
}

fn string_options() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(raw_indexing())
        .set_fast(analysis::STRING)
}

fn text_options(t: TextType) -> TextOptions {
    TextOptions::default().set_indexing_options(text_indexing(t))
}

fn numeric() -> NumericOptions {
    NumericOptions::default().set_indexed().set_fast()
}

impl CkanSchema {
    /// The stored Solr fields of a tantivy document, as they were normalised at indexing.
    pub fn stored_fields(
        &self,
        doc: &tantivy::TantivyDocument,
    ) -> serde_json::Map<String, serde_json::Value> {
        use tantivy::schema::Value as _;
        doc.get_first(self.stored)
            .and_then(|v| v.as_str())
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_explicit_dynamic_and_unindexed_fields() {
        let schema = CkanSchema::new();
        let title = schema.resolve("title");
        assert_eq!(title.def.kind, FieldKind::Text(TextType::Text));
        assert!(matches!(title.location, FieldLocation::Explicit(_)));
        assert!(matches!(
            schema.resolve("data_dict").location,
            FieldLocation::NotIndexed
        ));
        let extra = schema.resolve("extras_theme-primary");
        assert_eq!(extra.dynamic, Some(DynamicPattern::Extras));
        assert_eq!(extra.def.kind, FieldKind::Text(TextType::Text));
        let date = schema.resolve("issued_date");
        assert_eq!(date.def.kind, FieldKind::Date);
        let odd = schema.resolve("a.b");
        assert_eq!(
            odd.location,
            FieldLocation::Json {
                field: schema.dyn_string,
                path: "a\\.b".into()
            }
        );
        assert!(!odd.def.stored);
    }
}
