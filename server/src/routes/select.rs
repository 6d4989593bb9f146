//! `/solr/<core>/select`: GET with a query string, or POST with a form body (pysolr
//! switches to POST once the encoded parameters reach 1,024 bytes).

use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ckan_search_query::facet::FacetCounts;
use ckan_search_query::search::score_value;
use ckan_search_query::{PageFields, SolrParams};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::execute::{execute, Executed};
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

pub(crate) fn decode(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) async fn select(
    state: AppState,
    core: String,
    pairs: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let params = SolrParams::new(pairs);
    let echo = EchoParams::from_params(&params)?;
    let Executed {
        result,
        request,
        searcher,
        schema,
        ..
    } = execute(&state, &core, &params).await?;

    let mut response = Map::new();
    response.insert("numFound".into(), json!(result.num_found));
    response.insert("start".into(), json!(result.start));
    if let Some(max_score) = result.max_score {
        response.insert("maxScore".into(), score_value(max_score));
    }
    response.insert("numFoundExact".into(), json!(true));
    response.insert("docs".into(), Value::Array(Vec::new()));
    let mut header = Map::new();
    header.insert("status".into(), json!(0));
    header.insert("QTime".into(), json!(started.elapsed().as_millis() as u64));
    if let Some(echoed) = echo.render(&params) {
        header.insert("params".into(), echoed);
    }
    let mut body = json!({
        "responseHeader": header,
        "response": response,
    });
    if let Some(body) = body.as_object_mut() {
        // Solr's order: the cursor (QueryComponent), then facets (FacetComponent).
        if let Some(mark) = &result.next_cursor_mark {
            body.insert("nextCursorMark".into(), Value::String(mark.clone()));
        }
        if let Some(facets) = &result.facets {
            body.insert("facet_counts".into(), facet_counts(facets));
        }
    }
    if result.hits.len() <= STREAM_ABOVE {
        let docs = tokio::task::spawn_blocking(move || {
            let page = PageFields::new(&searcher, &schema, &request.fl, &result.hits)?;
            let docs = page.all(&result.hits)?;
            Ok::<_, ckan_search_query::QueryError>(
                docs.into_iter().map(Value::Object).collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
        body["response"]["docs"] = Value::Array(docs);
        return Ok(Json(body).into_response());
    }
    Ok(stream_docs(body, result.hits, searcher, schema, request.fl))
}

/// Answers with more documents than this are streamed.
const STREAM_ABOVE: usize = 1_000;

/// Writes the response with its `docs` produced one at a time, so an answer with every id
/// of a large catalogue (CKAN's `rows=<all datasets>&fl=id`) never holds all documents in
/// memory. `body` is the complete response with an empty `docs` array.
fn stream_docs(
    body: Value,
    hits: Vec<ckan_search_query::Hit>,
    searcher: tantivy::Searcher,
    schema: std::sync::Arc<ckan_search_indexer::schema::CkanSchema>,
    fl: ckan_search_query::field_list::FieldList,
) -> Response {
    // Split the serialised body at its empty docs array: `…"docs":[` + docs + `]…`.
    let text = body.to_string();
    let marker = "\"docs\":[]";
    let (head, tail) = match text.find(marker) {
        Some(i) => (
            text[..i + marker.len() - 1].to_string(),
            text[i + marker.len() - 1..].to_string(),
        ),
        None => return Json(body).into_response(),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(8);
    tokio::task::spawn_blocking(move || {
        let send = |chunk: String| tx.blocking_send(Ok(bytes::Bytes::from(chunk))).is_ok();
        if !send(head) {
            return;
        }
        let fail = |e: ckan_search_query::QueryError| {
            // The status line is gone: abort the body so the client sees a broken
            // response rather than a short, well-formed one.
            tracing::error!(error = %e, "reading a document while streaming");
            let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        };
        let page = match PageFields::new(&searcher, &schema, &fl, &hits) {
            Ok(page) => page,
            Err(e) => return fail(e),
        };
        let mut chunk = String::with_capacity(64 * 1024);
        for (i, hit) in hits.iter().enumerate() {
            match page.get(i, hit) {
                Ok(doc) => {
                    if i > 0 {
                        chunk.push(',');
                    }
                    chunk.push_str(&Value::Object(doc).to_string());
                }
                Err(e) => return fail(e),
            }
            if chunk.len() >= 60 * 1024 && !send(std::mem::take(&mut chunk)) {
                return; // the client went away
            }
        }
        chunk.push_str(&tail);
        send(chunk);
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
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

/// `echoParams`: which parameters the response header repeats. CKAN's solrconfig sets
/// `explicit` as the `/select` default (with `rows=10`), so that is what no value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EchoParams {
    None,
    Explicit,
    All,
}

impl EchoParams {
    fn from_params(params: &SolrParams) -> Result<Self, ApiError> {
        match params.get("echoParams") {
            None => Ok(Self::Explicit),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "none" => Ok(Self::None),
                "explicit" => Ok(Self::Explicit),
                "all" => Ok(Self::All),
                _ => Err(ApiError::bad_request(format!(
                    "Invalid value '{v}' for echoParams parameter, use 'EXPLICIT' or 'ALL'"
                ))),
            },
        }
    }

    /// The `params` entry of the header, if any: `all` adds the handler defaults the
    /// request did not override.
    fn render(self, params: &SolrParams) -> Option<Value> {
        match self {
            Self::None => None,
            Self::Explicit => Some(echo_params(params)),
            Self::All => {
                let mut effective = params.clone();
                if params.get("rows").is_none() {
                    effective.0.push(("rows".into(), "10".into()));
                }
                Some(echo_params(&effective))
            }
        }
    }
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
