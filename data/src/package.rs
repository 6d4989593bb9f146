//! Assembles one CKAN package dict in exactly the shape data.gov.uk's `package_show` returns
//! (CKAN 2.10 with ckanext-datagovuk, as stored in Solr's `validated_data_dict`).
//!
//! Key order follows what CKAN's validation produces (`navl` unflattening): all top-level
//! keys whose values are not lists of objects come first in code-point order (this includes
//! the `organization` object and the legacy fields ckanext-datagovuk promotes out of the
//! extras, such as `theme-primary`); then the non-empty lists of objects in name order
//! (`extras`, `groups`, `resources`, `tags`), each item's keys sorted; then the empty lists in
//! the order `package_dictize` created them; then what `after_dataset_show` hooks append
//! (`harvest`). Extras are sorted by key with the harvest source appended last, as
//! ckanext-harvest does.

use std::borrow::Cow;

use crate::json::Node;
use crate::organisations::{Extent, HarvestSource, Organisation, Organisations};
use crate::rng::{format_uuid, hash_str, mix, uuid_for, Rng};
use crate::text::{self, push_slug, Topic};
use crate::timestamp::{
    self, days_from_civil, messy_date, push_int, DAY, MINUTE, REFERENCE, SECOND,
};
use crate::words::{
    Licence, Theme, ACCESS_CONSTRAINTS, FORMATS, GENERAL_TAGS, GRANULARITIES, GROUPS,
    INSPIRE_FORMATS, LEGACY_FREQUENCIES, LICENCES, LICENCE_TEXTS, PLACES, REFERENCE_SYSTEMS,
    THEMES, UPDATE_FREQUENCIES, VOCABULARIES,
};

/// Stream domain of per-dataset generators.
const DOMAIN_DATASET: u64 = 0x6461_7461; // "data"
/// Hash domain of tag, vocabulary and group ids.
const DOMAIN_TAG: u64 = 0x7461_6773; // "tags"

/// Legacy data.gov.uk fields that ckanext-datagovuk's `show_package_schema` moves out of the
/// `extras` list to the top level of `package_show` output (JSON-decoding them where
/// possible). CKAN indexes the *unvalidated* dict, where these are still extras, so an indexer
/// fed `package_show` output must move them back to get e.g. `extras_theme-primary`.
pub const PROMOTED_EXTRAS: &[&str] = &[
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

/// Description shared by the generated groups.
const GROUP_DESCRIPTION: &str = "Datasets on this topic from publishers across the UK.";

/// Share of datasets brought in by a harvester rather than typed into the web form.
const HARVESTED_SHARE: f64 = 0.60;
/// Share of datasets modified in the 7 days before [`REFERENCE`] (the "recently updated"
/// and `reindex-recent` working set).
const RECENT_SHARE: f64 = 0.025;

/// Creation years with relative weight: a burst at launch (2011–2013), steady since.
static CREATED_YEARS: &[(i64, u32)] = &[
    (2010, 3),
    (2011, 8),
    (2012, 10),
    (2013, 9),
    (2014, 7),
    (2015, 6),
    (2016, 5),
    (2017, 6),
    (2018, 6),
    (2019, 6),
    (2020, 6),
    (2021, 6),
    (2022, 6),
    (2023, 6),
    (2024, 6),
    (2025, 6),
    (2026, 5),
];

/// Resource counts 0–12 with relative weight (data.gov.uk averages ~4.5 links per dataset).
static RESOURCE_COUNTS: &[u32] = &[5, 26, 18, 12, 9, 7, 5, 4, 4, 3, 3, 2, 2];
/// Tag counts 0–10 with relative weight.
static TAG_COUNTS: &[u32] = &[25, 8, 10, 12, 12, 10, 8, 6, 4, 3, 2];

/// Everything shared by all datasets of one catalogue: the publishers and the groups.
#[derive(Debug, Clone)]
pub struct Catalogue {
    seed: u64,
    orgs: Organisations,
    /// Group ids, aligned with [`GROUPS`].
    group_ids: Vec<String>,
}

/// One generated dataset plus the facts [`crate::generate`] tallies.
pub struct Built<'a> {
    /// The package dict.
    pub node: Node<'a>,
    /// Index of the owning organisation.
    pub org: usize,
    /// Number of resources.
    pub resources: usize,
    /// Whether it came from a harvester.
    pub harvested: bool,
    /// `private`.
    pub private: bool,
    /// `state`.
    pub state: &'static str,
}

/// Per-dataset decisions the parts of the dict depend on.
struct Shape<'a> {
    id: String,
    org: &'a Organisation,
    theme: &'static Theme,
    harvested: bool,
    /// For harvested datasets: the harvest object id and the source it came from.
    harvest: Option<(String, &'a HarvestSource)>,
    inspire: bool,
    created: i64,
    modified: i64,
}

