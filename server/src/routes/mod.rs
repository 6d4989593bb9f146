//! HTTP routes. Handlers extract, call the query side, and return; every failure goes
//! through [`crate::error::ApiError`].

mod schema_ping;
mod select;
mod update;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// Largest request body accepted (Solr's default `formdataUploadLimitInKB` is 2 MB; CKAN
/// update bodies carry two copies of the dataset JSON, so allow more).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The whole service, for `serve` and for tests (bind it to any listener).
pub fn app(state: AppState) -> Router {
    // pysolr appends a trailing slash (`select/`); other clients do not. Accept both.
    Router::new()
        .route("/solr/{core}/select", get(select::get).post(select::post))
        .route("/solr/{core}/select/", get(select::get).post(select::post))
        .route("/solr/{core}/update", post(update::update))
        .route("/solr/{core}/update/", post(update::update))
        .route("/solr/{core}/schema", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/file", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/file/", get(schema_ping::schema_xml))
        .route("/solr/{core}/admin/ping", get(schema_ping::ping))
        .route("/solr/{core}/admin/ping/", get(schema_ping::ping))
        .route("/solr/{core}/get", get(schema_ping::get))
        .route("/solr/{core}/get/", get(schema_ping::get))
        // A whole rebuild batch or a long select POST fits; anything larger is refused.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
