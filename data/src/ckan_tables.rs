//! Package dicts → the rows of CKAN's database tables, as PostgreSQL `COPY` text: the
//! inverse of `package_show`, to load a generated (or dumped) catalogue into a CKAN
//! schema in bulk for tests and benchmarks of ckan-search's PostgreSQL source.
//!
//! ```
//! use ckan_search_data::ckan_tables::{CkanTables, Layout, TableOptions};
//! use ckan_search_data::{packages, GeneratorConfig};
//!
//! let mut tables = CkanTables::new(TableOptions::new(Layout::Ckan212));
//! for pkg in packages(&GeneratorConfig::new(3, 42)) {
//!     tables.add(&pkg).unwrap();
//! }
//! let package = tables.tables().find(|t| t.table == "package").unwrap();
//! assert_eq!(package.rows, 3);
//! ```
//!
//! Tables come out in an order that satisfies CKAN's foreign keys ([`TABLES`]), so each
//! can be loaded with `COPY <table> (<columns>) FROM STDIN` one after the other. Shared rows
//! (organisations, groups, tags, vocabularies, relationships) are written once.
//!
//! What the dict does not say is made up consistently: link rows (`member`,
//! `package_tag`, `package_extra`) get ids `<one id>/<other id>`; a vocabulary's name is
//! looked up in [`TableOptions::vocabulary_names`], else it is its id; a group has no
//! `created`; an organisation also gets its `member` row (capacity `organization`), as
//! CKAN writes one. Fields a dict shows at the top level but a plugin stores as extras
//! ([`TableOptions::extras_fields`], data.gov.uk's by default) are stored as extras, strings
//! as they are and other values as Python's `json.dumps` writes them; other top-level keys
//! that are not CKAN columns (for example data.gov.uk's computed `harvest` list) are not
//! stored. An uploaded resource's URL is stored as CKAN stores it, the file name only.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

/// Which CKAN database layout to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// CKAN 2.12+: extras in the `package.extras` JSONB column.
    Ckan212,
    /// CKAN 2.9–2.11: extras as `package_extra` rows, no `extras` columns.
    Ckan211,
}

/// How dicts become rows.
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// The layout.
    pub layout: Layout,
    /// Top-level fields stored as extras (a plugin's schema fields).
    pub extras_fields: Vec<String>,
    /// Vocabulary id → name; missing ids are named by their id.
    pub vocabulary_names: HashMap<String, String>,
}

impl TableOptions {
    /// `layout`, with data.gov.uk's [`crate::PROMOTED_EXTRAS`] stored as extras.
    pub fn new(layout: Layout) -> Self {
        Self {
            layout,
            extras_fields: crate::PROMOTED_EXTRAS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            vocabulary_names: HashMap::new(),
        }
    }
}

/// A dict that cannot be turned into rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablesError(pub String);

impl std::fmt::Display for TablesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TablesError {}

/// The tables written, in loading order, with their columns. `package` and `group` lose
/// their `extras` column in the 2.11 layout, and `package_extra` is only written there.
pub const TABLES: &[(&str, &str)] = &[
    ("vocabulary", "id, name"),
    (
        "\"group\"",
        "id, name, title, description, created, state, type, approval_status, image_url, is_organization, extras",
    ),
    (
        "package",
        "id, name, title, version, url, notes, author, author_email, maintainer, maintainer_email, state, license_id, type, owner_org, private, metadata_modified, creator_user_id, metadata_created, extras",
    ),
    ("package_extra", "id, package_id, key, value, state"),
    (
        "resource",
        "id, url, format, description, position, hash, state, extras, name, resource_type, mimetype, mimetype_inner, size, last_modified, cache_url, cache_last_updated, created, url_type, package_id, metadata_modified",
    ),
    ("tag", "id, name, vocabulary_id"),
    ("package_tag", "id, state, package_id, tag_id"),
    (
        "member",
        "id, group_id, table_id, state, table_name, capacity",
    ),
    (
        "package_relationship",
        "id, subject_package_id, object_package_id, type, comment, state",
    ),
];

const VOCABULARY: usize = 0;
const GROUP: usize = 1;
const PACKAGE: usize = 2;
const PACKAGE_EXTRA: usize = 3;
const RESOURCE: usize = 4;
const TAG: usize = 5;
const PACKAGE_TAG: usize = 6;
const MEMBER: usize = 7;
const RELATIONSHIP: usize = 8;

