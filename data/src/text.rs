//! Human-readable text: dataset titles, multi-paragraph notes, and CKAN-style URL slugs.
//!
//! Titles and notes are filled from sentence templates so that they read like real
//! data.gov.uk descriptions while deliberately exercising the text analyser: hyphenated words
//! (brown-field, year-on-year), CamelCase (WiFi, PowerBI, OpenStreetMap), accents (café,
//! Müller, naïve, Zürich), acronyms (NHS, ONS, E.ON, CO2, NO2, GDP, LSOA, NHS111), numbers and
//! years, URLs, possessives (Ford's) and a little Markdown.

use std::borrow::Cow;

use crate::organisations::Organisation;
use crate::rng::Rng;
use crate::timestamp::push_int;
use crate::words::{Theme, ACCENTED, BRANDS, CADENCES, FIRST_NAMES, GEOGRAPHIES, SURNAMES};

/// What one dataset is about; the slots every template draws on.
pub struct Topic<'a> {
    /// The dataset's theme.
    pub theme: &'static Theme,
    /// What it contains (a noun phrase from the theme).
    pub subject: &'static str,
    /// Where it is about.
    pub place: &'a str,
    /// Who publishes it.
    pub org: &'a Organisation,
    /// First year covered.
    pub year: i64,
    /// Last year covered (≥ `year`).
    pub year2: i64,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Title templates with relative frequency.
static TITLES: &[(&str, u32)] = &[
    ("{Subject}", 3),
    ("{Subject} {year}", 8),
    ("{Subject} - {place}", 6),
    ("{place} {subject}", 6),
    ("{Subject} in {place}, {year} to {year2}", 4),
    ("{Subject} {year}/{yy}", 5),
    ("{short}: {subject}", 3),
    ("{Subject} by {geo}", 4),
    ("{Subject} – {cadence} update", 2),
    ("{Subject} Q{q} {year}", 3),
    ("{Subject}, {place} ({month} {year})", 3),
    ("{org} {subject}", 3),
    ("{Subject} ({short})", 2),
    ("{year} {subject} for {place}", 2),
    ("Experimental statistics: {subject}", 1),
    ("{Subject} [{year}]", 1),
    ("{Subject} (provisional)", 1),
    ("{Subject} - {year}-{mm}", 2),
    ("{Subject} – {brand} extract", 1),
    ("{Subject} at {surname}'s Yard depot", 1),
];

/// First sentence of the notes: says what the dataset is.
static OPENINGS: &[&str] = &[
    "This dataset contains {subject} for {place}, published by {org}.",
    "{org} publishes {subject} to meet its obligations under the Local Government Transparency Code 2015.",
    "Details of {subject} across {place} from {year} onwards.",
    "{Subject} recorded by {org} between {year} and {year2}.",
    "A list of {subject} held by the {short} {theme} team.",
    "{Subject}. Data are provided by {org} and cover {place}.",
    "This is the {cadence} release of {subject} for {year}/{yy}.",
    "Information on {subject} in {place}, including {measure}.",
];

/// Body sentences.
static DETAILS: &[&str] = &[
    "Figures are given at {geo} level and are updated {cadence}.",
    "The data shows {measure} and the year-on-year change for each {geo}.",
    "Values for {year2} are provisional and may be revised when the final figures are published.",
    "Locations are geocoded against OpenStreetMap and AddressBase; some brown-field sites may not appear.",
    "The figures can be explored in our PowerBI dashboard, or downloaded as CSV for use in QGIS or ArcGIS.",
    "Free public WiFi is available at the council-run cafés and libraries listed in this dataset.",
    "Concentrations of NO2 and CO2 are reported in µg/m³ and ppm respectively.",
    "NHS111 call volumes are included from {year} onwards, alongside ONS mid-year population estimates.",
    "Energy use for council buildings was supplied by E.ON under a framework contract.",
    "GDP and GVA estimates follow the ONS regional accounts methodology.",
    "A naïve comparison with earlier years is not advised, because {geo} boundaries changed in {year}.",
    "The modelling approach follows Müller and {surname}'s study of Zürich ({year}).",
    "Records were collected at Ford's Yard depot and at {place}'s main recycling centre.",
    "In {year2} the collection moved to a new case-management system, so there is a break in the series.",
    "There were {n} records in the latest extract, {pct}% more than in {year}.",
    "Spending data excludes transactions below £500 and payments to individuals.",
    "Please contact {contact} if you find an error or have a question about the data.",
    "The dataset was last reviewed on {ukdate}.",
    "Premises names keep their original spelling (for example {accent}).",
    "Data for the Isles of Scilly and the City of London are combined with neighbouring areas for disclosure control.",
    "Each row is one {geo}; codes follow the ONS Register of Geographic Codes (e.g. E01000001 for an LSOA).",
    "Counts below 5 have been suppressed to protect confidentiality.",
    "Totals may not sum because of rounding to the nearest 10.",
    "The {brand} export is refreshed overnight; older snapshots are kept for 12 months.",
    "From {month} {year2} the data includes {subject} reported through the online self-service portal.",
    "This replaces the {year}/{yy} edition, which had an error in the {geo} lookup.",
    "Cross-boundary and out-of-area cases are counted where the service is delivered.",
    "The survey was re-based in {year}; see the technical note for the effect on long-term trends.",
];

