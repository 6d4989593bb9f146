//! `status_show`: CKAN's keys (`ckan/logic/action/get.py` — site title, description, URL,
//! error e-mail, default locale, extensions, CKAN version), answered with the values an
//! unconfigured CKAN 2.12 reports (ckan-search has no CKAN site settings but the site URL),
//! plus a `ckan_search` object that says what the index is serving:
//!
//! ```json
//! "ckan_search": {
//!   "version": "0.1.0",              // this server
//!   "core": "ckan", "site_id": "default",
//!   "generation": {                  // the live generation (null before the first)
//!     "id": "00000003",
//!     "published": "2026-…Z",        // when its rebuild finished and it went live
//!     "source": "jsonl:/…",          // what it was built from
//!     "build_seconds": 12.5,
//!     "documents_at_publish": 67544,
//!     "index_bytes": 123456789       // its files on disk now
//!   },
//!   "documents": 68587,              // every document it holds now (all sites)
//!   "datasets": 67544                // this site's datasets (any state or visibility)
//! }
//! ```
//!
//! `ckan_version` is the CKAN release whose API ckan-search answers as.

use ckan_search_query::SolrParams;
use serde_json::{json, Map, Value};

use super::error::{index_failure, CkanError};
use crate::execute::execute;
use crate::state::AppState;

/// The CKAN release whose action API this server speaks.
pub const CKAN_VERSION: &str = "2.12.0";

/// `status_show`; `site_url` is `ckan.site_url` (or the request's own origin).
pub async fn status_show(state: &AppState, site_url: &str) -> Result<Value, CkanError> {
    let mut result = Map::new();
    result.insert("site_title".into(), json!("CKAN"));
    result.insert("site_description".into(), json!(""));
    result.insert("site_url".into(), json!(site_url));
    result.insert("error_emails_to".into(), json!(""));
    result.insert("locale_default".into(), json!("en"));
    result.insert("extensions".into(), json!([]));
    result.insert("ckan_version".into(), json!(CKAN_VERSION));
    result.insert("ckan_search".into(), ckan_search(state).await?);
    Ok(Value::Object(result))
}

async fn ckan_search(state: &AppState) -> Result<Value, CkanError> {
    let config = &state.ckan.config;
    let mut out = Map::new();
    out.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    out.insert("core".into(), json!(&*state.core));
    out.insert("site_id".into(), json!(config.site_id));
    let Some(generation) = state.live.get() else {
        out.insert("generation".into(), Value::Null);
        out.insert("documents".into(), json!(0));
        out.insert("datasets".into(), json!(0));
        return Ok(Value::Object(out));
    };
    let store = state.live.store().clone();
    let id = generation.id;
    let described = tokio::task::spawn_blocking(move || {
        let info = store.info(id);
        let bytes = directory_bytes(&store.path(id));
        (info, bytes)
    })
    .await;
    let (info, bytes) = described.unwrap_or((None, None));
    let mut live = Map::new();
    live.insert("id".into(), json!(id.to_string()));
    live.insert(
        "published".into(),
        json!(info.as_ref().map(|i| i.created.clone())),
    );
    live.insert(
        "source".into(),
        json!(info.as_ref().map(|i| i.source.clone())),
    );
    live.insert(
        "build_seconds".into(),
        json!(info.as_ref().map(|i| i.seconds)),
    );
    live.insert(
        "documents_at_publish".into(),
        json!(info.as_ref().map(|i| i.documents)),
    );
    live.insert("index_bytes".into(), json!(bytes));
    out.insert("generation".into(), Value::Object(live));
    out.insert("documents".into(), json!(generation.searcher().num_docs()));
    out.insert("datasets".into(), json!(site_datasets(state).await?));
    Ok(Value::Object(out))
}

/// The number of this site's documents (CKAN indexes datasets only under its site id).
async fn site_datasets(state: &AppState) -> Result<u64, CkanError> {
    let params = SolrParams::new(vec![
        ("q".into(), "*:*".into()),
        (
            "fq".into(),
            format!(
                "+site_id:\"{}\"",
                state.ckan.config.site_id.replace('"', "")
            ),
        ),
        ("rows".into(), "0".into()),
    ]);
    let executed = execute(state, &state.core, &params)
        .await
        .map_err(index_failure)?;
    Ok(executed.result.num_found)
}

/// The size of a generation's files (a tantivy index is one flat directory).
fn directory_bytes(dir: &std::path::Path) -> Option<u64> {
    let entries = std::fs::read_dir(dir).ok()?;
    Some(
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_size_counts_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"12345").unwrap();
        std::fs::write(dir.path().join("b"), b"123").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(directory_bytes(dir.path()), Some(8));
        assert_eq!(directory_bytes(&dir.path().join("missing")), None);
    }
}