impl Catalogue {
    /// Prepares the shared parts of the catalogue for `seed`.
    pub fn new(seed: u64, organisations: usize) -> Self {
        let group_seed = mix(&[seed, DOMAIN_TAG]);
        let group_ids = GROUPS
            .iter()
            .map(|&(name, _)| uuid_for(group_seed, &format!("group:{name}")))
            .collect();
        Self {
            seed,
            orgs: Organisations::new(seed, organisations),
            group_ids,
        }
    }

    /// The publishers.
    pub fn organisations(&self) -> &Organisations {
        &self.orgs
    }

    /// Generates dataset `index`; depends only on the seed, the number of organisations and
    /// `index`, never on the other datasets.
    pub fn build(&self, index: u64) -> Built<'_> {
        let mut rng = Rng::derive(self.seed, DOMAIN_DATASET, index);
        let org_index = self.orgs.pick(&mut rng);
        let org = &self.orgs.as_slice()[org_index];
        let harvested = rng.chance(HARVESTED_SHARE);
        let theme = if rng.chance(0.6) {
            &THEMES[org.theme]
        } else {
            rng.weighted_by(&THEMES, |t| t.weight)
        };
        let inspire = harvested
            && rng.chance(if matches!(theme.slug, "mapping" | "environment") {
                0.7
            } else {
                0.25
            });
        // States are exclusive: ~1 % deleted, ~1 % draft, ~2 % private, the rest public.
        let (state, private) = match rng.below(1000) {
            0..=9 => ("deleted", false),
            10..=19 => ("draft", false),
            20..=39 => ("active", true),
            _ => ("active", false),
        };
        let (created, modified) = times(&mut rng);
        let harvest = harvested.then(|| {
            let source = if rng.chance(0.75) {
                &org.harvest_source
            } else {
                &org.shared_source
            };
            (rng.uuid(), source)
        });
        let shape = Shape {
            id: rng.uuid(),
            org,
            theme,
            harvested,
            harvest,
            inspire,
            created,
            modified,
        };

        // What the text is about.
        let data_year2 = (timestamp::parts(created).year - rng.range(0, 1) as i64).max(2005);
        let data_year = data_year2 - rng.range(1, 5) as i64;
        let place: &str = match org.place {
            Some(p) if rng.chance(0.85) => p,
            _ => match rng.below(6) {
                0 => "England",
                1 => "England and Wales",
                2 => "the UK",
                3 => "Great Britain",
                _ => rng.pick(PLACES),
            },
        };
        let topic = Topic {
            theme,
            subject: rng.pick(theme.subjects),
            place,
            org,
            year: data_year,
            year2: data_year2,
        };

        let mut title = String::with_capacity(96);
        text::push_title(&mut title, &mut rng, &topic);
        let name = dataset_name(self.seed, index, &title);
        let mut notes = String::with_capacity(640);
        if !rng.chance(0.01) {
            let sep = if harvested { "\n\n" } else { "\r\n\r\n" };
            text::push_notes(&mut notes, &mut rng, &topic, sep);
        }
        let licence = rng.weighted(LICENCES);

        // Top-level scalar keys; sorted below, so push order does not matter.
        let mut top: Vec<(&'static str, Node<'_>)> = Vec::with_capacity(56);
        top.push(("author", Node::Null));
        top.push(("author_email", Node::Null));
        top.push(("maintainer", Node::Null));
        top.push(("maintainer_email", Node::Null));
        top.push((
            "creator_user_id",
            Node::s(rng.pick_ref(&org.users).as_str()),
        ));
        top.push(("id", Node::owned(shape.id.clone())));
        top.push(("isopen", Node::Bool(licence.open)));
        top.push(("license_id", Node::opt(licence.id)));
        top.push(("license_title", Node::opt(licence.title)));
        if let Some(url) = licence.url {
            top.push(("license_url", Node::s(url)));
        }
        top.push((
            "metadata_created",
            Node::owned(timestamp::iso(shape.created)),
        ));
        top.push((
            "metadata_modified",
            Node::owned(timestamp::iso(shape.modified)),
        ));
        top.push(("name", Node::owned(name)));
        top.push(("notes", Node::owned(notes)));
        top.push(("organization", org.dict_node()));
        top.push(("owner_org", Node::s(&org.id)));
        top.push(("private", Node::Bool(private)));
        top.push(("state", Node::s(state)));
        top.push(("title", Node::owned(title)));
        top.push(("type", Node::s("dataset")));
        top.push(("url", source_url(&mut rng, org, &topic)));
        top.push((
            "version",
            if rng.chance(0.03) {
                Node::s(rng.pick(&["1.0", "2", "v3.1", "2024-01"]))
            } else {
                Node::Null
            },
        ));
        if rng.chance(0.85) {
            top.push(("theme-primary", Node::s(theme.slug)));
        }
        promoted_fields(&mut rng, &shape, &mut top);

        let resources = resources(&mut rng, &shape, &topic, state);
        let tags = tags(&mut rng, self.seed, &shape);
        let groups = self.groups_for(&mut rng);
        let extras = extras(&mut rng, &shape, &licence);
        let resource_count = resources.len();
        top.push(("num_resources", Node::UInt(resource_count as u64)));
        top.push(("num_tags", Node::UInt(tags.len() as u64)));
        top.sort_unstable_by(|a, b| a.0.cmp(b.0));

