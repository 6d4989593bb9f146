//! The CKAN configuration `package_show` output depends on, beyond the database:
//! `ckan.site_url` (the address of uploaded resources and group images), the licence
//! register (`licenses_group_url`, else CKAN's built-in list) and `ckan.resource_formats`.

use std::collections::HashMap;

use serde_json::Value;

/// One licence of the register: what `package_show` copies from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    /// `license_id` that selects it.
    pub id: String,
    /// Title (`license_title`; with a URL, only the part after the last `::`).
    pub title: String,
    /// `license_url`, when the licence has one.
    pub url: Option<String>,
    /// `isopen`: the Open Definition or Open Source Definition conformance is `approved`.
    pub open: bool,
}

/// CKAN's licence register: the built-in list, or a site's `licenses_group_url` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRegister {
    licences: Vec<Licence>,
}

/// The licences CKAN 2.12 ships (`ckan/model/license.py`), in its order.
const DEFAULT_LICENCES: &[(&str, &str, &str, bool)] = &[
    ("notspecified", "License not specified", "", false),
    (
        "odc-pddl",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        "http://www.opendefinition.org/licenses/odc-pddl",
        true,
    ),
    (
        "odc-odbl",
        "Open Data Commons Open Database License (ODbL)",
        "http://www.opendefinition.org/licenses/odc-odbl",
        true,
    ),
    (
        "odc-by",
        "Open Data Commons Attribution License",
        "http://www.opendefinition.org/licenses/odc-by",
        true,
    ),
    (
        "cc-zero",
        "Creative Commons CCZero",
        "http://www.opendefinition.org/licenses/cc-zero",
        true,
    ),
    (
        "cc-by",
        "Creative Commons Attribution",
        "http://www.opendefinition.org/licenses/cc-by",
        true,
    ),
    (
        "cc-by-sa",
        "Creative Commons Attribution Share-Alike",
        "http://www.opendefinition.org/licenses/cc-by-sa",
        true,
    ),
    (
        "gfdl",
        "GNU Free Documentation License",
        "http://www.opendefinition.org/licenses/gfdl",
        true,
    ),
    ("other-open", "Other (Open)", "", true),
    ("other-pd", "Other (Public Domain)", "", true),
    ("other-at", "Other (Attribution)", "", true),
    (
        "uk-ogl",
        "UK Open Government Licence (OGL)",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        true,
    ),
    (
        "cc-nc",
        "Creative Commons Non-Commercial (Any)",
        "http://creativecommons.org/licenses/by-nc/2.0/",
        false,
    ),
    ("other-nc", "Other (Non-Commercial)", "", false),
    ("other-closed", "Other (Not Open)", "", false),
];

impl Default for LicenceRegister {
    /// CKAN's built-in register (a site without `licenses_group_url`).
    fn default() -> Self {
        Self {
            licences: DEFAULT_LICENCES
                .iter()
                .map(|&(id, title, url, open)| Licence {
                    id: id.into(),
                    title: title.into(),
                    url: (!url.is_empty()).then(|| url.into()),
                    open,
                })
                .collect(),
        }
    }
}

impl LicenceRegister {
    /// A register from licences given directly.
    pub fn new(licences: Vec<Licence>) -> Self {
        Self { licences }
    }

    /// A register in the format of CKAN's `licenses_group_url` document: a JSON list of
    /// licence objects, or an object whose values are licence objects. Each needs an `id`;
    /// `title` and `url` may be missing or null (CKAN would fail on a missing one; here
    /// they count as empty); `od_conformance` or `osd_conformance` equal to `approved`
    /// makes the licence open.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let entries: Vec<&Value> = match &doc {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => map.values().collect(),
            _ => return Err("expected a list or an object of licences".into()),
        };
        let mut licences = Vec::with_capacity(entries.len());
        for entry in entries {
            let text = |key: &str| entry.get(key).and_then(Value::as_str);
            let Some(id) = text("id") else {
                return Err(format!("a licence has no string id: {entry}"));
            };
            let approved = |key: &str| text(key) == Some("approved");
            licences.push(Licence {
                id: id.into(),
                title: text("title").unwrap_or_default().into(),
                url: text("url").filter(|u| !u.is_empty()).map(Into::into),
                open: approved("od_conformance") || approved("osd_conformance"),
            });
        }
        Ok(Self { licences })
    }

    /// The licence `id` selects, as `Package.get_license` finds it (first match).
    pub fn get(&self, id: &str) -> Option<&Licence> {
        self.licences.iter().find(|l| l.id == id)
    }
}

