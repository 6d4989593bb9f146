//! What every request handler shares.

use std::sync::Arc;

use ckan_search_indexer::schema::CkanSchema;

use crate::auth::AuthConfig;
use crate::ckan_api::CkanApi;
use crate::live::LiveIndex;
use crate::writer::LiveWriter;

/// Shared state: cheap to clone (everything is behind `Arc`).
#[derive(Clone)]
pub struct AppState {
    /// The live generation.
    pub live: Arc<LiveIndex>,
    /// CKAN's schema.
    pub schema: Arc<CkanSchema>,
    /// The Solr core name in URLs (`/solr/<core>/select`).
    pub core: Arc<str>,
    /// The writer `/update` feeds.
    pub writer: LiveWriter,
    /// Which route groups need HTTP Basic credentials ([`AuthConfig::off`] for none).
    pub auth: Arc<AuthConfig>,
    /// The CKAN API settings and caches.
    pub ckan: Arc<CkanApi>,
}