        // Lists of objects: non-empty ones in name order, then empty ones in the order
        // `package_dictize` created them (validation drops and re-appends empty lists).
        let mut empty: Vec<&'static str> = Vec::with_capacity(4);
        for (key, list) in [
            ("extras", extras),
            ("groups", groups),
            ("resources", resources),
            ("tags", tags),
        ] {
            if list.is_empty() {
                empty.push(key);
            } else {
                top.push((key, list));
            }
        }
        for key in ["resources", "tags", "extras", "groups"] {
            if empty.contains(&key) {
                top.push((key, Node::empty()));
            }
        }
        top.push(("relationships_as_subject", Node::empty()));
        top.push(("relationships_as_object", Node::empty()));
        if let Some(list) = harvest_list(&shape) {
            top.push(("harvest", list));
        }
        Built {
            node: Node::Obj(top),
            org: org_index,
            resources: resource_count,
            harvested,
            private,
            state,
        }
    }

    fn groups_for(&self, rng: &mut Rng) -> Node<'_> {
        let n = match rng.below(100) {
            0..=85 => 0,
            86..=96 => 1,
            _ => 2,
        };
        let mut picked: Vec<usize> = Vec::with_capacity(n);
        while picked.len() < n {
            let g = rng.index(GROUPS.len());
            if !picked.contains(&g) {
                picked.push(g);
            }
        }
        // package_dictize lists groups by name.
        picked.sort_unstable_by_key(|&g| GROUPS[g].0);
        Node::Arr(
            picked
                .into_iter()
                .map(|g| {
                    let (name, title) = GROUPS[g];
                    // Keys sorted, as validation leaves them.
                    Node::Obj(vec![
                        ("description", Node::s(GROUP_DESCRIPTION)),
                        ("display_name", Node::s(title)),
                        ("id", Node::s(&self.group_ids[g])),
                        ("image_display_url", Node::s("")),
                        ("name", Node::s(name)),
                        ("title", Node::s(title)),
                    ])
                })
                .collect(),
        )
    }
}

/// `metadata_created` and `metadata_modified` in microseconds, modified ≥ created, with
/// [`RECENT_SHARE`] modified within the 7 days before [`REFERENCE`] and none of the others.
fn times(rng: &mut Rng) -> (i64, i64) {
    let week_ago = REFERENCE - 7 * DAY;
    let year = rng.weighted(CREATED_YEARS);
    let start = days_from_civil(year, 1, 1) * DAY;
    let end = (days_from_civil(year + 1, 1, 1) * DAY).min(week_ago - DAY);
    let created = start + rng.below((end - start) as u64) as i64;
    let modified = if rng.chance(RECENT_SHARE) {
        // Strictly inside the last week: (REFERENCE − 7 days, REFERENCE].
        REFERENCE - rng.below((7 * DAY - 1) as u64) as i64
    } else if rng.chance(0.3) {
        // Created and never edited: CKAN stamps both within microseconds to minutes.
        created
            + if rng.chance(0.5) {
                rng.below(50) as i64
            } else {
                rng.below((5 * MINUTE) as u64) as i64
            }
    } else {
        // Edited later; the product of two uniforms favours edits soon after creation.
        let span = (week_ago - SECOND - created) as f64;
        created + (span * rng.unit() * rng.unit()) as i64
    };
    (created, modified)
}

/// The CKAN `name`: the title's slug plus a short code that is a bijection of `index`, so
/// names are unique across any catalogue without looking at other datasets (harvesters add
/// similar random suffixes).
fn dataset_name(seed: u64, index: u64, title: &str) -> String {
    let mut name = String::with_capacity(100);
    push_slug(&mut name, title);
    if name.len() > 80 {
        // Slugs are ASCII, so any byte index is a char boundary.
        name.truncate(80);
        while name.ends_with('-') {
            name.pop();
        }
    }
    if !name.is_empty() {
        name.push('-');
    }
    let key = (mix(&[seed, 0x6E61_6D65]) & 0xFF_FFFF) as u32;
    if index < (1 << 24) {
        // 24-bit invertible mix (xor, odd multiply, xorshift), 5 base-36 characters.
        let mut x = (index as u32) ^ key;
        x = x.wrapping_mul(0x9E_3779) & 0xFF_FFFF;
        x ^= x >> 12;
        x = x.wrapping_mul(0x5B_D1E5) & 0xFF_FFFF;
        push_base36(&mut name, u64::from(x), 5);
    } else {
        push_base36(&mut name, index ^ u64::from(key), 8);
    }
    name
}

fn push_base36(out: &mut String, mut n: u64, width: usize) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::with_capacity(16);
    while n > 0 {
        buf.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    while buf.len() < width {
        buf.push(b'0');
    }
    for &b in buf.iter().rev() {
        out.push(b as char);
    }
}

