//! CKAN package dict → Solr document, as CKAN's `index_package` builds it.
//!
//! The input is what `package_show` returns (and what `ckanapi dump datasets` writes, one
//! JSON object a line); the output is the document CKAN 2.12 (`ckan/lib/search/index.py`,
//! `PackageSearchIndex.index_package`) sends to Solr's `/update` through pysolr 3.11, with
//! no `IPackageController.before_dataset_index` plugin installed. Field order follows CKAN's:
//! the package keys in dict order, then the keys CKAN adds, in the order it adds them
//! (a key CKAN assigns that already exists keeps its place, as in a Python dict).
//!
//! The steps, in CKAN's order:
//!
//! 1. `with_custom_schema` (the IDatasetForm plugin's validated dict, which CKAN attaches)
//!    is popped; `data_dict` = `json.dumps` of the rest, `validated_data_dict` = `json.dumps`
//!    of the custom-schema dict, or of the same dict when there is none (our sources give the
//!    validated show dict). `title_string` = `title` when truthy.
//! 2. With `remove_deleted_packages`, a package whose `state` is missing, `null` or
//!    `"deleted"` is not indexed: [`PackageAction::Delete`].
//! 3. Extras: `extras_<key>` always, bare `<key>` unless reserved (see [`RESERVED_FIELDS`]
//!    and the dict's own keys); keys keep only `[A-Za-z0-9_-]`; list values are joined
//!    with single spaces (each item as Python's `str()` renders it).
//! 4. Tags: vocabulary tags → `vocab_<vocabulary name>`; the rest → `tags` (always present).
//! 5. `capacity` (`private`/`public`), `groups` (names), `organization` (name or null).
//! 6. Resources flattened into `res_name`, `res_description`, `res_format`, `res_url`,
//!    `res_type` and `res_extras_<f>` for `ckan.extra_resource_fields`, one entry per
//!    resource (`""` when the resource lacks the key, `null` when its value is null).
//! 7. Relationships: `relationships_as_object` add the subject under the reverse type,
//!    `relationships_as_subject` add the object under the type (`depends_on`, `child_of`…).
//! 8. `entity_type` = `package`, `dataset_type` = `type`.
//! 9. Every key ending in `_date` (including `extras_*_date`): dropped when falsy; parsed
//!    with the dateutil-compatible parser ([`super::dateutil`]) and written as
//!    `isoformat()` (+`Z` when naive); dropped when unparseable.
//! 10. XML-illegal characters removed from `title`, `notes`, `title_string`.
//! 11. `metadata_created`/`metadata_modified` → `isoformat()` of the UTC value + `Z`.
//! 12. `site_id`, `title` left-stripped, `index_id` = [`index_id`], `permission_labels`.
//! 13. Top-level `null` and `""` values are dropped (pysolr ≥ 3.10 does this); nulls inside
//!     lists stay.
//!
//! Where CKAN would raise on malformed input (and so fail to index the dataset), this
//! module makes a documented, lenient choice instead and never panics:
//!
//! * Not an object, or `id` missing / not a non-empty string → [`DocumentError::InvalidPackage`].
//! * `extras`, `tags`, `groups`, `resources`, `relationships_as_*` that are not lists
//!   (e.g. `null`) count as empty lists; list items of the wrong shape are skipped (a tag
//!   or group given as a plain string is taken as its name).
//! * An extra without a string `key` is skipped; a missing `value` counts as `null`. A
//!   JSON-object value is stored as its `json.dumps` text (CKAN would send the object and
//!   Solr would reject it); numbers, booleans and null are kept as they are.
//! * An extra whose cleaned key is empty sets only `extras_` (no field named `""`).
//! * A vocabulary id missing from [`PackageOptions::vocabularies`] is used as the name.
//! * `private` is read as CKAN's `boolean_validator` reads strings (`true/yes/t/y/1`), so
//!   `capacity` and `permission_labels` agree.
//! * `organization` given as a string is kept as the name.
//! * An existing non-list value under a `res_*`/`vocab_*` key CKAN appends to is replaced.
//! * Relationships name the other package by `subject`/`object` when the dict has them
//!   (`package_relationship_show` form) and by `*_package_id` otherwise (`package_show`
//!   form; CKAN looks the name up in its database, which we don't have). Unknown
//!   relationship types in `relationships_as_object` are skipped.
//! * A `*_date` value that is not a string (number, list…) is dropped like an unparseable
//!   one.
//! * `metadata_created`/`metadata_modified`: an aware value is converted to UTC (CKAN
//!   would append `Z` after the offset, producing a value Solr rejects); an unparseable or
//!   non-string value → [`DocumentError::InvalidValue`], as Solr would reject the document;
//!   missing or `null` → left out.
//! * `index_id`: characters outside Latin-1 (where CKAN raises) are hashed as UTF-8.
//! * Missing `private` counts as false, missing `type` gives no `dataset_type`; a private
//!   dataset without `owner_org` and `creator_user_id` gets `creator-None`, as CKAN's
//!   `'%s'` formatting writes it. Non-string `title`/`notes` are left as they are.
//! * `relationships_as_object` accepts a reverse type too (mapped back to its forward
//!   type); CKAN stores only forward types.
//! * A date with parts missing takes them from dateutil's default, today at midnight:
//!   `"2020"` becomes today's month and day in 2020, as in CKAN. [`package_to_solr_at`]
//!   fixes that day for reproducible output.
//! * Top-level JSON objects from custom schemas (e.g. data.gov.uk's `odi-certificate`), and
//!   objects inside top-level lists (ckanext-datagovuk's `harvest`), become Python repr
//!   strings (`{'key': 'guid', 'value': 'x'}`), which is what data.gov.uk's index stores.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use md5::{Digest, Md5};
use serde_json::{Map, Value};

use super::dateutil;
use super::{DocumentError, SolrDocument};

/// CKAN configuration that shapes the document (`ckan.site_id`, `ckan.extra_resource_fields`,
/// `ckan.search.remove_deleted_packages`, vocabulary id→name lookup for `vocab_` tags,
/// collaborators flag).
#[derive(Clone, Debug)]
pub struct PackageOptions {
    /// `ckan.site_id` (default `default`).
    pub site_id: String,
    /// `ckan.extra_resource_fields`: resource keys indexed as `res_extras_<key>`.
    pub extra_resource_fields: Vec<String>,
    /// `ckan.search.remove_deleted_packages` (default true): deleted / state-less packages
    /// are removed from the index instead of indexed.
    pub remove_deleted_packages: bool,
    /// Vocabulary id → vocabulary name (`vocabulary_show`), for `vocab_<name>` fields.
    pub vocabularies: HashMap<String, String>,
    /// `ckan.auth.allow_dataset_collaborators`: non-public datasets also get the
    /// `collaborator-<dataset id>` permission label.
    pub collaborators: bool,
    /// Dataset fields an IDatasetForm plugin keeps as extras in the database but shows at
    /// the top level (data.gov.uk's `theme-primary`, `contact-email`, …). CKAN indexes
    /// the default-schema dict, where they are still extras, so a `package_show` dict
    /// (what `ckanapi dump` writes) has them moved back before mapping; the dict as given
    /// becomes `validated_data_dict`. Ignored when the dict carries `with_custom_schema`.
    pub extras_fields: Vec<String>,
}

/// data.gov.uk's (ckanext-datagovuk) fields stored as extras but shown at the top level.
pub const DATAGOVUK_EXTRAS_FIELDS: &[&str] = &[
    "theme-primary",
    "theme-secondary",
    "licence-custom",
    "schema-vocabulary",
    "codelist",
    "contact-name",
    "contact-email",
    "contact-phone",
    "foi-name",
    "foi-email",
    "foi-web",
    "foi-phone",
    "core-dataset",
    "date_released",
    "date_update_future",
    "date_updated",
    "geographic_coverage",
    "geographic_granularity",
    "precision",
    "temporal_coverage-from",
    "temporal_coverage-to",
    "temporal_granularity",
    "unpublished",
    "update_frequency",
    "odi-certificate",
];