/// `ckan.resource_formats`: how `clean_format` rewrites a resource's `format` on show
/// (`h.unified_resource_format`: any known spelling, mimetype or alternative, compared
/// lower-cased, becomes the canonical name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceFormats {
    canonical: HashMap<String, String>,
}

impl ResourceFormats {
    /// Parses a `resource_formats.json` document: a list of
    /// `[name, description, mimetype, [alternatives…]]` lines (a `_comment` line is skipped).
    pub fn from_json(text: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let lines = doc
            .as_array()
            .ok_or_else(|| "expected a list of format lines".to_string())?;
        let mut canonical = HashMap::new();
        for line in lines {
            let fields = line
                .as_array()
                .ok_or_else(|| format!("a format line is not a list: {line}"))?;
            let field = |i: usize| fields.get(i).and_then(Value::as_str).unwrap_or_default();
            let name = field(0);
            if name == "_comment" {
                continue;
            }
            let alternatives = fields
                .get(3)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            for spelling in [field(2), name, field(1)].into_iter().chain(alternatives) {
                if !spelling.is_empty() {
                    canonical.insert(spelling.to_lowercase(), name.to_string());
                }
            }
        }
        Ok(Self { canonical })
    }

    /// The format as `clean_format` leaves it.
    pub fn clean<'a>(&'a self, format: &'a str) -> &'a str {
        self.canonical
            .get(&format.to_lowercase())
            .map_or(format, String::as_str)
    }
}

/// Everything site-specific that shapes the dicts.
#[derive(Debug, Clone, Default)]
pub struct CkanSettings {
    /// `ckan.site_url` without a trailing slash (including `ckan.root_path`'s prefix if
    /// the site has one). Without it, uploaded resources' URLs and group images are
    /// site-relative paths (`/dataset/…/download/file.csv`).
    pub site_url: Option<String>,
    /// The licence register.
    pub licences: LicenceRegister,
    /// `ckan.resource_formats`; `None` leaves formats as stored. CKAN cleans formats when
    /// it writes a resource, so this only matters for rows written around CKAN.
    pub resource_formats: Option<ResourceFormats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_register_is_ckans() {
        let register = LicenceRegister::default();
        let ogl = register.get("uk-ogl").unwrap();
        assert!(ogl.open);
        assert_eq!(ogl.title, "UK Open Government Licence (OGL)");
        assert!(register.get("notspecified").unwrap().url.is_none());
        assert!(!register.get("cc-nc").unwrap().open);
        assert!(register.get("OGL-UK-3.0").is_none());
    }

    #[test]
    fn register_from_a_licences_document() {
        let list = r#"[{"id": "a", "title": "A", "url": "http://a", "od_conformance": "approved"},
                       {"id": "b", "osd_conformance": "approved", "url": null},
                       {"id": "c", "title": "C", "od_conformance": "rejected"}]"#;
        let register = LicenceRegister::from_json(list).unwrap();
        assert_eq!(
            register.get("a"),
            Some(&Licence {
                id: "a".into(),
                title: "A".into(),
                url: Some("http://a".into()),
                open: true
            })
        );
        assert!(register.get("b").unwrap().open && register.get("b").unwrap().url.is_none());
        assert!(!register.get("c").unwrap().open);
        let by_key = r#"{"x": {"id": "x", "title": "X"}}"#;
        assert_eq!(
            LicenceRegister::from_json(by_key)
                .unwrap()
                .get("x")
                .unwrap()
                .title,
            "X"
        );
        assert!(LicenceRegister::from_json(r#"[{"title": "no id"}]"#).is_err());
    }

    #[test]
    fn resource_formats_clean_as_ckan() {
        let formats = ResourceFormats::from_json(
            r#"[["_comment", "x"], ["CSV", "Comma Separated Values File", "text/csv", []],
                ["XLS", "Excel", "application/vnd.ms-excel", ["Excel97", "xlt"]]]"#,
        )
        .unwrap();
        assert_eq!(formats.clean("csv"), "CSV");
        assert_eq!(formats.clean("text/csv"), "CSV");
        assert_eq!(formats.clean("EXCEL97"), "XLS");
        assert_eq!(formats.clean(".xls"), ".xls");
    }
}
