//! `package_search`'s input checked as CKAN's `default_package_search_schema` checks it,
//! with the same converters (`unicode_safe`, `int_validator`, `natural_number_validator`,
//! `convert_to_json_if_string`, `list_of_strings`, `limit_to_configured_maximum`) and the
//! same messages. Keys outside the schema pass through (CKAN's `__extras`) and are checked
//! later against the Solr parameters CKAN allows.

use serde_json::Value;

use super::error::CkanError;
use super::py_values::asbool;
use super::python::{json_dumps, str_value};
use super::request::DataDict;

/// A validated `package_search` call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageSearchInput {
    /// `q` (absent, or any text).
    pub q: Option<String>,
    /// `fl` as a list (a string becomes a one-item list; `"a,b"` stays one item).
    pub fl: Option<Vec<String>>,
    /// `fq`.
    pub fq: Option<String>,
    /// `rows`: default 10, capped at `rows_max`.
    pub rows: usize,
    /// `sort` as given (`None` and `rank` mean the configured default).
    pub sort: Option<String>,
    /// `start`.
    pub start: Option<usize>,
    /// `qf`.
    pub qf: Option<String>,
    /// `facet` (`"true"` / `"false"`).
    pub facet: Option<String>,
    /// `facet.mincount`.
    pub facet_mincount: Option<usize>,
    /// `facet.limit` (−1 = unlimited).
    pub facet_limit: Option<i64>,
    /// `facet.field`: a JSON list of field names.
    pub facet_field: Option<Vec<String>>,
    /// `include_private`.
    pub include_private: bool,
    /// `include_drafts`.
    pub include_drafts: bool,
    /// `include_deleted`.
    pub include_deleted: bool,
    /// `use_default_schema`: results from `data_dict` rather than `validated_data_dict`.
    pub use_default_schema: bool,
    /// Every other key, in order (`defType`, `mm`, `tie`, `bf`, `boost`, `fq_list`, `wt`,
    /// `df`, or anything CKAN will then refuse). `ext_*` keys and `extras` are not here:
    /// CKAN hands them to plugins only.
    pub passthrough: Vec<(String, Value)>,
}

/// Validates `data` against CKAN's schema. Every failing field is reported, with the
/// message of each of its validators that failed (navl runs a field's validators on after
/// a failure), fields in name order, as CKAN's `ValidationError` carries them.
pub fn package_search(data: &DataDict, rows_max: usize) -> Result<PackageSearchInput, CkanError> {
    let mut input = PackageSearchInput {
        rows: 10,
        ..Default::default()
    };
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let mut fail = |key: &str, messages: Vec<String>| errors.push((key.to_string(), messages));

    for (key, value) in data {
        // `ignore_missing`: an explicit null is the same as leaving the key out.
        let present = !value.is_null();
        match key.as_str() {
            "q" if present => input.q = Some(unicode_safe(value)),
            "fq" if present => input.fq = Some(unicode_safe(value)),
            "sort" if present => input.sort = Some(unicode_safe(value)),
            "qf" if present => input.qf = Some(unicode_safe(value)),
            "facet" if present => input.facet = Some(unicode_safe(value)),
            "fl" if present => match list_of_text(value) {
                Ok(fl) => input.fl = Some(fl),
                Err(m) => fail(key, vec![m]),
            },
            "rows" => match rows(value, rows_max) {
                Ok(n) => input.rows = n,
                Err(m) => fail(key, m),
            },
            "start" if present => match natural_number(value) {
                Ok(n) => input.start = Some(n),
                Err(m) => fail(key, vec![m]),
            },
            "facet.mincount" if present => match natural_number(value) {
                Ok(n) => input.facet_mincount = Some(n),
                Err(m) => fail(key, vec![m]),
            },
            "facet.limit" if present => match int_validator(value) {
                Ok(n) => input.facet_limit = n,
                Err(m) => fail(key, vec![m]),
            },
            "facet.field" if present => match facet_fields(value) {
                Ok(fields) => input.facet_field = Some(fields),
                Err(m) => fail(key, m),
            },
            "include_private" => match as_bool(value) {
                Ok(b) => input.include_private = b,
                Err(m) => fail(key, vec![m]),
            },
            "include_drafts" => match as_bool(value) {
                Ok(b) => input.include_drafts = b,
                Err(m) => fail(key, vec![m]),
            },
            "include_deleted" => match as_bool(value) {
                Ok(b) => input.include_deleted = b,
                Err(m) => fail(key, vec![m]),
            },
            "use_default_schema" => match as_bool(value) {
                Ok(b) => input.use_default_schema = b,
                Err(m) => fail(key, vec![m]),
            },
            "q" | "fq" | "sort" | "qf" | "facet" | "fl" | "start" | "facet.mincount"
            | "facet.limit" | "facet.field" | "extras" => {}
            k if k.starts_with("ext_") => {}
            _ => input.passthrough.push((key.clone(), value.clone())),
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        errors.sort_by(|a, b| a.0.cmp(&b.0));
        Err(CkanError::Validation(errors))
    }
}

/// `unicode_safe`: text as is, `None` as empty, anything else as its JSON.
pub fn unicode_safe(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => json_dumps(other),
    }
}

