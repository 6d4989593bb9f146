//! `POST /solr/<core>/update`: JSON or XML bodies, applied in order by the live writer.
//! URL flags: `commit`, `softCommit` (visible on return), `commitWithin`, `overwrite`,
//! `waitSearcher` (accepted; we always wait).

use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::update::{parse_body, UpdateCommand};
use crate::writer::{Visibility, WriteError};

fn flag(params: &[(String, String)], key: &str) -> bool {
    params
        .iter()
        .any(|(k, v)| k == key && v.trim().eq_ignore_ascii_case("true"))
}

/// The handler.
pub async fn update(
    State(state): State<AppState>,
    Path(core): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let started = Instant::now();
    if core != *state.core {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no such core: {core}"),
        });
    }
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let mut commands =
        parse_body(content_type, &body).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let no_overwrite = params
        .iter()
        .any(|(k, v)| k == "overwrite" && v.trim().eq_ignore_ascii_case("false"));
    if no_overwrite {
        for command in &mut commands {
            if let UpdateCommand::Add { overwrite, .. } = command {
                *overwrite = false;
            }
        }
    }
    let visibility = if flag(&params, "commit") || flag(&params, "softCommit") {
        Visibility::Now
    } else {
        Visibility::Soon
    };
    state
        .writer
        .apply(commands, visibility)
        .await
        .map_err(|e| match e {
            WriteError::BadRequest(msg) => ApiError::bad_request(msg),
            WriteError::Internal(msg) => ApiError::internal(msg),
        })?;
    Ok(Json(json!({
        "responseHeader": {"status": 0, "QTime": started.elapsed().as_millis() as u64}
    })))
}
