//! The explicit `<field>`s of CKAN's schema.xml (2.10 and later), as data.

use super::field_kind::{FieldKind, TextType};

/// One Solr field definition: explicit, or the pattern of a dynamic field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// The field name, or for a dynamic field its pattern (`*_date`).
    pub name: &'static str,
    /// Its type.
    pub kind: FieldKind,
    /// `indexed="true"`: searchable, sortable, facetable.
    pub indexed: bool,
    /// `stored="true"`: returned in results.
    pub stored: bool,
    /// `multiValued="true"`.
    pub multi_valued: bool,
    /// `required="true"`.
    pub required: bool,
}

/// An indexed, optional field definition (the common case in schema.xml).
pub(crate) const fn field(
    name: &'static str,
    kind: FieldKind,
    stored: bool,
    multi: bool,
) -> FieldDef {
    FieldDef {
        name,
        kind,
        indexed: true,
        stored,
        multi_valued: multi,
        required: false,
    }
}

const STR: FieldKind = FieldKind::String;
const TEXT: FieldKind = FieldKind::Text(TextType::Text);
const TEXT_GENERAL: FieldKind = FieldKind::Text(TextType::TextGeneral);
const NGRAM: FieldKind = FieldKind::Text(TextType::TextNgram);

/// The uniqueKey.
pub const INDEX_ID: &str = "index_id";
/// CKAN's site id: every query and clear is scoped by it.
pub const SITE_ID: &str = "site_id";
/// The dataset id.
pub const ID: &str = "id";
/// The dataset name (URL slug).
pub const NAME: &str = "name";
/// Set by the server when a document is indexed (`default="NOW"`).
pub const INDEXED_TS: &str = "indexed_ts";
/// Solr's optimistic-concurrency version, assigned on every add.
pub const VERSION: &str = "_version_";
/// The catch-all field every query defaults to (`df=text`).
pub const TEXT_FIELD: &str = "text";

/// Every explicit field of CKAN's schema.xml, in declaration order.
pub const EXPLICIT_FIELDS: &[FieldDef] = &[
    FieldDef {
        required: true,
        ..field(INDEX_ID, STR, true, false)
    },
    FieldDef {
        required: true,
        ..field(ID, STR, true, false)
    },
    FieldDef {
        required: true,
        ..field(SITE_ID, STR, true, false)
    },
    field("title", TEXT, true, false),
    field("title_ngram", NGRAM, true, false),
    field("entity_type", STR, true, false),
    field("dataset_type", STR, true, false),
    field("state", STR, true, false),
    field(NAME, STR, true, false),
    field("name_ngram", NGRAM, true, false),
    field("revision_id", STR, true, false),
    field("version", STR, true, false),
    field("url", STR, true, false),
    field("ckan_url", STR, true, false),
    field("download_url", STR, true, false),
    field("notes", TEXT, true, false),
    field("author", TEXT_GENERAL, true, false),
    field("author_email", TEXT_GENERAL, true, false),
    field("maintainer", TEXT_GENERAL, true, false),
    field("maintainer_email", TEXT_GENERAL, true, false),
    field("license", STR, true, false),
    field("license_id", STR, true, false),
    field("tags", STR, true, true),
    field("groups", STR, true, true),
    field("organization", STR, true, false),
    field("capacity", STR, true, false),
    field("permission_labels", STR, false, true),
    field("res_name", TEXT_GENERAL, true, true),
    field("res_description", TEXT_GENERAL, true, true),
    field("res_format", STR, true, true),
    field("res_url", STR, true, true),
    field("res_type", STR, true, true),
    field(TEXT_FIELD, TEXT, false, true),
    field("urls", TEXT, false, true),
    field("depends_on", TEXT, false, true),
    field("dependency_of", TEXT, false, true),
    field("derives_from", TEXT, false, true),
    field("has_derivation", TEXT, false, true),
    field("links_to", TEXT, false, true),
    field("linked_from", TEXT, false, true),
    field("child_of", TEXT, false, true),
    field("parent_of", TEXT, false, true),
    field("views_total", FieldKind::Int, false, false),
    field("views_recent", FieldKind::Int, false, false),
    field("resources_accessed_total", FieldKind::Int, false, false),
    field("resources_accessed_recent", FieldKind::Int, false, false),
    field("metadata_created", FieldKind::Date, true, false),
    field("metadata_modified", FieldKind::Date, true, false),
    field(INDEXED_TS, FieldKind::Date, true, false),
    field("title_string", STR, false, false),
    FieldDef {
        indexed: false,
        ..field("data_dict", STR, true, false)
    },
    FieldDef {
        indexed: false,
        ..field("validated_data_dict", STR, true, false)
    },
    field(VERSION, STR, true, false),
    // data.gov.uk's Solr image adds these to CKAN's schema: the harvest details
    // ckanext-datagovuk shows on every harvested dataset, and ckanext-spatial's bounding
    // box. Core CKAN never sends them, so they cost it nothing.
    field("harvest", TEXT, true, true),
    field("bbox_area", FieldKind::Float, true, false),
    field("maxx", FieldKind::Float, true, false),
    field("maxy", FieldKind::Float, true, false),
    field("minx", FieldKind::Float, true, false),
    field("miny", FieldKind::Float, true, false),
];
