//! `/solr/<core>/select`: GET with a query string, or POST with a form body (pysolr
//! switches to POST once the encoded parameters reach 1,024 bytes).

use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ckan_search_query::{search, SearchRequest, SolrParams};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /solr/<core>/select`.
pub async fn get(
    State(state): State<AppState>,
    Path(core): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    select(state, core, decode(query.as_deref().unwrap_or(""))).await
}

/// `POST /solr/<core>/select` with `application/x-www-form-urlencoded` parameters, merged
/// with any in the URL.
pub async fn post(
    State(state): State<AppState>,
    Path(core): Path<String>,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mut params = decode(query.as_deref().unwrap_or(""));
    params.extend(form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())));
    select(state, core, params).await
}

fn decode(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn select(
    state: AppState,
    core: String,
    pairs: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    if core != *state.core {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no such core: {core}"),
        });
    }
    let params = SolrParams::new(pairs);
    let request = SearchRequest::from_params(&params, chrono::Utc::now().timestamp_millis())?;
    let generation = state.live.get().ok_or_else(ApiError::unavailable)?;
    let schema = state.schema.clone();
    // Searching is CPU work: keep it off the reactor.
    let result = tokio::task::spawn_blocking(move || {
        let searcher = generation.searcher();
        search(&searcher, &schema, &request)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let body = json!({
        "responseHeader": {
            "status": 0,
            "QTime": started.elapsed().as_millis() as u64,
            "params": echo_params(&params),
        },
        "response": {
            "numFound": result.num_found,
            "start": result.start,
            "numFoundExact": true,
            "docs": result.docs,
        }
    });
    Ok(Json(body).into_response())
}

/// Solr's `echoParams=explicit`: each parameter once, repeated ones as an array.
fn echo_params(params: &SolrParams) -> Value {
    let mut out = Map::new();
    for (k, v) in &params.0 {
        match out.get_mut(k) {
            None => {
                out.insert(k.clone(), Value::String(v.clone()));
            }
            Some(Value::Array(items)) => items.push(Value::String(v.clone())),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(v.clone())]);
            }
        }
    }
    Value::Object(out)
}