/// The dataset's `url` (its "source" link): mostly null, sometimes a page on the
/// publisher's site, rarely the doubled-scheme mistake seen in real records.
fn source_url<'a>(rng: &mut Rng, org: &Organisation, topic: &Topic<'_>) -> Node<'a> {
    match rng.below(100) {
        0..=64 => Node::Null,
        65..=69 => Node::s(""),
        70 => {
            let mut s = String::from("http://https://");
            s.push_str(&org.domain);
            s.push_str("/open-data");
            Node::owned(s)
        }
        _ => {
            let mut s = String::from("https://");
            s.push_str(&org.domain);
            s.push_str("/open-data/");
            push_slug(&mut s, topic.subject);
            Node::owned(s)
        }
    }
}

/// The legacy and contact fields ckanext-datagovuk shows at top level.
fn promoted_fields<'a>(rng: &mut Rng, shape: &Shape<'a>, top: &mut Vec<(&'static str, Node<'a>)>) {
    let org = shape.org;
    if !shape.harvested {
        if rng.chance(0.7) {
            // Either filled in from the publisher's details or left blank (the web form
            // saves empty strings).
            let blank = rng.chance(0.3);
            let pick = |v: &'a str| if blank { Node::s("") } else { Node::s(v) };
            top.push(("contact-email", pick(&org.contact_email)));
            top.push((
                "contact-name",
                if blank {
                    Node::s("")
                } else {
                    Node::owned(format!("{} open data team", org.short))
                },
            ));
            top.push((
                "contact-phone",
                pick(if rng.chance(0.3) { "0300 123 4567" } else { "" }),
            ));
            top.push(("foi-email", pick(&org.foi_email)));
            top.push(("foi-name", pick(&org.foi_name)));
            top.push(("foi-phone", Node::s("")));
            top.push(("foi-web", pick(&org.foi_web)));
        }
        // Datasets from the pre-2018 legacy era still carry the old form's fields.
        let legacy_cutoff = days_from_civil(2018, 1, 1) * DAY;
        if shape.created < legacy_cutoff && rng.chance(0.6) {
            top.push(("core-dataset", Node::Bool(false)));
            top.push(("date_released", Node::owned(messy_date(rng, shape.created))));
            top.push(("date_updated", Node::owned(messy_date(rng, shape.modified))));
            top.push((
                "geographic_coverage",
                Node::s(rng.pick(&[
                    "100000: England",
                    "111100: United Kingdom (England, Scotland, Wales, Northern Ireland)",
                    "101000: England, Scotland",
                    "110000: England, Wales",
                    "010000: Scotland",
                    "001000: Wales",
                ])),
            ));
            top.push(("geographic_granularity", Node::s(rng.pick(GRANULARITIES))));
            let from = shape.created - rng.below((3 * 365 * DAY) as u64) as i64;
            top.push(("temporal_coverage-from", Node::owned(messy_date(rng, from))));
            top.push((
                "temporal_coverage-to",
                Node::owned(messy_date(rng, shape.created)),
            ));
            top.push((
                "temporal_granularity",
                Node::s(rng.pick(&["year", "month", "quarter", "week", "day", "other", ""])),
            ));
            if rng.chance(0.3) {
                let n = rng.range(0, 2);
                let list = (0..n)
                    .map(|_| Node::s(rng.weighted_by(&THEMES, |t| t.weight).title))
                    .collect();
                top.push(("theme-secondary", Node::Arr(list)));
            }
            top.push(("unpublished", Node::Bool(false)));
            top.push(("update_frequency", Node::s(rng.pick(LEGACY_FREQUENCIES))));
            if rng.chance(0.04) {
                top.push(("odi-certificate", odi_certificate(rng, shape)));
            }
        }
    } else {
        if rng.chance(0.4) {
            top.push(("contact-email", Node::s(&org.contact_email)));
        }
        if shape.inspire && rng.chance(0.3) {
            // Harvested INSPIRE temporal extents arrive as JSON lists (decoded on show).
            let from = shape.created - rng.below((10 * 365 * DAY) as u64) as i64;
            let list = |v: Option<String>| Node::Arr(v.into_iter().map(Node::owned).collect());
            top.push((
                "temporal_coverage-from",
                list(rng.chance(0.6).then(|| timestamp::date(from))),
            ));
            top.push((
                "temporal_coverage-to",
                list(rng.chance(0.3).then(|| timestamp::date(shape.created))),
            ));
        }
    }
}

/// An Open Data Institute certificate, as a handful of old datasets carry (kept in the
/// certificate's own key order, since it is stored as one JSON-encoded extra).
fn odi_certificate<'a>(rng: &mut Rng, shape: &Shape<'a>) -> Node<'a> {
    let n = rng.range(1000, 9999);
    let (level, cert_title) = rng.pick(&[
        ("bronze", "Bronze level certificate"),
        ("silver", "Silver level certificate"),
        ("gold", "Gold level certificate"),
    ]);
    let mut created_at = timestamp::iso(shape.created - shape.created.rem_euclid(SECOND));
    created_at.push('Z');
    Node::Obj(vec![
        ("status", Node::s("final")),
        ("source", Node::s("Automatically awarded by ODI")),
        ("certification_type", Node::s("automatically awarded")),
        ("level", Node::s(level)),
        ("title", Node::s(&shape.org.title)),
        ("created_at", Node::owned(created_at)),
        ("jurisdiction", Node::s("GB")),
        (
            "certificate_url",
            Node::owned(format!(
                "https://certificates.theodi.org/en/datasets/{n}/certificate"
            )),
        ),
        (
            "badge_url",
            Node::owned(format!(
                "https://certificates.theodi.org/en/datasets/{n}/certificate/badge.png"
            )),
        ),
        ("cert_title", Node::s(cert_title)),
    ])
}

