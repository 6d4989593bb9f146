//! `search_facets`: each facet value with a display name. CKAN takes group and
//! organisation titles from its database and licence titles from its licence register; we
//! take the same titles from the indexed datasets themselves (a dataset's stored dict
//! carries its organisation's and groups' titles and its `license_title`, which CKAN
//! filled from the same database and register when it indexed the dataset). Titles are
//! cached per searcher, so a commit that renames an organisation is seen at once.

use std::collections::HashMap;

use ckan_search_indexer::generation::GenerationId;
use ckan_search_query::{hit_fields, search, SearchRequest, SolrParams};
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::execute::Executed;
use crate::state::AppState;

/// The facets whose values have titles.
const TITLED: [&str; 3] = ["groups", "organization", "license_id"];

/// Titles found for one searcher (a generation at one commit).
#[derive(Default)]
pub struct TitleCache {
    inner: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    searcher: Option<(GenerationId, u64)>,
    titles: HashMap<(String, String), Option<String>>,
}

/// Builds `search_facets` from the `facets` dict of one answer: items sorted by display
/// name, descending, as CKAN sorts them.
pub async fn search_facets(
    state: &AppState,
    executed: &Executed,
    facets: &Map<String, Value>,
) -> Value {
    let wanted: Vec<(String, String)> = facets
        .iter()
        .filter(|(field, _)| TITLED.contains(&field.as_str()))
        .flat_map(|(field, values)| {
            values
                .as_object()
                .into_iter()
                .flat_map(|m| m.keys())
                .map(move |v| (field.clone(), v.clone()))
        })
        .collect();
    let titles = if wanted.is_empty() {
        HashMap::new()
    } else {
        lookup(state, executed, wanted).await
    };

    let mut out = Map::new();
    for (field, values) in facets {
        let mut items: Vec<Value> = values
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, count)| {
                let title = titles
                    .get(&(field.clone(), name.clone()))
                    .filter(|t| !t.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| name.clone());
                json!({"name": name, "display_name": title, "count": count})
            })
            .collect();
        // Stable, so equal display names keep Solr's order (as Python's `sorted`).
        items.sort_by(|a, b| {
            let key = |v: &Value| v["display_name"].as_str().unwrap_or_default().to_string();
            key(b).cmp(&key(a))
        });
        out.insert(field.clone(), json!({"title": field, "items": items}));
    }
    Value::Object(out)
}

/// Titles for `wanted` (field, value) pairs, from the cache or the index.
async fn lookup(
    state: &AppState,
    executed: &Executed,
    wanted: Vec<(String, String)>,
) -> HashMap<(String, String), String> {
    let key = (
        executed.generation.id,
        executed.searcher.generation().generation_id(),
    );
    let cache = state.ckan.titles.clone();
    let searcher = executed.searcher.clone();
    let schema = executed.schema.clone();
    let site_id = state.ckan.config.site_id.clone();
    let found = tokio::task::spawn_blocking(move || {
        let mut state = cache.inner.lock();
        if state.searcher != Some(key) {
            state.searcher = Some(key);
            state.titles.clear();
        }
        let mut out = HashMap::new();
        for pair in wanted {
            let title = match state.titles.get(&pair) {
                Some(t) => t.clone(),
                None => {
                    let t = title_from_index(&searcher, &schema, &site_id, &pair.0, &pair.1);
                    state.titles.insert(pair.clone(), t.clone());
                    t
                }
            };
            if let Some(t) = title {
                out.insert(pair, t);
            }
        }
        out
    })
    .await;
    found.unwrap_or_default()
}

/// The parts of a stored dataset dict that carry titles.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TitledParts {
    organization: Option<NameTitle>,
    groups: Option<Vec<NameTitle>>,
    license_title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NameTitle {
    name: Option<String>,
    title: Option<String>,
}

/// Reads one dataset having `field` = `value` and takes the title it records.
fn title_from_index(
    searcher: &tantivy::Searcher,
    schema: &ckan_search_indexer::schema::CkanSchema,
    site_id: &str,
    field: &str,
    value: &str,
) -> Option<String> {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    let params = SolrParams::new(vec![
        ("q".into(), "*:*".into()),
        ("fq".into(), format!("{field}:\"{escaped}\"")),
        (
            "fq".into(),
            format!("+site_id:\"{}\"", site_id.replace('"', "")),
        ),
        ("rows".into(), "1".into()),
        ("fl".into(), "validated_data_dict".into()),
    ]);
    let request = SearchRequest::from_params(&params, 0).ok()?;
    let result = search(searcher, schema, &request).ok()?;
    let hit = result.hits.first()?;
    let doc = hit_fields(searcher, schema, &request.fl, hit).ok()?;
    let text = doc.get("validated_data_dict")?.as_str()?;
    let parts: TitledParts = serde_json::from_str(text).ok()?;
    match field {
        "organization" => parts
            .organization
            .filter(|o| o.name.as_deref() == Some(value))
            .and_then(|o| o.title),
        "groups" => parts
            .groups
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.name.as_deref() == Some(value))
            .and_then(|g| g.title),
        "license_id" => parts.license_title,
        _ => None,
    }
}