/// Sentences that point elsewhere (URLs).
static LINKS: &[&str] = &[
    "Further information: https://{domain}/open-data/{slug}",
    "See https://www.gov.uk/government/statistics/{slug}-{year} for the accompanying statistical release.",
    "Methodology: https://www.ons.gov.uk/methodology/{slug}",
    "An interactive map is available at https://{domain}/maps/{slug}?year={year2}&layer=all",
    "The previous version is archived at http://webarchive.nationalarchives.gov.uk/{year}0101000000/https://{domain}/{slug}",
    "Read the [data guidance](https://{domain}/open-data/{slug}/guidance) before using these figures.",
];

/// Closing attribution lines.
static CLOSINGS: &[&str] = &[
    "Contains public sector information licensed under the Open Government Licence v3.0.",
    "Contains Ordnance Survey data © Crown copyright and database right {year2}.",
    "Source: {org}.",
    "Contains Royal Mail data © Royal Mail copyright and database right {year2}.",
    "© {org} {year2}",
];

/// Replaces the letters with diacritics used in place and person names by their ASCII base
/// letters, as CKAN's `substitute_ascii_equivalents` does before making a slug.
pub fn fold_accents(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let r = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ŷ' | 'ý' | 'ÿ' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            'Ä' | 'Á' | 'À' | 'Â' => 'A',
            'É' | 'È' | 'Ê' => 'E',
            'Ö' | 'Ó' | 'Ô' => 'O',
            'Ü' | 'Ú' => 'U',
            other => other,
        };
        out.push(r);
    }
    Cow::Owned(out)
}

/// Appends the CKAN name form of `s` (like `munge_title_to_name`): ASCII-folded, lower case,
/// runs of anything but letters and digits collapsed to one `-`, no leading/trailing `-`.
pub fn push_slug(out: &mut String, s: &str) {
    let folded = fold_accents(s);
    let start = out.len();
    let mut dash = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && out.len() > start {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
}

/// The CKAN name form of `s` (see [`push_slug`]).
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_slug(&mut out, s);
    out
}

