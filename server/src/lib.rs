//! The ckan-search service: Solr's HTTP dialect over CKAN's schema on tantivy, and the
//! `ckan-search` command line (`serve`, `search-index …`, `generate`).

pub mod auth;
pub mod ckan_api;
pub mod cli;
pub mod error;
pub mod execute;
pub mod live;
pub mod routes;
pub mod state;
pub mod sync;
pub mod update;
pub mod writer;

pub use routes::app;
pub use state::AppState;

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
