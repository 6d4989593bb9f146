//! CKAN's own search APIs served straight from the index, so read-only clients (support
//! staff following the GOV.UK manual, the CSW loader, sync scripts) need nothing else:
//!
//! - `/api/3/action/<name>` and `/api/action/<name>` (GET or POST): `package_search` with
//!   CKAN's validation, defaults, permission filters and envelopes;
//! - `/api/search/dataset` and `/api/3/search/dataset`: data.gov.uk's wrappers around
//!   `package_search` (bare result / envelope, author and maintainer fields stripped when
//!   configured), also taking the legacy `limit` / `offset` the GOV.UK manual's URLs use.
//!
//! - `package_show`, `organization_list`, `organization_show` and `status_show` under the
//!   same action routes ([`show`], [`organizations`], [`status`]);
//! - the legacy `/api/1/search/dataset` and `/api/2/search/dataset` of CKAN ≤ 2.8
//!   ([`legacy`]);
//! - a cursor walk for sync clients: `package_search` with `ext_cursor` ([`cursor`]).
//!
//! Each CKAN rule is applied by translating the call into the Solr request CKAN itself
//! would send ([`package_search::solr_request`]) and shaping the answer as CKAN does.

pub mod cursor;
pub mod error;
pub mod facet_titles;
pub mod legacy;
pub mod organizations;
pub mod package_search;
pub mod pii;
pub mod py2;
pub mod py_values;
pub mod python;
pub mod request;
pub mod show;
pub mod status;
pub mod validate;

use std::sync::Arc;

use axum::extract::{Path, State};
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
    /// `ckan.group_and_organization_list_max` and `…_all_fields_max`.
    pub org_limits: organizations::ListLimits,
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
            org_limits: organizations::ListLimits::default(),
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
    /// Organisations read from the index, per searcher.
    pub orgs: Arc<organizations::OrgCache>,
}

impl CkanApi {
    /// With `config`.
    pub fn new(config: CkanApiConfig) -> Self {
        Self {
            config,
            titles: Arc::default(),
            orgs: Arc::default(),
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
            "/api/{ver}/search/{register}",
            get(search_register).post(search_register),
        )
}

/// One incoming call, as the handlers need it (an extractor: it takes the body, so it
/// comes last in a handler's arguments).
struct Call {
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    body: axum::body::Bytes,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Call {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let query = parts.uri.query().map(str::to_string);
        let req = axum::extract::Request::from_parts(parts.clone(), body);
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            method: parts.method,
            headers: parts.headers,
            query,
            body,
        })
    }
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

    /// `request.params` as Pylons gave them to CKAN 2.8: the URL's pairs, then a form
    /// body's.
    fn request_params(&self) -> Vec<(String, String)> {
        let decode = |bytes: &[u8]| -> Vec<(String, String)> {
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        };
        let mut pairs = decode(self.query.as_deref().unwrap_or("").as_bytes());
        let is_form = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if self.method == Method::POST && is_form {
            pairs.extend(decode(&self.body));
        }
        pairs
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

    /// The caller of an action whose data dict is `data`: CKAN drops `callback` and, when
    /// there was one, runs the action as an anonymous user (`ckan/views/api.py`).
    fn caller(&self, config: &CkanApiConfig, data: &mut DataDict) -> Labels {
        if data.shift_remove("callback").is_some() {
            return Some(vec!["public".to_string()]);
        }
        self.labels(config)
    }

    /// `ckan.site_url`, or this request's origin.
    fn site_url(&self, config: &CkanApiConfig) -> String {
        match &config.site_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let host = self
                    .headers
                    .get(HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        }
    }

    fn help_url(&self, config: &CkanApiConfig, name: &str) -> String {
        let base = self.site_url(config);
        format!("{base}/api/3/action/help_show?name={name}")
    }
}

async fn action(State(state): State<AppState>, Path(name): Path<String>, call: Call) -> Response {
    run_action(&state, &name, &call).await
}

async fn action_versioned(
    State(state): State<AppState>,
    Path((ver, name)): Path<(String, String)>,
    call: Call,
) -> Response {
    // CKAN's action API exists as version 3 only.
    if ver != "3" {
        return not_found();
    }
    run_action(&state, &name, &call).await
}

