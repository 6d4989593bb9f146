//! Documents on their way into the index.
//!
//! A CKAN package dict ([`package`]) becomes a [`SolrDocument`]: the JSON object CKAN would
//! send to Solr's `/update`. `/update` requests arrive directly in that form. The schema
//! engine then turns a `SolrDocument` into a tantivy document (`schema::CkanSchema`).

pub mod dateutil;
pub mod package;
pub mod value;

use serde_json::{Map, Value};

/// A Solr document: field name → JSON value (scalar, or array for several values), in the
/// order the fields were sent. This is the hinge between every source and the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolrDocument(pub Map<String, Value>);

impl SolrDocument {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `field`, if present.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }

    /// The value of `field` as a string, if it is one.
    pub fn get_str(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(Value::as_str)
    }

    /// Sets `field` to `value`, replacing any previous value.
    pub fn insert(&mut self, field: impl Into<String>, value: Value) {
        self.0.insert(field.into(), value);
    }

    /// Iterates over the fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }
}

impl From<Map<String, Value>> for SolrDocument {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}

/// Why one document could not be indexed. The message names the dataset and the field, as
/// an operator needs to find and fix it.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum DocumentError {
    /// The package dict is not a JSON object or lacks an id.
    #[error("dataset {dataset}: {reason}")]
    InvalidPackage {
        /// The dataset's id or name, or the line it came from.
        dataset: String,
        /// What is wrong.
        reason: String,
    },
    /// Several values were given for a single-valued field.
    #[error("dataset {dataset}: multiple values encountered for non multiValued field {field}")]
    MultipleValues {
        /// The dataset's id.
        dataset: String,
        /// The Solr field.
        field: String,
    },
    /// An indexed term is longer than Lucene's limit of 32,766 bytes.
    #[error("dataset {dataset}: field {field} contains an immense term of {bytes} bytes (the limit is 32766)")]
    ImmenseTerm {
        /// The dataset's id.
        dataset: String,
        /// The Solr field.
        field: String,
        /// The term's length in UTF-8 bytes.
        bytes: usize,
    },
    /// A value could not be parsed as the field's type (date, number, boolean).
    #[error("dataset {dataset}: field {field}: invalid {kind} value '{value}'")]
    InvalidValue {
        /// The dataset's id.
        dataset: String,
        /// The Solr field.
        field: String,
        /// The expected type.
        kind: &'static str,
        /// The offending value (cut to 100 characters).
        value: String,
    },
    /// A required field (`id`, `site_id`) is missing.
    #[error("dataset {dataset}: missing required field {field}")]
    MissingField {
        /// The dataset's id, or "(unknown)".
        dataset: String,
        /// The Solr field.
        field: String,
    },
}
