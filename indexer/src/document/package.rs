//! CKAN package dict → Solr document, as CKAN's `index_package` builds it.
//! (Work in progress: full implementation follows.)

use std::collections::HashMap;

use serde_json::Value;

use super::{DocumentError, SolrDocument};

/// CKAN configuration that shapes the document.
#[derive(Clone, Debug)]
pub struct PackageOptions {
    /// `ckan.site_id`.
    pub site_id: String,
    /// `ckan.extra_resource_fields`.
    pub extra_resource_fields: Vec<String>,
    /// `ckan.search.remove_deleted_packages`.
    pub remove_deleted_packages: bool,
    /// Vocabulary id → vocabulary name.
    pub vocabularies: HashMap<String, String>,
    /// `ckan.auth.allow_dataset_collaborators`.
    pub collaborators: bool,
}

impl Default for PackageOptions {
    fn default() -> Self {
        Self {
            site_id: "default".to_string(),
            extra_resource_fields: Vec::new(),
            remove_deleted_packages: true,
            vocabularies: HashMap::new(),
            collaborators: false,
        }
    }
}

/// What indexing a package dict means.
#[derive(Debug, Clone, PartialEq)]
pub enum PackageAction {
    /// Add or replace this document.
    Index(SolrDocument),
    /// Delete the dataset with this id.
    Delete {
        /// The dataset id.
        id: String,
    },
}

/// Maps a package dict to the Solr document CKAN would send.
pub fn package_to_solr(pkg: &Value, _opts: &PackageOptions) -> Result<PackageAction, DocumentError> {
    let _ = pkg;
    Err(DocumentError::InvalidPackage {
        dataset: "(unknown)".into(),
        reason: "not implemented yet".into(),
    })
}

/// md5((id + site_id) as latin-1).hexdigest().
pub fn index_id(id: &str, site_id: &str) -> String {
    let _ = (id, site_id);
    String::new()
}

/// Python's `json.dumps(obj)`.
pub fn python_json_dumps(v: &Value) -> String {
    v.to_string()
}
