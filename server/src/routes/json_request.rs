//! `/solr/<core>/query`: Solr's JSON Request API, which data.gov.uk's runbooks use to look
//! at and repair organisation documents (`curl $SOLR/query -d '{"query": …}'`). A JSON
//! body's keys become the equivalent request parameters and the request then runs as a
//! `select`; a GET or a form POST is a `select` as it stands (a GET is routed to
//! `select::get` directly).

use axum::extract::{Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::select::{decode, select};
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /solr/<core>/query`: a JSON request body, or form parameters.
pub async fn post(
    State(state): State<AppState>,
    Path(core): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mut params = decode(query.as_deref().unwrap_or(""));
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let looks_json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if is_form && !looks_json {
        params.extend(decode(&String::from_utf8_lossy(&body)));
    } else if !body.iter().all(u8::is_ascii_whitespace) {
        let json: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("Expected JSON request body: {e}")))?;
        params.extend(json_request_params(&json)?);
    }
    select(state, core, params).await
}

/// The parameters a JSON request stands for: `query` → `q`, `filter` → `fq`, `fields` →
/// `fl`, `limit` → `rows`, `offset` → `start`, `sort`, and everything in `params` as is.
pub fn json_request_params(json: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let Value::Object(top) = json else {
        return Err(ApiError::bad_request(
            "Expected JSON Object but got something else",
        ));
    };
    let mut out = Vec::new();
    for (key, value) in top {
        let param = match key.as_str() {
            "query" => "q",
            "filter" => "fq",
            "fields" => "fl",
            "limit" => "rows",
            "offset" => "start",
            "sort" => "sort",
            "params" => {
                let Value::Object(params) = value else {
                    return Err(ApiError::bad_request("Expected Map for 'params'"));
                };
                for (k, v) in params {
                    push_values(&mut out, k, v)?;
                }
                continue;
            }
            "facet" => {
                return Err(ApiError::bad_request(
                    "the JSON Facet API is not supported; use facet.field parameters",
                ))
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "Unknown top-level key in JSON request : {other}"
                )))
            }
        };
        push_values(&mut out, param, value)?;
    }
    Ok(out)
}

fn push_values(out: &mut Vec<(String, String)>, key: &str, value: &Value) -> Result<(), ApiError> {
    match value {
        Value::Array(items) => {
            for item in items {
                push_values(out, key, item)?;
            }
        }
        Value::String(s) => out.push((key.to_string(), s.clone())),
        Value::Number(n) => out.push((key.to_string(), n.to_string())),
        Value::Bool(b) => out.push((key.to_string(), b.to_string())),
        Value::Null => {}
        Value::Object(_) => {
            return Err(ApiError::bad_request(format!(
                "Expected a value for '{key}', got an object (JSON query DSL objects are not supported; send the query as a string)"
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_keys_become_request_parameters() {
        let p = json_request_params(&json!({
            "query": "name:cabinet-office",
            "filter": ["site_id:dgu_organisations_2", "-state:deleted"],
            "fields": ["id", "title"],
            "limit": 5,
            "offset": 10,
            "sort": "name asc",
            "params": {"echoParams": "none", "facet.field": ["organization", "tags"]}
        }))
        .unwrap();
        let p: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            p,
            vec![
                ("q", "name:cabinet-office"),
                ("fq", "site_id:dgu_organisations_2"),
                ("fq", "-state:deleted"),
                ("fl", "id"),
                ("fl", "title"),
                ("rows", "5"),
                ("start", "10"),
                ("sort", "name asc"),
                ("echoParams", "none"),
                ("facet.field", "organization"),
                ("facet.field", "tags"),
            ]
        );
    }

    #[test]
    fn unknown_keys_and_shapes_are_refused() {
        let e = json_request_params(&json!({"qeury": "x"})).unwrap_err();
        assert_eq!(e.message, "Unknown top-level key in JSON request : qeury");
        assert!(json_request_params(&json!([1])).is_err());
        assert!(json_request_params(&json!({"query": {"lucene": {"query": "x"}}})).is_err());
        assert!(json_request_params(&json!({"facet": {"x": {"type": "terms"}}})).is_err());
    }
}
