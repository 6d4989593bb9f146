//! CKAN's action-API errors: the exception kinds of `ckan/views/api.py`, each with the
//! status and `error` object CKAN answers with.

use axum::http::StatusCode;

use crate::error::ApiError;
use serde_json::{json, Map, Value};

use super::python::{repr_str, repr_tuple1};

/// A failed CKAN API call. The message texts are CKAN's, so clients (and people following
/// the GOV.UK manual) see what they would have seen from CKAN.
#[derive(Debug, Clone, PartialEq)]
pub enum CkanError {
    /// `ValidationError` → 409, `{field: [messages], "__type": "Validation Error"}`.
    Validation(Vec<(String, Vec<String>)>),
    /// `ValidationError` raised with a bare message → 409,
    /// `{"message": …, "__type": "Validation Error"}` (`_get_object`'s "Missing id, can not
    /// get Package object", `_unpick_search`'s sort messages).
    ValidationMessage(String),
    /// `SearchQueryError` → 400, "Search Query is invalid: (…,)".
    SearchQuery(String),
    /// `SearchError` → 409, "Search error: (…,)".
    Search(String),
    /// `SolrConnectionError` → 500: the search index is not available.
    Connection,
    /// `NotFound` → 404, "Not found: …".
    NotFound(String),
    /// `NotAuthorized` → 403, "Access denied: …".
    NotAuthorized(String),
    /// The view's own 400 (`_finish_bad_request`): a bare JSON string, no envelope.
    BadRequest(String),
    /// Anything else → 500 "Internal Server Error".
    Internal(String),
}

impl CkanError {
    /// One validation message for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![(field.to_string(), vec![message.into()])])
    }

    /// The HTTP status CKAN uses for this kind.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::ValidationMessage(_) | Self::Search(_) => {
                StatusCode::CONFLICT
            }
            Self::SearchQuery(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::NotAuthorized(_) => StatusCode::FORBIDDEN,
            Self::Connection | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error` object of the envelope (None for [`CkanError::BadRequest`], which has
    /// no envelope).
    pub fn error_object(&self) -> Option<Value> {
        let error = match self {
            Self::Validation(fields) => {
                let mut m = Map::new();
                for (field, messages) in fields {
                    m.insert(field.clone(), json!(messages));
                }
                m.insert("__type".into(), json!("Validation Error"));
                Value::Object(m)
            }
            Self::ValidationMessage(message) => {
                json!({"message": message, "__type": "Validation Error"})
            }
            Self::SearchQuery(message) => json!({
                "__type": "Search Query Error",
                "message": format!("Search Query is invalid: {}", repr_tuple1(message)),
            }),
            Self::Search(message) => json!({
                "__type": "Search Error",
                "message": format!("Search error: {}", repr_tuple1(message)),
            }),
            Self::Connection => json!({
                "__type": "Search Connection Error",
                "message": "Unable to connect to the search server",
            }),
            Self::NotFound(what) => json!({
                "__type": "Not Found Error",
                "message": if what.is_empty() { "Not found".to_string() } else { format!("Not found: {what}") },
            }),
            Self::NotAuthorized(what) => json!({
                "__type": "Authorization Error",
                "message": if what.is_empty() { "Access denied".to_string() } else { format!("Access denied: {what}") },
            }),
            Self::Internal(_) => json!({
                "__type": "Internal Server Error",
                "message": "Internal Server Error",
            }),
            Self::BadRequest(_) => return None,
        };
        Some(error)
    }

    /// The body of a [`CkanError::BadRequest`]: CKAN's `"Bad request: …"` JSON string.
    pub fn bad_request_body(&self) -> Option<Value> {
        match self {
            Self::BadRequest(message) => Some(Value::String(format!("Bad request: {message}"))),
            _ => None,
        }
    }
}

/// `'SOLR returned an error running query: <params> Error: SolrError(…)'`: what CKAN's
/// `PackageSearchQuery.run` says when Solr answers with an error, given the parameters it
/// sent (as a Python dict repr) and Solr's `error.msg` as pysolr reports it.
pub fn solr_error_message(params_repr: &str, status: u16, solr_msg: &str) -> String {
    let pysolr = format!("Solr responded with an error (HTTP {status}): [Reason: {solr_msg}]");
    format!(
        "SOLR returned an error running query: {params_repr} Error: SolrError({})",
        repr_str(&pysolr)
    )
}

/// A lookup CKAN makes itself (not a caller's query) failed in the index: no live
/// generation is CKAN's `SolrConnectionError`; anything else is ours.
pub fn index_failure(e: ApiError) -> CkanError {
    if e.status == StatusCode::SERVICE_UNAVAILABLE {
        CkanError::Connection
    } else {
        CkanError::Internal(e.message)
    }
}
