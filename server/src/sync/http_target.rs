//! The standalone `ckan-search sync`: a running server's Solr API, so the server's writer
//! journals every change (a sync process writing the generation itself would bypass the
//! journal, and a concurrent rebuild would lose its changes). Credentials go in the URL
//! (`http://user:password@host:8983/solr/ckan`), as CKAN's `solr_url` takes them.

use std::collections::HashMap;
use std::time::Duration;

use ckan_search_indexer::document::value::parse_solr_date;
use serde_json::Value;

use super::index_view::{quoted, IndexedVersion};
use super::target::{SyncTarget, TargetError};
use crate::update::UpdateCommand;

/// Documents per page when walking the whole site.
const PAGE: usize = 5_000;
/// One request may take this long (a large commit, a page of a big walk).
const TIMEOUT: Duration = Duration::from_secs(120);

/// A core of a running ckan-search (or Solr) server.
#[derive(Debug, Clone)]
pub struct HttpTarget {
    client: reqwest::Client,
    core_url: String,
    site_filter: String,
}

impl HttpTarget {
    /// The core at `core_url` (`http://127.0.0.1:8983/solr/ckan`), for the site `site_id`.
    pub fn new(core_url: &str, site_id: &str) -> Result<Self, TargetError> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| TargetError::Unavailable(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            core_url: core_url.trim_end_matches('/').to_string(),
            site_filter: format!("+site_id:{} +entity_type:package", quoted(site_id)),
        })
    }

    /// `/select` with these parameters (sent as a form: id lists can be long).
    async fn select(&self, params: &[(&str, String)]) -> Result<Value, TargetError> {
        let mut form: Vec<(&str, String)> =
            vec![("wt", "json".into()), ("fq", self.site_filter.clone())];
        form.extend(params.iter().cloned());
        let response = self
            .client
            .post(format!("{}/select", self.core_url))
            .form(&form)
            .send()
            .await
            .map_err(|e| TargetError::Unavailable(format!("{}/select: {e}", self.core_url)))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| {
            TargetError::Unavailable(format!("{}/select: HTTP {status}: {e}", self.core_url))
        })?;
        if !status.is_success() {
            return Err(TargetError::Unavailable(format!(
                "{}/select: HTTP {status}: {}",
                self.core_url,
                error_message(&body)
            )));
        }
        Ok(body)
    }
}

/// Solr's `error.msg`.
fn error_message(body: &Value) -> String {
    body.pointer("/error/msg")
        .and_then(Value::as_str)
        .unwrap_or("no error message")
        .to_string()
}

/// `response.docs` as id → version.
fn versions_of(body: &Value, into: &mut HashMap<String, IndexedVersion>) -> usize {
    let docs = body
        .pointer("/response/docs")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for doc in docs {
        let Some(id) = doc.get("id").and_then(Value::as_str) else {
            continue;
        };
        let state = doc.get("state").and_then(Value::as_str).unwrap_or_default();
        let modified_ms = doc
            .get("metadata_modified")
            .and_then(Value::as_str)
            .and_then(|d| parse_solr_date(d).ok());
        into.insert(
            id.to_string(),
            IndexedVersion {
                state: state.to_string(),
                modified_ms,
            },
        );
    }
    docs.len()
}

/// The commands as one JSON command object (`{"add": {…}, "delete": {…}, …}`: Solr
/// applies repeated keys in order).
fn update_body(commands: &[UpdateCommand]) -> String {
    let mut body = String::from("{");
    for command in commands {
        let part = match command {
            UpdateCommand::Add { doc, overwrite, .. } => format!(
                "\"add\":{{\"doc\":{},\"overwrite\":{overwrite}}}",
                Value::Object(doc.0.clone())
            ),
            UpdateCommand::DeleteById(id) => {
                format!("\"delete\":{{\"id\":{}}}", Value::from(id.as_str()))
            }
            UpdateCommand::DeleteByQuery(q) => {
                format!("\"delete\":{{\"query\":{}}}", Value::from(q.as_str()))
            }
            UpdateCommand::Commit { .. } | UpdateCommand::Optimize => "\"commit\":{}".to_string(),
        };
        if body.len() > 1 {
            body.push(',');
        }
        body.push_str(&part);
    }
    body.push('}');
    body
}

