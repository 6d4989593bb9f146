//! Rows → the package dict CKAN indexes: `package_dictize` (CKAN 2.12,
//! `ckan/lib/dictization/model_dictize.py`) followed by validation against
//! `default_show_package_schema`, which is what `package_show_default_and_custom_schemas`
//! hands the indexer (and what `package_show` returns on a site without an IDatasetForm
//! plugin).
//!
//! What validation does to the dictized data, and so what this module reproduces:
//!
//! * Key order. Top-level keys whose values are not lists of objects (including the
//!   `organization` object) come first, in code-point order; then the non-empty lists in
//!   name order; then the empty lists in the order `package_dictize` created them (navl
//!   drops empty lists and re-appends them). Inside each list item the keys are sorted.
//! * Dropped keys. `state` when null; `license_url` unless the licence has one; in a
//!   resource `url`, `format`, `hash`, `created` and `datastore_active` when null; in a
//!   group every key but `description`, `display_name`, `id`, `image_display_url`, `name`
//!   and `title`, and those too when null; in a relationship `state`, and `comment`/`id`
//!   when null.
//! * Rewritten values. `title` is stripped and falls back to `name` when empty; resource
//!   URLs are stripped; a relationship's package ids move under `__extras` (CKAN 2.12's
//!   schema has no place for them, so navl keeps them there).
//!
//! Known, documented departures (each needs data CKAN itself cannot show, or site
//! configuration beyond [`CkanSettings`]):
//!
//! * `metadata_modified` null: CKAN fails (`None.isoformat()`); here it is null.
//! * Two or more resources with a null `position`: CKAN fails sorting them; here they
//!   come last.
//! * Resource `format` is cleaned only with [`CkanSettings::resource_formats`]; CKAN
//!   cleans it on write, so CKAN-written rows are unaffected.
//! * An upload resource of a dataset type without a registered `<type>_resource`
//!   blueprint makes CKAN fail; here its URL uses `/<type>/` as such blueprints do.
//! * Group images with a relative `image_url` use CKAN's fallback
//!   (`<site_url>/uploads/group/<image_url>`), not a configured file storage.
//! * Resource extras that are lists of objects are kept as they are (navl would sort the
//!   keys of their items); values of non-string type in `url`/`format`/`hash` (only
//!   possible through resource extras) are not converted to strings.

use serde_json::{Map, Value};

use super::python;
use super::settings::CkanSettings;
use super::sql::{
    ExtraRow, GroupRow, Layout, OrganizationRow, PackageRow, RelationshipRow, ResourceRow, TagRow,
};

/// The child rows of one package.
#[derive(Debug, Default)]
pub struct Children {
    pub resources: Vec<ResourceRow>,
    pub tags: Vec<TagRow>,
    pub extras: Vec<ExtraRow>,
    pub groups: Vec<GroupRow>,
    pub as_subject: Vec<RelationshipRow>,
    pub as_object: Vec<RelationshipRow>,
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::String)
}

fn time(value: &Option<chrono::NaiveDateTime>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |t| Value::String(python::isoformat(t)))
}

