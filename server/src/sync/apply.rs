//! Package dicts → `/update` commands, as CKAN's `index_package` would send them, and
//! applying them so one bad document cannot hold back the rest of its batch.

use ckan_search_indexer::document::package::{
    index_id, package_to_solr, PackageAction, PackageOptions,
};
use ckan_search_indexer::document::DocumentError;
use serde_json::Value;

use super::target::{SyncTarget, TargetError};
use crate::update::UpdateCommand;

/// One dataset's write.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// The dataset id.
    pub id: String,
    /// The command: add the document, or delete the dataset's.
    pub command: UpdateCommand,
}

impl Write {
    /// Removes the dataset's document (by its uniqueKey, as CKAN does).
    pub fn delete(id: &str, options: &PackageOptions) -> Self {
        Self {
            id: id.to_string(),
            command: UpdateCommand::DeleteById(index_id(id, &options.site_id)),
        }
    }

    /// Whether this write removes a document.
    pub fn is_delete(&self) -> bool {
        matches!(self.command, UpdateCommand::DeleteById(_))
    }
}

/// The dataset a document error names.
pub fn error_dataset(e: &DocumentError) -> &str {
    match e {
        DocumentError::InvalidPackage { dataset, .. }
        | DocumentError::MultipleValues { dataset, .. }
        | DocumentError::ImmenseTerm { dataset, .. }
        | DocumentError::InvalidValue { dataset, .. }
        | DocumentError::MissingField { dataset, .. } => dataset,
    }
}

/// What CKAN's `index_package` does with a package dict: index its document, or (a deleted
/// dataset) remove it.
pub fn write_for(dict: &Value, options: &PackageOptions) -> Result<Write, DocumentError> {
    match package_to_solr(dict, options)? {
        PackageAction::Index(doc) => Ok(Write {
            id: dict
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            command: UpdateCommand::Add {
                doc,
                overwrite: true,
                commit_within_ms: None,
            },
        }),
        PackageAction::Delete { id } => Ok(Write::delete(&id, options)),
    }
}

/// Applies `writes` as one request; if the index refuses it (a document Solr would
/// refuse), applies them one by one so only the bad ones fail. Returns the refused
/// writes with the reason; an unavailable index is an error (nothing recorded as done).
pub async fn apply_isolating<T: SyncTarget>(
    target: &T,
    writes: Vec<Write>,
) -> Result<Vec<(Write, String)>, TargetError> {
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    let commands = writes.iter().map(|w| w.command.clone()).collect();
    match target.apply(commands).await {
        Ok(()) => return Ok(Vec::new()),
        Err(TargetError::Rejected(reason)) if writes.len() == 1 => {
            return Ok(writes.into_iter().map(|w| (w, reason.clone())).collect());
        }
        Err(TargetError::Rejected(_)) => {}
        Err(e) => return Err(e),
    }
    let mut refused = Vec::new();
    for write in writes {
        match target.apply(vec![write.command.clone()]).await {
            Ok(()) => {}
            Err(TargetError::Rejected(reason)) => refused.push((write, reason)),
            Err(e) => return Err(e),
        }
    }
    Ok(refused)
}