impl SyncTarget for HttpTarget {
    async fn versions(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, IndexedVersion>, TargetError> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let any: Vec<String> = ids.iter().map(|id| quoted(id)).collect();
        let body = self
            .select(&[
                ("q", "*:*".into()),
                ("fq", format!("id:({})", any.join(" OR "))),
                ("fl", "id,state,metadata_modified".into()),
                ("rows", ids.len().to_string()),
            ])
            .await?;
        versions_of(&body, &mut out);
        Ok(out)
    }

    async fn all_versions(&self) -> Result<HashMap<String, IndexedVersion>, TargetError> {
        let mut out = HashMap::new();
        let mut cursor = "*".to_string();
        loop {
            let body = self
                .select(&[
                    ("q", "*:*".into()),
                    ("fl", "id,state,metadata_modified".into()),
                    ("rows", PAGE.to_string()),
                    ("sort", "index_id asc".into()),
                    ("cursorMark", cursor.clone()),
                ])
                .await?;
            let n = versions_of(&body, &mut out);
            let next = body
                .get("nextCursorMark")
                .and_then(Value::as_str)
                .unwrap_or(&cursor)
                .to_string();
            if n == 0 || next == cursor {
                return Ok(out);
            }
            cursor = next;
        }
    }

    async fn count(&self) -> Result<u64, TargetError> {
        let body = self
            .select(&[("q", "*:*".into()), ("rows", "0".into())])
            .await?;
        body.pointer("/response/numFound")
            .and_then(Value::as_u64)
            .ok_or_else(|| TargetError::Unavailable("/select answered without numFound".into()))
    }

    async fn newest_modified(&self) -> Result<Option<i64>, TargetError> {
        let body = self
            .select(&[
                ("q", "*:*".into()),
                ("fl", "id,state,metadata_modified".into()),
                ("rows", "1".into()),
                ("sort", "metadata_modified desc".into()),
            ])
            .await?;
        let mut one = HashMap::new();
        versions_of(&body, &mut one);
        Ok(one.values().filter_map(|v| v.modified_ms).max())
    }

    async fn apply(&self, commands: Vec<UpdateCommand>) -> Result<(), TargetError> {
        let url = format!("{}/update?commit=true&wt=json", self.core_url);
        let response = self
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(update_body(&commands))
            .send()
            .await
            .map_err(|e| TargetError::Unavailable(format!("{url}: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let message = response
            .json::<Value>()
            .await
            .map(|b| error_message(&b))
            .unwrap_or_else(|e| e.to_string());
        if status == reqwest::StatusCode::BAD_REQUEST {
            Err(TargetError::Rejected(message))
        } else {
            Err(TargetError::Unavailable(format!(
                "{url}: HTTP {status}: {message}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ckan_search_indexer::document::SolrDocument;

    #[test]
    fn commands_become_one_command_object_in_order() {
        let mut doc = serde_json::Map::new();
        doc.insert("id".into(), Value::from("a\"b"));
        let body = update_body(&[
            UpdateCommand::Add {
                doc: SolrDocument(doc),
                overwrite: true,
                commit_within_ms: None,
            },
            UpdateCommand::DeleteById("0f3e".into()),
        ]);
        assert_eq!(
            body,
            r#"{"add":{"doc":{"id":"a\"b"},"overwrite":true},"delete":{"id":"0f3e"}}"#
        );
        let parsed = crate::update::json::parse(body.as_bytes()).unwrap();
        assert_eq!(parsed.len(), 2);
    }
}
