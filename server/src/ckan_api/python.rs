//! The few Python renderings CKAN's API answers contain: `repr()` inside error messages and
//! `json.dumps` for bodies (CKAN serialises with Python's defaults, so our bodies are
//! byte-for-byte what CKAN would send for the same result).

use ckan_search_indexer::document::package::{python_json_dumps, python_repr, python_str_repr};
use serde_json::Value;

/// `repr(s)` of a Python `str`.
pub fn repr_str(s: &str) -> String {
    python_str_repr(s)
}

/// `repr((s,))`: how CKAN prints an exception's `args` in its error messages.
pub fn repr_tuple1(s: &str) -> String {
    format!("({},)", python_str_repr(s))
}

/// `repr(value)` of a JSON value read as Python objects (dicts, lists, `True`, `None`).
pub fn repr_value(v: &Value) -> String {
    python_repr(v)
}

/// `str(value)`: strings as they are, anything else as its repr.
pub fn str_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => python_repr(other),
    }
}

/// `json.dumps(value)` with Python's defaults.
pub fn json_dumps(v: &Value) -> String {
    python_json_dumps(v)
}
