//! Comparing the whole database with the whole index: what a poll by `metadata_modified`
//! cannot see. CKAN soft-deletes (`package_delete`) and purges without touching
//! `metadata_modified`, a rollback can put an older generation live, and a sync that was
//! stopped misses purges made meanwhile.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::database::PackageRow;
use super::index_view::IndexedVersion;

/// What to change so the index agrees with the database.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Indexed datasets with no `package` row: purged (confirm before deleting: a row CKAN
    /// has just written may be indexed before its transaction commits).
    pub missing: Vec<String>,
    /// Indexed datasets CKAN no longer indexes (soft-deleted).
    pub deleted: Vec<String>,
    /// Datasets CKAN indexes whose document is missing, older, or in another state.
    pub stale: Vec<PackageRow>,
    /// How many packages CKAN would index.
    pub live: i64,
}

/// Milliseconds, the index's precision.
pub fn millis(t: &NaiveDateTime) -> i64 {
    t.and_utc().timestamp_millis()
}

/// Whether the index holds exactly this version of the row.
pub fn holds(version: &IndexedVersion, row: &PackageRow) -> bool {
    version.state == row.state.as_deref().unwrap_or_default()
        && version.modified_ms == row.modified.as_ref().map(millis)
}

/// Compares every package row with every indexed dataset. `indexable` says whether CKAN
/// indexes a package in a state; `failed` holds versions that could not be indexed (bad
/// documents), which are not retried until they change.
///
/// A document newer than its row is left alone: CKAN sends a dataset to the index before
/// it commits the row, and the poll applies whatever the row ends up as.
pub fn plan(
    indexed: &HashMap<String, IndexedVersion>,
    rows: Vec<PackageRow>,
    indexable: impl Fn(Option<&str>) -> bool,
    failed: &HashMap<String, Option<NaiveDateTime>>,
) -> Plan {
    let mut plan = Plan::default();
    let mut in_db = HashSet::with_capacity(rows.len());
    for row in rows {
        in_db.insert(row.id.clone());
        if !indexable(row.state.as_deref()) {
            if indexed.contains_key(&row.id) {
                plan.deleted.push(row.id);
            }
            continue;
        }
        plan.live += 1;
        if failed.get(&row.id) == Some(&row.modified) {
            continue;
        }
        let out_of_date = match indexed.get(&row.id) {
            None => true,
            Some(v) => {
                let older = match (v.modified_ms, row.modified.as_ref().map(millis)) {
                    (Some(indexed), Some(db)) => indexed < db,
                    (None, Some(_)) => true,
                    _ => false,
                };
                older || v.state != row.state.as_deref().unwrap_or_default()
            }
        };
        if out_of_date {
            plan.stale.push(row);
        }
    }
    plan.missing = indexed
        .keys()
        .filter(|id| !in_db.contains(*id))
        .cloned()
        .collect();
    plan.missing.sort();
    plan.deleted.sort();
    plan.stale.sort_by(|a, b| a.id.cmp(&b.id));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
    }

    fn row(id: &str, modified: &str, state: &str) -> PackageRow {
        PackageRow {
            id: id.into(),
            modified: Some(t(modified)),
            state: Some(state.into()),
        }
    }

    fn version(modified: &str, state: &str) -> IndexedVersion {
        IndexedVersion {
            state: state.into(),
            modified_ms: Some(millis(&t(modified))),
        }
    }

    #[test]
    fn finds_purges_soft_deletes_and_stale_documents() {
        let indexed: HashMap<String, IndexedVersion> = [
            ("same", version("2024-01-01T00:00:00.123", "active")),
            ("older", version("2024-01-01T00:00:00", "active")),
            ("newer", version("2024-01-01T00:00:09", "active")),
            ("drafted", version("2024-01-01T00:00:00", "active")),
            ("soft", version("2024-01-01T00:00:00", "active")),
            ("purged", version("2024-01-01T00:00:00", "active")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let rows = vec![
            // Microseconds beyond the index's milliseconds are not a difference.
            row("same", "2024-01-01T00:00:00.123456", "active"),
            row("older", "2024-01-01T00:00:05", "active"),
            row("newer", "2024-01-01T00:00:05", "active"),
            row("drafted", "2024-01-01T00:00:00", "draft"),
            row("soft", "2024-01-01T00:00:00", "deleted"),
            row("new", "2024-01-01T00:00:00", "active"),
            row("bad", "2024-01-01T00:00:00", "active"),
            row("gone-long-ago", "2024-01-01T00:00:00", "deleted"),
        ];
        let failed = HashMap::from([("bad".to_string(), Some(t("2024-01-01T00:00:00")))]);
        let plan = plan(
            &indexed,
            rows,
            |s| s.is_some_and(|s| s != "deleted"),
            &failed,
        );
        assert_eq!(plan.missing, vec!["purged"]);
        assert_eq!(plan.deleted, vec!["soft"]);
        assert_eq!(
            plan.stale.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            vec!["drafted", "new", "older"]
        );
        assert_eq!(plan.live, 6);
        assert!(holds(
            &indexed["same"],
            &row("same", "2024-01-01T00:00:00.123999", "active")
        ));
        assert!(!holds(
            &indexed["same"],
            &row("same", "2024-01-01T00:00:00.124", "active")
        ));
    }
}
