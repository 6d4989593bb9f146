//! How the actions beyond `package_search` fail: CKAN's exception kinds ([`CkanError`])
//! plus the one shape those do not cover — a `ValidationError` raised with a bare message,
//! which CKAN renders as `{"message": "…", "__type": "Validation Error"}` (`_get_object`'s
//! "Missing id, can not get Package object", `_unpick_search`'s sort messages,
//! `_group_or_org_show`'s "Parameter is not an bool").

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::error::CkanError;
use crate::error::ApiError;

/// A failed action call.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionError {
    /// One of CKAN's usual failures.
    Ckan(CkanError),
    /// `ValidationError({"message": …})` → 409.
    Message(String),
}

impl ActionError {
    /// The HTTP status CKAN answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Ckan(e) => e.status(),
            Self::Message(_) => StatusCode::CONFLICT,
        }
    }

    /// The envelope's `error` object (None for the bare-string bad request).
    pub fn error_object(&self) -> Option<Value> {
        match self {
            Self::Ckan(e) => e.error_object(),
            Self::Message(m) => Some(json!({"message": m, "__type": "Validation Error"})),
        }
    }

    /// The body of a bad request that has no envelope.
    pub fn bad_request_body(&self) -> Option<Value> {
        match self {
            Self::Ckan(e) => e.bad_request_body(),
            Self::Message(_) => None,
        }
    }

    /// What to log when the call failed on our side.
    pub fn internal_detail(&self) -> Option<&str> {
        match self {
            Self::Ckan(CkanError::Internal(detail)) => Some(detail),
            _ => None,
        }
    }
}

impl From<CkanError> for ActionError {
    fn from(e: CkanError) -> Self {
        Self::Ckan(e)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_message_is_a_validation_error() {
        let e = ActionError::Message("Cannot sort by field `foo`".into());
        assert_eq!(e.status(), StatusCode::CONFLICT);
        assert_eq!(
            e.error_object(),
            Some(json!({"message": "Cannot sort by field `foo`", "__type": "Validation Error"}))
        );
        assert_eq!(e.bad_request_body(), None);
        let e = ActionError::from(CkanError::NotFound(String::new()));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            e.error_object(),
            Some(json!({"__type": "Not Found Error", "message": "Not found"}))
        );
    }
}
