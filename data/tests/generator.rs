//! Properties of generated catalogues: determinism, random access, the package_show shape,
//! and the distributions benchmarks rely on.

use std::collections::HashMap;

use ckan_search_data::{
    generate, package, packages, Generator, GeneratorConfig, DEFAULT_ORGANISATIONS,
};
use serde_json::Value;

fn bytes(config: &GeneratorConfig) -> Vec<u8> {
    let mut out = Vec::new();
    let summary = generate(config, &mut out).expect("writing to a Vec cannot fail");
    assert_eq!(summary.bytes, out.len() as u64);
    assert_eq!(summary.datasets, config.datasets);
    out
}

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let a = bytes(&GeneratorConfig::new(300, 7));
    let b = bytes(&GeneratorConfig::new(300, 7));
    let c = bytes(&GeneratorConfig::new(300, 8));
    assert_eq!(a, b);
    assert_ne!(a, c);
    // No line of one seed appears in the other (ids and names all differ).
    let a_lines: Vec<&[u8]> = a.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let c_lines: std::collections::HashSet<&[u8]> =
        c.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert!(a_lines.iter().all(|l| !c_lines.contains(l)));
}

#[test]
fn any_dataset_can_be_generated_alone() {
    let config = GeneratorConfig::new(500, 99);
    let all: Vec<Value> = packages(&config).collect();
    let generator = Generator::new(&config);
    for i in [0, 1, 17, 250, 499] {
        assert_eq!(all[i], generator.package(i), "dataset {i}");
        assert_eq!(all[i], package(&config, i), "dataset {i}");
    }
    // A bigger catalogue with the same seed starts with the smaller one.
    let bigger = GeneratorConfig::new(2_000, 99);
    let prefix: Vec<Value> = packages(&bigger).take(500).collect();
    assert_eq!(all, prefix);
}

#[test]
fn lines_equal_serde_json_of_the_values() {
    let config = GeneratorConfig::new(400, 3);
    let text = bytes(&config);
    let generator = Generator::new(&config);
    for (i, line) in text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let expected = serde_json::to_vec(&generator.package(i)).expect("serialisable");
        assert_eq!(line, expected.as_slice(), "dataset {i}");
        let mut one = Vec::new();
        generator.write_line(i, &mut one);
        assert_eq!(&one[..one.len() - 1], line);
    }
}

/// Top-level keys CKAN 2.10 + ckanext-datagovuk always return from package_show.
const REQUIRED: &[&str] = &[
    "author",
    "author_email",
    "creator_user_id",
    "id",
    "isopen",
    "license_id",
    "license_title",
    "maintainer",
    "maintainer_email",
    "metadata_created",
    "metadata_modified",
    "name",
    "notes",
    "num_resources",
    "num_tags",
    "organization",
    "owner_org",
    "private",
    "state",
    "title",
    "type",
    "url",
    "version",
    "extras",
    "resources",
    "tags",
    "groups",
    "relationships_as_subject",
    "relationships_as_object",
];

const LISTS: &[&str] = &[
    "extras",
    "groups",
    "resources",
    "tags",
    "relationships_as_subject",
    "relationships_as_object",
    "harvest",
];

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn is_sorted(keys: &[&str]) -> bool {
    keys.windows(2).all(|w| w[0] < w[1])
}

fn parse_time(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("bad timestamp {s:?}: {e}"))
}

#[test]
fn every_line_has_the_package_show_shape() {
    let config = GeneratorConfig::new(3_000, 11);
    let text = bytes(&config);
    let mut count = 0;
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        count += 1;
        let pkg: Value = serde_json::from_slice(line).expect("every line is JSON");
        let top = keys(&pkg);
        for key in REQUIRED {
            assert!(top.contains(key), "missing {key} in {}", pkg["id"]);
        }
        assert_eq!(pkg["type"], "dataset");
        assert_eq!(pkg["owner_org"], pkg["organization"]["id"]);
        assert_eq!(
            keys(&pkg["organization"]),
            [
                "id",
                "name",
                "title",
                "type",
                "description",
                "image_url",
                "created",
                "is_organization",
                "approval_status",
                "state"
            ]
        );

        // Validated order: scalar keys sorted, then the lists.
        let first_list = top
            .iter()
            .position(|k| LISTS.contains(k))
            .unwrap_or(top.len());
        assert!(is_sorted(&top[..first_list]), "{top:?}");
        assert!(
            top[first_list..].iter().all(|k| LISTS.contains(k)),
            "{top:?}"
        );
        assert_eq!(
            top[top.len() - 1 - usize::from(pkg.get("harvest").is_some())],
            "relationships_as_object"
        );

        let resources = pkg["resources"].as_array().expect("resources is a list");
        let tags = pkg["tags"].as_array().expect("tags is a list");
        assert_eq!(pkg["num_resources"], resources.len());
        assert_eq!(pkg["num_tags"], tags.len());
        assert!(resources.len() <= 12 && tags.len() <= 10);
        for (i, r) in resources.iter().enumerate() {
            assert!(is_sorted(&keys(r)), "{:?}", keys(r));
            assert_eq!(r["position"], i);
            assert_eq!(r["package_id"], pkg["id"]);
        }
        let tag_names: Vec<&str> = tags.iter().filter_map(|t| t["name"].as_str()).collect();
        assert!(tag_names.windows(2).all(|w| w[0] <= w[1]));
        for t in tags {
            assert_eq!(
                keys(t),
                ["display_name", "id", "name", "state", "vocabulary_id"]
            );
        }
        for g in pkg["groups"].as_array().expect("groups is a list") {
            assert!(is_sorted(&keys(g)));
        }

        // Extras sorted by key, except the harvest source appended by the harvester.
        let extras: Vec<&str> = pkg["extras"]
            .as_array()
            .expect("extras is a list")
            .iter()
            .filter_map(|e| e["key"].as_str())
            .collect();
        let harvested = pkg.get("harvest").is_some();
        let sorted_part = if harvested {
            assert_eq!(
                &extras[extras.len() - 2..],
                ["harvest_source_id", "harvest_source_title"]
            );
            &extras[..extras.len() - 2]
        } else {
            &extras[..]
        };
        assert!(is_sorted(sorted_part), "{extras:?}");
        assert_eq!(harvested, extras.contains(&"harvest_object_id"));
        for e in pkg["extras"].as_array().into_iter().flatten() {
            assert!(e["value"].is_string(), "extra values are strings");
        }

        let created = parse_time(pkg["metadata_created"].as_str().expect("string"));
        let modified = parse_time(pkg["metadata_modified"].as_str().expect("string"));
        assert!(modified >= created);
        assert!(created >= parse_time("2010-01-01T00:00:00"));
        assert!(modified <= parse_time(ckan_search_data::REFERENCE_TIME));

        let name = pkg["name"].as_str().expect("string");
        assert!(name.len() <= 100);
        assert!(name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }
    assert_eq!(count, 3_000);
}