/// Rebuilds `map` with its keys in code-point order, as navl's unflattening leaves a list
/// item.
fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// The package dict of `row`, or why CKAN could not show it.
pub fn package(
    row: &PackageRow,
    children: Children,
    layout: Layout,
    settings: &CkanSettings,
) -> Result<Value, String> {
    let package_type = row
        .type_
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("dataset");
    let name = text(&row.name);
    // `package_dictize` strips a truthy title; the schema's `if_empty_same_as("name")`
    // then replaces an empty one.
    let title = match row.title.as_deref().map(python::strip) {
        Some(t) if !t.is_empty() => Value::String(t.to_string()),
        _ => name.clone(),
    };
    let licence = row
        .license_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .and_then(|id| settings.licences.get(id));

    let resources = resources(row, children.resources, package_type, settings)?;
    let tags = tags(children.tags);
    let extras = match layout {
        Layout::JsonbExtras => jsonb_extras(row.extras.as_deref())?,
        Layout::ExtraTable => table_extras(children.extras),
    };
    let groups = groups(children.groups, settings);
    let as_subject = relationships(children.as_subject);
    let as_object = relationships(children.as_object);

    // Scalars, written in code-point order of their keys.
    let mut top = Map::new();
    top.insert("author".into(), text(&row.author));
    top.insert("author_email".into(), text(&row.author_email));
    top.insert("creator_user_id".into(), text(&row.creator_user_id));
    top.insert("id".into(), Value::String(row.id.clone()));
    top.insert(
        "isopen".into(),
        Value::Bool(licence.is_some_and(|l| l.open)),
    );
    top.insert("license_id".into(), text(&row.license_id));
    let license_title = match licence {
        // CKAN keeps only what follows the last `::` when the licence has a URL.
        Some(l) if l.url.is_some() => l.title.rsplit("::").next().unwrap_or_default().into(),
        Some(l) => Value::String(l.title.clone()),
        None => text(&row.license_id),
    };
    top.insert("license_title".into(), license_title);
    if let Some(url) = licence.and_then(|l| l.url.clone()) {
        top.insert("license_url".into(), Value::String(url));
    }
    top.insert("maintainer".into(), text(&row.maintainer));
    top.insert("maintainer_email".into(), text(&row.maintainer_email));
    top.insert("metadata_created".into(), time(&row.metadata_created));
    top.insert("metadata_modified".into(), time(&row.metadata_modified));
    top.insert("name".into(), name);
    top.insert("notes".into(), text(&row.notes));
    top.insert("num_resources".into(), resources.len().into());
    top.insert("num_tags".into(), tags.len().into());
    top.insert(
        "organization".into(),
        row.organization.as_ref().map_or(Value::Null, organization),
    );
    top.insert("owner_org".into(), text(&row.owner_org));
    top.insert(
        "private".into(),
        row.private.map_or(Value::Null, Value::Bool),
    );
    if let Some(state) = &row.state {
        top.insert("state".into(), Value::String(state.clone()));
    }
    top.insert("title".into(), title);
    top.insert("type".into(), Value::String(package_type.into()));
    top.insert("url".into(), text(&row.url));
    top.insert("version".into(), text(&row.version));

    // Lists: non-empty ones in name order, then the empty ones in `package_dictize`'s
    // order, which depends on whether `extras` is a column (2.12) or built after the tags.
    let lists = [
        ("extras", extras),
        ("groups", groups),
        ("relationships_as_object", as_object),
        ("relationships_as_subject", as_subject),
        ("resources", resources),
        ("tags", tags),
    ];
    let dictize_order: [&str; 6] = match layout {
        Layout::JsonbExtras => [
            "extras",
            "resources",
            "tags",
            "groups",
            "relationships_as_subject",
            "relationships_as_object",
        ],
        Layout::ExtraTable => [
            "resources",
            "tags",
            "extras",
            "groups",
            "relationships_as_subject",
            "relationships_as_object",
        ],
    };
    let mut empty = Vec::new();
    for (key, list) in lists {
        if list.is_empty() {
            empty.push(key);
        } else {
            top.insert(key.into(), Value::Array(list));
        }
    }
    for key in dictize_order {
        if empty.contains(&key) {
            top.insert(key.into(), Value::Array(Vec::new()));
        }
    }
    Ok(Value::Object(top))
}

/// The owning organisation: every column of its `group` row but `extras`, in the model's
/// column order, unvalidated.
fn organization(org: &OrganizationRow) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(org.id.clone()));
    m.insert("name".into(), text(&org.name));
    m.insert("title".into(), text(&org.title));
    m.insert("type".into(), text(&org.type_));
    m.insert("description".into(), text(&org.description));
    m.insert("image_url".into(), text(&org.image_url));
    m.insert("created".into(), time(&org.created));
    m.insert(
        "is_organization".into(),
        org.is_organization.map_or(Value::Null, Value::Bool),
    );
    m.insert("approval_status".into(), text(&org.approval_status));
    m.insert("state".into(), text(&org.state));
    Value::Object(m)
}

/// `package.extras` (JSONB, text in JSONB's key order: shorter keys first, then bytewise,
/// which is the order psycopg2 hands CKAN) as `[{key, value}]`.
fn jsonb_extras(json: Option<&str>) -> Result<Vec<Value>, String> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let map: Map<String, Value> =
        serde_json::from_str(json).map_err(|e| format!("package.extras is not an object: {e}"))?;
    Ok(map
        .into_iter()
        .map(|(key, value)| extra(Value::String(key), value))
        .collect())
}

/// `package_extra` rows (CKAN ≤ 2.11) as `[{key, value}]`, sorted by key.
fn table_extras(mut rows: Vec<ExtraRow>) -> Vec<Value> {
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows.into_iter()
        .map(|r| extra(text(&r.key), text(&r.value)))
        .collect()
}

fn extra(key: Value, value: Value) -> Value {
    let mut m = Map::new();
    m.insert("key".into(), key);
    m.insert("value".into(), value);
    Value::Object(m)
}