/// File extension for a messy format value (what the URL would end with); empty for
/// formats that are web pages or services.
fn extension(format: &str) -> &'static str {
    let f = format.trim().trim_start_matches('.');
    const TABLE: &[(&str, &str)] = &[
        ("csv", "csv"),
        ("text/csv", "csv"),
        ("xls", "xls"),
        ("excel", "xls"),
        ("xlsx", "xlsx"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        ("pdf", "pdf"),
        ("json", "json"),
        ("geojson", "geojson"),
        ("zip", "zip"),
        ("shp", "zip"),
        ("esri shapefile", "zip"),
        ("xml", "xml"),
        ("gml", "xml"),
        ("ods", "ods"),
        ("kml", "kml"),
        ("rdf", "rdf"),
        ("txt", "txt"),
        ("doc", "doc"),
        ("docx", "docx"),
        ("geopackage", "gpkg"),
    ];
    TABLE
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(f))
        .map_or("", |&(_, ext)| ext)
}

/// Appends a two-digit number.
fn push_two(out: &mut String, n: i64) {
    if n < 10 {
        out.push('0');
    }
    push_int(out, n);
}

fn resources<'a>(rng: &mut Rng, shape: &Shape<'a>, topic: &Topic<'_>, state: &str) -> Node<'a> {
    let mut count = if shape.inspire {
        rng.range(1, 3) as usize
    } else {
        rng.weighted_index(RESOURCE_COUNTS)
    };
    if state == "draft" && rng.chance(0.5) {
        count = 0;
    }
    let org = shape.org;
    let legacy = shape.created < days_from_civil(2013, 1, 1) * DAY;
    let mut file_slug = String::with_capacity(48);
    push_slug(&mut file_slug, topic.subject);

    // Resources are added over the dataset's life, in position order.
    let span = (shape.modified - shape.created).max(1) as u64;
    let mut times: Vec<i64> = (0..count)
        .map(|_| shape.created + rng.below(span) as i64)
        .collect();
    times.sort_unstable();

    let mut out = Vec::with_capacity(count);
    for (position, &created) in times.iter().enumerate() {
        let format: &'static str = if shape.inspire {
            rng.weighted(INSPIRE_FORMATS)
        } else {
            rng.weighted(FORMATS)
        };
        let supporting = !shape.harvested && rng.chance(0.08);
        let r_id = rng.uuid();
        let when = timestamp::parts(created);

        let ext = extension(format);
        let upload = !shape.harvested && rng.chance(0.03);
        let mut url = String::with_capacity(128);
        if upload {
            url.push_str("https://ckan.publishing.service.gov.uk/dataset/");
            url.push_str(&shape.id);
            url.push_str("/resource/");
            url.push_str(&r_id);
            url.push_str("/download/");
            url.push_str(&file_slug);
            url.push('.');
            url.push_str(if ext.is_empty() { "csv" } else { ext });
        } else if shape.inspire {
            url.push_str("https://");
            url.push_str(&org.domain);
            url.push_str("/geoserver/");
            url.push_str(&file_slug);
            url.push_str(if format.contains("WFS") {
                "/wfs?service=wfs&version=2.0.0&request=GetCapabilities"
            } else {
                "/wms?request=getCapabilities&service=WMS"
            });
        } else if ext.is_empty() || supporting {
            url.push_str("https://");
            url.push_str(&org.domain);
            url.push_str("/open-data/");
            url.push_str(&file_slug);
            if format == "API" || format.contains("REST") {
                url.push_str("/api/v1/records?limit=1000");
            } else if position > 0 {
                url.push('#');
                push_int(&mut url, position as i64);
            }
        } else if org.domain == "www.gov.uk" {
            url.push_str("https://assets.publishing.service.gov.uk/media/");
            let h = rng.next_u64();
            for k in 0..12 {
                url.push(char::from(
                    b"0123456789abcdef"[((h >> (k * 4)) & 0xF) as usize],
                ));
            }
            url.push('/');
            url.push_str(&file_slug);
            url.push('-');
            push_int(&mut url, when.year);
            url.push('.');
            url.push_str(ext);
        } else {
            url.push_str("https://");
            url.push_str(&org.domain);
            url.push_str("/sites/default/files/");
            push_int(&mut url, when.year);
            url.push('-');
            push_two(&mut url, when.month);
            url.push('/');
            url.push_str(&file_slug);
            url.push('_');
            push_int(&mut url, when.year);
            if position > 0 {
                url.push('_');
                push_int(&mut url, position as i64 + 1);
            }
            url.push('.');
            url.push_str(ext);
        }

        let name = if shape.inspire {
            Node::s(match format {
                "WMS" | "OGC WMS" => "INSPIRE View Service",
                "WFS" => "INSPIRE Download Service",
                _ => "Resource locator",
            })
        } else if supporting {
            Node::s(rng.pick(&[
                "Technical specification",
                "Guidance notes",
                "Data dictionary",
                "Methodology",
            ]))
        } else if legacy && rng.chance(0.5) {
            Node::Null
        } else {
            let template = rng.pick(&[
                "{Subject} {year2}",
                "{Subject} {month} {year2}",
                "{year2}-{mm}",
                "{Subject} ({place})",
                "Q{q} {year2}",
                "{Subject} data file",
            ]);
            let mut name = String::with_capacity(64);
            text::expand(&mut name, rng, topic, template);
            Node::owned(name)
        };
        let description = match rng.below(10) {
            0..=3 => Node::s(""),
            4..=7 => {
                let mut d = String::with_capacity(96);
                text::push_sentence(&mut d, rng, topic);
                Node::owned(d)
            }
            _ => {
                let mut d = String::with_capacity(64);
                text::expand(&mut d, rng, topic, "{Subject} {year2}");
                if !format.trim().is_empty() {
                    d.push_str(" (");
                    d.push_str(format.trim());
                    d.push_str(" format)");
                }
                Node::owned(d)
            }
        };

        // Very old resources predate the `created`/`hash` columns being filled.
        let bare = legacy && rng.chance(0.3);
        let created_str = (!bare).then(|| timestamp::iso(created));
        // Keys in sorted order, as validation leaves them.
        let mut r: Vec<(&'static str, Node<'a>)> = Vec::with_capacity(26);
        r.push(("cache_last_updated", Node::Null));
        r.push(("cache_url", Node::Null));
        if let Some(c) = &created_str {
            r.push(("created", Node::owned(c.clone())));
        }
        if !shape.harvested && rng.chance(0.4) {
            let v = if rng.chance(0.5) {
                Node::s("")
            } else {
                Node::owned(timestamp::date(created))
            };
            r.push(("datafile-date", v));
        }
        r.push(("description", description));
        r.push(("format", Node::s(format)));
        if !bare {
            r.push(("hash", Node::s("")));
        }
        r.push(("id", Node::owned(r_id)));
        r.push((
            "last_modified",
            if rng.chance(0.15) {
                Node::owned(timestamp::iso(created + rng.below(DAY as u64) as i64))
            } else {
                Node::Null
            },
        ));
        r.push((
            "metadata_modified",
            created_str.map_or(Node::Null, Node::owned),
        ));
        r.push((
            "mimetype",
            if ext == "csv" && rng.chance(0.2) {
                Node::s("text/csv")
            } else {
                Node::Null
            },
        ));
        r.push(("mimetype_inner", Node::Null));
        r.push(("name", name));
        r.push(("package_id", Node::owned(shape.id.clone())));
        r.push(("position", Node::UInt(position as u64)));
        if supporting {
            r.push(("resource-type", Node::s("supporting-document")));
        }
        if shape.inspire {
            let function = match format {
                "WMS" | "OGC WMS" => "information",
                "WFS" | "ZIP" | "GML" => "download",
                _ => "",
            };
            r.push(("resource_locator_function", Node::s(function)));
            r.push((
                "resource_locator_protocol",
                Node::s(if rng.chance(0.5) { "" } else { "OGC:WMS" }),
            ));
        }
        r.push((
            "resource_type",
            if shape.harvested || rng.chance(0.5) {
                Node::Null
            } else {
                Node::s(rng.pick(&["file", "file", "api", "documentation"]))
            },
        ));
        r.push((
            "size",
            if rng.chance(0.15) {
                Node::UInt(rng.range(200, 80_000_000))
            } else {
                Node::Null
            },
        ));
        r.push(("state", Node::s("active")));
        r.push(("url", Node::owned(url)));
        r.push((
            "url_type",
            if upload {
                Node::s("upload")
            } else {
                Node::Null
            },
        ));
        if shape.inspire && format.contains("WMS") && rng.chance(0.5) {
            let mut w = String::from("https://");
            w.push_str(&org.domain);
            w.push_str(":443/geoserver/");
            w.push_str(&file_slug);
            w.push_str("/ows");
            r.push(("wms_base_urls", Node::owned(w)));
        }
        out.push(Node::Obj(r));
    }
    Node::Arr(out)
}