/// Appends `s` with its first letter upper-cased (acronyms such as "NO2" stay as they are).
fn push_capitalised(out: &mut String, s: &str) {
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Appends `n` with thousands separators (`12,345`), as figures appear in prose.
fn push_grouped(out: &mut String, n: u64) {
    let digits = n.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// Appends a two-digit number.
fn push_two(out: &mut String, n: i64) {
    if n < 10 {
        out.push('0');
    }
    push_int(out, n);
}

/// Fills one `{slot}` of a template.
fn fill(out: &mut String, rng: &mut Rng, t: &Topic<'_>, slot: &str) {
    match slot {
        "subject" => out.push_str(t.subject),
        "Subject" => push_capitalised(out, t.subject),
        "place" => out.push_str(t.place),
        "org" => out.push_str(&t.org.title),
        "short" => out.push_str(&t.org.short),
        "theme" => {
            for c in t.theme.title.chars() {
                out.extend(c.to_lowercase());
            }
        }
        "year" => push_int(out, t.year),
        "year2" => push_int(out, t.year2),
        "yy" => push_two(out, (t.year + 1) % 100),
        "mm" => push_two(out, rng.range(1, 12) as i64),
        "q" => push_int(out, rng.range(1, 4) as i64),
        "month" => out.push_str(rng.pick(&MONTHS)),
        "geo" => out.push_str(rng.pick(GEOGRAPHIES)),
        "cadence" => out.push_str(rng.pick(CADENCES)),
        "measure" => out.push_str(rng.pick(t.theme.measures)),
        "accent" => out.push_str(rng.pick(ACCENTED)),
        "brand" => out.push_str(rng.pick(BRANDS)),
        "surname" => out.push_str(rng.pick(SURNAMES)),
        "person" => {
            out.push_str(rng.pick(FIRST_NAMES));
            out.push(' ');
            out.push_str(rng.pick(SURNAMES));
        }
        "n" => push_grouped(out, rng.range(120, 250_000)),
        "pct" => {
            push_int(out, rng.range(1, 40) as i64);
            out.push('.');
            push_int(out, rng.below(10) as i64);
        }
        "domain" => out.push_str(&t.org.domain),
        "slug" => push_slug(out, t.subject),
        "contact" => out.push_str(&t.org.contact_email),
        "ukdate" => {
            push_two(out, rng.range(1, 28) as i64);
            out.push('/');
            push_two(out, rng.range(1, 12) as i64);
            out.push('/');
            push_int(out, t.year2);
        }
        // Unknown slots are a bug in a template; keep the text visible rather than panic.
        other => {
            out.push('{');
            out.push_str(other);
            out.push('}');
        }
    }
}

/// Appends `template` with every `{slot}` filled.
pub fn expand(out: &mut String, rng: &mut Rng, t: &Topic<'_>, template: &str) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        fill(out, rng, t, &after[..close]);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

/// Appends a dataset title.
pub fn push_title(out: &mut String, rng: &mut Rng, t: &Topic<'_>) {
    let &(template, _) = rng.weighted_by(TITLES, |t| t.1);
    expand(out, rng, t, template);
}

/// Appends the notes: 1–5 paragraphs separated by `sep` (`"\r\n\r\n"` from CKAN's web form,
/// `"\n\n"` from harvesters), occasionally with a Markdown bullet list.
pub fn push_notes(out: &mut String, rng: &mut Rng, t: &Topic<'_>, sep: &str) {
    let paragraphs = match rng.below(100) {
        0..=34 => 1,
        35..=69 => 2,
        70..=89 => 3,
        90..=96 => 4,
        _ => 5,
    };
    // Body sentences already used, so a description never repeats itself.
    let mut used: Vec<usize> = Vec::with_capacity(8);
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str(sep);
        }
        if p == 0 {
            let tpl = rng.pick(OPENINGS);
            expand(out, rng, t, tpl);
            for _ in 0..rng.below(4) {
                out.push(' ');
                push_detail(out, rng, t, &mut used);
            }
            continue;
        }
        match rng.below(10) {
            0..=4 => {
                let n = rng.range(1, 3);
                for k in 0..n {
                    if k > 0 {
                        out.push(' ');
                    }
                    push_detail(out, rng, t, &mut used);
                }
            }
            5 | 6 => {
                let tpl = rng.pick(LINKS);
                expand(out, rng, t, tpl);
            }
            7 => {
                // Markdown list, as publishers format field descriptions.
                out.push_str("The file contains:");
                out.push_str(sep);
                let line_end = if sep.starts_with('\r') { "\r\n" } else { "\n" };
                for k in 0..rng.range(2, 4) {
                    if k > 0 {
                        out.push_str(line_end);
                    }
                    out.push_str("* ");
                    expand(out, rng, t, "{measure} by {geo}");
                }
            }
            _ => {
                let tpl = rng.pick(CLOSINGS);
                expand(out, rng, t, tpl);
            }
        }
    }
}

/// Appends a body sentence not yet in `used` (a few tries, then accepts a repeat: with
/// ~30 sentences and at most ~12 per description a repeat is rare).
fn push_detail(out: &mut String, rng: &mut Rng, t: &Topic<'_>, used: &mut Vec<usize>) {
    let mut k = rng.index(DETAILS.len());
    for _ in 0..4 {
        if !used.contains(&k) {
            break;
        }
        k = rng.index(DETAILS.len());
    }
    used.push(k);
    expand(out, rng, t, DETAILS[k]);
}

/// Appends one descriptive sentence (resource descriptions).
pub fn push_sentence(out: &mut String, rng: &mut Rng, t: &Topic<'_>) {
    {
        let tpl = rng.pick(DETAILS);
        expand(out, rng, t, tpl)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_ckan() {
        assert_eq!(
            slug("Department for Environment, Food & Rural Affairs"),
            "department-for-environment-food-rural-affairs"
        );
        assert_eq!(slug("Ynys Môn Council"), "ynys-mon-council");
        assert_eq!(slug("  King's Lynn -- West "), "king-s-lynn-west");
    }

    #[test]
    fn grouped_numbers() {
        let mut s = String::new();
        push_grouped(&mut s, 1_234_567);
        assert_eq!(s, "1,234,567");
        s.clear();
        push_grouped(&mut s, 999);
        assert_eq!(s, "999");
    }
}