/// `fl`: `convert_to_list_if_string`, then each item must be text (CKAN joins them).
fn list_of_text(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("Not a string: {}", str_value(other))),
            })
            .collect(),
        other => Err(format!("Not a list: {}", str_value(other))),
    }
}

/// `default(10)`, `natural_number_validator`, `limit_to_configured_maximum`. The cap runs
/// after a failed check too, and its own `int()` adds "Please enter an integer value" for
/// text Python cannot read as an integer.
fn rows(v: &Value, rows_max: usize) -> Result<usize, Vec<String>> {
    if v.is_null() || v.as_str() == Some("") {
        return Ok(10.min(rows_max));
    }
    natural_number(v).map(|n| n.min(rows_max)).map_err(|m| {
        let mut messages = vec![m];
        if let Value::String(s) = v {
            let t = s.trim();
            if !t.is_empty() && parse_python_int(t).is_none() {
                messages.push("Please enter an integer value".into());
            }
        }
        messages
    })
}

/// `natural_number_validator`: an integer ≥ 0. (CKAN crashes with a 500 on a blank value
/// here; we answer with the validation message instead.)
fn natural_number(v: &Value) -> Result<usize, String> {
    match int_validator(v)? {
        Some(n) if n >= 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        _ => Err("Must be a natural number".into()),
    }
}

/// `int_validator`: Python's `int()` of text (surrounding whitespace, a sign, `_` between
/// digits), whole numbers, booleans; blank text is `None`.
pub fn int_validator(v: &Value) -> Result<Option<i64>, String> {
    const INVALID: &str = "Invalid integer";
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(i64::from(*b))),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    Ok(Some(f as i64))
                } else {
                    Err(INVALID.into())
                }
            } else {
                // u64 beyond i64: far above any limit; saturate.
                Ok(Some(i64::MAX))
            }
        }
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            parse_python_int(t).map(Some).ok_or_else(|| INVALID.into())
        }
        _ => Err(INVALID.into()),
    }
}

fn parse_python_int(t: &str) -> Option<i64> {
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    // Out of range for i64 is still a valid Python int: saturate (it is then capped).
    let n = clean.parse::<i64>().unwrap_or(i64::MAX);
    Some(if negative { -n } else { n })
}

/// `convert_to_json_if_string`, then `list_of_strings` (which still runs, on the text, when
/// the conversion failed).
fn facet_fields(v: &Value) -> Result<Vec<String>, Vec<String>> {
    let parsed;
    let v = match v {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(p) => {
                parsed = p;
                &parsed
            }
            Err(_) => {
                return Err(vec![
                    "Could not parse as valid JSON".into(),
                    "Not a list".into(),
                ])
            }
        },
        other => other,
    };
    match v {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(vec![format!("Not a string: {}", str_value(other))]),
            })
            .collect(),
        _ => Err(vec!["Not a list".into()]),
    }
}