/// Runs one action and renders CKAN's envelope.
async fn run_action(state: &AppState, name: &str, call: &Call) -> Response {
    let config = &state.ckan.config;
    let help = call.help_url(config, name);
    let outcome: Result<Value, CkanError> = match name {
        // data.gov.uk's `dgu_package_search` strips personal data from the action too.
        "package_search" => package_search_call(state, call).await.map(|mut result| {
            if config.strip_pii {
                pii::strip_search_result(&mut result);
            }
            result
        }),
        "package_show" => match action_data(call, config) {
            Ok((data, labels)) => show::package_show(state, &data, &labels).await,
            Err(e) => Err(e),
        },
        "organization_list" => match action_data(call, config) {
            Ok((data, labels)) => {
                let site_url = call.site_url(config);
                let limits = config.org_limits;
                organizations::organization_list(state, data, &labels, limits, &site_url).await
            }
            Err(e) => Err(e),
        },
        "organization_show" => match action_data(call, config) {
            Ok((data, labels)) => {
                let site_url = call.site_url(config);
                organizations::organization_show(state, &data, &labels, &site_url).await
            }
            Err(e) => Err(e),
        },
        "status_show" => match action_data(call, config) {
            Ok(_) => status::status_show(state, &call.site_url(config)).await,
            Err(e) => Err(e),
        },
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

/// An action's data dict and its caller's permission labels.
fn action_data(call: &Call, config: &CkanApiConfig) -> Result<(DataDict, Labels), CkanError> {
    let mut data = call.data()?;
    let labels = call.caller(config, &mut data);
    Ok((data, labels))
}

/// `package_search` for one call: read, validate, search.
async fn package_search_call(state: &AppState, call: &Call) -> Result<Value, CkanError> {
    package_search_data(state, call, call.data()?).await
}

/// `search/dataset`: `package_search`, also accepting the legacy search API's paging names
/// that the GOV.UK manual's URLs use.
async fn search_dataset_call(state: &AppState, call: &Call) -> Result<Value, CkanError> {
    let mut data = call.data()?;
    legacy_paging_aliases(&mut data);
    package_search_data(state, call, data).await
}

/// `limit` → `rows` and `offset` → `start`. The GOV.UK manual's "count and list a sample"
/// URLs pass `limit=20`, a CKAN ≤ 2.8 legacy-API name: data.gov.uk's wrapper hands it to
/// `package_search` unchanged, so on CKAN 2.9+ those URLs fail with "Invalid search
/// parameters: ['limit']". Here they work. An explicit `rows` / `start` wins and the alias
/// is dropped. `/api/3/action/package_search` stays as strict as CKAN.
fn legacy_paging_aliases(data: &mut DataDict) {
    for (alias, name) in [("limit", "rows"), ("offset", "start")] {
        if let Some(value) = data.shift_remove(alias) {
            data.entry(name).or_insert(value);
        }
    }
}

/// `package_search` over an already-read data dict: validate, search.
async fn package_search_data(
    state: &AppState,
    call: &Call,
    mut data: DataDict,
) -> Result<Value, CkanError> {
    let config = &state.ckan.config;
    let labels = call.caller(config, &mut data);
    let input = validate::package_search(&data, config.rows_max)?;
    // CKAN's own checks first: its errors win over the cursor's.
    let walk = cursor::requested(&data)?;
    match walk {
        Some(mark) => cursor::run(state, config, &input, &labels, &mark).await,
        None => package_search::run(state, config, &input, &labels).await,
    }
}

/// data.gov.uk's `/api/search/dataset`: `package_search`'s bare result.
async fn search_dataset(State(state): State<AppState>, call: Call) -> Response {
    let config = &state.ckan.config;
    match search_dataset_call(&state, &call).await {
        Ok(mut result) => {
            if config.strip_pii {
                pii::strip_search_result(&mut result);
            }
            render(StatusCode::OK, &result, call.callback())
        }
        Err(e) => render_error(&call.help_url(config, "package_search"), &e),
    }
}

/// `/api/<ver>/search/<register>`: data.gov.uk's `/api/3/search/dataset`, or CKAN 2.8's
/// legacy search for versions 1 and 2.
async fn search_register(
    State(state): State<AppState>,
    Path((ver, register)): Path<(String, String)>,
    call: Call,
) -> Response {
    match (ver.as_str(), register.as_str()) {
        ("3", "dataset") => search_dataset_v3(&state, &call).await,
        ("1" | "2", _) => {
            let version = if ver == "2" { 2 } else { 1 };
            let request = legacy::LegacyRequest {
                version,
                register,
                pairs: call.request_params(),
                is_get: call.method == Method::GET,
            };
            let answer = legacy::search(&state, &request).await;
            render(answer.status, &answer.body, answer.callback)
        }
        _ => not_found(),
    }
}

/// `/api/3/search/dataset`: the same, in the action envelope.
async fn search_dataset_v3(state: &AppState, call: &Call) -> Response {
    let config = &state.ckan.config;
    let help = call.help_url(config, "package_search");
    match search_dataset_call(state, call).await {
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

#[cfg(test)]
mod no_panic_tests {
    use super::package_search::solr_request;
    use super::request::data_dict;
    use super::validate;
    use super::CkanApiConfig;
    use crate::update::random_bodies;
    use ckan_search_query::SearchRequest;

    /// JSON and query-string pieces CKAN callers send.
    const ALPHABET: &[u8] = br#"{}[]":,=&?+-*()!^~\ 0123456789qflrowsstartfacet.fieldsortincludeprivatetruefalsenull{!bool}_query_:ext_cursor"#;

    /// Random bodies and query strings, through reading, validation, the Solr request CKAN
    /// would send, and Solr's parsing of it: every step answers or refuses, never panics.
    #[test]
    fn random_calls_never_panic() {
        let config = CkanApiConfig::default();
        let labels = Some(vec!["public".to_string()]);
        for (i, body) in random_bodies(0x5eed_cafe, ALPHABET, 160, 20_000).enumerate() {
            let as_text = String::from_utf8_lossy(&body).into_owned();
            let dicts = [
                data_dict(true, None, Some("application/json"), &body),
                data_dict(false, Some(&as_text), None, b""),
                data_dict(true, None, Some("application/x-www-form-urlencoded"), &body),
            ];
            for dict in dicts.into_iter().flatten() {
                let Ok(input) = validate::package_search(&dict, 1000) else {
                    continue;
                };
                if let Ok(request) = solr_request(&input, &config, &labels) {
                    let _ = SearchRequest::from_params(&request.params, i as i64);
                }
            }
        }
    }
}
