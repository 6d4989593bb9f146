//! What a package dict says, computed directly from the dict (never through the engine's
//! query path), and generated catalogues published as a test's data directory.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::sync::OnceLock;

use chrono::{NaiveDateTime, TimeZone, Utc};
use ckan_search_data::GeneratorConfig;
use ckan_search_indexer::analysis::{self, AnalysisConfig};
use ckan_search_indexer::document::package::DATAGOVUK_EXTRAS_FIELDS;
use ckan_search_indexer::source::JsonlSource;
use serde_json::{json, Value};
use tantivy::tokenizer::TokenizerManager;

use crate::{indexable, publish};

// ---- generated catalogues --------------------------------------------------------------

/// A catalogue published as the first generation of a fresh data directory.
pub struct Catalogue {
    /// Every package dict, deleted ones included, in catalogue order.
    pub all: Vec<Value>,
    /// The data directory: `catalogue.jsonl` and the generation built from it.
    pub dir: tempfile::TempDir,
}

impl Catalogue {
    /// The generator's catalogue for `config`, published.
    pub fn generate(config: &GeneratorConfig) -> Self {
        Self::publish(ckan_search_data::packages(config))
    }

    /// Writes `packages` as `catalogue.jsonl` in a new temporary directory, one compact dict
    /// a line (the bytes `ckan_search_data::generate` writes), and publishes it there.
    pub fn publish(packages: impl IntoIterator<Item = Value>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("catalogue.jsonl");
        let all: Vec<Value> = packages.into_iter().collect();
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        for p in &all {
            serde_json::to_writer(&mut out, p).expect("write a package");
            out.write_all(b"\n").expect("write a newline");
        }
        out.flush().expect("flush the catalogue");
        drop(out);
        publish(dir.path(), &JsonlSource::file(&path));
        Self { all, dir }
    }

    /// The packages CKAN indexes (every state but deleted), in catalogue order.
    pub fn indexable(&self) -> Vec<Value> {
        self.all.iter().filter(|p| indexable(p)).cloned().collect()
    }
}

/// `packages` with an author and a maintainer on every `every`-th one (the first included):
/// the generator leaves them null, as data.gov.uk's are, so PII stripping has something to
/// strip. The author's address is `author_email`.
pub fn with_people(
    packages: impl IntoIterator<Item = Value>,
    every: usize,
    author_email: &str,
) -> Vec<Value> {
    packages
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            if i.is_multiple_of(every) {
                p["author"] = json!("Ada Lovelace");
                p["author_email"] = json!(author_email);
                p["maintainer"] = json!("Open data team");
                p["maintainer_email"] = json!("open-data@example.gov.uk");
            }
            p
        })
        .collect()
}

/// `p` without the top-level personal data keys data.gov.uk strips.
pub fn without_pii(p: &Value) -> Value {
    let mut p = p.clone();
    if let Some(m) = p.as_object_mut() {
        for k in ["author", "author_email", "maintainer", "maintainer_email"] {
            m.shift_remove(k);
        }
    }
    p
}

// ---- fields ------------------------------------------------------------------------------

/// The string at `key`, or "" when it is missing or not a string.
pub fn s<'a>(p: &'a Value, key: &str) -> &'a str {
    p.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The string at `key` in each item of the JSON array `list`, in order.
pub fn each_str<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|item| s(item, key))
        .collect()
}

/// What an anonymous caller may see: not private, and active.
pub fn public_active(p: &Value) -> bool {
    p["private"] != true && s(p, "state") == "active"
}

/// What Find's and the Django app's filters keep: `state:active`, `type:dataset`.
pub fn find_base(p: &Value) -> bool {
    s(p, "state") == "active" && s(p, "type") == "dataset"
}

/// An extra's value, looking where CKAN keeps it: the `extras` list, or (for
/// data.gov.uk's schema fields) the top level of the shown dict.
pub fn extra<'a>(p: &'a Value, key: &str) -> Option<&'a str> {
    p["extras"]
        .as_array()
        .and_then(|items| items.iter().find(|e| e["key"] == key))
        .and_then(|e| e["value"].as_str())
        .or_else(|| p.get(key).and_then(Value::as_str))
}

/// Each resource's `format` ("" where it has none), in resource order.
pub fn formats(p: &Value) -> Vec<&str> {
    p["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| s(r, "format"))
        .collect()
}

/// Whether the dataset was harvested: a `harvest_object_id` extra with something to index.
pub fn harvested(p: &Value) -> bool {
    extra(p, "harvest_object_id").is_some_and(|v| !index_tokens(v).is_empty())
}

// ---- time ----------------------------------------------------------------------------------

/// A CKAN timestamp (naive UTC, optional fraction).
pub fn naive(ckan_timestamp: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(ckan_timestamp, "%Y-%m-%dT%H:%M:%S%.f").expect("timestamp")
}

/// A CKAN timestamp in epoch milliseconds. Solr keeps milliseconds: truncate.
pub fn millis(ckan_timestamp: &str) -> i64 {
    Utc.from_utc_datetime(&naive(ckan_timestamp))
        .timestamp_millis()
}

/// An RFC 3339 date (as written in a query) in epoch milliseconds.
pub fn iso_millis(iso: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(iso)
        .expect("RFC 3339 date")
        .timestamp_millis()
}

// ---- CKAN's `text` analysis ----------------------------------------------------------------

/// Tantivy's tokenizers with CKAN's analysers registered (default settings).
pub fn tokenizers() -> &'static TokenizerManager {
    static MANAGER: OnceLock<TokenizerManager> = OnceLock::new();
    MANAGER.get_or_init(|| {
        let m = TokenizerManager::default();
        analysis::register_ckan_analyzers(&m, &AnalysisConfig::default());
        m
    })
}

/// The distinct terms CKAN's `text` analyser indexes for `text`.
pub fn index_tokens(text: &str) -> HashSet<String> {
    analysis::analyze(tokenizers(), analysis::TEXT, text)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// Whether the `text`-typed `value` indexes `token`.
pub fn field_has_token(value: &str, token: &str) -> bool {
    index_tokens(value).contains(token)
}

/// The values CKAN's copyFields put into the catch-all `text` field for a dataset.
pub fn text_sources(p: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["name", "title", "notes", "license", "maintainer", "author"] {
        out.push(s(p, key).to_string());
    }
    out.push(s(&p["organization"], "name").to_string());
    for list in ["tags", "groups"] {
        for item in p[list].as_array().into_iter().flatten() {
            out.push(s(item, "name").to_string());
        }
    }
    for r in p["resources"].as_array().into_iter().flatten() {
        out.push(s(r, "name").to_string());
        out.push(s(r, "description").to_string());
    }
    for e in p["extras"].as_array().into_iter().flatten() {
        out.push(e["value"].as_str().unwrap_or_default().to_string());
    }
    for key in DATAGOVUK_EXTRAS_FIELDS {
        if let Some(v) = p.get(*key) {
            out.push(match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
    }
    out
}

/// Whether the dataset's catch-all `text` field indexes `token`.
pub fn text_has_token(p: &Value, token: &str) -> bool {
    text_sources(p)
        .iter()
        .any(|v| index_tokens(v).contains(token))
}

// ---- facets --------------------------------------------------------------------------------

/// `(value, count)` pairs in Solr's `facet.sort=count` order: count descending, ties by
/// value.
pub fn by_count(counts: BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut pairs: Vec<(String, u64)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs
}