/// `asbool`: CKAN's reading of `include_private` and friends. (CKAN answers a 500 for text
/// it cannot read; we name the problem instead.)
fn as_bool(v: &Value) -> Result<bool, String> {
    asbool(Some(v), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> Result<PackageSearchInput, CkanError> {
        package_search(v.as_object().unwrap(), 1000)
    }

    fn errors(v: Value) -> Vec<(String, Vec<String>)> {
        match input(v) {
            Err(CkanError::Validation(e)) => e,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_conversions() {
        let i = input(json!({})).unwrap();
        assert_eq!(i.rows, 10);
        assert_eq!(i.fl, None);
        let i = input(json!({"rows": "25", "start": " 5 ", "fl": "id,name", "facet.field": "[\"tags\"]",
            "facet.limit": "-1", "include_private": "True", "q": 7, "defType": "edismax", "ext_bbox": "1,2,3,4"}))
        .unwrap();
        assert_eq!(i.rows, 25);
        assert_eq!(i.start, Some(5));
        assert_eq!(i.fl, Some(vec!["id,name".to_string()]));
        assert_eq!(i.facet_field, Some(vec!["tags".to_string()]));
        assert_eq!(i.facet_limit, Some(-1));
        assert!(i.include_private);
        assert_eq!(i.q.as_deref(), Some("7"));
        assert_eq!(
            i.passthrough,
            vec![("defType".to_string(), json!("edismax"))]
        );
        assert_eq!(input(json!({"rows": 5000})).unwrap().rows, 1000);
        assert_eq!(input(json!({"rows": "1_000"})).unwrap().rows, 1000);
        assert_eq!(input(json!({"rows": ""})).unwrap().rows, 10);
        assert_eq!(input(json!({"rows": 3.0})).unwrap().rows, 3);
    }

    #[test]
    fn messages_are_ckans() {
        // CKAN 2.12's own messages (navl runs every validator of a field).
        assert_eq!(
            errors(json!({"rows": "abc"})),
            vec![(
                "rows".into(),
                vec![
                    "Invalid integer".into(),
                    "Please enter an integer value".into()
                ]
            )]
        );
        assert_eq!(
            errors(json!({"rows": 1.5})),
            vec![("rows".into(), vec!["Invalid integer".into()])]
        );
        assert_eq!(
            errors(json!({"rows": -1})),
            vec![("rows".into(), vec!["Must be a natural number".into()])]
        );
        assert_eq!(
            errors(json!({"start": "1.5"})),
            vec![("start".into(), vec!["Invalid integer".into()])]
        );
        assert_eq!(
            errors(json!({"facet.limit": "x"})),
            vec![("facet.limit".into(), vec!["Invalid integer".into()])]
        );
        assert_eq!(
            errors(json!({"facet.field": "tags"})),
            vec![(
                "facet.field".into(),
                vec!["Could not parse as valid JSON".into(), "Not a list".into()]
            )]
        );
        assert_eq!(
            errors(json!({"facet.field": "{\"a\": 1}"})),
            vec![("facet.field".into(), vec!["Not a list".into()])]
        );
        assert_eq!(
            errors(json!({"facet.field": [1]})),
            vec![("facet.field".into(), vec!["Not a string: 1".into()])]
        );
        assert_eq!(
            errors(json!({"include_private": "maybe"})),
            vec![(
                "include_private".into(),
                vec!["String is not true/false: 'maybe'".into()]
            )]
        );
        // Every bad field is reported, in name order.
        let fields: Vec<String> = errors(json!({"start": "y", "rows": -2, "facet.mincount": -1}))
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, vec!["facet.mincount", "rows", "start"]);
    }
}
