//! The publishers of a generated catalogue: ~1,000 UK public bodies with stable ids, CKAN
//! `organization` objects, contact details, harvest sources, a map extent, and a Zipf-like
//! share of the datasets (a few publishers own thousands, most own a handful).

use std::collections::HashSet;

use serde_json::Value;

use crate::json::Node;
use crate::rng::{mix, Rng};
use crate::text::{push_slug, slug};
use crate::timestamp::{self, days_from_civil, DAY};
use crate::words::{
    theme_index, OrgKind, CENTRAL_BODIES, LONDON_BOROUGHS, ORG_PATTERNS, PLACES,
    SHARED_HARVEST_SOURCES, THEMES,
};

/// Stream domain for organisation generation (distinct from the dataset streams).
const DOMAIN_ORGS: u64 = 0x6F72_6773; // "orgs"

/// Zipf exponent 1.5 and rank offset 10: with 1,043 publishers the largest gets ~4.5 % of
/// the datasets (≈3,000 of data.gov.uk's 67k), the median ~0.015 % (≈10). Exponent 1.5 is
/// used because `x^1.5 = x·√x` needs only IEEE-exact operations, keeping weights identical
/// on every platform.
const ZIPF_OFFSET: f64 = 10.0;

/// An extent in micro-degrees (WGS84), for INSPIRE bounding boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// Western longitude.
    pub west: i64,
    /// Southern latitude.
    pub south: i64,
    /// Eastern longitude.
    pub east: i64,
    /// Northern latitude.
    pub north: i64,
}

/// A harvest source (ckanext-harvest) that brings in some of a publisher's datasets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarvestSource {
    /// `harvest_source_id`.
    pub id: String,
    /// `harvest_source_title`.
    pub title: String,
    /// Base URL of the remote catalogue.
    pub url: String,
}

/// A publisher (CKAN organization).
#[derive(Debug, Clone)]
pub struct Organisation {
    /// CKAN id (UUID).
    pub id: String,
    /// URL slug (`organization` in Solr, `name` in CKAN).
    pub name: String,
    /// Display title.
    pub title: String,
    /// Free-text description (CKAN's `\r\n` paragraphs, as typed into the web form).
    pub description: String,
    /// `created`, ISO timestamp.
    pub created: String,
    /// `approval_status` (data.gov.uk has both values).
    pub approval_status: &'static str,
    /// What kind of body this is.
    pub kind: OrgKind,
    /// Short form used in notes ("DfT", "Leeds").
    pub short: String,
    /// The place the body serves, if local.
    pub place: Option<&'static str>,
    /// Index into the theme table of the topic most of its datasets are about.
    pub(crate) theme: usize,
    /// Web host, e.g. `www.leeds.gov.uk`.
    pub domain: String,
    /// `contact-email`.
    pub contact_email: String,
    /// `foi-name`.
    pub foi_name: String,
    /// `foi-email`.
    pub foi_email: String,
    /// `foi-web`.
    pub foi_web: String,
    /// Ids of the users who create its datasets (`creator_user_id`).
    pub users: Vec<String>,
    /// Its own harvest source.
    pub harvest_source: HarvestSource,
    /// A shared aggregator source it also publishes through.
    pub shared_source: HarvestSource,
    /// Area covered, for INSPIRE bounding boxes.
    pub extent: Extent,
}

impl Organisation {
    /// The `organization` object exactly as `package_show` embeds it (table column order:
    /// id, name, title, type, description, image_url, created, is_organization,
    /// approval_status, state).
    pub fn package_show_dict(&self) -> Value {
        self.dict_node().to_value()
    }

    /// The `theme-primary` slug most of its datasets carry.
    pub fn main_theme(&self) -> &'static str {
        THEMES[self.theme].slug
    }

    /// [`Organisation::package_show_dict`] as a borrowed tree, for assembly.
    pub(crate) fn dict_node(&self) -> Node<'_> {
        Node::Obj(vec![
            ("id", Node::s(&self.id)),
            ("name", Node::s(&self.name)),
            ("title", Node::s(&self.title)),
            ("type", Node::s("organization")),
            ("description", Node::s(&self.description)),
            ("image_url", Node::s("")),
            ("created", Node::s(&self.created)),
            ("is_organization", Node::Bool(true)),
            ("approval_status", Node::s(self.approval_status)),
            ("state", Node::s("active")),
        ])
    }
}

/// All publishers plus the size distribution used to assign datasets to them.
#[derive(Debug, Clone)]
pub struct Organisations {
    orgs: Vec<Organisation>,
    /// Cumulative Zipf weights by rank.
    cumulative: Vec<u64>,
    /// Organisation index for each rank.
    by_rank: Vec<u32>,
}