fn tags<'a>(rng: &mut Rng, seed: u64, shape: &Shape<'a>) -> Node<'a> {
    // (name, vocabulary) pairs; free tags have no vocabulary. At most 10 in all.
    let mut chosen: Vec<(&'static str, Option<&'static str>)> = Vec::with_capacity(10);
    if rng.chance(if shape.inspire { 0.3 } else { 0.03 }) {
        let (vocab, terms) = rng.pick(VOCABULARIES);
        for _ in 0..rng.range(1, 3) {
            let term = rng.pick(terms);
            if !chosen.iter().any(|(t, v)| *t == term && *v == Some(vocab)) {
                chosen.push((term, Some(vocab)));
            }
        }
    }
    let mut n = rng.weighted_index(TAG_COUNTS);
    if shape.inspire {
        n = n.max(rng.range(2, 6) as usize);
    }
    let n = n.min(10 - chosen.len()) + chosen.len();
    let mut attempts = 0;
    while chosen.len() < n && attempts < 40 {
        attempts += 1;
        let name = if rng.chance(0.7) {
            rng.pick(shape.theme.tags)
        } else {
            rng.pick(GENERAL_TAGS)
        };
        if !chosen.iter().any(|(t, v)| *t == name && v.is_none()) {
            chosen.push((name, None));
        }
    }
    // package_dictize orders tags by name (code-point order, so capitals first).
    chosen.sort_unstable();
    let tag_seed = mix(&[seed, DOMAIN_TAG]);
    Node::Arr(
        chosen
            .into_iter()
            .map(|(name, vocab)| {
                // A tag's id depends only on its name (and vocabulary): the same tag object
                // is shared by every dataset that carries it.
                let key = match vocab {
                    Some(v) => hash_str(tag_seed, v) ^ hash_str(tag_seed, name),
                    None => hash_str(tag_seed, name),
                };
                Node::Obj(vec![
                    ("display_name", Node::s(name)),
                    (
                        "id",
                        Node::owned(format_uuid(key, key.rotate_left(29) ^ 0x5BD1_E995)),
                    ),
                    ("name", Node::s(name)),
                    ("state", Node::s("active")),
                    (
                        "vocabulary_id",
                        vocab.map_or(Node::Null, |v| {
                            let mut k = String::with_capacity(24);
                            k.push_str("vocabulary:");
                            k.push_str(v);
                            Node::owned(uuid_for(tag_seed, &k))
                        }),
                    ),
                ])
            })
            .collect(),
    )
}

