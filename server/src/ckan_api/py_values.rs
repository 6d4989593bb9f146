//! How CKAN's Python code reads the JSON values of a data dict: truthiness (`if value:`),
//! `ckan.common.asbool`, `int()`, and `aslist`. The actions here branch exactly where
//! CKAN's do, so a value CKAN treats as "not given" is not given here either.

use serde_json::Value;

use super::python::repr_str;
use super::validate;

pub use ckan_search_indexer::document::package::truthy;

/// `ckan.common.asbool`: strings must be one of CKAN's true/false words (`Err` is the
/// `ValueError` CKAN raises, with its message); anything else is its truthiness.
pub fn asbool(v: Option<&Value>, default: bool) -> Result<bool, String> {
    let Some(v) = v else {
        return Ok(default);
    };
    match v {
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "on" | "y" | "t" | "1" => Ok(true),
            "false" | "no" | "off" | "n" | "f" | "0" => Ok(false),
            _ => Err(format!("String is not true/false: {}", repr_str(s))),
        },
        other => Ok(truthy(other)),
    }
}

/// Python's `int(value)` (`None` where Python raises): text as `int()` reads it, whole
/// numbers, floats truncated, booleans as 0/1.
pub fn python_int(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            .or(Some(i64::MAX)),
        Value::String(s) if !s.trim().is_empty() => validate::int_validator(v).ok().flatten(),
        _ => None,
    }
}

/// `ckan.common.aslist(value, sep)`: text split on `sep` (each part stripped), a list as
/// it is, `None` as empty, anything else as a one-item list.
pub fn aslist(v: &Value, sep: char) -> Vec<Value> {
    match v {
        Value::String(s) => s
            .split(sep)
            .map(|part| Value::String(part.trim().to_string()))
            .collect(),
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_readings() {
        assert!(!truthy(&json!("")));
        assert!(truthy(&json!("0")));
        assert!(!truthy(&json!(0)));
        assert!(!truthy(&json!([])));
        assert_eq!(asbool(Some(&json!(" Yes ")), false), Ok(true));
        assert_eq!(asbool(None, true), Ok(true));
        assert_eq!(asbool(Some(&json!(0)), true), Ok(false));
        assert_eq!(
            asbool(Some(&json!("maybe")), false),
            Err("String is not true/false: 'maybe'".to_string())
        );
        assert_eq!(python_int(&json!(" 2 ")), Some(2));
        assert_eq!(python_int(&json!("1_0")), Some(10));
        assert_eq!(python_int(&json!(1.9)), Some(1));
        assert_eq!(python_int(&json!("")), None);
        assert_eq!(python_int(&json!("1.5")), None);
        assert_eq!(python_int(&json!([])), None);
        assert_eq!(
            aslist(&json!("a, b,"), ','),
            vec![json!("a"), json!("b"), json!("")]
        );
        assert_eq!(aslist(&json!(["x"]), ','), vec![json!("x")]);
        assert_eq!(aslist(&json!(null), ','), Vec::<Value>::new());
    }
}
