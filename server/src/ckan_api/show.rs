//! `package_show` from the index, as CKAN 2.12's action (`ckan/logic/action/get.py`) and
//! its auth function (`ckan/logic/auth/get.py`) answer it: the dataset whose id — or else
//! whose name — is the reference, shown as its stored `validated_data_dict` (`data_dict`
//! with `use_default_schema`), which is what CKAN itself returns when its search-index
//! cache is current.
//!
//! The checks, in CKAN's order:
//!
//! 1. The reference is `id` when truthy, else `name_or_id`; neither given → 409
//!    `{"name_or_id": ["Missing value"]}` (CKAN's `_get_or_bust` names the fallback key).
//! 2. No dataset with that id or name → 404 "Not found".
//! 3. Anyone but a sysadmin passes CKAN's auth function, which reads `id` again: without a
//!    truthy `id` (the dataset was named by `name_or_id`) → 409 `{"message": "Missing id,
//!    can not get Package object"}`; a dataset that is private or not active → 403
//!    "Access denied: User  not authorized to read package <id>" (an anonymous user's name
//!    is empty, hence the two spaces).
//! 4. `use_default_schema` read with `asbool`.
//!
//! Where the index cannot answer as CKAN's database would: a dataset CKAN has deleted is
//! not in the index (`remove_deleted_packages`), so it is a 404 here where CKAN answers
//! 403 (anonymous) or shows it (sysadmin). Where CKAN crashes on a value (a non-text
//! `id`, an unreadable `use_default_schema`), the answer is the same 500.
//!
//! With `strip_pii` (data.gov.uk), the shown dict loses its top-level `author`,
//! `author_email`, `maintainer` and `maintainer_email`, as ckanext-datagovuk's
//! `dgu_package_show` removes them (its `extras` are left alone, as there).

use ckan_search_query::SolrParams;
use serde_json::{Map, Value};

use super::error::{index_failure, CkanError};
use super::package_search::Labels;
use super::pii::PII_KEYS;
use super::py_values::{asbool, truthy};
use super::request::DataDict;
use crate::execute::execute_with_docs;
use crate::state::AppState;

/// The stored fields a shown dataset is read from.
const SHOW_FIELDS: &str = "id,name,state,capacity,validated_data_dict,data_dict";

/// `package_show` for a call's data dict and the caller's permission labels.
pub async fn package_show(
    state: &AppState,
    data: &DataDict,
    labels: &Labels,
) -> Result<Value, CkanError> {
    let reference = match data.get("id").filter(|v| truthy(v)) {
        Some(id) => id,
        None => data
            .get("name_or_id")
            .ok_or_else(|| CkanError::field("name_or_id", "Missing value"))?,
    };
    let reference = match reference {
        // `Package.get` finds nothing for an empty reference.
        v if !truthy(v) => return Err(CkanError::NotFound(String::new())),
        Value::String(s) => s.as_str(),
        // CKAN hands anything else to the database, which fails: a 500.
        other => {
            return Err(CkanError::Internal(format!(
                "package_show: reference is not text: {other}"
            )))
        }
    };
    let doc = find_dataset(state, reference)
        .await?
        .ok_or(CkanError::NotFound(String::new()))?;

    if labels.is_some() {
        check_read_access(data, &doc)?;
    }

    let use_default_schema = asbool(data.get("use_default_schema"), false)
        .map_err(|e| CkanError::Internal(format!("package_show: {e}")))?;
    let source = if use_default_schema {
        "data_dict"
    } else {
        "validated_data_dict"
    };
    let text = doc.get(source).and_then(Value::as_str).ok_or_else(|| {
        CkanError::Internal(format!("package_show: the document has no {source}"))
    })?;
    let mut shown: Value = serde_json::from_str(text)
        .map_err(|e| CkanError::Internal(format!("package_show: stored {source}: {e}")))?;
    if state.ckan.config.strip_pii {
        strip_top_level_pii(&mut shown);
    }
    Ok(shown)
}