/// A coordinate in micro-degrees as the decimal string harvested records carry, with 2, 6
/// or 8 decimals (all three appear in real data).
fn push_coord(out: &mut String, micro: i64, decimals: u32) {
    if micro < 0 {
        out.push('-');
    }
    let a = micro.unsigned_abs();
    push_int(out, (a / 1_000_000) as i64);
    out.push('.');
    let frac = a % 1_000_000;
    let mut digits = [b'0'; 6];
    let mut f = frac;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (f % 10) as u8;
        f /= 10;
    }
    let keep = if decimals == 2 { 2 } else { 6 };
    for &d in &digits[..keep] {
        out.push(char::from(d));
    }
    if decimals > 6 {
        out.push_str("00");
    }
}

fn extras<'a>(rng: &mut Rng, shape: &Shape<'a>, licence: &Licence) -> Node<'a> {
    let mut kv: Vec<(&'static str, Cow<'a, str>)> = Vec::with_capacity(28);
    let org = shape.org;
    let source = shape.harvest.as_ref().map_or(&org.harvest_source, |h| h.1);
    let owned = Cow::Owned;
    let fixed = |s: &'static str| Cow::Borrowed(s);
    if let Some((object_id, _)) = &shape.harvest {
        kv.push(("harvest_object_id", owned(object_id.clone())));
        kv.push((
            "guid",
            if shape.inspire || rng.chance(0.5) {
                owned(rng.uuid())
            } else {
                let mut g = source.url.clone();
                g.push_str("dataset/");
                g.push_str(&shape.id[..8]);
                owned(g)
            },
        ));
        let md = (shape.modified - rng.below((2 * DAY) as u64) as i64).max(shape.created);
        kv.push((
            "metadata-date",
            owned(if rng.chance(0.5) {
                timestamp::iso(md - md.rem_euclid(SECOND))
            } else {
                timestamp::date(md)
            }),
        ));
        if rng.chance(0.5) {
            kv.push(("import_source", fixed("harvest")));
        }
    }
    if shape.inspire {
        let e = jitter(rng, org.extent);
        let decimals = rng.pick(&[2u32, 6, 8]);
        let coord = |v: i64| {
            let mut s = String::with_capacity(12);
            push_coord(&mut s, v, decimals);
            s
        };
        let (w, s_, e_, n) = (coord(e.west), coord(e.south), coord(e.east), coord(e.north));
        let spatial = format!(
            "{{\"type\": \"Polygon\", \"coordinates\": [[[{e_}, {s_}], [{w}, {s_}], [{w}, {n}], [{e_}, {n}], [{e_}, {s_}]]]}}"
        );
        kv.push(("UKLP", fixed("True")));
        kv.push(("access_constraints", fixed(rng.pick(ACCESS_CONSTRAINTS))));
        kv.push(("bbox-east-long", owned(e_)));
        kv.push(("bbox-north-lat", owned(n)));
        kv.push(("bbox-south-lat", owned(s_)));
        kv.push(("bbox-west-long", owned(w)));
        kv.push(("coupled-resource", fixed("[]")));
        kv.push((
            "dataset-reference-date",
            owned(format!(
                "[{{\"type\": \"{}\", \"value\": \"{}\"}}]",
                rng.pick(&["publication", "creation", "revision"]),
                timestamp::date(shape.created)
            )),
        ));
        kv.push(("frequency-of-update", fixed(rng.pick(UPDATE_FREQUENCIES))));
        if rng.chance(0.5) {
            kv.push((
                "harvest_source_reference",
                owned(format!("{}metadata/{}.xml", source.url, &shape.id[..8])),
            ));
        }
        if licence.id.is_none_or(str::is_empty) || rng.chance(0.3) {
            kv.push(("licence", fixed(rng.pick(LICENCE_TEXTS))));
        }
        kv.push(("metadata-language", fixed("eng")));
        kv.push((
            "progress",
            fixed(rng.pick(&["completed", "onGoing", "", "historicalArchive"])),
        ));
        kv.push((
            "provider",
            if rng.chance(0.5) {
                Cow::Borrowed(org.title.as_str())
            } else {
                fixed("")
            },
        ));
        let service = rng.chance(0.15);
        kv.push((
            "resource-type",
            fixed(if service {
                "service"
            } else {
                rng.pick(&["dataset", "dataset", "series"])
            }),
        ));
        kv.push((
            "responsible-party",
            owned(format!(
                "{} ({})",
                org.title,
                rng.pick(&["pointOfContact", "publisher", "custodian", "owner"])
            )),
        ));
        kv.push(("spatial", owned(spatial)));
        kv.push((
            "spatial-data-service-type",
            fixed(if service {
                rng.pick(&["view", "download", "discovery"])
            } else {
                ""
            }),
        ));
        kv.push((
            "spatial-reference-system",
            fixed(rng.pick(REFERENCE_SYSTEMS)),
        ));
    } else if !shape.harvested {
        if shape.created < days_from_civil(2018, 1, 1) * DAY && rng.chance(0.4) {
            // Leftovers of the legacy form, not promoted by the current schema.
            kv.push(("its-dataset", fixed("false")));
            kv.push(("register", fixed("false")));
            kv.push(("sla", fixed("")));
        }
        if rng.chance(0.08) {
            kv.push(("licence", fixed(rng.pick(LICENCE_TEXTS))));
        }
    }
    // Free-text `*_date` extras: CKAN's indexer parses any key ending in `_date` and drops
    // what it cannot parse, so these exercise date normalisation.
    if rng.chance(0.15) {
        const KEYS: [&str; 4] = [
            "publication_date",
            "revision_date",
            "creation_date",
            "release_date",
        ];
        let first = rng.index(KEYS.len());
        for k in 0..rng.range(1, 2) as usize {
            let at = shape.created + rng.below((shape.modified - shape.created + 1) as u64) as i64;
            kv.push((KEYS[(first + k) % KEYS.len()], owned(messy_date(rng, at))));
        }
    }
    // package_dictize sorts extras by key; the harvest plugin then appends its own.
    kv.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if shape.harvest.is_some() {
        kv.push(("harvest_source_id", Cow::Borrowed(source.id.as_str())));
        kv.push(("harvest_source_title", Cow::Borrowed(source.title.as_str())));
    }
    Node::Arr(
        kv.into_iter()
            .map(|(k, v)| Node::Obj(vec![("key", Node::s(k)), ("value", Node::Str(v))]))
            .collect(),
    )
}

