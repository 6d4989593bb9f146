//! CKAN's own search APIs served straight from the index, so read-only clients (support
//! staff following the GOV.UK manual, the CSW loader, sync scripts) need nothing else:
//!
//! - `/api/3/action/<name>` and `/api/action/<name>` (GET or POST): `package_search` with
//!   CKAN's validation, defaults, permission filters and envelopes;
//! - `/api/search/dataset` and `/api/3/search/dataset`: data.gov.uk's wrappers around
//!   `package_search` (bare result / envelope, author and maintainer fields stripped when
//!   configured).
//!
//! Each CKAN rule is applied by translating the call into the Solr request CKAN itself
//! would send ([`package_search::solr_request`]) and shaping the answer as CKAN does.

pub mod error;
pub mod facet_titles;
pub mod package_search;
pub mod pii;
pub mod python;
pub mod request;
pub mod validate;

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use self::error::CkanError;
use self::package_search::Labels;
use self::request::DataDict;
use crate::state::AppState;

/// How the CKAN APIs behave: the CKAN settings that shape `package_search`.
#[derive(Debug, Clone, PartialEq)]
pub struct CkanApiConfig {
    /// `ckan.site_id`: only this site's documents are searched.
    pub site_id: String,
    /// `ckan.site_url`, for the `help` links (default: from the request's `Host`).
    pub site_url: Option<String>,
    /// `ckan.search.rows_max`.
    pub rows_max: usize,
    /// `ckan.search.default_package_sort`.
    pub default_sort: String,
    /// `search.facets.limit`.
    pub facets_limit: i64,
    /// `ckan.search.solr_allowed_query_parsers`.
    pub allowed_query_parsers: Vec<String>,
    /// Remove author and maintainer fields from `search/dataset` answers (data.gov.uk).
    pub strip_pii: bool,
    /// A token that, sent as `Authorization`, searches as a sysadmin (no permission
    /// labels: private and draft datasets visible with `include_private`/`include_drafts`).
    pub sysadmin_token: Option<String>,
}

impl Default for CkanApiConfig {
    fn default() -> Self {
        Self {
            site_id: "default".into(),
            site_url: None,
            rows_max: 1000,
            default_sort: "score desc, metadata_modified desc".into(),
            facets_limit: 50,
            allowed_query_parsers: Vec::new(),
            strip_pii: false,
            sysadmin_token: None,
        }
    }
}

/// The CKAN API side of the shared state.
#[derive(Default)]
pub struct CkanApi {
    /// Settings.
    pub config: CkanApiConfig,
    /// Facet display names, per searcher.
    pub titles: Arc<facet_titles::TitleCache>,
}

impl CkanApi {
    /// With `config`.
    pub fn new(config: CkanApiConfig) -> Self {
        Self {
            config,
            titles: Arc::default(),
        }
    }
}

/// The CKAN API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/action/{name}", get(action).post(action))
        .route(
            "/api/{ver}/action/{name}",
            get(action_versioned).post(action_versioned),
        )
        .route(
            "/api/search/dataset",
            get(search_dataset).post(search_dataset),
        )
        .route(
            "/api/{ver}/search/dataset",
            get(search_dataset_versioned).post(search_dataset_versioned),
        )
}

/// One incoming call, as the handlers need it.
struct Call {
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    body: axum::body::Bytes,
}

impl Call {
    fn data(&self) -> Result<DataDict, CkanError> {
        let content_type = self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        request::data_dict(
            self.method == Method::POST,
            self.query.as_deref(),
            content_type,
            &self.body,
        )
    }

    /// JSONP: `callback` on a GET wraps a 200 answer.
    fn callback(&self) -> Option<String> {
        if self.method != Method::GET {
            return None;
        }
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .find(|(k, _)| k == "callback")
            .map(|(_, v)| html_escape(&v))
    }

    /// Permission labels: a sysadmin token sees everything; anyone else is anonymous.
    fn labels(&self, config: &CkanApiConfig) -> Labels {
        let sent = self
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        match (&config.sysadmin_token, sent) {
            (Some(token), Some(sent)) if !token.is_empty() && sent.trim() == token => None,
            _ => Some(vec!["public".to_string()]),
        }
    }