/// Resource keys that are `resource` columns; every other key goes to `resource.extras`.
const RESOURCE_COLUMNS: &[&str] = &[
    "id",
    "url",
    "format",
    "description",
    "position",
    "hash",
    "state",
    "name",
    "resource_type",
    "mimetype",
    "mimetype_inner",
    "size",
    "last_modified",
    "cache_url",
    "cache_last_updated",
    "created",
    "url_type",
    "package_id",
    "metadata_modified",
];

/// One table's COPY data.
#[derive(Debug, Clone, Copy)]
pub struct CopyTable<'a> {
    /// Table name, quoted when it must be (`"group"`).
    pub table: &'static str,
    /// Column list for `COPY table (columns) FROM STDIN`.
    pub columns: &'static str,
    /// Rows in COPY text format.
    pub data: &'a [u8],
    /// Number of rows.
    pub rows: usize,
}

/// Accumulates rows of CKAN's tables from package dicts.
#[derive(Debug)]
pub struct CkanTables {
    options: TableOptions,
    data: Vec<Vec<u8>>,
    rows: Vec<usize>,
    seen_groups: HashSet<String>,
    seen_tags: HashSet<String>,
    seen_vocabularies: HashSet<String>,
    seen_relationships: HashSet<String>,
}

/// A COPY row under construction.
struct Row<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Row<'_> {
    fn text(&mut self, value: Option<&str>) -> &mut Self {
        if !self.first {
            self.out.push(b'\t');
        }
        self.first = false;
        match value {
            None => self.out.extend_from_slice(b"\\N"),
            Some(s) => {
                for b in s.bytes() {
                    match b {
                        b'\\' => self.out.extend_from_slice(b"\\\\"),
                        b'\n' => self.out.extend_from_slice(b"\\n"),
                        b'\r' => self.out.extend_from_slice(b"\\r"),
                        b'\t' => self.out.extend_from_slice(b"\\t"),
                        _ => self.out.push(b),
                    }
                }
            }
        }
        self
    }

    /// A JSON value as a column: strings as they are, null as NULL, numbers and booleans
    /// in PostgreSQL's text form.
    fn value(&mut self, value: Option<&Value>) -> &mut Self {
        match value {
            None | Some(Value::Null) => self.text(None),
            Some(Value::String(s)) => self.text(Some(s)),
            Some(Value::Bool(b)) => self.text(Some(if *b { "t" } else { "f" })),
            Some(other) => self.text(Some(&other.to_string())),
        }
    }

    fn end(&mut self) {
        self.out.push(b'\n');
    }
}

fn str_of<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    obj.get(key).and_then(Value::as_str)
}

/// A value as Python's `json.dumps` writes it with its default settings (`", "` and
/// `": "` separators, non-ASCII escaped): how a plugin's converter stores a non-string
/// field in an extra. Strings are not quoted (extras hold them as they are).
pub fn extra_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            python_json(other, &mut out);
            out
        }
    }
}

fn python_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            let _ = write!(out, "\\u{unit:04x}");
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(&Value::String(k.clone()), out);
                out.push_str(": ");
                python_json(v, out);
            }
            out.push('}');
        }
    }
}

impl CkanTables {
    /// Empty tables.
    pub fn new(options: TableOptions) -> Self {
        Self {
            options,
            data: vec![Vec::new(); TABLES.len()],
            rows: vec![0; TABLES.len()],
            seen_groups: HashSet::new(),
            seen_tags: HashSet::new(),
            seen_vocabularies: HashSet::new(),
            seen_relationships: HashSet::new(),
        }
    }