/// A dataset's extent: the publisher's, shrunk a little from each side.
fn jitter(rng: &mut Rng, e: Extent) -> Extent {
    let w = (e.east - e.west) / 4;
    let h = (e.north - e.south) / 4;
    let mut shrink = |d: i64| rng.below(d.max(1) as u64) as i64;
    Extent {
        west: e.west + shrink(w),
        south: e.south + shrink(h),
        east: e.east - shrink(w),
        north: e.north - shrink(h),
    }
}

/// The `harvest` list ckanext-datagovuk's `after_dataset_show` adds (what ends up in Solr's
/// stored `harvest` field that pycsw reads).
fn harvest_list<'a>(shape: &Shape<'a>) -> Option<Node<'a>> {
    let (object_id, source) = shape.harvest.as_ref()?;
    let pair = |k: &'static str, v: Node<'a>| Node::Obj(vec![("key", Node::s(k)), ("value", v)]);
    Some(Node::Arr(vec![
        pair("harvest_object_id", Node::owned(object_id.clone())),
        pair("harvest_source_id", Node::s(&source.id)),
        pair("harvest_source_title", Node::s(&source.title)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_for_the_same_title() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..200_000u64 {
            assert!(seen.insert(dataset_name(42, i, "Same title")));
        }
    }

    #[test]
    fn coordinates_format() {
        let mut s = String::new();
        push_coord(&mut s, -861_918, 8);
        assert_eq!(s, "-0.86191800");
        s.clear();
        push_coord(&mut s, 51_452_770, 2);
        assert_eq!(s, "51.45");
    }
}