    fn help_url(&self, config: &CkanApiConfig, name: &str) -> String {
        let base = match &config.site_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let host = self
                    .headers
                    .get(HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        format!("{base}/api/3/action/help_show?name={name}")
    }
}

async fn action(
    State(state): State<AppState>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let call = Call {
        method,
        headers,
        query,
        body,
    };
    run_action(&state, &name, &call).await
}

async fn action_versioned(
    State(state): State<AppState>,
    Path((ver, name)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    // CKAN's action API exists as version 3 only.
    if ver != "3" {
        return not_found();
    }
    action(
        State(state),
        Path(name),
        method,
        headers,
        RawQuery(query),
        body,
    )
    .await
}

/// Runs one action and renders CKAN's envelope.
async fn run_action(state: &AppState, name: &str, call: &Call) -> Response {
    let config = &state.ckan.config;
    let help = call.help_url(config, name);
    let outcome = match name {
        "package_search" => package_search_call(state, call).await,
        _ => Err(CkanError::BadRequest(format!(
            "Action name not known: {name}"
        ))),
    };
    match outcome {
        Ok(result) => {
            let body = json!({"help": help, "success": true, "result": result});
            render(StatusCode::OK, &body, call.callback())
        }
        Err(e) => render_error(&help, &e),
    }
}

/// `package_search` for one call: read, validate, search.
async fn package_search_call(state: &AppState, call: &Call) -> Result<Value, CkanError> {
    let config = &state.ckan.config;
    let mut data = call.data()?;
    data.remove("callback");
    let input = validate::package_search(&data, config.rows_max)?;
    package_search::run(state, config, &input, &call.labels(config)).await
}

/// data.gov.uk's `/api/search/dataset`: `package_search`'s bare result.
async fn search_dataset(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let call = Call {
        method,
        headers,
        query,
        body,
    };
    let config = &state.ckan.config;
    match package_search_call(&state, &call).await {
        Ok(mut result) => {
            if config.strip_pii {
                pii::strip_search_result(&mut result);
            }
            render(StatusCode::OK, &result, call.callback())
        }
        Err(e) => render_error(&call.help_url(config, "package_search"), &e),
    }
}

/// `/api/3/search/dataset`: the same, in the action envelope.
async fn search_dataset_versioned(
    State(state): State<AppState>,
    Path(ver): Path<String>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    if ver != "3" {
        return not_found();
    }
    let call = Call {
        method,
        headers,
        query,
        body,
    };
    let config = &state.ckan.config;
    let help = call.help_url(config, "package_search");
    match package_search_call(&state, &call).await {
        Ok(mut result) => {
            if config.strip_pii {
                pii::strip_search_result(&mut result);
            }
            let body = json!({"help": help, "success": true, "result": result});
            render(StatusCode::OK, &body, call.callback())
        }
        Err(e) => render_error(&help, &e),
    }
}

/// CKAN's error envelope (`help`, `error`, `success: false`), or the bare string of a
/// bad request.
fn render_error(help: &str, e: &CkanError) -> Response {
    if let CkanError::Internal(detail) = e {
        tracing::error!(error = %detail, "CKAN API call failed");
    }
    let body = match (e.error_object(), e.bad_request_body()) {
        (Some(error), _) => {
            let mut m = Map::new();
            m.insert("help".into(), json!(help));
            m.insert("error".into(), error);
            m.insert("success".into(), json!(false));
            Value::Object(m)
        }
        (None, Some(body)) => body,
        (None, None) => Value::Null,
    };
    render(e.status(), &body, None)
}

/// Writes `body` as CKAN does (Python's `json.dumps`), JSONP-wrapped for a 200 with a
/// callback.
fn render(status: StatusCode, body: &Value, callback: Option<String>) -> Response {
    let text = python::json_dumps(body);
    match callback {
        Some(cb) if status == StatusCode::OK => (
            status,
            [(CONTENT_TYPE, "application/javascript;charset=utf-8")],
            format!("{cb}({text});"),
        )
            .into_response(),
        _ => (
            status,
            [(CONTENT_TYPE, "application/json;charset=utf-8")],
            text,
        )
            .into_response(),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}

/// `html.escape`: what CKAN does to a JSONP callback name.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}
