//! An action call's data dict, read as CKAN's `_get_request_data` reads it: URL parameters
//! for a GET (a repeated key becomes a list), a JSON object for a POST (or a form, or a
//! form whose only key is JSON).

use serde_json::{Map, Value};

use super::error::CkanError;
use super::python::repr_value;

/// The action's input: keys in the order received.
pub type DataDict = Map<String, Value>;

/// Builds the data dict from the URL query (GET) or the body (POST).
pub fn data_dict(
    is_post: bool,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<DataDict, CkanError> {
    if is_post {
        return post_data(query, content_type, body);
    }
    Ok(mixed(decode_pairs(query.unwrap_or("").as_bytes())))
}

fn post_data(
    query: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<DataDict, CkanError> {
    let is_form = content_type
        .map(|c| c.starts_with("application/x-www-form-urlencoded"))
        .unwrap_or(false);
    // CKAN's order: a form body; else (the search actions being side-effect free) the URL
    // parameters, even when a JSON body is sent too; else the JSON body.
    if is_form && !body.is_empty() {
        let pairs = decode_pairs(body);
        // A form whose single value is "1" or "" carries JSON in its key (old clients).
        if let [(key, value)] = pairs.as_slice() {
            if value == "1" || value.is_empty() {
                let parsed: Value = serde_json::from_str(key).map_err(|_| bad_json())?;
                return into_dict(parsed);
            }
        }
        return Ok(mixed(pairs));
    }
    let url = decode_pairs(query.unwrap_or("").as_bytes());
    if !url.is_empty() {
        return Ok(mixed(url));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DataDict::new());
    }
    let parsed: Value = serde_json::from_slice(body).map_err(|_| bad_json())?;
    into_dict(parsed)
}

/// What CKAN 2.12 (Flask 3) answers for a body that is not JSON.
fn bad_json() -> CkanError {
    CkanError::BadRequest(
        "JSON Error: Error decoding JSON data. Error: <BadRequest '400: Bad Request'> JSON data \
         extracted from the request: {}"
            .into(),
    )
}

fn into_dict(parsed: Value) -> Result<DataDict, CkanError> {
    match parsed {
        Value::Object(m) => Ok(m),
        other => Err(CkanError::BadRequest(format!(
            "JSON Error: Request data JSON decoded to {} but it needs to be a dictionary.",
            repr_value(&other)
        ))),
    }
}

fn decode_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// werkzeug's `MultiDict` → CKAN's `mixed()`: one value stays a string, several become a
/// list; keys keep their first position.
fn mixed(pairs: Vec<(String, String)>) -> DataDict {
    let mut out = DataDict::new();
    for (k, v) in pairs {
        match out.get_mut(&k) {
            None => {
                out.insert(k, Value::String(v));
            }
            Some(Value::Array(items)) => items.push(Value::String(v)),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(v)]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_parameters_repeat_into_lists() {
        let d = data_dict(false, Some("q=a&fq=x&fq=y&rows=5"), None, b"").unwrap();
        assert_eq!(
            Value::Object(d),
            json!({"q": "a", "fq": ["x", "y"], "rows": "5"})
        );
    }

    #[test]
    fn post_json_object_and_errors() {
        let d = data_dict(
            true,
            None,
            Some("application/json"),
            br#"{"q":"a","rows":2}"#,
        )
        .unwrap();
        assert_eq!(Value::Object(d), json!({"q": "a", "rows": 2}));
        let e = data_dict(true, None, Some("application/json"), b"[1, 2]").unwrap_err();
        assert_eq!(
            e.bad_request_body(),
            Some(json!(
                "Bad request: JSON Error: Request data JSON decoded to [1, 2] but it needs to be a dictionary."
            ))
        );
        let e = data_dict(true, None, Some("application/json"), b"{nope").unwrap_err();
        assert_eq!(
            e.bad_request_body(),
            Some(json!(
                "Bad request: JSON Error: Error decoding JSON data. Error: <BadRequest '400: Bad Request'> JSON data extracted from the request: {}"
            ))
        );
        // URL parameters of a POST win over its JSON body, as in CKAN.
        let d = data_dict(
            true,
            Some("q=url"),
            Some("application/json"),
            br#"{"q":"body"}"#,
        )
        .unwrap();
        assert_eq!(Value::Object(d), json!({"q": "url"}));
    }

    #[test]
    fn post_forms() {
        let d = data_dict(
            true,
            None,
            Some("application/x-www-form-urlencoded"),
            b"q=a&fq=x&fq=y",
        )
        .unwrap();
        assert_eq!(Value::Object(d), json!({"q": "a", "fq": ["x", "y"]}));
        let d = data_dict(
            true,
            None,
            Some("application/x-www-form-urlencoded"),
            b"%7B%22q%22%3A%22a%22%7D=1",
        )
        .unwrap();
        assert_eq!(Value::Object(d), json!({"q": "a"}));
    }
}
