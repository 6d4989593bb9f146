//! Stable paging for sync clients: `package_search` (and the `search/dataset` wrappers)
//! walk the whole of a result set with a cursor instead of `start`.
//!
//! The rule:
//!
//! - Send `ext_cursor=*` with the first request, then `ext_cursor=<next_cursor>` from each
//!   answer, keeping every other parameter the same (and sending no `start`).
//! - Each answer carries `next_cursor`. The walk is over when `next_cursor` equals the
//!   cursor sent (that page is empty).
//! - `count` is the size of the whole result set on every page. With no writes between
//!   pages it is the same on every page and the pages hold each matching dataset exactly
//!   once; a dataset changed during the walk may move past or behind the cursor (Solr's
//!   cursorMark semantics), so a sync client should compare `count` across pages as it
//!   does today.
//! - The order is the request's `sort` (or `ckan.search.default_package_sort`) with
//!   `index_id asc` appended as the tie-breaker Solr's cursors need; `sort` in the answer
//!   is the sort as CKAN reports it, without the tie-breaker.
//!
//! CKAN hands `ext_*` parameters to plugins only, so a real CKAN ignores `ext_cursor` and
//! pages from the start: a client can tell the two apart by the missing `next_cursor`.
//! Everything else (validation, permission labels, envelopes, `fl`, facets) is
//! `package_search`'s.

use ckan_search_query::SolrParams;
use serde_json::{json, Value};

use super::error::{solr_error_message, CkanError};
use super::package_search::{shape, solr_request, Labels, SolrRequest};
use super::python::repr_value;
use super::request::DataDict;
use super::validate::PackageSearchInput;
use super::CkanApiConfig;
use crate::error::ApiError;
use crate::execute::execute_with_docs;
use crate::state::AppState;

/// The parameter that asks for a cursor walk.
pub const PARAMETER: &str = "ext_cursor";

/// The cursor a call carries, if any. Not text, or empty → CKAN-style validation error.
pub fn requested(data: &DataDict) -> Result<Option<String>, CkanError> {
    match data.get(PARAMETER) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(_) => Err(CkanError::field(
            PARAMETER,
            "Must be * or the next_cursor of the previous page",
        )),
    }
}

/// `package_search` for one page of a cursor walk.
pub async fn run(
    state: &AppState,
    config: &CkanApiConfig,
    input: &PackageSearchInput,
    labels: &Labels,
    cursor: &str,
) -> Result<Value, CkanError> {
    if input.start.is_some_and(|s| s != 0) {
        return Err(CkanError::field(
            "start",
            "Must be 0 (or left out) with ext_cursor",
        ));
    }
    let mut request = solr_request(input, config, labels)?;
    let params = cursor_params(&request, cursor);
    let (executed, docs) = execute_with_docs(state, &state.core, &params)
        .await
        .map_err(|e| failure(&mut request, cursor, e))?;
    let next = executed
        .result
        .next_cursor_mark
        .clone()
        .unwrap_or_else(|| cursor.to_string());
    let mut result = shape(state, &request, &executed, docs).await;
    result.insert("next_cursor".into(), json!(next));
    Ok(Value::Object(result))
}

/// The Solr parameters of a page: CKAN's request with exactly `rows` rows (CKAN's extra
/// row would move the cursor past a document it then drops), no `start`, a total sort,
/// and the cursor.
fn cursor_params(request: &SolrRequest, cursor: &str) -> SolrParams {
    let mut pairs: Vec<(String, String)> = request
        .params
        .0
        .iter()
        .filter(|(k, _)| k != "rows" && k != "start" && k != "sort")
        .cloned()
        .collect();
    pairs.push(("rows".into(), request.rows.to_string()));
    pairs.push(("sort".into(), total_sort(&request.sort)));
    pairs.push(("cursorMark".into(), cursor.to_string()));
    SolrParams::new(pairs)
}

/// `sort` with `index_id asc` appended unless the uniqueKey already orders it.
fn total_sort(sort: &str) -> String {
    let has_unique_key = sort
        .split(',')
        .any(|clause| clause.split_whitespace().next() == Some("index_id"));
    if has_unique_key {
        sort.to_string()
    } else if sort.trim().is_empty() {
        "index_id asc".to_string()
    } else {
        format!("{sort}, index_id asc")
    }
}

/// A failed page: an unreadable cursor is the caller's mistake; anything else is what
/// `package_search` says about a failed Solr request.
fn failure(request: &mut SolrRequest, cursor: &str, e: ApiError) -> CkanError {
    if e.status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
        return CkanError::Connection;
    }
    if e.message.contains("cursorMark") {
        return CkanError::field(
            PARAMETER,
            "Must be * or the next_cursor of the previous page",
        );
    }
    if e.message.contains("Can't determine a Sort Order")
        || e.message.contains("Can't determine Sort Order")
        || e.message.contains("Unknown sort order")
    {
        return CkanError::SearchQuery("Invalid \"sort\" parameter".into());
    }
    request
        .dict
        .insert("cursorMark".into(), Value::String(cursor.into()));
    CkanError::Search(solr_error_message(
        &repr_value(&Value::Object(request.dict.clone())),
        e.status.as_u16(),
        &e.message,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sort_is_made_total_with_the_unique_key() {
        assert_eq!(
            total_sort("score desc, metadata_modified desc"),
            "score desc, metadata_modified desc, index_id asc"
        );
        assert_eq!(total_sort("index_id desc"), "index_id desc");
        assert_eq!(total_sort("name asc,index_id asc"), "name asc,index_id asc");
        assert_eq!(total_sort(""), "index_id asc");
    }

    #[test]
    fn a_page_asks_for_exactly_its_rows_from_the_cursor() {
        let input = PackageSearchInput {
            q: Some("*:*".into()),
            rows: 25,
            ..Default::default()
        };
        let request = solr_request(&input, &CkanApiConfig::default(), &None).unwrap();
        let params = cursor_params(&request, "*").0;
        let get = |k: &str| -> Vec<&str> {
            params
                .iter()
                .filter(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(get("rows"), vec!["25"]);
        assert_eq!(
            get("sort"),
            vec!["score desc, metadata_modified desc, index_id asc"]
        );
        assert_eq!(get("cursorMark"), vec!["*"]);
        assert!(get("start").is_empty());
        assert_eq!(get("q"), vec!["*:*"]);
    }

    #[test]
    fn the_cursor_must_be_text() {
        let data = |v: Value| -> DataDict { v.as_object().cloned().unwrap() };
        assert_eq!(requested(&data(json!({}))), Ok(None));
        assert_eq!(
            requested(&data(json!({"ext_cursor": "*"}))),
            Ok(Some("*".into()))
        );
        assert_eq!(
            requested(&data(json!({"ext_cursor": ""}))),
            Err(CkanError::field(
                "ext_cursor",
                "Must be * or the next_cursor of the previous page"
            ))
        );
    }
}