/// Active tags sorted by name (stable: same-named tags of different vocabularies keep
/// the database's order).
fn tags(mut rows: Vec<TagRow>) -> Vec<Value> {
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows.into_iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("display_name".into(), text(&t.name));
            m.insert("id".into(), Value::String(t.id));
            m.insert("name".into(), text(&t.name));
            m.insert("state".into(), text(&t.state));
            m.insert("vocabulary_id".into(), text(&t.vocabulary_id));
            Value::Object(m)
        })
        .collect()
}

/// Groups as the show schema leaves them, sorted by `h.strxfrm(display_name)`.
fn groups(rows: Vec<GroupRow>, settings: &CkanSettings) -> Vec<Value> {
    let mut keyed: Vec<(String, Value)> = rows
        .into_iter()
        .map(|g| {
            let display_name = match &g.title {
                Some(t) if !t.is_empty() => Some(t.clone()),
                _ => g.name.clone(),
            };
            let image_display_url = g.image_url.as_ref().map(|url| {
                if url.is_empty() || url.starts_with("http") {
                    url.clone()
                } else {
                    format!(
                        "{}/uploads/group/{url}",
                        settings.site_url.as_deref().unwrap_or_default()
                    )
                }
            });
            let key = python::strxfrm(display_name.as_deref().unwrap_or_default());
            let mut m = Map::new();
            let mut put = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    m.insert(k.into(), Value::String(v));
                }
            };
            put("description", g.description);
            put("display_name", display_name);
            put("id", Some(g.id));
            put("image_display_url", image_display_url);
            put("name", g.name);
            put("title", g.title);
            (key, Value::Object(m))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, g)| g).collect()
}

/// Relationships as CKAN 2.12's show schema leaves them: the package ids, for which the
/// schema has no key, end up under `__extras`.
fn relationships(rows: Vec<RelationshipRow>) -> Vec<Value> {
    rows.into_iter()
        .map(|r| {
            let mut ids = Map::new();
            ids.insert("subject_package_id".into(), text(&r.subject_package_id));
            ids.insert("object_package_id".into(), text(&r.object_package_id));
            let mut m = Map::new();
            m.insert("__extras".into(), Value::Object(ids));
            if let Some(comment) = r.comment {
                m.insert("comment".into(), Value::String(comment));
            }
            if let Some(id) = r.id {
                m.insert("id".into(), Value::String(id));
            }
            m.insert("type".into(), text(&r.type_));
            Value::Object(m)
        })
        .collect()
}

/// Active resources in position order (the cursor's order), each dictized and validated.
fn resources(
    package: &PackageRow,
    rows: Vec<ResourceRow>,
    package_type: &str,
    settings: &CkanSettings,
) -> Result<Vec<Value>, String> {
    rows.into_iter()
        .map(|r| resource(package, r, package_type, settings))
        .collect()
}