impl Organisations {
    /// Generates `count` publishers (at least one) for `seed`.
    pub fn new(seed: u64, count: usize) -> Self {
        let count = count.max(1);
        let orgs = build(seed, count);

        // Rank: a seeded shuffle in which central bodies tend to come first, because the
        // biggest data.gov.uk publishers are national agencies (Environment Agency, ONS…).
        let mut keys: Vec<(u64, u32)> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let r = mix(&[seed, DOMAIN_ORGS, 0x72616E6B, i as u64]) >> 8;
                let bias = match o.kind {
                    OrgKind::Department | OrgKind::Agency => 12,
                    _ => 1,
                };
                (r / bias, i as u32)
            })
            .collect();
        keys.sort_unstable();
        let by_rank: Vec<u32> = keys.into_iter().map(|(_, i)| i).collect();

        let mut cumulative = Vec::with_capacity(count);
        let mut total = 0u64;
        for rank in 0..count {
            let x = rank as f64 + ZIPF_OFFSET;
            let w = ((1u64 << 40) as f64 / (x * x.sqrt())) as u64;
            total += w.max(1);
            cumulative.push(total);
        }
        Self {
            orgs,
            cumulative,
            by_rank,
        }
    }

    /// The publishers, in generation order.
    pub fn as_slice(&self) -> &[Organisation] {
        &self.orgs
    }

    /// Draws a publisher (its index) for one dataset, with the long-tailed size distribution.
    pub fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let r = rng.below(total);
        let rank = self.cumulative.partition_point(|&c| c <= r);
        self.by_rank[rank.min(self.by_rank.len() - 1)] as usize
    }
}

/// Letters and digits of a place name only, for host names (`Mole Valley` → `molevalley`).
fn host_part(place: &str) -> String {
    let mut s = String::with_capacity(place.len());
    for c in crate::text::fold_accents(place).chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        }
    }
    s
}

fn build(seed: u64, count: usize) -> Vec<Organisation> {
    let mut seen: HashSet<String> = HashSet::with_capacity(count);
    let mut orgs = Vec::with_capacity(count);
    for index in 0..count {
        let mut rng = Rng::derive(seed, DOMAIN_ORGS, index as u64);
        let org = match CENTRAL_BODIES.get(index) {
            Some(&(title, acronym, kind, theme)) => {
                seen.insert(title.to_string());
                central(&mut rng, title, acronym, kind, theme_index(theme))
            }
            None => composed(&mut rng, &mut seen, index),
        };
        orgs.push(org);
    }
    orgs
}

fn central(rng: &mut Rng, title: &str, acronym: &str, kind: OrgKind, theme: usize) -> Organisation {
    let name = slug(title);
    let domain = "www.gov.uk".to_string();
    let description = format!(
        "The {title} ({acronym}) publishes official data and statistics about {topic}.\r\n\r\n\
         https://www.gov.uk/government/organisations/{name}\r\n",
        topic = THEMES[theme].title.to_lowercase(),
    );
    let contact_email = format!("data@{}.gov.uk", acronym.to_ascii_lowercase());
    finish(
        rng,
        Parts {
            name,
            title: title.to_string(),
            description,
            kind,
            short: acronym.to_string(),
            place: None,
            theme,
            domain,
            contact_email,
            national: true,
        },
    )
}

fn composed(rng: &mut Rng, seen: &mut HashSet<String>, index: usize) -> Organisation {
    let mut attempt = 0;
    loop {
        let &(pattern, kind, _) = rng.weighted_by(ORG_PATTERNS, |p| p.2);
        let london = pattern.contains("{l}");
        let place: &'static str = if london {
            rng.pick(LONDON_BOROUGHS)
        } else {
            rng.pick(PLACES)
        };
        // A second, different place for "{p} and {q}" trusts.
        let mut j = rng.index(PLACES.len());
        if PLACES[j] == place {
            j = (j + 1) % PLACES.len();
        }
        let other = PLACES[j];
        let mut title = pattern
            .replace("{p}", place)
            .replace("{l}", place)
            .replace("{q}", other);
        attempt += 1;
        // Pattern × place space is ~8,000 names; past it (huge org counts) number the
        // duplicates rather than loop forever.
        if attempt > 20 {
            title.push_str(&format!(" (Area {index})"));
        }
        if !seen.insert(title.clone()) {
            continue;
        }
        let name = slug(&title);
        let host = host_part(place);
        let (domain, theme, description) = match kind {
            OrgKind::Council => (
                format!("www.{host}.gov.uk"),
                theme_index(rng.pick(&[
                    "government-spending",
                    "towns-and-cities",
                    "environment",
                    "government",
                    "transport",
                    "society",
                ])),
                format!(
                    "{title} is the local authority for {place}. We publish open data under \
                     the Local Government Transparency Code, including spending, planning and \
                     environmental information.\r\n\r\nhttps://www.{host}.gov.uk/open-data\r\n"
                ),
            ),
            OrgKind::Nhs => (
                format!("www.{host}.nhs.uk"),
                theme_index("health"),
                format!(
                    "{title} provides NHS services to people in {place} and the surrounding \
                     area.\r\n\r\nhttps://www.{host}.nhs.uk\r\n"
                ),
            ),
            OrgKind::Emergency => (
                format!("www.{host}.police.uk"),
                theme_index("crime-and-justice"),
                format!(
                    "{title} serves the communities of {place}.\r\n\r\nhttps://www.{host}.police.uk\r\n"
                ),
            ),
            _ => (
                format!("www.{host}.org.uk"),
                theme_index(rng.pick(&[
                    "environment",
                    "mapping",
                    "towns-and-cities",
                    "business-and-economy",
                    "education",
                ])),
                format!("{title}.\r\n\r\nhttps://www.{host}.org.uk\r\n"),
            ),
        };
        let contact_email = format!("opendata@{}", domain.trim_start_matches("www."));
        return finish(
            rng,
            Parts {
                name,
                title,
                description,
                kind,
                short: place.to_string(),
                place: Some(place),
                theme,
                domain,
                contact_email,
                national: false,
            },
        );
    }
}