#[test]
fn distributions_look_like_data_gov_uk() {
    let n = 20_000;
    let config = GeneratorConfig::new(n, 42);
    let generator = Generator::new(&config);
    let reference = parse_time(ckan_search_data::REFERENCE_TIME);
    let week_ago = reference - chrono::Duration::days(7);

    let mut per_org: HashMap<String, usize> = HashMap::new();
    let (mut private, mut draft, mut deleted, mut harvested, mut recent) = (0, 0, 0, 0, 0);
    let mut names = std::collections::HashSet::new();
    for pkg in generator.packages() {
        *per_org
            .entry(pkg["owner_org"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
        private += usize::from(pkg["private"] == true);
        draft += usize::from(pkg["state"] == "draft");
        deleted += usize::from(pkg["state"] == "deleted");
        harvested += usize::from(pkg.get("harvest").is_some());
        let modified = parse_time(pkg["metadata_modified"].as_str().unwrap_or_default());
        recent += usize::from(modified > week_ago);
        assert!(names.insert(pkg["name"].as_str().unwrap_or_default().to_string()));
        assert!(pkg["private"] == false || pkg["state"] == "active");
    }
    let share = |k: usize| k as f64 / n as f64;

    // Long tail: most of the 1,043 publishers appear, one has well over 1 %, the median
    // publisher (counting only those with datasets) well under 0.1 %.
    assert!(
        per_org.len() > DEFAULT_ORGANISATIONS * 8 / 10,
        "{}",
        per_org.len()
    );
    assert!(per_org.len() <= DEFAULT_ORGANISATIONS);
    let mut sizes: Vec<usize> = per_org.values().copied().collect();
    sizes.sort_unstable();
    let largest = sizes[sizes.len() - 1];
    let median = sizes[sizes.len() / 2];
    assert!(share(largest) > 0.01, "largest {largest}");
    assert!(share(median) < 0.001, "median {median}");

    assert!(
        (0.015..0.025).contains(&share(private)),
        "private {private}"
    );
    assert!((0.006..0.014).contains(&share(draft)), "draft {draft}");
    assert!(
        (0.006..0.014).contains(&share(deleted)),
        "deleted {deleted}"
    );
    assert!(
        (0.57..0.63).contains(&share(harvested)),
        "harvested {harvested}"
    );
    assert!((0.01..0.05).contains(&share(recent)), "recent {recent}");
}

#[test]
fn text_and_values_exercise_the_analyser() {
    let config = GeneratorConfig::new(3_000, 5);
    let mut notes = String::new();
    let mut formats = std::collections::HashSet::new();
    let mut date_values = Vec::new();
    for pkg in packages(&config) {
        notes.push_str(pkg["notes"].as_str().unwrap_or_default());
        notes.push_str(pkg["title"].as_str().unwrap_or_default());
        for r in pkg["resources"].as_array().into_iter().flatten() {
            formats.insert(r["format"].as_str().unwrap_or_default().to_string());
        }
        for e in pkg["extras"].as_array().into_iter().flatten() {
            if e["key"].as_str().is_some_and(|k| k.ends_with("_date")) {
                date_values.push(e["value"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    for needle in [
        "brown-field",
        "year-on-year",
        "WiFi",
        "PowerBI",
        "OpenStreetMap",
        "café",
        "Müller",
        "naïve",
        "Zürich",
        "NHS",
        "ONS",
        "E.ON",
        "CO2",
        "NO2",
        "GDP",
        "LSOA",
        "NHS111",
        "https://",
        "Ford's",
        "\r\n\r\n",
        "\n\n",
    ] {
        assert!(notes.contains(needle), "no {needle:?} in any notes");
    }
    for f in [
        "CSV", "csv", ".csv", "CSV ", "text/csv", "XLS", "Excel", "PDF", "WMS", "OGC WMS", "",
        "HTML", "geojson", "ZIP",
    ] {
        assert!(formats.contains(f), "format {f:?} never generated");
    }
    assert!(date_values
        .iter()
        .any(|v| v.len() == 10 && v.as_bytes()[4] == b'-'));
    assert!(date_values
        .iter()
        .any(|v| v.len() == 10 && v.as_bytes()[2] == b'/'));
    assert!(date_values
        .iter()
        .any(|v| !v.bytes().any(|b| b.is_ascii_digit())));
}
