//! Runs one Solr request against the live generation. Shared by `/solr/<core>/select` and
//! the CKAN APIs, which translate their parameters into the Solr request CKAN itself would
//! send and then read the same answer.

use std::sync::Arc;

use axum::http::StatusCode;
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_query::{search, PageFields, SearchRequest, SearchResult, SolrParams};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::live::Generation;
use crate::state::AppState;

/// An answered request: the result as addresses, and what is needed to read its
/// documents (the searcher of the generation that answered, so a flip in between cannot
/// mix generations).
pub struct Executed {
    /// The page, counts and facets.
    pub result: SearchResult,
    /// The typed request (its `fl` says what to read).
    pub request: SearchRequest,
    /// The searcher the result came from.
    pub searcher: tantivy::Searcher,
    /// CKAN's schema.
    pub schema: Arc<CkanSchema>,
    /// The generation that answered.
    pub generation: Arc<Generation>,
}

impl Executed {
    /// Reads every hit's fields through `fl`. Blocking (stored-field reads): call it from
    /// a blocking task.
    pub fn docs(&self) -> Result<Vec<Map<String, Value>>, ApiError> {
        let hits = &self.result.hits;
        let page = PageFields::new(&self.searcher, &self.schema, &self.request.fl, hits)?;
        Ok(page.all(hits)?)
    }
}

/// Parses `params` as Solr does and runs them on the live generation of `state`'s core.
/// `core` is the core named in the URL, checked against the one served.
pub async fn execute(
    state: &AppState,
    core: &str,
    params: &SolrParams,
) -> Result<Executed, ApiError> {
    if core != &*state.core {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no such core: {core}"),
        });
    }
    let request = SearchRequest::from_params(params, chrono::Utc::now().timestamp_millis())?;
    let generation = state.live.get().ok_or_else(ApiError::unavailable)?;
    let schema = state.schema.clone();
    let searcher = generation.searcher();
    // Searching is CPU work: keep it off the reactor.
    tokio::task::spawn_blocking(move || {
        let result = search(&searcher, &schema, &request)?;
        Ok(Executed {
            result,
            request,
            searcher,
            schema,
            generation,
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// [`execute`], then every document of the page read (for answers that are rendered
/// whole, never streamed).
pub async fn execute_with_docs(
    state: &AppState,
    core: &str,
    params: &SolrParams,
) -> Result<(Executed, Vec<Map<String, Value>>), ApiError> {
    let executed = execute(state, core, params).await?;
    tokio::task::spawn_blocking(move || {
        let docs = executed.docs()?;
        Ok((executed, docs))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}