impl Default for PackageOptions {
    fn default() -> Self {
        Self {
            site_id: "default".to_string(),
            extra_resource_fields: Vec::new(),
            remove_deleted_packages: true,
            vocabularies: HashMap::new(),
            collaborators: false,
            extras_fields: DATAGOVUK_EXTRAS_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// Rebuilds the default-schema dict CKAN indexes from a `package_show` (custom-schema)
/// dict: the plugin's top-level fields go back into `extras` (strings as they are, other
/// values JSON-encoded as the plugin's converter stores them), and the original is
/// attached as `with_custom_schema`. Returns `None` when there is nothing to move.
fn default_schema_dict(obj: &Map<String, Value>, fields: &[String]) -> Option<Map<String, Value>> {
    if obj.contains_key("with_custom_schema") || !fields.iter().any(|f| obj.contains_key(f)) {
        return None;
    }
    let mut d = obj.clone();
    let mut extras = match d.get("extras") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    for key in fields {
        if let Some(v) = d.shift_remove(key) {
            let value = match v {
                Value::String(s) => s,
                other => python_json_dumps(&other),
            };
            let mut extra = Map::new();
            extra.insert("key".into(), Value::String(key.clone()));
            extra.insert("value".into(), Value::String(value));
            extras.push(Value::Object(extra));
        }
    }
    d.insert("extras".into(), Value::Array(extras));
    d.insert("with_custom_schema".into(), Value::Object(obj.clone()));
    Some(d)
}

/// What indexing a package dict means.
#[derive(Debug, Clone, PartialEq)]
pub enum PackageAction {
    /// Add (or replace, by `index_id`) this document.
    Index(SolrDocument),
    /// Remove the dataset from the index: its `state` is missing, `null` or `deleted` and
    /// `remove_deleted_packages` is on.
    Delete {
        /// The dataset's id.
        id: String,
    },
}

/// `SOLR_FIELDS` of `ckan/lib/search/index.py`.
pub const SOLR_FIELDS: &[&str] = &[
    "entity_type",
    "res_url",
    "text",
    "urls",
    "indexed_ts",
    "site_id",
];

/// `RESERVED_FIELDS` of `ckan/lib/search/index.py`: an extra with one of these keys (or
/// with a key the package dict already has) is indexed only as `extras_<key>`.
pub const RESERVED_FIELDS: &[&str] = &[
    "entity_type",
    "res_url",
    "text",
    "urls",
    "indexed_ts",
    "site_id",
    "tags",
    "groups",
    "res_name",
    "res_description",
    "res_format",
    "res_url",
    "res_type",
];

/// Relationship types as (forward, reverse), `PackageRelationship.types`.
const RELATIONSHIP_TYPES: &[(&str, &str)] = &[
    ("depends_on", "dependency_of"),
    ("derives_from", "has_derivation"),
    ("links_to", "linked_from"),
    ("child_of", "parent_of"),
];

/// Maps a package dict to what CKAN's `index_package` would do with it. Missing date parts
/// in `*_date` values are filled from today at midnight, as dateutil does.
pub fn package_to_solr(pkg: &Value, opts: &PackageOptions) -> Result<PackageAction, DocumentError> {
    map_package(pkg, opts, &mut DateDefault(None))
}

/// [`package_to_solr`] with an explicit `date_default` for the components a `*_date` value
/// leaves out (dateutil's `default`; CKAN uses today at midnight), for reproducible output.
pub fn package_to_solr_at(
    pkg: &Value,
    opts: &PackageOptions,
    date_default: NaiveDateTime,
) -> Result<PackageAction, DocumentError> {
    map_package(pkg, opts, &mut DateDefault(Some(date_default)))
}

/// dateutil's `default`, looked up (today at midnight) only when a date needs it.
struct DateDefault(Option<NaiveDateTime>);

impl DateDefault {
    fn get(&mut self) -> NaiveDateTime {
        *self.0.get_or_insert_with(dateutil::default_now)
    }
}

fn map_package(
    pkg: &Value,
    opts: &PackageOptions,
    date_default: &mut DateDefault,
) -> Result<PackageAction, DocumentError> {
    let obj = pkg
        .as_object()
        .ok_or_else(|| DocumentError::InvalidPackage {
            dataset: "(not an object)".to_string(),
            reason: format!(
                "a package dict must be a JSON object, not {}",
                json_type(pkg)
            ),
        })?;
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        other => {
            let dataset = match obj.get("name") {
                Some(Value::String(n)) if !n.is_empty() => n.clone(),
                _ => "(no id or name)".to_string(),
            };
            let reason = match other {
                None | Some(Value::Null) => "the package dict has no id".to_string(),
                Some(v) => format!(
                    "id must be a non-empty string, not {}",
                    python_json_dumps(v)
                ),
            };
            return Err(DocumentError::InvalidPackage { dataset, reason });
        }
    };

    // Step 2 of CKAN comes before the (costly) serialisation here; nothing observable moves.
    if opts.remove_deleted_packages {
        match obj.get("state") {
            None | Some(Value::Null) => return Ok(PackageAction::Delete { id }),
            Some(Value::String(s)) if s == "deleted" => return Ok(PackageAction::Delete { id }),
            _ => {}
        }
    }

    let mut d: Map<String, Value> =
        default_schema_dict(obj, &opts.extras_fields).unwrap_or_else(|| obj.clone());
    let custom = d.shift_remove("with_custom_schema");

    // The DB-side facts CKAN's permission labels read (the package object, not the dict).
    let labels = permission_labels(&d, &id, opts);

    // data_dict first (master and 2.9 order), then validated_data_dict.
    let data_dict = python_json_dumps_map(&d);
    let validated = match &custom {
        Some(v) => python_json_dumps(v),
        None => data_dict.clone(),
    };
    d.insert("data_dict".to_string(), Value::String(data_dict));
    d.insert("validated_data_dict".to_string(), Value::String(validated));

    if let Some(title) = d.get("title").filter(|t| truthy(t)).cloned() {
        d.insert("title_string".to_string(), title);
    }

    add_extras(&mut d, &id);
    add_tags(&mut d, opts);

    let groups = d.shift_remove("groups");
    let private = d.get("private").is_some_and(as_bool);
    d.insert(
        "capacity".to_string(),
        Value::String(if private { "private" } else { "public" }.to_string()),
    );
    let group_names: Vec<Value> = list_items(groups.as_ref())
        .filter_map(|g| match g {
            Value::Object(o) => o.get("name").filter(|n| is_scalar(n)).cloned(),
            Value::String(_) => Some(g.clone()),
            _ => None,
        })
        .collect();
    d.insert("groups".to_string(), Value::Array(group_names));

    let organization = match d.get("organization") {
        Some(v) if truthy(v) => match v {
            Value::Object(o) => o
                .get("name")
                .filter(|n| is_scalar(n))
                .cloned()
                .unwrap_or(Value::Null),
            Value::String(_) => v.clone(),
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    d.insert("organization".to_string(), organization);

    add_resources(&mut d, opts);
    add_relationships(&mut d, &id);

    d.insert(
        "entity_type".to_string(),
        Value::String("package".to_string()),
    );
    let dataset_type = d.get("type").cloned().unwrap_or(Value::Null);
    d.insert("dataset_type".to_string(), dataset_type);

    let mut d = clean_dates(d, &id, date_default);

    for key in ["title", "notes", "title_string"] {
        if let Some(Value::String(s)) = d.get_mut(key) {
            if s.chars().any(is_xml_illegal) {
                *s = escape_xml_illegal_chars(s);
            }
        }
    }

    for key in ["metadata_created", "metadata_modified"] {
        normalise_metadata_date(&mut d, key, &id, date_default)?;
    }

    d.insert("site_id".to_string(), Value::String(opts.site_id.clone()));
    if let Some(Value::String(title)) = d.get_mut("title") {
        let stripped = title.trim_start_matches(is_python_space);
        if stripped.len() != title.len() {
            *title = stripped.to_string();
        }
    }
    d.insert(
        "index_id".to_string(),
        Value::String(index_id(&id, &opts.site_id)),
    );
    d.insert(
        "permission_labels".to_string(),
        Value::Array(labels.into_iter().map(Value::String).collect()),
    );

    // pysolr ≥ 3.10 drops top-level None and "" values.
    d.retain(|_, v| !(v.is_null() || v.as_str() == Some("")));
    // A JSON object is no Solr value. What data.gov.uk's index holds for them (its
    // `harvest` list of {key, value}, read back by the pycsw loader) is Python's repr
    // of each dict, as pysolr writes a dict; do the same for every nested object.
    for value in d.values_mut() {
        match value {
            Value::Object(_) => *value = Value::String(python_repr(value)),
            Value::Array(items) => {
                for item in items.iter_mut().filter(|i| i.is_object() || i.is_array()) {
                    *item = Value::String(python_repr(item));
                }
            }
            _ => {}
        }
    }
    Ok(PackageAction::Index(SolrDocument(d)))
}

/// CKAN's uniqueKey: `md5((id + site_id).encode('latin-1')).hexdigest()`. Characters outside
/// Latin-1 (on which CKAN raises) are hashed as their UTF-8 bytes.
pub fn index_id(id: &str, site_id: &str) -> String {
    let mut bytes = Vec::with_capacity(id.len() + site_id.len());
    for c in id.chars().chain(site_id.chars()) {
        let cp = c as u32;
        if cp <= 0xFF {
            bytes.push(cp as u8);
        } else {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    let digest = Md5::digest(&bytes);
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Python's `json.dumps(obj)` with default settings — `", "` and `": "` separators,
/// `ensure_ascii=True` (`\uXXXX` with lower-case hex, surrogate pairs above U+FFFF, DEL
/// escaped too), floats as Python's `repr` (`1.0`, `1e+16`, `1e-05`) — which is how CKAN
/// writes `data_dict` / `validated_data_dict`. (Integers beyond 64 bits, which serde_json
/// reads as floats, come out as floats.)
pub fn python_json_dumps(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn python_json_dumps_map(m: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_json_object(&mut out, m);
    out
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if n.is_f64() {
                let f = n.as_f64().unwrap_or(0.0);
                if f.is_nan() {
                    out.push_str("NaN");
                } else if f.is_infinite() {
                    out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
                } else {
                    out.push_str(&python_float_repr(f));
                }
            } else {
                out.push_str(&n.to_string());
            }
        }
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => write_json_object(out, m),
    }
}

fn write_json_object(out: &mut String, m: &Map<String, Value>) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_json_string(out, k);
        out.push_str(": ");
        write_json(out, v);
    }
    out.push('}');
}

fn write_json_string(out: &mut String, s: &str) {
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
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)` (shortest round-trip digits; scientific notation when the decimal
/// exponent is below -4 or 16 and above).
fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python's repr.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let ndigits = digits.len() as i32;
    let decpt = exp + 1; // value = 0.DIGITS × 10^decpt
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if ndigits > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..(-decpt) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if decpt >= ndigits {
        out.push_str(&digits);
        for _ in 0..(decpt - ndigits) {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    }
    out
}

/// Python's `str(value)` for a JSON value (`None`, `True`, `1.0`, `['a', 1]`, `{'k': 'v'}`),
/// used where CKAN joins list-valued extras with `" ".join(map(str, value))`.
fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ => python_repr(v),
    }
}

/// Python's `repr()` of a JSON value (containers as Python literals).
pub fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => {
            if n.is_f64() {
                python_float_repr(n.as_f64().unwrap_or(0.0))
            } else {
                n.to_string()
            }
        }
        Value::String(s) => python_str_repr(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`; escapes for
/// backslash, the quote, `\t \n \r`, and non-printable characters (approximated: control
/// characters, non-space separators, common format characters, private use).
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let cp = c as u32;
                if cp <= 0xFF {
                    out.push_str(&format!("\\x{cp:02x}"));
                } else if cp <= 0xFFFF {
                    out.push_str(&format!("\\u{cp:04x}"));
                } else {
                    out.push_str(&format!("\\U{cp:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn python_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let cp = c as u32;
    !(c.is_control()
        || c.is_whitespace()
        || matches!(cp, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
            | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
            | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xE0000..=0xE007F))
}

/// Python's `bool(value)` for a JSON value read as a Python object.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A boolean as CKAN's `boolean_validator` reads it.
fn as_bool(v: &Value) -> bool {
    match v {
        Value::String(s) => matches!(
            s.trim().to_lowercase().as_str(),
            "true" | "yes" | "t" | "y" | "1"
        ),
        other => truthy(other),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The items of a value CKAN iterates as a list (anything else counts as empty).
fn list_items(v: Option<&Value>) -> std::slice::Iter<'_, Value> {
    match v {
        Some(Value::Array(items)) => items.iter(),
        _ => {
            let empty: &'static [Value] = &[];
            empty.iter()
        }
    }
}

/// `d[key] = d.get(key, []) + [value]`, replacing a non-list value.
fn push_to_list(d: &mut Map<String, Value>, key: &str, value: Value) {
    match d.get_mut(key) {
        Some(Value::Array(items)) => items.push(value),
        Some(other) => *other = Value::Array(vec![value]),
        None => {
            d.insert(key.to_string(), Value::Array(vec![value]));
        }
    }
}

fn add_extras(d: &mut Map<String, Value>, id: &str) {
    let mut index_fields: HashSet<String> = RESERVED_FIELDS.iter().map(|s| s.to_string()).collect();
    index_fields.extend(d.keys().cloned());
    let extras = d.shift_remove("extras");
    for extra in list_items(extras.as_ref()) {
        let Value::Object(extra) = extra else {
            tracing::warn!(dataset = id, "extras item is not an object; skipped");
            continue;
        };
        let Some(Value::String(raw_key)) = extra.get("key") else {
            tracing::warn!(dataset = id, "extra without a string key; skipped");
            continue;
        };
        let value = match extra.get("value") {
            Some(Value::Array(items)) => {
                let parts: Vec<String> = items.iter().map(python_str).collect();
                Value::String(parts.join(" "))
            }
            Some(v @ Value::Object(_)) => Value::String(python_json_dumps(v)),
            Some(v) => v.clone(),
            None => Value::Null,
        };
        let key: String = raw_key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        d.insert(format!("extras_{key}"), value.clone());
        if !key.is_empty() && !index_fields.contains(&key) {
            d.insert(key, value);
        }
    }
}

fn add_tags(d: &mut Map<String, Value>, opts: &PackageOptions) {
    let tags = d.shift_remove("tags");
    let mut names = Vec::new();
    for tag in list_items(tags.as_ref()) {
        match tag {
            Value::Object(t) => {
                let Some(name) = t.get("name").filter(|n| is_scalar(n)).cloned() else {
                    continue;
                };
                match t.get("vocabulary_id") {
                    Some(vocab) if truthy(vocab) => {
                        let vocab_id = python_str(vocab);
                        let vocab_name = opts
                            .vocabularies
                            .get(&vocab_id)
                            .cloned()
                            .unwrap_or(vocab_id);
                        push_to_list(d, &format!("vocab_{vocab_name}"), name);
                    }
                    _ => names.push(name),
                }
            }
            Value::String(_) => names.push(tag.clone()),
            _ => {}
        }
    }
    d.insert("tags".to_string(), Value::Array(names));
}

fn add_resources(d: &mut Map<String, Value>, opts: &PackageOptions) {
    let resources = d.shift_remove("resources");
    let mut fields: Vec<(&str, String)> = vec![
        ("name", "res_name".to_string()),
        ("description", "res_description".to_string()),
        ("format", "res_format".to_string()),
        ("url", "res_url".to_string()),
        ("resource_type", "res_type".to_string()),
    ];
    for f in &opts.extra_resource_fields {
        fields.push((f.as_str(), format!("res_extras_{f}")));
    }
    for resource in list_items(resources.as_ref()) {
        let Value::Object(resource) = resource else {
            continue;
        };
        for (okey, nkey) in &fields {
            let value = resource
                .get(*okey)
                .cloned()
                .unwrap_or_else(|| Value::String(String::new()));
            push_to_list(d, nkey, value);
        }
    }
}

fn add_relationships(d: &mut Map<String, Value>, id: &str) {
    let subjects = d.shift_remove("relationships_as_subject");
    let objects = d.shift_remove("relationships_as_object");
    let mut rel: Vec<(String, Vec<Value>)> = Vec::new();
    let mut add = |rel_type: String, name: Value| match rel.iter_mut().find(|(k, _)| *k == rel_type)
    {
        Some((_, names)) => names.push(name),
        None => rel.push((rel_type, vec![name])),
    };
    let other_package = |r: &Map<String, Value>, name_key: &str, id_key: &str| {
        r.get(name_key)
            .filter(|v| v.is_string())
            .or_else(|| r.get(id_key).filter(|v| v.is_string()))
            .cloned()
    };
    for r in list_items(objects.as_ref()) {
        let Value::Object(r) = r else { continue };
        let Some(Value::String(t)) = r.get("type") else {
            continue;
        };
        let reverse = RELATIONSHIP_TYPES.iter().find_map(|(fwd, rev)| {
            if fwd == t {
                Some(*rev)
            } else if rev == t {
                Some(*fwd)
            } else {
                None
            }
        });
        let Some(reverse) = reverse else {
            tracing::warn!(dataset = id, relationship_type = %t, "unknown relationship type; skipped");
            continue;
        };
        if let Some(name) = other_package(r, "subject", "subject_package_id") {
            add(reverse.to_string(), name);
        }
    }
    for r in list_items(subjects.as_ref()) {
        let Value::Object(r) = r else { continue };
        let Some(Value::String(t)) = r.get("type") else {
            continue;
        };
        if let Some(name) = other_package(r, "object", "object_package_id") {
            add(t.clone(), name);
        }
    }
    for (key, names) in rel {
        if !d.contains_key(&key) {
            d.insert(key, Value::Array(names));
        }
    }
}

/// CKAN's "clean the dict fixing keys and dates" pass over every `*_date` key.
fn clean_dates(d: Map<String, Value>, id: &str, default: &mut DateDefault) -> Map<String, Value> {
    if !d.keys().any(|k| k.ends_with("_date")) {
        return d;
    }
    let mut out = Map::with_capacity(d.len());
    for (key, value) in d {
        if !key.ends_with("_date") {
            out.insert(key, value);
            continue;
        }
        if !truthy(&value) {
            continue;
        }
        let Value::String(s) = &value else {
            tracing::warn!(dataset = id, field = %key, "date value is not a string; dropped");
            continue;
        };
        match dateutil::parse(s, default.get()) {
            Ok(parsed) => {
                out.insert(key, Value::String(parsed.ckan_index_value()));
            }
            Err(_) => {
                tracing::debug!(dataset = id, field = %key, value = %s, "not a valid date; dropped");
            }
        }
    }
    out
}

fn normalise_metadata_date(
    d: &mut Map<String, Value>,
    key: &str,
    id: &str,
    default: &mut DateDefault,
) -> Result<(), DocumentError> {
    let invalid = |value: String| DocumentError::InvalidValue {
        dataset: id.to_string(),
        field: key.to_string(),
        kind: "date",
        value: value.chars().take(100).collect(),
    };
    let Some(value) = d.get_mut(key) else {
        return Ok(());
    };
    match value {
        Value::Null => Ok(()),
        Value::String(s) => {
            if let Some(dt) = canonical_naive_iso(s) {
                // package_show's own form: the common case, no general parse needed.
                *s = format!("{}Z", dateutil::python_isoformat(&dt));
                return Ok(());
            }
            let parsed = dateutil::parse(s, default.get()).map_err(|_| invalid(s.clone()))?;
            let utc = parsed.to_utc_naive();
            if !(1..=9999).contains(&utc.year()) {
                // the offset moved it out of Python's datetime range
                return Err(invalid(s.clone()));
            }
            *s = format!("{}Z", dateutil::python_isoformat(&utc));
            Ok(())
        }
        other => Err(invalid(python_json_dumps(other))),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,6}]` (what `datetime.isoformat()` writes), read exactly as the
/// dateutil parser would read it.
fn canonical_naive_iso(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let fraction = match b.len() {
        19 => "",
        21..=26 if b[19] == b'.' => &s[20..],
        _ => return None,
    };
    let digits_at = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[range];
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let micros: u32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").parse().ok()?
    };
    let year = digits_at(0..4)?;
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(year as i32, digits_at(5..7)?, digits_at(8..10)?)?.and_hms_micro_opt(
        digits_at(11..13)?,
        digits_at(14..16)?,
        digits_at(17..19)?,
        micros,
    )
}

/// The permission labels of CKAN's default `IPermissionLabels`: `public` for an active,
/// non-private dataset; otherwise `collaborator-<id>` (when enabled) and
/// `member-<owner_org>`, or `creator-<creator_user_id>` without an owner org.
fn permission_labels(d: &Map<String, Value>, id: &str, opts: &PackageOptions) -> Vec<String> {
    let active = d.get("state").and_then(Value::as_str) == Some("active");
    let private = d.get("private").is_some_and(as_bool);
    if active && !private {
        return vec!["public".to_string()];
    }
    let mut labels = Vec::new();
    if opts.collaborators {
        labels.push(format!("collaborator-{id}"));
    }
    match d.get("owner_org") {
        Some(org) if truthy(org) => labels.push(format!("member-{}", python_str(org))),
        _ => {
            let creator = d.get("creator_user_id").unwrap_or(&Value::Null);
            labels.push(format!("creator-{}", python_str(creator)));
        }
    }
    labels
}

fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// CKAN's `escape_xml_illegal_chars`: removes characters XML 1.0 cannot carry.
fn escape_xml_illegal_chars(s: &str) -> String {
    s.chars().filter(|&c| !is_xml_illegal(c)).collect()
}

/// Python's `str.isspace`.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use serde_json::json;

    /// The K3 request CKAN 2.12.0 sent for `ds1` (see `ckan-as-client.md` §4), copied from the
    /// recorded request log.
    const K3_DS1: &str = include_str!("../../tests/fixtures/ckan212_k3_ds1_update.json");
    /// Stored Solr documents from data.gov.uk's Find front end (CKAN 2.10 + ckanext-datagovuk).
    const DGU_DATASET: &str = include_str!("../../tests/fixtures/datagovuk-find/solr_dataset.json");
    const DGU_INSPIRE: &str =
        include_str!("../../tests/fixtures/datagovuk-find/solr_inspire_dataset.json");

    fn fixed_default() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_time(NaiveTime::MIN)
    }

    fn index(pkg: &Value, opts: &PackageOptions) -> Map<String, Value> {
        match package_to_solr_at(pkg, opts, fixed_default()) {
            Ok(PackageAction::Index(doc)) => doc.0,
            other => panic!("expected a document, got {other:?}"),
        }
    }

    fn keys(m: &Map<String, Value>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    /// A minimal package_show-like dict.
    fn base_pkg() -> Value {
        json!({
            "id": "11111111-2222-3333-4444-555555555555",
            "name": "ds",
            "title": "A dataset",
            "notes": "Some notes",
            "state": "active",
            "private": false,
            "owner_org": "org-id",
            "creator_user_id": "user-id",
            "type": "dataset",
            "metadata_created": "2024-03-01T10:00:00.123456",
            "metadata_modified": "2024-03-02T08:00:00",
            "organization": {"id": "org-id", "name": "org1"},
            "extras": [],
            "resources": [],
            "tags": [],
            "groups": [],
            "relationships_as_subject": [],
            "relationships_as_object": []
        })
    }

    fn with(mut pkg: Value, key: &str, value: Value) -> Value {
        pkg.as_object_mut().unwrap().insert(key.to_string(), value);
        pkg
    }

    // ---------------------------------------------------------------------------------
    // (1) The real CKAN 2.12 document for ds1

    #[test]
    fn k3_ds1_matches_the_document_ckan_2_12_sent() {
        let fixture: Value = serde_json::from_str(K3_DS1).unwrap();
        let body: Value = serde_json::from_str(fixture["body"].as_str().unwrap()).unwrap();
        let sent = body[0].as_object().unwrap();
        let vdd = sent["validated_data_dict"].as_str().unwrap();
        // The package dict behind the document (package_show's dict, which CKAN serialised).
        let pkg: Value = serde_json::from_str(vdd).unwrap();
        assert_eq!(python_json_dumps(&pkg), vdd, "json.dumps round trip");

        let ours = index(&pkg, &PackageOptions::default());

        // Same fields, in the same order.
        assert_eq!(keys(&ours), keys(sent));
        for (key, expected) in sent {
            if key == "data_dict" {
                continue;
            }
            assert_eq!(&ours[key], expected, "field {key}");
        }
        // The logger trimmed data_dict: "<prefix>...[trimmed N chars]".
        let logged = sent["data_dict"].as_str().unwrap();
        let (prefix, rest) = logged.split_once("...[trimmed ").unwrap();
        let trimmed: usize = rest.trim_end_matches(" chars]").parse().unwrap();
        let data_dict = ours["data_dict"].as_str().unwrap();
        assert!(data_dict.starts_with(prefix));
        assert_eq!(data_dict.len(), prefix.len() + trimmed);
        assert_eq!(
            data_dict, vdd,
            "no custom schema: data_dict == validated_data_dict"
        );

        // The uniqueKey.
        let id = "7c93daae-b308-4b85-9b41-f40c1005ec38";
        assert_eq!(ours["id"], json!(id));
        assert_eq!(index_id(id, "default"), "279e1c7242006641001f69f9e15fa1d1");
        assert_eq!(ours["index_id"], json!("279e1c7242006641001f69f9e15fa1d1"));

        // The behaviours ckan-as-client.md points out, spelled out.
        assert_eq!(ours["extras_oddkey"], json!("x"));
        assert_eq!(ours["temporal_start_date"], json!("2020-01-01T00:00:00Z"));
        assert_eq!(ours["res_description"], json!(["the csv", null]));
        assert!(
            !ours.contains_key("maintainer_email"),
            "top-level null dropped"
        );
        assert!(!ours.contains_key("res_extras_custom_res_field"));
        assert_eq!(
            ours["metadata_created"],
            json!("2026-11-25T13:54:37.959637Z")
        );
    }

    // ---------------------------------------------------------------------------------
    // (2) data.gov.uk's stored Solr documents

    /// What Solr's DatePointField returns for a stored date: millisecond precision,
    /// fraction printed (3 digits) only when non-zero.
    fn solr_stored_date(value: &str) -> String {
        let p = dateutil::parse(value, fixed_default()).unwrap();
        let utc = p.to_utc_naive();
        let millis = utc.and_utc().timestamp_subsec_millis();
        let base = utc.format("%Y-%m-%dT%H:%M:%S").to_string();
        if millis == 0 {
            format!("{base}Z")
        } else {
            format!("{base}.{millis:03}Z")
        }
    }

    fn dgu_opts() -> PackageOptions {
        // ckanext-datagovuk's production.ini: ckan.site_id = dgu (the stored dataset documents
        // do not include site_id).
        PackageOptions {
            site_id: "dgu".to_string(),
            ..PackageOptions::default()
        }
    }

    fn fixture_doc(text: &str) -> Map<String, Value> {
        let v: Value = serde_json::from_str(text).unwrap();
        v["response"]["docs"][0].as_object().unwrap().clone()
    }

    /// ckanext-datagovuk's show schema promotes these extras to top-level keys
    /// (`schema.py` EXTRA_KEYS, `plugin.py` show_package_schema); in the default-schema dict
    /// CKAN indexes extras from, they are still extras.
    const DGU_PROMOTED_EXTRAS: &[&str] = &[
        "contact-email",
        "contact-name",
        "contact-phone",
        "core-dataset",
        "date_released",
        "date_update_future",
        "date_updated",
        "foi-email",
        "foi-name",
        "foi-phone",
        "foi-web",
        "geographic_coverage",
        "geographic_granularity",
        "precision",
        "temporal_coverage-from",
        "temporal_coverage-to",
        "temporal_granularity",
        "theme-primary",
        "unpublished",
        "update_frequency",
        "theme-secondary",
        "odi-certificate",
        "licence-custom",
        "schema-vocabulary",
        "codelist",
    ];

    /// Rebuilds the default-schema dict CKAN 2.10 indexed from the custom-schema
    /// (validated) dict, and attaches the latter as `with_custom_schema`.
    fn dgu_default_schema_dict(validated: &Value) -> Value {
        let mut d = validated.as_object().unwrap().clone();
        let mut extras = d["extras"].as_array().cloned().unwrap_or_default();
        for key in DGU_PROMOTED_EXTRAS {
            if let Some(v) = d.shift_remove(*key) {
                let value = match v {
                    Value::String(s) => s,
                    other => python_json_dumps(&other),
                };
                extras.push(json!({"key": key, "value": value}));
            }
        }
        d.insert("extras".into(), Value::Array(extras));
        d.insert("with_custom_schema".into(), validated.clone());
        Value::Object(d)
    }

    #[test]
    fn datagovuk_dataset_fixture() {
        let stored = fixture_doc(DGU_DATASET);
        let vdd_text = stored["validated_data_dict"].as_str().unwrap();
        let vdd: Value = serde_json::from_str(vdd_text).unwrap();
        let ours = index(&vdd, &dgu_opts());

        // json.dumps of the dict, as Solr stored it: byte-exact up to the last two resources,
        // which Find's fixture hand-added (`"format":"HTML"`, double spaces) — text
        // json.dumps never writes; equal as JSON throughout.
        let ours_vdd = ours["validated_data_dict"].as_str().unwrap();
        assert_eq!(serde_json::from_str::<Value>(ours_vdd).unwrap(), vdd);
        let same = ours_vdd
            .bytes()
            .zip(vdd_text.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // The first difference is the first double space, inside resource 13 of 14.
        let hand_edited = vdd_text.find(",  ").unwrap() + 2;
        assert_eq!(same, hand_edited);
        assert!(vdd_text[..hand_edited].contains("\"position\": 11"));
        assert_eq!(ours["id"], stored["id"]);
        assert_eq!(ours["organization"], stored["organization"]);
        for key in ["metadata_created", "metadata_modified"] {
            let ours_value = ours[key].as_str().unwrap();
            assert_eq!(
                solr_stored_date(ours_value),
                stored[key].as_str().unwrap(),
                "{key}"
            );
        }
        assert_eq!(
            ours["metadata_modified"],
            json!("2017-06-30T09:08:37.040414Z")
        );

        // Exception (fixture edited upstream): Find's fixture replaced name, title and notes
        // of the stored document with placeholders but left validated_data_dict as it was,
        // so they disagree; our values follow the dict.
        for key in ["name", "title", "notes"] {
            assert_eq!(ours[key], vdd[key], "{key}");
            assert_ne!(ours[key], stored[key], "{key}: fixture no longer edited?");
        }

        // extras_theme-primary: ckanext-datagovuk's show schema moves theme-primary out of
        // extras, but CKAN indexed the default-schema dict where it is still an extra. The
        // default options (DATAGOVUK_EXTRAS_FIELDS) move it back, so it matches as stored…
        assert_eq!(ours["extras_theme-primary"], stored["extras_theme-primary"]);
        assert_eq!(ours["theme-primary"], json!("government"));
        // …and without them, the validated dict alone yields only the bare key.
        let core_opts = PackageOptions {
            extras_fields: Vec::new(),
            ..dgu_opts()
        };
        let core = index(&vdd, &core_opts);
        assert!(!core.contains_key("extras_theme-primary"));
        assert_eq!(core["theme-primary"], json!("government"));
        let with_default = index(&dgu_default_schema_dict(&vdd), &dgu_opts());
        assert_eq!(
            with_default["extras_theme-primary"],
            stored["extras_theme-primary"]
        );
        assert_eq!(
            with_default["validated_data_dict"].as_str().unwrap(),
            ours_vdd
        );
        assert!(!with_default.contains_key("with_custom_schema"));

        // Fields the fixture does not store, from the core mapping.
        assert_eq!(ours["site_id"], json!("dgu"));
        assert_eq!(ours["index_id"], json!("3d4218913d18a076050b9e841e4f2276"));
        assert_eq!(ours["entity_type"], json!("package"));
        assert_eq!(ours["dataset_type"], json!("dataset"));
        assert_eq!(ours["capacity"], json!("public"));
        assert_eq!(ours["permission_labels"], json!(["public"]));
        assert_eq!(ours["tags"], json!([]));
        assert_eq!(ours["groups"], json!([]));
        assert_eq!(ours["title_string"], vdd["title"]);
        assert_eq!(ours["res_format"].as_array().unwrap().len(), 14);
        assert_eq!(ours["res_format"][0], json!("XLS"));
        assert_eq!(ours["res_name"][0], json!(null));
        assert_eq!(ours["res_type"][0], json!("file"));
        assert_eq!(ours["extras_its-dataset"], json!("false"));
        assert_eq!(ours["its-dataset"], json!("false"));
        assert!(
            !ours.contains_key("sla") && !ours.contains_key("extras_sla"),
            "'' dropped"
        );
        // Not *_date keys: untouched.
        assert_eq!(ours["date_released"], json!("2011-10-27"));
        // The plugin's JSON-decoded values go back to the JSON text its extras hold.
        assert_eq!(ours["theme-secondary"], json!("[\"Environment\"]"));
        assert_eq!(ours["extras_theme-secondary"], json!("[\"Environment\"]"));
        assert_eq!(ours["core-dataset"], json!("false"));
        assert!(ours["odi-certificate"].is_string());
        assert!(!ours.contains_key("version") && !ours.contains_key("author"));
    }

    #[test]
    fn datagovuk_inspire_fixture() {
        let stored = fixture_doc(DGU_INSPIRE);
        let vdd_text = stored["validated_data_dict"].as_str().unwrap();
        let vdd: Value = serde_json::from_str(vdd_text).unwrap();
        let ours = index(&vdd, &dgu_opts());

        // Includes "HM Land Registry\u2019s" in notes: ensure_ascii escaping.
        assert_eq!(ours["validated_data_dict"].as_str().unwrap(), vdd_text);
        for key in ["id", "name", "title", "notes", "organization"] {
            assert_eq!(ours[key], stored[key], "{key}");
        }
        for key in ["metadata_created", "metadata_modified"] {
            let ours_value = ours[key].as_str().unwrap();
            assert_eq!(
                solr_stored_date(ours_value),
                stored[key].as_str().unwrap(),
                "{key}"
            );
        }

        // Exception (fixture edited upstream): the stored extras_licence holds a licence text
        // that the dict's `licence` extra ("[]") does not; Find's fixture added it. Ours
        // follows the dict.
        assert_eq!(ours["extras_licence"], json!("[]"));
        assert_ne!(ours["extras_licence"], stored["extras_licence"]);

        assert_eq!(ours["index_id"], json!("a15fe7500565c1be6102f7d406aa6192"));
        assert_eq!(ours["tags"], json!(["land_and_property_register"]));
        assert_eq!(ours["res_name"], json!(["Information Service"]));
        assert_eq!(ours["res_description"], json!(["Resource locator"]));
        assert_eq!(ours["res_format"], json!([""]));
        assert_eq!(ours["res_type"], json!([null]));
        assert_eq!(
            ours["res_url"],
            json!(["https://www.gov.uk/government/collections/price-paid-data"])
        );
        // Harvest extras land as bare keys too (ckanext-harvest would add the same three
        // fields itself from the harvest object).
        assert_eq!(
            ours["harvest_object_id"],
            json!("d35b1574-9823-4fbc-80c0-cd1cc3b84bea")
        );
        assert_eq!(
            ours["extras_harvest_source_title"],
            json!("UK Location Metadata Editor")
        );
        // Plugin-made difference: ckanext-spatial would replace these with bbox fields.
        assert!(ours.contains_key("extras_spatial") && ours.contains_key("spatial"));
        // `metadata-date` ends in "-date", not "_date": kept as written.
        assert_eq!(ours["metadata-date"], json!("2020-12-14T12:09:57"));
        // null license_id / url dropped; empty list kept.
        assert!(!ours.contains_key("license_id") && !ours.contains_key("url"));
        // An empty-list field of the plugin's goes back into extras as its JSON text.
        assert_eq!(ours["extras_temporal_coverage-to"], json!("[]"));
        assert_eq!(ours["isopen"], json!(false));
    }

    // ---------------------------------------------------------------------------------
    // (3) Edge cases

    #[test]
    fn deleted_and_stateless_packages_are_deletes() {
        let opts = PackageOptions::default();
        for state in [json!("deleted"), json!(null)] {
            let pkg = with(base_pkg(), "state", state);
            assert_eq!(
                package_to_solr(&pkg, &opts).unwrap(),
                PackageAction::Delete {
                    id: "11111111-2222-3333-4444-555555555555".into()
                }
            );
        }
        let mut pkg = base_pkg();
        pkg.as_object_mut().unwrap().shift_remove("state");
        assert!(matches!(
            package_to_solr(&pkg, &opts),
            Ok(PackageAction::Delete { .. })
        ));

        // With remove_deleted_packages off, a deleted dataset is indexed as such.
        let keep = PackageOptions {
            remove_deleted_packages: false,
            ..PackageOptions::default()
        };
        let doc = index(&with(base_pkg(), "state", json!("deleted")), &keep);
        assert_eq!(doc["state"], json!("deleted"));
        assert_eq!(doc["permission_labels"], json!(["member-org-id"]));
    }

    #[test]
    fn private_draft_and_collaborator_labels() {
        let opts = PackageOptions::default();
        let doc = index(&with(base_pkg(), "private", json!(true)), &opts);
        assert_eq!(doc["capacity"], json!("private"));
        assert_eq!(doc["private"], json!(true));
        assert_eq!(doc["permission_labels"], json!(["member-org-id"]));

        let draft = index(&with(base_pkg(), "state", json!("draft")), &opts);
        assert_eq!(draft["capacity"], json!("public"));
        assert_eq!(draft["permission_labels"], json!(["member-org-id"]));

        let no_org = with(
            with(base_pkg(), "private", json!(true)),
            "owner_org",
            json!(null),
        );
        assert_eq!(
            index(&no_org, &opts)["permission_labels"],
            json!(["creator-user-id"])
        );

        let collab = PackageOptions {
            collaborators: true,
            ..PackageOptions::default()
        };
        let doc = index(&with(base_pkg(), "private", json!(true)), &collab);
        assert_eq!(
            doc["permission_labels"],
            json!([
                "collaborator-11111111-2222-3333-4444-555555555555",
                "member-org-id"
            ])
        );
        // Public datasets stay just "public".
        assert_eq!(
            index(&base_pkg(), &collab)["permission_labels"],
            json!(["public"])
        );
        // String booleans read like CKAN's boolean_validator.
        let doc = index(&with(base_pkg(), "private", json!("False")), &opts);
        assert_eq!(doc["capacity"], json!("public"));
        assert_eq!(doc["permission_labels"], json!(["public"]));
    }

    #[test]
    fn vocabulary_tags() {
        let mut opts = PackageOptions::default();
        opts.vocabularies
            .insert("vocab-uuid".into(), "genre".into());
        let pkg = with(
            base_pkg(),
            "tags",
            json!([
                {"name": "economy", "vocabulary_id": null},
                {"name": "fiction", "vocabulary_id": "vocab-uuid"},
                {"name": "poetry", "vocabulary_id": "vocab-uuid"},
                {"name": "x", "vocabulary_id": "unknown-vocab"},
                "plain-string-tag",
                {"display_name": "no name"},
                42
            ]),
        );
        let doc = index(&pkg, &opts);
        assert_eq!(doc["vocab_genre"], json!(["fiction", "poetry"]));
        assert_eq!(doc["vocab_unknown-vocab"], json!(["x"]));
        assert_eq!(doc["tags"], json!(["economy", "plain-string-tag"]));
        let k = keys(&doc);
        let pos = |name: &str| k.iter().position(|x| *x == name).unwrap();
        assert!(pos("vocab_genre") < pos("vocab_unknown-vocab"));
        assert!(pos("vocab_unknown-vocab") < pos("tags"));
        assert!(pos("tags") < pos("capacity") && pos("capacity") < pos("groups"));
    }

    #[test]
    fn extras_keys_values_and_reserved_names() {
        let pkg = with(
            base_pkg(),
            "extras",
            json!([
                {"key": "odd key!", "value": "x"},
                {"key": "dct:issued", "value": "2020"},
                {"key": "title", "value": "extra title"},
                {"key": "tags", "value": "extra tags"},
                {"key": "capacity", "value": "sneaky"},
                {"key": "listy", "value": ["a", 1, null, true, 1.5, {"k": "v", "q": "it's"}, [1, "x"]]},
                {"key": "obj", "value": {"a": [1, "é"]}},
                {"key": "num", "value": 3},
                {"key": "empty", "value": ""},
                {"key": "!!!", "value": "only extras_"},
                {"key": 5, "value": "bad key"},
                {"value": "no key"},
                "not an object"
            ]),
        );
        let doc = index(&pkg, &PackageOptions::default());
        assert_eq!(doc["extras_oddkey"], json!("x"));
        assert_eq!(doc["oddkey"], json!("x"));
        assert_eq!(doc["extras_dctissued"], json!("2020"));
        assert_eq!(doc["dctissued"], json!("2020"));
        // A reserved or existing key lands only in extras_<key>.
        assert_eq!(doc["extras_title"], json!("extra title"));
        assert_eq!(doc["title"], json!("A dataset"));
        assert_eq!(doc["extras_tags"], json!("extra tags"));
        assert_eq!(doc["tags"], json!([]));
        // `capacity` is not reserved: the bare copy is set, then CKAN's own value
        // overwrites it in place (Python dict semantics).
        assert_eq!(doc["extras_capacity"], json!("sneaky"));
        assert_eq!(doc["capacity"], json!("public"));
        let k = keys(&doc);
        let pos = |name: &str| k.iter().position(|x| *x == name).unwrap();
        assert_eq!(pos("capacity"), pos("extras_capacity") + 1);
        // Lists are joined with spaces, items as Python's str() shows them.
        assert_eq!(
            doc["listy"],
            json!("a 1 None True 1.5 {'k': 'v', 'q': \"it's\"} [1, 'x']")
        );
        assert_eq!(doc["extras_obj"], json!("{\"a\": [1, \"\\u00e9\"]}"));
        assert_eq!(doc["num"], json!(3));
        assert!(!doc.contains_key("empty") && !doc.contains_key("extras_empty"));
        assert_eq!(doc["extras_"], json!("only extras_"));
        assert!(!doc.contains_key(""));
        assert!(!doc.contains_key("extras"));
    }

    #[test]
    fn date_fields() {
        let pkg = with(
            with(
                base_pkg(),
                "extras",
                json!([
                    {"key": "naive_date", "value": "2020-01-01"},
                    {"key": "aware_date", "value": "2020-01-01T10:00:00+01:00"},
                    {"key": "utc_date", "value": "2020-01-01T10:00:00Z"},
                    {"key": "garbage_date", "value": "not a date"},
                    {"key": "empty_date", "value": ""},
                    {"key": "year_date", "value": "2020"},
                    {"key": "uk_date", "value": "25/12/2019"},
                    {"key": "words_date", "value": "1 January 2020"},
                    {"key": "dct:issued_date", "value": "2019-02-29"}
                ]),
            ),
            "review_date",
            json!("March 3, 2021 10:30 PM"),
        );
        let doc = index(&pkg, &PackageOptions::default());
        for k in ["naive_date", "extras_naive_date"] {
            assert_eq!(doc[k], json!("2020-01-01T00:00:00Z"));
        }
        assert_eq!(doc["aware_date"], json!("2020-01-01T10:00:00+01:00"));
        assert_eq!(doc["utc_date"], json!("2020-01-01T10:00:00+00:00"));
        assert_eq!(
            doc["year_date"],
            json!("2020-11-25T00:00:00Z"),
            "today's month/day"
        );
        assert_eq!(doc["uk_date"], json!("2019-12-25T00:00:00Z"));
        assert_eq!(doc["words_date"], json!("2020-01-01T00:00:00Z"));
        assert_eq!(doc["review_date"], json!("2021-03-03T22:30:00Z"));
        for gone in [
            "garbage_date",
            "extras_garbage_date",
            "empty_date",
            "extras_empty_date",
            "dctissued_date",
            "extras_dctissued_date",
        ] {
            assert!(!doc.contains_key(gone), "{gone}");
        }
        // Non-string dates are dropped too.
        let doc = index(
            &with(base_pkg(), "n_date", json!(20200101)),
            &PackageOptions::default(),
        );
        assert!(!doc.contains_key("n_date"));
    }

    #[test]
    fn metadata_dates() {
        let opts = PackageOptions::default();
        let doc = index(&base_pkg(), &opts);
        assert_eq!(
            doc["metadata_created"],
            json!("2024-03-01T10:00:00.123456Z")
        );
        assert_eq!(doc["metadata_modified"], json!("2024-03-02T08:00:00Z"));
        let aware = with(
            base_pkg(),
            "metadata_modified",
            json!("2024-03-02T08:00:00+01:00"),
        );
        assert_eq!(
            index(&aware, &opts)["metadata_modified"],
            json!("2024-03-02T07:00:00Z")
        );
        let zulu = with(
            base_pkg(),
            "metadata_modified",
            json!("2024-03-02T08:00:00.5Z"),
        );
        assert_eq!(
            index(&zulu, &opts)["metadata_modified"],
            json!("2024-03-02T08:00:00.500000Z")
        );
        let bad = with(base_pkg(), "metadata_modified", json!("yesterday"));
        assert!(matches!(
            package_to_solr(&bad, &opts),
            Err(DocumentError::InvalidValue { ref field, kind: "date", .. }) if field == "metadata_modified"
        ));
        // The fast path for package_show's form agrees with the general parser.
        for s in [
            "2024-03-01T10:00:00",
            "2024-03-01T10:00:00.1",
            "2024-03-01T10:00:00.000000",
            "2024-02-29T23:59:59.999999",
        ] {
            let general = dateutil::parse(s, fixed_default()).unwrap();
            assert_eq!(canonical_naive_iso(s), Some(general.naive), "{s}");
        }
        for s in [
            "2023-02-29T10:00:00",
            "2024-03-01T10:00:00.",
            "2024-03-01 10:00:00",
            "0000-01-01T00:00:00",
            "2024-03-01T10:00:00.é",
        ] {
            assert_eq!(canonical_naive_iso(s), None, "{s}");
        }
        let mut missing = base_pkg();
        missing
            .as_object_mut()
            .unwrap()
            .shift_remove("metadata_created");
        assert!(!index(&missing, &opts).contains_key("metadata_created"));
    }

    #[test]
    fn xml_illegal_chars_and_title_lstrip() {
        let pkg = with(
            with(base_pkg(), "title", json!("  Ti\u{1}tle\u{fffe}")),
            "notes",
            json!("a\u{0}b\u{b}c\td\ne\u{ffff}"),
        );
        let pkg = with(pkg, "url", json!("http://x/\u{1}"));
        let doc = index(&pkg, &PackageOptions::default());
        assert_eq!(doc["title"], json!("Title"));
        assert_eq!(
            doc["title_string"],
            json!("  Title"),
            "title_string is not stripped"
        );
        assert_eq!(doc["notes"], json!("abc\td\ne"));
        assert_eq!(
            doc["url"],
            json!("http://x/\u{1}"),
            "other fields untouched"
        );
    }

    #[test]
    fn resources_groups_organization_and_relationships() {
        let opts = PackageOptions {
            extra_resource_fields: vec!["alt_url".into()],
            ..PackageOptions::default()
        };
        let pkg = with(
            with(
                with(
                    base_pkg(),
                    "resources",
                    json!([
                        {"name": "A", "description": null, "format": "CSV", "url": "http://a", "alt_url": "http://alt"},
                        {"url": "http://b", "resource_type": "api"},
                        null
                    ]),
                ),
                "groups",
                json!([{"name": "g1", "title": "G"}, "g2", {"title": "no name"}]),
            ),
            "relationships_as_object",
            json!([
                {"subject_package_id": "other-id", "object_package_id": "x", "type": "depends_on"},
                {"subject": "named-pkg", "type": "child_of"},
                {"subject_package_id": "q", "type": "bogus"}
            ]),
        );
        let pkg = with(
            pkg,
            "relationships_as_subject",
            json!([
                {"object_package_id": "o1", "type": "links_to"},
                {"object_package_id": "o2", "type": "links_to"}
            ]),
        );
        let doc = index(&pkg, &opts);
        assert_eq!(doc["res_name"], json!(["A", ""]));
        assert_eq!(doc["res_description"], json!([null, ""]));
        assert_eq!(doc["res_format"], json!(["CSV", ""]));
        assert_eq!(doc["res_url"], json!(["http://a", "http://b"]));
        assert_eq!(doc["res_type"], json!(["", "api"]));
        assert_eq!(doc["res_extras_alt_url"], json!(["http://alt", ""]));
        assert_eq!(doc["groups"], json!(["g1", "g2"]));
        assert_eq!(doc["organization"], json!("org1"));
        assert_eq!(doc["dependency_of"], json!(["other-id"]));
        assert_eq!(doc["parent_of"], json!(["named-pkg"]));
        assert_eq!(doc["links_to"], json!(["o1", "o2"]));
        assert!(!doc.contains_key("resources") && !doc.contains_key("relationships_as_object"));
        let k = keys(&doc);
        let pos = |name: &str| k.iter().position(|x| *x == name).unwrap();
        assert!(pos("res_extras_alt_url") < pos("dependency_of"));
        assert!(pos("links_to") < pos("entity_type"));

        // No organization → null → dropped; string organization kept.
        let doc = index(&with(base_pkg(), "organization", json!(null)), &opts);
        assert!(!doc.contains_key("organization"));
        let doc = index(
            &with(base_pkg(), "organization", json!("org-as-string")),
            &opts,
        );
        assert_eq!(doc["organization"], json!("org-as-string"));
    }

    #[test]
    fn custom_schema_and_null_stripping() {
        let mut pkg = base_pkg();
        pkg["with_custom_schema"] = json!({"id": "x", "custom": "é"});
        pkg["author"] = json!(null);
        pkg["version"] = json!("");
        pkg["list_with_nulls"] = json!([null, "", "a"]);
        let doc = index(&pkg, &PackageOptions::default());
        assert_eq!(
            doc["validated_data_dict"],
            json!("{\"id\": \"x\", \"custom\": \"\\u00e9\"}")
        );
        let data_dict = doc["data_dict"].as_str().unwrap();
        assert!(!data_dict.contains("with_custom_schema"));
        assert!(data_dict.starts_with("{\"id\": \"11111111-2222-3333-4444-555555555555\", "));
        assert!(!doc.contains_key("with_custom_schema"));
        assert!(!doc.contains_key("author") && !doc.contains_key("version"));
        assert_eq!(doc["list_with_nulls"], json!([null, "", "a"]));
        assert_eq!(doc["tags"], json!([]));
        assert_eq!(doc["groups"], json!([]));
        assert_eq!(doc["private"], json!(false));
    }

    #[test]
    fn invalid_packages_are_errors() {
        let opts = PackageOptions::default();
        assert!(matches!(
            package_to_solr(&json!([1, 2]), &opts),
            Err(DocumentError::InvalidPackage { .. })
        ));
        match package_to_solr(&json!({"name": "nameless", "state": "active"}), &opts) {
            Err(DocumentError::InvalidPackage { dataset, reason }) => {
                assert_eq!(dataset, "nameless");
                assert!(reason.contains("no id"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            package_to_solr(&json!({"id": 5, "state": "active"}), &opts),
            Err(DocumentError::InvalidPackage { .. })
        ));
        assert!(matches!(
            package_to_solr(&json!({"id": "", "state": "active"}), &opts),
            Err(DocumentError::InvalidPackage { .. })
        ));
    }

    #[test]
    fn odd_shapes_never_panic() {
        let odd = [
            json!(null),
            json!(1),
            json!(-2.5),
            json!("x"),
            json!(""),
            json!(true),
            json!([]),
            json!([null]),
            json!([1, "a", {"b": [{}]}]),
            json!([{"key": null, "value": null}, {"name": {}, "vocabulary_id": [1]}]),
            json!({}),
            json!({"name": {"deep": [1]}, "key": "k", "type": 3}),
        ];
        let keys_to_try = [
            "extras",
            "tags",
            "groups",
            "resources",
            "organization",
            "private",
            "title",
            "notes",
            "state",
            "type",
            "owner_org",
            "creator_user_id",
            "metadata_created",
            "metadata_modified",
            "relationships_as_object",
            "relationships_as_subject",
            "x_date",
            "res_name",
            "vocab_v",
            "with_custom_schema",
            "title_string",
            "capacity",
        ];
        let opts = PackageOptions {
            extra_resource_fields: vec!["alt_url".into()],
            collaborators: true,
            ..PackageOptions::default()
        };
        for key in keys_to_try {
            for value in &odd {
                let pkg = with(base_pkg(), key, value.clone());
                let _ = package_to_solr_at(&pkg, &opts, fixed_default());
                let _ = package_to_solr(&pkg, &opts);
            }
        }
        // Nested resources with odd values become Python repr strings, as pysolr writes them.
        let pkg = with(
            base_pkg(),
            "resources",
            json!([{"name": {"a": 1}, "url": [1, 2]}]),
        );
        let doc = index(&pkg, &opts);
        assert_eq!(doc["res_name"], json!(["{'a': 1}"]));
        assert_eq!(doc["res_url"], json!(["[1, 2]"]));
    }

    #[test]
    fn index_id_is_md5_of_latin1() {
        assert_eq!(
            index_id("7c93daae-b308-4b85-9b41-f40c1005ec38", "default"),
            "279e1c7242006641001f69f9e15fa1d1"
        );
        assert_eq!(index_id("idé", "site"), "d572b5fdb1edb48ef0b6844eae7c5eef");
    }

    #[test]
    fn python_json_dumps_matches_python() {
        let v: Value = serde_json::from_str(
            r#"{"a": "é😀\u007f\u0001\n\t\"\\/", "n": [1, 2.0, null, true, {}], "e": [], "z": -5}"#,
        )
        .unwrap();
        assert_eq!(
            python_json_dumps(&v),
            r#"{"a": "\u00e9\ud83d\ude00\u007f\u0001\n\t\"\\/", "n": [1, 2.0, null, true, {}], "e": [], "z": -5}"#
        );
        assert_eq!(
            python_json_dumps(&json!("\u{2028}\u{feff}")),
            r#""\u2028\ufeff""#
        );
        assert_eq!(python_json_dumps(&json!(u64::MAX)), "18446744073709551615");
        // Python's repr(float) for each value.
        let floats: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-05, "1e-05"),
            (0.0001, "0.0001"),
            (123.456, "123.456"),
            (-0.0, "-0.0"),
            (1e22, "1e+22"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.5e-7, "2.5e-07"),
            (-1234.5, "-1234.5"),
            (1234567890123456.7, "1234567890123456.8"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (100.0, "100.0"),
            (0.5, "0.5"),
        ];
        for (f, expected) in floats {
            assert_eq!(python_json_dumps(&json!(f)), *expected, "{f:e}");
        }
    }
}

#[cfg(test)]
mod nested_value_tests {
    use serde_json::json;

    use super::*;

    /// data.gov.uk's pycsw loader reads `harvest` back as Python-repr strings.
    #[test]
    fn objects_become_python_repr_strings() {
        let pkg = json!({
            "id": "x1", "name": "n", "state": "active", "type": "dataset",
            "harvest": [{"key": "harvest_object_id", "value": "abc"}],
            "odi-certificate": {"level": "raw"}
        });
        let opts = PackageOptions {
            extras_fields: Vec::new(),
            ..PackageOptions::default()
        };
        let PackageAction::Index(doc) = package_to_solr(&pkg, &opts).unwrap() else {
            panic!("indexed")
        };
        assert_eq!(
            doc.get("harvest"),
            Some(&json!(["{'key': 'harvest_object_id', 'value': 'abc'}"]))
        );
        assert_eq!(doc.get("odi-certificate"), Some(&json!("{'level': 'raw'}")));
    }
}