fn resource(
    package: &PackageRow,
    r: ResourceRow,
    package_type: &str,
    settings: &CkanSettings,
) -> Result<Value, String> {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(r.id.clone()));
    m.insert("package_id".into(), Value::String(r.package_id.clone()));
    m.insert("url".into(), text(&r.url));
    m.insert("format".into(), text(&r.format));
    m.insert("description".into(), text(&r.description));
    m.insert("hash".into(), text(&r.hash));
    m.insert(
        "position".into(),
        r.position.map_or(Value::Null, Into::into),
    );
    m.insert("name".into(), text(&r.name));
    m.insert("resource_type".into(), text(&r.resource_type));
    m.insert("mimetype".into(), text(&r.mimetype));
    m.insert("mimetype_inner".into(), text(&r.mimetype_inner));
    m.insert("size".into(), r.size.map_or(Value::Null, Into::into));
    m.insert("created".into(), time(&r.created));
    m.insert("last_modified".into(), time(&r.last_modified));
    m.insert("metadata_modified".into(), time(&r.metadata_modified));
    m.insert("cache_url".into(), text(&r.cache_url));
    m.insert("cache_last_updated".into(), time(&r.cache_last_updated));
    m.insert("url_type".into(), text(&r.url_type));
    m.insert("state".into(), text(&r.state));
    // `extras` (JSON text) is merged over the columns; null, `null` and `{}` add nothing.
    if let Some(json) = r.extras.as_deref() {
        match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(extras)) => m.extend(extras),
            Ok(Value::Null) => {}
            Ok(other) => {
                return Err(format!(
                    "resource {}: extras is not a JSON object: {other}",
                    r.id
                ))
            }
            Err(e) => return Err(format!("resource {}: extras is not JSON: {e}", r.id)),
        }
    }

    // `resource_dictize`: an upload's URL points at CKAN's download route; a URL without
    // a scheme gets `http://`.
    let url = m.get("url").and_then(Value::as_str).map(str::to_owned);
    let is_upload = m.get("url_type").and_then(Value::as_str) == Some("upload");
    if let Some(url) = url {
        if is_upload {
            let file = python::munge_filename(url.rsplit('/').next().unwrap_or_default());
            let resource_package = m
                .get("package_id")
                .and_then(Value::as_str)
                .unwrap_or(&package.id);
            let download = format!(
                "{}/{}/{}/resource/{}/download/{file}",
                settings.site_url.as_deref().unwrap_or_default(),
                python::quote_path(package_type),
                python::quote_path(resource_package),
                python::quote_path(&r.id),
            );
            m.insert("url".into(), Value::String(download));
        } else if !url.is_empty() && !python::has_url_scheme(&url) {
            let fixed = format!("http://{}", url.trim_start_matches('/'));
            m.insert("url".into(), Value::String(fixed));
        }
    }

    // The show schema's resource validators.
    for key in ["url", "format", "hash", "created", "datastore_active"] {
        if m.get(key).is_some_and(Value::is_null) {
            m.shift_remove(key);
        }
    }
    if let Some(Value::String(url)) = m.get_mut("url") {
        let stripped = python::strip(url);
        if stripped.len() != url.len() {
            *url = stripped.to_string();
        }
    }
    if let (Some(formats), Some(Value::String(format))) =
        (&settings.resource_formats, m.get_mut("format"))
    {
        let clean = formats.clean(format).to_string();
        *format = clean;
    }
    Ok(Value::Object(sorted(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package_row() -> PackageRow {
        PackageRow {
            id: "p1".into(),
            name: Some("p-one".into()),
            title: None,
            version: None,
            url: None,
            author: None,
            author_email: None,
            maintainer: None,
            maintainer_email: None,
            notes: None,
            license_id: None,
            type_: None,
            owner_org: None,
            creator_user_id: None,
            metadata_created: None,
            metadata_modified: None,
            private: None,
            state: Some("active".into()),
            extras: None,
            organization: None,
        }
    }

    #[test]
    fn scalar_keys_are_written_in_code_point_order() {
        let mut row = package_row();
        row.license_id = Some("cc-by".into());
        let dict = package(
            &row,
            Children::default(),
            Layout::JsonbExtras,
            &CkanSettings::default(),
        )
        .unwrap();
        let keys: Vec<&String> = dict.as_object().unwrap().keys().collect();
        let scalars = &keys[..keys.len() - 6];
        let mut sorted_keys = scalars.to_vec();
        sorted_keys.sort();
        assert_eq!(scalars, sorted_keys.as_slice());
        assert_eq!(
            keys[keys.len() - 6..],
            [
                "extras",
                "resources",
                "tags",
                "groups",
                "relationships_as_subject",
                "relationships_as_object"
            ]
        );
        assert_eq!(dict["title"], "p-one");
        assert_eq!(dict["type"], "dataset");
        assert_eq!(dict["license_title"], "Creative Commons Attribution");
        assert_eq!(dict["isopen"], true);
    }

    #[test]
    fn extras_of_the_2_11_layout_are_sorted_and_listed_after_tags() {
        let rows = ["b", "a", "B"]
            .iter()
            .map(|k| ExtraRow {
                package_id: "p1".into(),
                key: Some(k.to_string()),
                value: Some("v".into()),
            })
            .collect();
        let children = Children {
            extras: rows,
            ..Children::default()
        };
        let dict = package(
            &package_row(),
            children,
            Layout::ExtraTable,
            &CkanSettings::default(),
        )
        .unwrap();
        let keys: Vec<&str> = dict["extras"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["B", "a", "b"]);
        let order: Vec<&String> = dict.as_object().unwrap().keys().rev().take(6).collect();
        assert_eq!(
            order,
            [
                "relationships_as_object",
                "relationships_as_subject",
                "groups",
                "tags",
                "resources",
                "extras"
            ]
        );
    }

    #[test]
    fn bad_resource_extras_fail_the_dataset() {
        let children = Children {
            resources: vec![ResourceRow {
                package_id: "p1".into(),
                id: "r1".into(),
                url: Some("http://x".into()),
                format: None,
                description: None,
                hash: None,
                position: Some(0),
                name: None,
                resource_type: None,
                mimetype: None,
                mimetype_inner: None,
                size: None,
                created: None,
                last_modified: None,
                metadata_modified: None,
                cache_url: None,
                cache_last_updated: None,
                url_type: None,
                extras: Some("[1]".into()),
                state: Some("active".into()),
            }],
            ..Children::default()
        };
        let err = package(
            &package_row(),
            children,
            Layout::JsonbExtras,
            &CkanSettings::default(),
        )
        .unwrap_err();
        assert_eq!(err, "resource r1: extras is not a JSON object: [1]");
    }
}
