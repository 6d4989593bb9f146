//! HTTP routes. Handlers extract, call the query side, and return; every failure goes
//! through [`crate::error::ApiError`].

mod select;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

/// The whole service, for `serve` and for tests (bind it to any listener).
pub fn app(state: AppState) -> Router {
    // pysolr appends a trailing slash (`select/`); other clients do not. Accept both.
    Router::new()
        .route("/solr/{core}/select", get(select::get).post(select::post))
        .route("/solr/{core}/select/", get(select::get).post(select::post))
        .with_state(state)
}