/// CKAN's `package_show` auth for a caller who is not a sysadmin (only `public` among
/// their labels): the dataset must be active and public, and the call must carry `id`.
fn check_read_access(data: &DataDict, doc: &Map<String, Value>) -> Result<(), CkanError> {
    if !data.get("id").is_some_and(truthy) {
        return Err(CkanError::ValidationMessage(
            "Missing id, can not get Package object".into(),
        ));
    }
    let field = |name: &str| doc.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("state") == "active" && field("capacity") == "public" {
        return Ok(());
    }
    Err(CkanError::NotAuthorized(format!(
        "User  not authorized to read package {}",
        field("id")
    )))
}

/// The site's dataset whose id is `reference`, else the one whose name is (CKAN's
/// `Package.get`: by primary key first).
async fn find_dataset(
    state: &AppState,
    reference: &str,
) -> Result<Option<Map<String, Value>>, CkanError> {
    let quoted = quote_term(reference);
    let params = SolrParams::new(vec![
        ("q".into(), format!("id:{quoted} OR name:{quoted}")),
        (
            "fq".into(),
            format!(
                "+site_id:\"{}\"",
                state.ckan.config.site_id.replace('"', "")
            ),
        ),
        ("fl".into(), SHOW_FIELDS.into()),
        // A name can be shared by stale copies; the id match wins whatever the order.
        ("rows".into(), "50".into()),
    ]);
    let (_, docs) = execute_with_docs(state, &state.core, &params)
        .await
        .map_err(index_failure)?;
    let has = |doc: &Map<String, Value>, field: &str| {
        doc.get(field).and_then(Value::as_str) == Some(reference)
    };
    let by_id = docs.iter().position(|d| has(d, "id"));
    let by_name = docs.iter().position(|d| has(d, "name"));
    Ok(by_id.or(by_name).map(|i| docs[i].clone()))
}

/// A Lucene phrase matching exactly `value` on a string field.
pub fn quote_term(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// ckanext-datagovuk's `remove_pii`: the PII keys go from the top level only.
pub fn strip_top_level_pii(dict: &mut Value) {
    if let Some(map) = dict.as_object_mut() {
        map.retain(|k, _| !PII_KEYS.contains(&k.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(state: &str, capacity: &str) -> Map<String, Value> {
        json!({"id": "abc", "name": "n", "state": state, "capacity": capacity})
            .as_object()
            .cloned()
            .unwrap()
    }

    fn data(v: Value) -> DataDict {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn anonymous_readers_see_active_public_datasets_named_by_id() {
        assert_eq!(
            check_read_access(&data(json!({"id": "n"})), &doc("active", "public")),
            Ok(())
        );
        assert_eq!(
            check_read_access(&data(json!({"id": "n"})), &doc("active", "private")),
            Err(CkanError::NotAuthorized(
                "User  not authorized to read package abc".into()
            ))
        );
        assert_eq!(
            check_read_access(&data(json!({"id": "n"})), &doc("draft", "public")),
            Err(CkanError::NotAuthorized(
                "User  not authorized to read package abc".into()
            ))
        );
        assert_eq!(
            check_read_access(&data(json!({"name_or_id": "n"})), &doc("active", "public")),
            Err(CkanError::ValidationMessage(
                "Missing id, can not get Package object".into()
            ))
        );
    }

    #[test]
    fn terms_are_quoted_and_pii_goes_from_the_top_level_only() {
        assert_eq!(quote_term(r#"a"b\c"#), r#""a\"b\\c""#);
        let mut shown = json!({"name": "x", "author": "A", "maintainer_email": "m",
            "extras": [{"key": "author", "value": "kept"}]});
        strip_top_level_pii(&mut shown);
        assert_eq!(
            shown,
            json!({"name": "x", "extras": [{"key": "author", "value": "kept"}]})
        );
    }
}
