//! What does one hit return? Its stored fields projected through `fl`, read straight from the
//! `_stored` blob (already normalised as Solr returns fields: single values as scalars,
//! multi-valued as arrays, dates in `…Z` form, strings byte-exact), in the order they were
//! indexed; then `score`, then `alias:field` renames — the order Solr's transformers add
//! them. Values of fields not asked for are skipped without being built, and when `fl` names
//! its fields the blob is read only until all of them are seen: `id` comes first in CKAN's
//! documents, so `fl=id` never scans `data_dict`. (A whole page of a single string field is
//! read from its column instead: see [`super::PageFields`].)

use std::fmt;

use ckan_search_indexer::schema::CkanSchema;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use tantivy::schema::Value as _;
use tantivy::{Searcher, TantivyDocument};

use super::Hit;
use crate::field_list::FieldList;
use crate::{QueryError, Result};

/// The fields of one hit, as `fl` asks. Called per hit while a response is written.
pub fn hit_fields(
    searcher: &Searcher,
    schema: &CkanSchema,
    fl: &FieldList,
    hit: &Hit,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    let mut renamed = Vec::new();
    if fl.wants_stored() {
        let doc: TantivyDocument = searcher
            .doc(hit.address)
            .map_err(|e| QueryError::Internal(e.to_string()))?;
        if let Some(blob) = doc
            .get_first(schema.stored_field())
            .and_then(|v| v.as_str())
        {
            let mut de = serde_json::Deserializer::from_str(blob);
            let read = Projection {
                fl,
                out: &mut out,
                renamed: &mut renamed,
                left: fl.exact_field_count(),
            }
            .deserialize(&mut de);
            match read {
                Ok(()) => {}
                Err(e) if e.to_string().starts_with(ALL_SEEN) => {}
                Err(e) => return Err(QueryError::Internal(format!("stored fields of a hit: {e}"))),
            }
        }
    }
    if fl.score {
        out.insert("score".into(), score_value(hit.score));
    }
    for (alias, source) in fl.renames() {
        if let Some((_, value)) = renamed.iter().find(|(name, _)| name == source) {
            out.insert(alias.clone(), value.clone());
        }
    }
    Ok(out)
}

/// A score as a JSON number, written as Java writes the float (`0.7768564`, not the
/// widened double's `0.7768564224243164`).
pub fn score_value(score: f32) -> Value {
    score
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// Reads the blob's object, keeping only the fields `fl` reads.
struct Projection<'a> {
    fl: &'a FieldList,
    out: &'a mut Map<String, Value>,
    renamed: &'a mut Vec<(String, Value)>,
    /// Fields still to find, when `fl` names them all: reading stops at 0.
    left: Option<usize>,
}

/// The "error" that stops reading a blob once every field `fl` names has been read.
const ALL_SEEN: &str = "ckan-search: every requested field read";

impl<'de> DeserializeSeed<'de> for Projection<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Projection<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the stored-fields object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if self.left == Some(0) {
            return Err(serde::de::Error::custom(ALL_SEEN));
        }
        while let Some(name) = map.next_key::<String>()? {
            if !self.fl.reads(&name) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: Value = map.next_value()?;
            if self.fl.renames().iter().any(|(_, source)| *source == name) {
                self.renamed.push((name.clone(), value.clone()));
            }
            if self.fl.includes(&name) {
                self.out.insert(name, value);
            }
            if let Some(left) = self.left.as_mut() {
                *left -= 1;
                if *left == 0 {
                    // The rest of the blob (the dicts, mostly) holds nothing asked for.
                    return Err(serde::de::Error::custom(ALL_SEEN));
                }
            }
        }
        Ok(())
    }
}
