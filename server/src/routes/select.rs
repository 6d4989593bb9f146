//! `/solr/<core>/select`: GET with a query string, or POST with a form body (pysolr
//! switches to POST once the encoded parameters reach 1,024 bytes).

use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ckan_search_query::facet::FacetCounts;
use ckan_search_query::search::score_value;
use ckan_search_query::{hit_fields, search, SearchRequest, SolrParams};
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
    let (result, docs) = tokio::task::spawn_blocking(move || {
        let searcher = generation.searcher();
        let result = search(&searcher, &schema, &request)?;
        let docs = result
            .hits
            .iter()
            .map(|hit| hit_fields(&searcher, &schema, &request.fl, hit))
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, ckan_search_query::QueryError>((result, docs))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let mut response = Map::new();
    response.insert("numFound".into(), json!(result.num_found));
    response.insert("start".into(), json!(result.start));
    if let Some(max_score) = result.max_score {
        response.insert("maxScore".into(), score_value(max_score));
    }
    response.insert("numFoundExact".into(), json!(true));
    response.insert(
        "docs".into(),
        Value::Array(docs.into_iter().map(Value::Object).collect()),
    );
    let mut body = json!({
        "responseHeader": {
            "status": 0,
            "QTime": started.elapsed().as_millis() as u64,
            "params": echo_params(&params),
        },
        "response": response,
    });
    if let Some(body) = body.as_object_mut() {
        // Solr's order: the cursor (QueryComponent), then facets (FacetComponent).
        if let Some(mark) = result.next_cursor_mark {
            body.insert("nextCursorMark".into(), Value::String(mark));
        }
        if let Some(facets) = &result.facets {
            body.insert("facet_counts".into(), facet_counts(facets));
        }
    }
    Ok(Json(body).into_response())
}

/// `facet_counts` as Solr writes it with `json.nl=flat`: each field a flat
/// `[value, count, …]` list (with `facet.missing`, a final `null, count`).
fn facet_counts(facets: &FacetCounts) -> Value {
    let queries: Map<String, Value> = facets
        .queries
        .iter()
        .map(|(key, count)| (key.clone(), json!(count)))
        .collect();
    let fields: Map<String, Value> = facets
        .fields
        .iter()
        .map(|field| {
            let mut flat = Vec::with_capacity(field.values.len() * 2 + 2);
            for (value, count) in &field.values {
                flat.push(Value::String(value.clone()));
                flat.push(json!(count));
            }
            if let Some(missing) = field.missing {
                flat.push(Value::Null);
                flat.push(json!(missing));
            }
            (field.key.clone(), Value::Array(flat))
        })
        .collect();
    json!({
        "facet_queries": queries,
        "facet_fields": fields,
        "facet_ranges": {},
        "facet_intervals": {},
        "facet_heatmaps": {},
    })
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