    fn row(&mut self, table: usize) -> Row<'_> {
        self.rows[table] += 1;
        Row {
            out: &mut self.data[table],
            first: true,
        }
    }

    /// The tables in loading order (those the layout does not have are left out).
    pub fn tables(&self) -> impl Iterator<Item = CopyTable<'_>> {
        let layout = self.options.layout;
        TABLES
            .iter()
            .enumerate()
            .filter(move |(i, _)| layout == Layout::Ckan211 || *i != PACKAGE_EXTRA)
            .map(move |(i, &(table, columns))| CopyTable {
                table,
                columns: match (layout, i) {
                    (Layout::Ckan211, GROUP | PACKAGE) => {
                        columns.strip_suffix(", extras").unwrap_or(columns)
                    }
                    _ => columns,
                },
                data: &self.data[i],
                rows: self.rows[i],
            })
    }

    /// Empties the row buffers (keeping what was already written once, so shared rows are
    /// not repeated): write [`CkanTables::tables`] out, then call this, to load a catalogue
    /// of any size in slices.
    pub fn clear(&mut self) {
        for d in &mut self.data {
            d.clear();
        }
        for r in &mut self.rows {
            *r = 0;
        }
    }

    /// Adds one package dict's rows.
    pub fn add(&mut self, pkg: &Value) -> Result<(), TablesError> {
        let obj = pkg
            .as_object()
            .ok_or_else(|| TablesError("a package dict is not a JSON object".into()))?;
        let id = str_of(obj, "id")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| TablesError("a package dict has no id".into()))?;
        if str_of(obj, "name").is_none() {
            return Err(TablesError(format!("dataset {id}: no name")));
        }
        if let Some(Value::Object(org)) = obj.get("organization") {
            self.organization(id, org);
        }
        self.package(id, obj);
        if let Some(Value::Array(resources)) = obj.get("resources") {
            for (position, r) in resources.iter().enumerate() {
                let r = r.as_object().ok_or_else(|| {
                    TablesError(format!("dataset {id}: a resource is not an object"))
                })?;
                self.resource(id, position, r)?;
            }
        }
        if let Some(Value::Array(tags)) = obj.get("tags") {
            for tag in tags.iter().filter_map(Value::as_object) {
                self.tag(id, tag);
            }
        }
        if let Some(Value::Array(groups)) = obj.get("groups") {
            for group in groups.iter().filter_map(Value::as_object) {
                self.group(id, group);
            }
        }
        for key in ["relationships_as_subject", "relationships_as_object"] {
            if let Some(Value::Array(rels)) = obj.get(key) {
                for rel in rels.iter().filter_map(Value::as_object) {
                    self.relationship(id, key == "relationships_as_subject", rel);
                }
            }
        }
        Ok(())
    }

    /// The dataset's extras, with the top-level fields stored as extras, in dict order.
    fn extras(&self, obj: &Map<String, Value>) -> Vec<(String, String)> {
        let mut extras = Vec::new();
        if let Some(Value::Array(items)) = obj.get("extras") {
            for item in items.iter().filter_map(Value::as_object) {
                if let Some(key) = str_of(item, "key") {
                    let value = item.get("value").map_or(String::new(), extra_value);
                    extras.push((key.to_string(), value));
                }
            }
        }
        for key in &self.options.extras_fields {
            if let Some(value) = obj.get(key) {
                extras.push((key.clone(), extra_value(value)));
            }
        }
        extras
    }

    fn package(&mut self, id: &str, obj: &Map<String, Value>) {
        let extras = self.extras(obj);
        let layout = self.options.layout;
        let mut row = self.row(PACKAGE);
        row.text(Some(id));
        for key in [
            "name",
            "title",
            "version",
            "url",
            "notes",
            "author",
            "author_email",
            "maintainer",
            "maintainer_email",
            "state",
            "license_id",
            "type",
            "owner_org",
            "private",
            "metadata_modified",
            "creator_user_id",
            "metadata_created",
        ] {
            row.value(obj.get(key));
        }
        if layout == Layout::Ckan212 {
            let map: Map<String, Value> = extras
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            row.text(Some(&Value::Object(map).to_string()));
        }
        row.end();
        if layout == Layout::Ckan211 {
            for (i, (key, value)) in extras.iter().enumerate() {
                let extra_id = format!("{id}/{i}");
                self.row(PACKAGE_EXTRA)
                    .text(Some(&extra_id))
                    .text(Some(id))
                    .text(Some(key))
                    .text(Some(value))
                    .text(Some("active"))
                    .end();
            }
        }
    }

    fn group_row(&mut self, group: &Map<String, Value>, is_organization: bool) {
        let Some(group_id) = str_of(group, "id") else {
            return;
        };
        if !self.seen_groups.insert(group_id.to_string()) {
            return;
        }
        // A dataset's group only shows `image_display_url`: a relative image is shown
        // under the site's `/uploads/group/`.
        let image = if is_organization {
            group.get("image_url").cloned()
        } else {
            group.get("image_display_url").map(|v| match v.as_str() {
                Some(url) => Value::String(
                    url.split_once("/uploads/group/")
                        .map_or(url, |(_, file)| file)
                        .into(),
                ),
                None => v.clone(),
            })
        };
        let layout = self.options.layout;
        let default_type = if is_organization {
            "organization"
        } else {
            "group"
        };
        let mut row = self.row(GROUP);
        row.text(Some(group_id))
            .value(group.get("name"))
            .value(group.get("title"))
            .value(group.get("description"))
            .value(group.get("created"))
            .text(Some(str_of(group, "state").unwrap_or("active")))
            .text(Some(str_of(group, "type").unwrap_or(default_type)))
            .text(Some(str_of(group, "approval_status").unwrap_or("approved")))
            .value(image.as_ref())
            .text(Some(if is_organization { "t" } else { "f" }));
        if layout == Layout::Ckan212 {
            row.text(None);
        }
        row.end();
    }

    fn organization(&mut self, package_id: &str, org: &Map<String, Value>) {
        self.group_row(org, true);
        if let Some(org_id) = str_of(org, "id") {
            let member_id = format!("{org_id}/{package_id}");
            self.row(MEMBER)
                .text(Some(&member_id))
                .text(Some(org_id))
                .text(Some(package_id))
                .text(Some("active"))
                .text(Some("package"))
                .text(Some("organization"))
                .end();
        }
    }

    fn group(&mut self, package_id: &str, group: &Map<String, Value>) {
        self.group_row(group, false);
        if let Some(group_id) = str_of(group, "id") {
            let member_id = format!("{group_id}/{package_id}");
            self.row(MEMBER)
                .text(Some(&member_id))
                .text(Some(group_id))
                .text(Some(package_id))
                .text(Some("active"))
                .text(Some("package"))
                .text(Some("public"))
                .end();
        }
    }

    fn tag(&mut self, package_id: &str, tag: &Map<String, Value>) {
        let Some(tag_id) = str_of(tag, "id") else {
            return;
        };
        let vocabulary = str_of(tag, "vocabulary_id");
        if let Some(vocabulary) = vocabulary {
            if self.seen_vocabularies.insert(vocabulary.to_string()) {
                let name = self
                    .options
                    .vocabulary_names
                    .get(vocabulary)
                    .cloned()
                    .unwrap_or_else(|| vocabulary.to_string());
                self.row(VOCABULARY)
                    .text(Some(vocabulary))
                    .text(Some(&name))
                    .end();
            }
        }
        if self.seen_tags.insert(tag_id.to_string()) {
            self.row(TAG)
                .text(Some(tag_id))
                .value(tag.get("name"))
                .text(vocabulary)
                .end();
        }
        let link_id = format!("{package_id}/{tag_id}");
        self.row(PACKAGE_TAG)
            .text(Some(&link_id))
            .text(Some(str_of(tag, "state").unwrap_or("active")))
            .text(Some(package_id))
            .text(Some(tag_id))
            .end();
    }

    fn resource(
        &mut self,
        package_id: &str,
        position: usize,
        r: &Map<String, Value>,
    ) -> Result<(), TablesError> {
        let resource_id = str_of(r, "id")
            .ok_or_else(|| TablesError(format!("dataset {package_id}: a resource has no id")))?;
        let extras: Map<String, Value> = r
            .iter()
            .filter(|(k, _)| !RESOURCE_COLUMNS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let url = str_of(r, "url").unwrap_or_default();
        let stored_url = if str_of(r, "url_type") == Some("upload") {
            url.rsplit('/').next().unwrap_or(url)
        } else {
            url
        };
        let position = r
            .get("position")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64)
            .to_string();
        let extras = (!extras.is_empty()).then(|| Value::Object(extras).to_string());
        let mut row = self.row(RESOURCE);
        row.text(Some(resource_id))
            .text(Some(stored_url))
            .value(r.get("format"))
            .value(r.get("description"))
            .text(Some(&position))
            .value(r.get("hash"))
            .text(Some(str_of(r, "state").unwrap_or("active")))
            .text(extras.as_deref())
            .value(r.get("name"))
            .value(r.get("resource_type"))
            .value(r.get("mimetype"))
            .value(r.get("mimetype_inner"))
            .value(r.get("size"))
            .value(r.get("last_modified"))
            .value(r.get("cache_url"))
            .value(r.get("cache_last_updated"))
            .value(r.get("created"))
            .value(r.get("url_type"))
            .text(Some(package_id))
            .value(r.get("metadata_modified"))
            .end();
        Ok(())
    }

    fn relationship(&mut self, package_id: &str, as_subject: bool, rel: &Map<String, Value>) {
        // package_show's forms: ids under `__extras` (2.12), `*_package_id` (unvalidated),
        // or `subject`/`object`.
        let inner = rel.get("__extras").and_then(Value::as_object);
        let end = |key: &str, short: &str| {
            inner
                .and_then(|m| str_of(m, key))
                .or_else(|| str_of(rel, key))
                .or_else(|| str_of(rel, short))
                .map(str::to_owned)
        };
        let (subject, object) = match (
            end("subject_package_id", "subject"),
            end("object_package_id", "object"),
        ) {
            (s, o) if as_subject => (s.or(Some(package_id.into())), o),
            (s, o) => (s, o.or(Some(package_id.into()))),
        };
        let kind = str_of(rel, "type").unwrap_or_default();
        let rel_id = str_of(rel, "id").map_or_else(
            || {
                format!(
                    "{}/{kind}/{}",
                    subject.as_deref().unwrap_or_default(),
                    object.as_deref().unwrap_or_default()
                )
            },
            str::to_owned,
        );
        if !self.seen_relationships.insert(rel_id.clone()) {
            return;
        }
        self.row(RELATIONSHIP)
            .text(Some(&rel_id))
            .text(subject.as_deref())
            .text(object.as_deref())
            .text(Some(kind))
            .value(rel.get("comment"))
            .text(Some("active"))
            .end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(tables: &CkanTables, name: &str) -> (String, usize) {
        let t = tables.tables().find(|t| t.table == name).unwrap();
        (String::from_utf8(t.data.to_vec()).unwrap(), t.rows)
    }

    #[test]
    fn copy_text_escapes_and_nulls() {
        let mut tables = CkanTables::new(TableOptions::new(Layout::Ckan212));
        let pkg = json!({
            "id": "p1", "name": "n", "title": "a\tb\\c\nd", "private": true, "notes": null,
            "extras": [{"key": "k", "value": "v"}], "theme-secondary": ["Crime", "É"],
            "core-dataset": false, "harvest": [{"key": "x", "value": "y"}]
        });
        tables.add(&pkg).unwrap();
        let (package, rows) = table(&tables, "package");
        assert_eq!(rows, 1);
        let fields: Vec<&str> = package.trim_end_matches('\n').split('\t').collect();
        assert_eq!(fields.len(), 19);
        assert_eq!(fields[..4], ["p1", "n", "a\\tb\\\\c\\nd", "\\N"]);
        assert_eq!(fields[14], "t");
        // JSON text inside COPY text: the backslashes of JSON escapes are doubled.
        assert_eq!(
            fields[18],
            r#"{"k":"v","theme-secondary":"[\\"Crime\\", \\"\\\\u00c9\\"]","core-dataset":"false"}"#
        );
    }

    #[test]
    fn python_json_dumps() {
        assert_eq!(
            extra_value(&json!({"a": [1, true, null], "b": "é😀"})),
            r#"{"a": [1, true, null], "b": "\u00e9\ud83d\ude00"}"#
        );
        assert_eq!(extra_value(&json!("plain")), "plain");
    }

    #[test]
    fn shared_rows_are_written_once_and_links_always() {
        let mut tables = CkanTables::new(TableOptions::new(Layout::Ckan211));
        for id in ["p1", "p2"] {
            let pkg = json!({
                "id": id, "name": id, "extras": [{"key": "k", "value": "v"}],
                "organization": {"id": "o1", "name": "org"},
                "groups": [{"id": "g1", "name": "grp", "image_display_url": "https://site/uploads/group/g.png"}],
                "tags": [{"id": "t1", "name": "tag", "vocabulary_id": "v1", "state": "active"}],
                "resources": [{"id": format!("r-{id}"), "url": "https://site/dataset/x/resource/y/download/f.csv", "url_type": "upload", "datafile-date": "2020"}],
                "relationships_as_subject": [{"id": "rel", "type": "child_of", "__extras": {"subject_package_id": "p1", "object_package_id": "p2"}}],
                "relationships_as_object": [{"id": "rel", "type": "child_of", "__extras": {"subject_package_id": "p1", "object_package_id": "p2"}}]
            });
            tables.add(&pkg).unwrap();
        }
        let rows = |name: &str| table(&tables, name).1;
        assert_eq!(rows("\"group\""), 2);
        assert_eq!(rows("member"), 4);
        assert_eq!(rows("vocabulary"), 1);
        assert_eq!(rows("tag"), 1);
        assert_eq!(rows("package_tag"), 2);
        assert_eq!(rows("package_extra"), 2);
        assert_eq!(rows("package_relationship"), 1);
        let (groups, _) = table(&tables, "\"group\"");
        assert!(groups.contains("\tg.png\tf\n"), "{groups}");
        let (resources, _) = table(&tables, "resource");
        assert!(resources.starts_with("r-p1\tf.csv\t"), "{resources}");
        assert!(
            resources.contains("{\"datafile-date\":\"2020\"}"),
            "{resources}"
        );
        let columns: Vec<&str> = tables.tables().map(|t| t.columns).collect();
        assert!(columns[1].ends_with("is_organization"));
        tables.clear();
        assert_eq!(table(&tables, "member"), (String::new(), 0));
    }
}