struct Parts {
    name: String,
    title: String,
    description: String,
    kind: OrgKind,
    short: String,
    place: Option<&'static str>,
    theme: usize,
    domain: String,
    contact_email: String,
    national: bool,
}

fn finish(rng: &mut Rng, p: Parts) -> Organisation {
    let id = rng.uuid();
    // data.gov.uk's organisations were migrated in on 2012-06-27; later ones trickle in.
    let start = days_from_civil(2012, 6, 27) * DAY + 14 * timestamp::HOUR;
    let end = days_from_civil(2023, 1, 1) * DAY;
    let created_us = if rng.chance(0.35) {
        start + rng.below(3_600_000_000) as i64
    } else {
        start + rng.below((end - start) as u64) as i64
    };
    let created = timestamp::iso(created_us);
    let approval_status = if rng.chance(0.7) {
        "approved"
    } else {
        "pending"
    };
    let users = (0..rng.range(1, 4)).map(|_| rng.uuid()).collect();
    let bare = p.domain.trim_start_matches("www.").to_string();
    let foi_name = if rng.chance(0.5) {
        format!("{} FOI team", p.short)
    } else {
        "Freedom of Information Officer".to_string()
    };
    let foi_email = format!("foi@{bare}");
    let foi_web = format!("https://{}/foi", p.domain);

    let harvest_source = HarvestSource {
        id: rng.uuid(),
        title: match rng.below(4) {
            0 => format!("{} CSW", p.title),
            1 => format!("{} DCAT feed", p.title),
            2 => format!("{} open data portal", p.short),
            _ => p.title.clone(),
        },
        url: format!(
            "https://{}/",
            if p.national { "data.gov.uk" } else { &bare }
        ),
    };
    let shared_title = rng.pick(SHARED_HARVEST_SOURCES);
    let mut shared_slug = String::new();
    push_slug(&mut shared_slug, shared_title);
    let shared_source = HarvestSource {
        // Shared sources are the same object for every publisher using them.
        id: crate::rng::uuid_for(0x5348_4152, shared_title),
        title: shared_title.to_string(),
        url: format!("https://{shared_slug}.example.org/"),
    };

    let extent = if p.national {
        // Great Britain and Northern Ireland, as most national INSPIRE records give it.
        Extent {
            west: -8_650_000,
            south: 49_860_000,
            east: 1_770_000,
            north: 60_860_000,
        }
    } else {
        let lat = 50_300_000 + rng.below(5_200_000) as i64;
        let lon = -5_400_000 + rng.below(7_000_000) as i64;
        let half = 30_000 + rng.below(350_000) as i64;
        Extent {
            west: lon - half,
            south: lat - half * 6 / 10,
            east: lon + half,
            north: lat + half * 6 / 10,
        }
    };

    Organisation {
        id,
        name: p.name,
        title: p.title,
        description: p.description,
        created,
        approval_status,
        kind: p.kind,
        short: p.short,
        place: p.place,
        theme: p.theme,
        domain: p.domain,
        contact_email: p.contact_email,
        foi_name,
        foi_email,
        foi_web,
        users,
        harvest_source,
        shared_source,
        extent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_slugged() {
        let orgs = Organisations::new(42, 1_043);
        assert_eq!(orgs.as_slice().len(), 1_043);
        let mut names = HashSet::new();
        let mut ids = HashSet::new();
        for o in orgs.as_slice() {
            assert!(names.insert(o.name.clone()), "duplicate {}", o.name);
            assert!(ids.insert(o.id.clone()));
            assert!(o
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }

    #[test]
    fn deterministic() {
        let a = Organisations::new(7, 50);
        let b = Organisations::new(7, 50);
        let c = Organisations::new(8, 50);
        assert_eq!(a.as_slice()[49].id, b.as_slice()[49].id);
        assert_ne!(a.as_slice()[49].id, c.as_slice()[49].id);
    }

    #[test]
    fn survives_huge_counts() {
        let orgs = Organisations::new(1, 12_000);
        assert_eq!(orgs.as_slice().len(), 12_000);
    }
}
