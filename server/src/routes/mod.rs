//! HTTP routes. Handlers extract, call the query side, and return; every failure goes
//! through [`crate::error::ApiError`].

mod json_request;
mod schema_ping;
mod select;
mod update;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::{self, Credentials};
use crate::state::AppState;

/// Largest request body accepted (Solr's default `formdataUploadLimitInKB` is 2 MB; CKAN
/// update bodies carry two copies of the dataset JSON, so allow more).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The whole service, for `serve` and for tests (bind it to any listener).
pub fn app(state: AppState) -> Router {
    // pysolr appends a trailing slash (`select/`); other clients do not. Accept both.
    let read = Router::new()
        .route("/solr/{core}/select", get(select::get).post(select::post))
        .route("/solr/{core}/select/", get(select::get).post(select::post))
        .route(
            "/solr/{core}/query",
            get(select::get).post(json_request::post),
        )
        .route(
            "/solr/{core}/query/",
            get(select::get).post(json_request::post),
        )
        .route("/solr/{core}/schema", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/file", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/file/", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/ping", get(schema_ping::ping))
        .route("/solr/{core}/admin/ping/", get(schema_ping::ping))
        .route("/solr/{core}/get", get(schema_ping::get))
        .route("/solr/{core}/get/", get(schema_ping::get))
        .merge(crate::ckan_api::routes());
    let update = Router::new()
        .route("/solr/{core}/update", post(update::update))
        .route("/solr/{core}/update/", post(update::update));
    // Each group has its own credentials (Solr's per-path permissions: CKAN's read-only
    // and write users may differ); an unset group is open and ignores `Authorization`.
    let read = protect(read, state.auth.read.as_ref());
    let update = protect(update, state.auth.update.as_ref());
    read.merge(update)
        // A whole rebuild batch or a long select POST fits; anything larger is refused.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Puts `router`'s routes behind HTTP Basic auth when `credentials` are set. A route layer,
/// so unknown paths still answer 404 rather than 401.
fn protect(router: Router<AppState>, credentials: Option<&Credentials>) -> Router<AppState> {
    match credentials {
        Some(c) => router.route_layer(middleware::from_fn_with_state(
            Arc::new(c.clone()),
            auth::require_basic,
        )),
        None => router,
    }
}
