//! The one place that maps failures to HTTP statuses and Solr's error body.

use axum::http::header::WWW_AUTHENTICATE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A failed request, rendered as Solr renders errors.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status (also `error.code`).
    pub status: StatusCode,
    /// `error.msg`.
    pub message: String,
}

impl ApiError {
    /// A 400 with Solr's message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// A 503: no generation has been published yet.
    pub fn unavailable() -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "no index generation is live yet".into(),
        }
    }

    /// A 401: the route needs HTTP Basic credentials (Solr's `BasicAuthPlugin`); the
    /// response carries `WWW-Authenticate: Basic realm="solr"`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
        }
    }

    /// A 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
        }
    }
}

impl From<ckan_search_query::QueryError> for ApiError {
    fn from(e: ckan_search_query::QueryError) -> Self {
        if e.is_bad_request() {
            Self::bad_request(e.to_string())
        } else {
            Self::internal(e.to_string())
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.status.as_u16();
        let kind = if code < 500 {
            "org.apache.solr.common.SolrException"
        } else {
            "java.lang.RuntimeException"
        };
        let body = json!({
            "responseHeader": {"status": code, "QTime": 0},
            "error": {
                "metadata": ["error-class", kind, "root-error-class", kind],
                "msg": self.message,
                "code": code,
            }
        });
        if self.status == StatusCode::UNAUTHORIZED {
            // The challenge clients (requests, pysolr) need to send credentials.
            return (
                self.status,
                [(WWW_AUTHENTICATE, r#"Basic realm="solr""#)],
                Json(body),
            )
                .into_response();
        }
        (self.status, Json(body)).into_response()
    }
}
