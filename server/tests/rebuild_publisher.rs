//! `ckan-search search-index rebuild-publisher ORG` (the real binary), from CKAN's
//! database on the real PostgreSQL (127.0.0.1:5432, trust auth, user `postgres`;
//! `CKAN_SEARCH_TEST_PG` overrides the server URL) and from JSONL. The scenario is the
//! GOV.UK manual's: a publisher is renamed (the datasets' rows do not change), and
//! meanwhile one of its datasets was purged, one soft-deleted and one moved to another
//! publisher. The command must re-index the publisher's datasets under the new name,
//! remove the purged and deleted ones, re-index the moved one under its new publisher,
//! leave every other document alone, and say so in its summary.

mod common;

use common::{search_index, search_index_ok};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ckan_search_data::test_db::TestDb;
use ckan_search_data::GeneratorConfig;
use common::stored_docs;
use serde_json::Value;

const NEW_NAME: &str = "renamed-publisher";

/// The catalogue and the publishers the scenario changes.
struct Scenario {
    dicts: Vec<Value>,
    /// The renamed publisher's id and old name.
    org: (String, String),
    /// The publisher the moved dataset goes to: id and its `organization` object.
    other: (String, Value),
    purged: String,
    deleted: String,
    moved: String,
}

impl Scenario {
    fn new() -> Self {
        let config = GeneratorConfig {
            organisations: 12,
            ..GeneratorConfig::new(400, 5)
        };
        let dicts: Vec<Value> = ckan_search_data::packages(&config).collect();
        let mut by_org: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for d in &dicts {
            if let Some(org) = d["owner_org"].as_str() {
                by_org.entry(org.to_string()).or_default().push(d);
            }
        }
        let (org_id, members) = by_org
            .iter()
            .max_by_key(|(_, m)| m.len())
            .expect("organisations");
        let active: Vec<String> = members
            .iter()
            .filter(|d| d["state"] == "active")
            .map(|d| d["id"].as_str().expect("id").to_string())
            .collect();
        assert!(active.len() >= 5, "a publisher with datasets");
        let other = dicts
            .iter()
            .find(|d| d["owner_org"].as_str().is_some_and(|o| o != org_id))
            .expect("another publisher");
        Self {
            org: (
                org_id.clone(),
                members[0]["organization"]["name"]
                    .as_str()
                    .expect("name")
                    .to_string(),
            ),
            other: (
                other["owner_org"].as_str().expect("id").to_string(),
                other["organization"].clone(),
            ),
            purged: active[0].clone(),
            deleted: active[1].clone(),
            moved: active[2].clone(),
            dicts,
        }
    }

    /// The catalogue after the changes, as a `ckanapi dump datasets` would give it.
    fn changed_dicts(&self) -> Vec<Value> {
        self.dicts
            .iter()
            .filter(|d| d["id"] != self.purged.as_str())
            .map(|d| {
                let mut d = d.clone();
                if d["owner_org"] == self.org.0.as_str() {
                    d["organization"]["name"] = Value::from(NEW_NAME);
                }
                if d["id"] == self.deleted.as_str() {
                    d["state"] = Value::from("deleted");
                }
                if d["id"] == self.moved.as_str() {
                    d["owner_org"] = Value::from(self.other.0.as_str());
                    d["organization"] = self.other.1.clone();
                }
                d
            })
            .collect()
    }

    /// Runs the command against `source` on an index built from the original catalogue,
    /// and checks the summary and every document.
    fn check(&self, data: &Path, source: &str) {
        let before = stored_docs(data);
        let changed = self.changed_dicts();
        let members: Vec<&Value> = changed
            .iter()
            .filter(|d| d["owner_org"] == self.org.0.as_str())
            .collect();
        let member_ids: BTreeSet<&str> = members.iter().filter_map(|d| d["id"].as_str()).collect();
        let indexable = |d: &&&Value| d["state"] == "active" || d["state"] == "draft";
        let indexed = members.iter().filter(indexable).count() + 1; // + the moved one
        let skipped = members.len() - (indexed - 1) + 1; // + the purged one's stub
        let stdout = search_index_ok(data, &["rebuild-publisher", NEW_NAME, "--source", source]);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "organisation {NEW_NAME}: {} datasets in the source, 1 moved to another organisation, 1 no longer in the source",
                members.len()
            )
        );
        let summary_start =
            format!("indexed {indexed}, skipped {skipped}, removed 2, failed 0 in ");
        assert!(
            lines[1].starts_with(&summary_start),
            "{:?} should start with {summary_start:?}",
            lines[1]
        );

        let after = stored_docs(data);
        let gone: BTreeSet<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        assert_eq!(gone, BTreeSet::from([&self.purged, &self.deleted]));
        assert_eq!(after.len(), before.len() - 2);
        for (id, doc) in &after {
            let organization = doc.get("organization").and_then(Value::as_str);
            if id == &self.moved {
                assert_eq!(organization, self.other.1["name"].as_str(), "{id}");
            } else if member_ids.contains(id.as_str()) {
                assert_eq!(organization, Some(NEW_NAME), "{id}");
            } else {
                assert_eq!(Some(doc), before.get(id), "{id} must not change");
            }
        }
        assert!(after
            .values()
            .all(|d| d.get("organization").and_then(Value::as_str) != Some(&self.org.1)));
    }
}

#[test]
fn rebuild_publisher_from_ckans_database() {
    let scenario = Scenario::new();
    let db = TestDb::create("ckan_search_publisher");
    db.load(&scenario.dicts);
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    search_index_ok(&data, &["rebuild", "--source", &db.url()]);
    let (org, purged, deleted, moved) = (
        &scenario.org.0,
        &scenario.purged,
        &scenario.deleted,
        &scenario.moved,
    );
    db.execute(&format!(
        "UPDATE \"group\" SET name = '{NEW_NAME}' WHERE id = '{org}';
         DELETE FROM resource WHERE package_id = '{purged}';
         DELETE FROM package_tag WHERE package_id = '{purged}';
         DELETE FROM member WHERE table_id = '{purged}';
         DELETE FROM package_relationship WHERE subject_package_id = '{purged}' OR object_package_id = '{purged}';
         DELETE FROM package WHERE id = '{purged}';
         UPDATE package SET state = 'deleted' WHERE id = '{deleted}';
         UPDATE package SET owner_org = '{}' WHERE id = '{moved}';",
        scenario.other.0
    ));
    scenario.check(&data, &db.url());

    // Nothing of the source or the index belongs to an unknown publisher.
    let out = search_index(
        &data,
        &[
            "rebuild-publisher",
            "no-such-publisher",
            "--source",
            &db.url(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "error: organisation no-such-publisher: no dataset of the source or of the index belongs to it"
    );
}

#[test]
fn rebuild_publisher_from_jsonl() {
    let scenario = Scenario::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let write = |name: &str, dicts: &[Value]| {
        let path = tmp.path().join(name);
        let text: String = dicts.iter().map(|d| format!("{d}\n")).collect();
        std::fs::write(&path, text).expect("write JSONL");
        format!("jsonl:{}", path.display())
    };
    let original = write("original.jsonl", &scenario.dicts);
    search_index_ok(&data, &["rebuild", "--source", &original]);
    let changed = write("changed.jsonl", &scenario.changed_dicts());
    scenario.check(&data, &changed);
}
