//! `ckan-search search-index …` end to end: the real binary, run as a child process against
//! a temporary data directory and small hand-built JSONL catalogues. Every test asserts what
//! ends up in the index (read back through the indexer library or `show`), not only exit
//! codes.

mod common;

use common::BIN;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::{GenerationId, GenerationStore};
use ckan_search_indexer::rebuild::{self, IndexedDoc};
use ckan_search_indexer::schema::CkanSchema;
use serde_json::{json, Map, Value};
use tempfile::TempDir;

// ------------------------------------------------------------------------------------------
// Package dicts
// ------------------------------------------------------------------------------------------

/// A deterministic UUID-shaped id derived from `seed` (FNV-1a), for organisations and tags.
fn fake_uuid(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let hex = format!("{h:016x}{:016x}", h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// A package dict as CKAN's `package_show` (and so `ckanapi dump datasets`) returns it.
fn pkg(id: &str, name: &str, state: &str, private: bool, org: &str) -> Value {
    let org_id = fake_uuid(org);
    let org_title = org
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let tag = |t: &str| {
        json!({
            "display_name": t,
            "id": fake_uuid(t),
            "name": t,
            "state": "active",
            "vocabulary_id": null
        })
    };
    let organization = json!({
        "id": org_id,
        "name": org,
        "title": org_title,
        "type": "organization",
        "description": "",
        "image_url": "",
        "created": "2012-06-27T14:51:37.988337",
        "is_organization": true,
        "approval_status": "approved",
        "state": "active"
    });
    let resource = json!({
        "cache_last_updated": null,
        "cache_url": null,
        "created": "2024-03-01T10:00:00.123456",
        "description": format!("All readings of {name} as CSV"),
        "format": "CSV",
        "hash": "",
        "id": fake_uuid(&format!("{id}/resource")),
        "last_modified": null,
        "metadata_modified": "2024-03-01T10:00:00.123456",
        "mimetype": "text/csv",
        "name": format!("{name} readings"),
        "package_id": id,
        "position": 0,
        "resource_type": null,
        "size": null,
        "state": "active",
        "url": format!("https://example.gov.uk/data/{name}.csv"),
        "url_type": null
    });
    json!({
        "author": null,
        "author_email": null,
        "creator_user_id": "17755db4-395a-4b3b-ac09-e8e3484ca700",
        "id": id,
        "isopen": true,
        "license_id": "uk-ogl",
        "license_title": "UK Open Government Licence (OGL)",
        "license_url": "http://reference.data.gov.uk/id/open-government-licence",
        "maintainer": null,
        "maintainer_email": null,
        "metadata_created": "2024-03-01T10:00:00.123456",
        "metadata_modified": "2024-03-01T10:00:00.123456",
        "name": name,
        "notes": format!("Monthly readings for {name}, published by the {org_title} (café data)."),
        "num_resources": 1,
        "num_tags": 2,
        "organization": organization,
        "owner_org": org_id,
        "private": private,
        "state": state,
        "title": format!("Title of {name}"),
        "type": "dataset",
        "url": "",
        "version": null,
        "extras": [{"key": "update_frequency", "value": "monthly"}],
        "groups": [],
        "resources": [resource],
        "tags": [tag("air-quality"), tag("environment")],
        "relationships_as_object": [],
        "relationships_as_subject": []
    })
}

/// The id of test dataset `n`.
fn id(n: u32) -> String {
    format!("5f3c9e0a-{n:04}-4b1d-9a6e-{n:012}")
}

/// The name of test dataset `n`.
fn name(n: u32) -> String {
    format!("dataset-{n}")
}

/// `metadata_modified` of test dataset `n` as the source has it.
fn modified(n: u32) -> String {
    assert!((1..=28).contains(&n));
    format!("2024-03-{n:02}T10:00:00.123456")
}

/// Test dataset `n`: active, public, modified on 2024-03-`n`.
fn ds(n: u32) -> Value {
    let mut p = pkg(&id(n), &name(n), "active", false, "environment-agency");
    p["metadata_modified"] = json!(modified(n));
    p
}

/// `p` with `key` set to `value`.
fn with(mut p: Value, key: &str, value: impl Into<Value>) -> Value {
    p[key] = value.into();
    p
}

fn titled(p: Value, title: &str) -> Value {
    with(p, "title", title)
}

fn default_title(n: u32) -> String {
    format!("Title of {}", name(n))
}

fn ids(ns: impl IntoIterator<Item = u32>) -> BTreeSet<String> {
    ns.into_iter().map(id).collect()
}

// ------------------------------------------------------------------------------------------
// Running the binary
// ------------------------------------------------------------------------------------------

/// What a finished command printed.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A temporary directory holding a data directory and the test's sources.
struct Env {
    tmp: TempDir,
    data: PathBuf,
}

impl Env {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let data = tmp.path().join("data-dir");
        Self { tmp, data }
    }

    /// Writes `pkgs` as JSONL; returns the `--source` value.
    fn source(&self, file: &str, pkgs: &[Value]) -> String {
        let lines: Vec<String> = pkgs.iter().map(Value::to_string).collect();
        self.source_lines(file, &lines)
    }

    /// Writes raw lines; returns the `--source` value.
    fn source_lines(&self, file: &str, lines: &[String]) -> String {
        let path = self.tmp.path().join(file);
        let mut text = lines.join("\n");
        text.push('\n');
        fs::write(&path, text).expect("writing a source");
        format!("jsonl:{}", path.display())
    }

    /// `ckan-search search-index --data-dir DATA ARGS…`, isolated from the caller's
    /// environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.arg("search-index")
            .arg("--data-dir")
            .arg(&self.data)
            .args(args);
        for var in [
            "CKAN_SEARCH_DATA_DIR",
            "CKAN_SEARCH_SITE_ID",
            "CKAN_SEARCH_SYNONYMS",
            "CKAN_SEARCH_PROTWORDS",
            "CKAN_SEARCH_SOURCE",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_COLOR", "1");
        cmd.stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().expect("running ckan-search");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        }
    }

    /// Runs and asserts exit code 0.
    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, Some(0), "`{}` failed: {run:#?}", args.join(" "));
        run
    }

    /// Runs and asserts exit code 1 (the run failed and changed nothing).
    fn fails(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code,
            Some(1),
            "`{}` should fail: {run:#?}",
            args.join(" ")
        );
        run
    }

    fn store(&self) -> GenerationStore {
        GenerationStore::open(&self.data, CkanSchema::new(), AnalysisConfig::default())
            .expect("opening the store")
    }

    /// The content of `CURRENT`, trimmed.
    fn current(&self) -> Option<String> {
        fs::read_to_string(self.data.join("CURRENT"))
            .ok()
            .map(|s| s.trim().to_string())
    }

    fn generations_dir(&self) -> PathBuf {
        self.data.join("generations")
    }

    /// Entries of `generations/`, sorted (published ones and `.building` ones).
    fn generation_dirs(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.generations_dir())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Every live document, read from the index (panics on duplicate ids).
    fn live_docs(&self) -> BTreeMap<String, IndexedDoc> {
        let store = self.store();
        let Some(current) = store.current().expect("reading CURRENT") else {
            return BTreeMap::new();
        };
        let index = store
            .open_index(current)
            .expect("opening the live generation");
        let mut docs = BTreeMap::new();
        for doc in rebuild::indexed_docs(store.schema(), &index).expect("reading the index") {
            let id = doc.id.clone();
            assert!(
                docs.insert(id.clone(), doc).is_none(),
                "{id} is indexed twice"
            );
        }
        docs
    }

    /// The live dataset ids.
    fn ids(&self) -> BTreeSet<String> {
        self.live_docs().into_keys().collect()
    }

    /// The stored fields of a live dataset, through the library.
    fn stored(&self, dataset: &str) -> Map<String, Value> {
        rebuild::show(&self.store(), dataset).unwrap_or_else(|e| panic!("show {dataset}: {e}"))
    }

    fn title(&self, n: u32) -> String {
        self.stored(&id(n))["title"]
            .as_str()
            .expect("a title")
            .to_string()
    }
}

/// Returns `GenerationId(n)` as the CLI and `CURRENT` write it.
fn generation(n: u64) -> String {
    GenerationId(n).to_string()
}

/// The parsed summary line of an indexing run.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    indexed: u64,
    skipped: u64,
    removed: u64,
    failed: u64,
    generation: Option<String>,
}

/// Parses `indexed X, skipped Y, removed Z, failed W in S.SS s (R datasets/s)[ — generation G]`,
/// the only line an indexing run prints on stdout.
fn summary(stdout: &str) -> Summary {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected just the summary line on stdout: {stdout:?}"
    );
    let line = lines[0];
    let bad = |why: &str| -> ! { panic!("not a summary line ({why}): {line:?}") };
    let (counts, rest) = line.split_once(" in ").unwrap_or_else(|| bad("no ' in '"));
    let parts: Vec<&str> = counts.split(", ").collect();
    let labels = ["indexed", "skipped", "removed", "failed"];
    if parts.len() != labels.len() {
        bad("counts");
    }
    let n: Vec<u64> = parts
        .iter()
        .zip(labels)
        .map(|(part, label)| {
            part.strip_prefix(label)
                .and_then(|p| p.strip_prefix(' '))
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| bad(label))
        })
        .collect();
    let (timing, generation) = match rest.split_once(" — generation ") {
        Some((t, g)) => (t, Some(g.to_string())),
        None => (rest, None),
    };
    let (secs, rate) = timing.split_once(" s (").unwrap_or_else(|| bad("timing"));
    let decimals = secs.split_once('.').map(|(_, d)| d.len());
    if secs.parse::<f64>().is_err() || decimals != Some(2) {
        bad("seconds");
    }
    let rate = rate
        .strip_suffix(" datasets/s)")
        .unwrap_or_else(|| bad("rate"));
    if rate.parse::<u64>().is_err() {
        bad("rate value");
    }
    if let Some(g) = &generation {
        if GenerationId::parse(g).is_none() {
            bad("generation");
        }
    }
    Summary {
        indexed: n[0],
        skipped: n[1],
        removed: n[2],
        failed: n[3],
        generation,
    }
}

fn expect_summary(indexed: u64, skipped: u64, failed: u64, gen: u64) -> Summary {
    Summary {
        indexed,
        skipped,
        removed: 0,
        failed,
        generation: Some(generation(gen)),
    }
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

/// 1. A full rebuild indexes everything but deleted datasets into a new generation, flips
///    `CURRENT` to it, and prunes old generations as `--keep` says.
#[test]
fn full_rebuild_builds_new_generations_and_prunes() {
    let env = Env::new();
    let catalogue = [
        ds(1),
        ds(2),
        ds(3),
        with(ds(4), "state", "deleted"),
        with(ds(5), "private", true),
        with(ds(6), "state", "draft"),
    ];
    let src = env.source("catalogue.jsonl", &catalogue);

    let run = env.ok(&["rebuild", "--source", &src]);
    assert_eq!(summary(&run.stdout), expect_summary(5, 1, 0, 1));
    assert_eq!(env.current(), Some(generation(1)));
    assert_eq!(env.generation_dirs(), [generation(1)]);
    let docs = env.live_docs();
    assert_eq!(
        docs.keys().cloned().collect::<BTreeSet<_>>(),
        ids([1, 2, 3, 5, 6])
    );
    for (n, state) in [(1, "active"), (5, "active"), (6, "draft")] {
        let doc = &docs[&id(n)];
        assert_eq!(
            (doc.name.as_str(), doc.state.as_str()),
            (name(n).as_str(), state)
        );
        assert_eq!(doc.site_id, "default");
    }
    assert_eq!(env.stored(&name(5))["capacity"], "private");
    assert_eq!(env.stored(&name(1))["capacity"], "public");
    let info = env.store().info(GenerationId(1)).expect("generation.json");
    assert_eq!(
        (info.id, info.documents, info.source.as_str()),
        (1, 5, src.as_str())
    );

    // A second full rebuild: generation 2, and generation 1 is kept (--keep 2).
    let run = env.ok(&["rebuild", "--source", &src]);
    assert_eq!(summary(&run.stdout), expect_summary(5, 1, 0, 2));
    assert_eq!(env.current(), Some(generation(2)));
    assert_eq!(env.generation_dirs(), [generation(1), generation(2)]);
    assert_eq!(env.ids(), ids([1, 2, 3, 5, 6]));
    let listing = env.ok(&["generations"]).stdout;
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 2, "{listing}");
    assert!(
        lines[0].starts_with(&format!("  {}  5 documents  ", generation(1))),
        "{listing}"
    );
    assert!(
        lines[1].starts_with(&format!("* {}  5 documents  ", generation(2))),
        "{listing}"
    );
    assert!(lines[1].ends_with(&format!("  from {src}")), "{listing}");

    // --keep 1: the live generation and one previous one remain.
    let run = env.ok(&["rebuild", "--source", &src, "--keep", "1"]);
    assert_eq!(summary(&run.stdout).generation, Some(generation(3)));
    assert_eq!(env.generation_dirs(), [generation(2), generation(3)]);
    let run = env.ok(&["rebuild", "--source", &src, "--keep", "1"]);
    assert_eq!(summary(&run.stdout).generation, Some(generation(4)));
    assert_eq!(env.generation_dirs(), [generation(3), generation(4)]);
    assert_eq!(env.current(), Some(generation(4)));
    assert_eq!(env.ids(), ids([1, 2, 3, 5, 6]));
}

/// 2. `rollback` makes the previous generation's content live; with nothing older it fails.
#[test]
fn rollback_restores_previous_generation() {
    let env = Env::new();
    let run = env.fails(&["rollback"]);
    assert!(
        run.stderr.contains("no live generation to roll back from"),
        "{run:#?}"
    );

    let a = env.source("a.jsonl", &[ds(1), ds(2), ds(3)]);
    let b = env.source("b.jsonl", &[titled(ds(2), "Title from B"), ds(3), ds(4)]);
    env.ok(&["rebuild", "--source", &a]);
    env.ok(&["rebuild", "--source", &b]);
    assert_eq!(env.ids(), ids([2, 3, 4]));
    let run = env.fails(&["show", &name(1)]);
    assert!(run.stderr.contains(&format!(
        "Dataset not found in the search index: {}",
        name(1)
    )));

    let run = env.ok(&["rollback"]);
    assert_eq!(
        run.stdout,
        format!("generation {} is live\n", generation(1))
    );
    assert_eq!(env.current(), Some(generation(1)));
    assert_eq!(env.ids(), ids([1, 2, 3]));
    assert_eq!(env.title(2), default_title(2));
    let shown: Value = serde_json::from_str(&env.ok(&["show", &name(1)]).stdout).expect("JSON");
    assert_eq!(shown["id"], id(1));
    // Rollback does not delete the newer generation; the listing marks the older one live.
    assert_eq!(env.generation_dirs(), [generation(1), generation(2)]);
    let listing = env.ok(&["generations"]).stdout;
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 2, "{listing}");
    assert!(
        lines[0].starts_with(&format!("* {}  3 documents", generation(1))),
        "{listing}"
    );
    assert!(
        lines[1].starts_with(&format!("  {}  3 documents", generation(2))),
        "{listing}"
    );

    // Nothing older than generation 1: a clear error, and nothing changes.
    let run = env.fails(&["rollback"]);
    assert!(
        run.stderr.contains(&format!(
            "no generation older than {} to roll back to",
            generation(1)
        )),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty());
    assert_eq!(env.current(), Some(generation(1)));
    assert_eq!(env.ids(), ids([1, 2, 3]));
}

/// 3. `rebuild -r` upserts the source into the live generation, keeps datasets the source
///    lacks and removes the ones the source marks deleted.
#[test]
fn refresh_updates_in_place() {
    let env = Env::new();
    let initial = env.source("initial.jsonl", &[ds(1), ds(2), ds(3), ds(4)]);
    env.ok(&["rebuild", "--source", &initial]);

    let changed = env.source(
        "changed.jsonl",
        &[
            titled(ds(1), "Updated title"),
            ds(2),
            with(ds(3), "state", "deleted"),
            ds(5),
        ],
    );
    let run = env.ok(&["rebuild", "-r", "--source", &changed]);
    let s = summary(&run.stdout);
    // The deleted dataset is skipped (not indexed) and removed (it was in the index).
    assert_eq!(
        (s.indexed, s.skipped, s.removed, s.failed),
        (3, 1, 1, 0),
        "{run:#?}"
    );
    // Refreshing again removes nothing more: the dataset is already gone.
    let again = summary(&env.ok(&["rebuild", "-r", "--source", &changed]).stdout);
    assert_eq!((again.indexed, again.skipped, again.removed), (3, 1, 0));
    assert_eq!(s.generation, Some(generation(1)));
    // In place: no new generation.
    assert_eq!(env.current(), Some(generation(1)));
    assert_eq!(env.generation_dirs(), [generation(1)]);
    assert_eq!(env.ids(), ids([1, 2, 4, 5]));
    assert_eq!(env.title(1), "Updated title");
    assert_eq!(env.title(4), default_title(4));
    assert_eq!(env.title(5), default_title(5));
}

/// 4. `rebuild -o` adds exactly the datasets missing from the index and leaves indexed ones
///    alone, even stale ones.
#[test]
fn only_missing_adds_just_the_missing() {
    let env = Env::new();
    let subset = env.source(
        "subset.jsonl",
        &[titled(ds(1), "Stale title"), ds(2), ds(3)],
    );
    env.ok(&["rebuild", "--source", &subset]);
    let full = env.source(
        "full.jsonl",
        &[titled(ds(1), "Fresh title"), ds(2), ds(3), ds(4), ds(5)],
    );
    let run = env.ok(&["rebuild", "-o", "--source", &full]);
    assert_eq!(summary(&run.stdout), expect_summary(2, 3, 0, 1));
    assert_eq!(env.ids(), ids(1..=5));
    assert_eq!(env.title(1), "Stale title");
    assert_eq!(env.title(4), default_title(4));
    assert_eq!(env.generation_dirs(), [generation(1)]);

    // Nothing missing any more: a second run indexes nothing.
    let run = env.ok(&["rebuild", "-o", "--source", &full]);
    assert_eq!(summary(&run.stdout), expect_summary(0, 5, 0, 1));
    assert_eq!(env.ids(), ids(1..=5));

    let run = env.fails(&["rebuild", "-o", "-r", "--source", &full]);
    assert!(
        run.stderr.contains("-r and -o cannot be combined"),
        "{run:#?}"
    );
}

/// 5. `rebuild NAME` / `rebuild ID` re-index just that dataset; an unknown one fails and
///    changes nothing.
#[test]
fn rebuild_named_datasets() {
    let env = Env::new();
    let old = env.source("old.jsonl", &[ds(1), ds(2), ds(3)]);
    env.ok(&["rebuild", "--source", &old]);
    let new = env.source(
        "new.jsonl",
        &[
            titled(ds(1), "New 1"),
            titled(ds(2), "New 2"),
            titled(ds(3), "New 3"),
        ],
    );

    let run = env.ok(&["rebuild", "--source", &new, &name(1)]);
    assert_eq!(summary(&run.stdout), expect_summary(1, 2, 0, 1));
    assert_eq!(
        [env.title(1), env.title(2), env.title(3)],
        ["New 1".to_string(), default_title(2), default_title(3)]
    );

    let run = env.ok(&["rebuild", "--source", &new, &id(2)]);
    assert_eq!(summary(&run.stdout), expect_summary(1, 2, 0, 1));
    assert_eq!(
        [env.title(1), env.title(2), env.title(3)],
        ["New 1".to_string(), "New 2".to_string(), default_title(3)]
    );

    // Alone, and beside a known dataset whose update must not be committed either.
    let third = name(3);
    for others in [&[][..], &[third.as_str()][..]] {
        let mut cmd = vec!["rebuild", "--source", new.as_str()];
        cmd.extend_from_slice(others);
        cmd.push("unknown-name");
        let run = env.fails(&cmd);
        assert!(
            run.stderr.contains("Couldn't find package unknown-name"),
            "{run:#?}"
        );
        assert!(run.stdout.is_empty(), "{run:#?}");
        assert_eq!(
            env.title(3),
            default_title(3),
            "a failed named rebuild changed the index"
        );
        assert_eq!(env.ids(), ids(1..=3));
    }
    assert_eq!(env.current(), Some(generation(1)));
}

/// 6. `check` reports the active source datasets that are not indexed, in CKAN's words.
#[test]
fn check_reports_missing_datasets() {
    let env = Env::new();
    let indexed = env.source("indexed.jsonl", &[ds(1), ds(3), ds(5)]);
    env.ok(&["rebuild", "--source", &indexed]);
    let source = env.source(
        "source.jsonl",
        &[
            ds(1),
            ds(2),
            ds(3),
            ds(4),
            ds(5),
            with(ds(6), "state", "deleted"),
            with(ds(7), "state", "draft"),
        ],
    );
    let run = env.ok(&["check", "--source", &source]);
    assert_eq!(
        run.stdout,
        format!(
            "Packages not indexed = 2 out of 5\n('{}', '{}')\n('{}', '{}')\n",
            &modified(2)[..10],
            name(2),
            &modified(4)[..10],
            name(4)
        )
    );
    assert_eq!(env.ids(), ids([1, 3, 5]), "check must not write");

    let run = env.ok(&["check", "--source", &indexed]);
    assert_eq!(run.stdout, "Packages not indexed = 0 out of 3\n");
}

/// 7. `show` prints the stored fields, in Solr's form, and only those.
#[test]
fn show_prints_stored_fields() {
    let env = Env::new();
    let public = ds(1);
    let private = with(ds(2), "private", true);
    let src = env.source("catalogue.jsonl", &[public.clone(), private]);
    env.ok(&["rebuild", "--source", &src]);

    let by_name = env.ok(&["show", &name(1)]).stdout;
    let doc: Value = serde_json::from_str(&by_name).expect("show prints JSON");
    let doc = doc.as_object().expect("a JSON object");
    assert_eq!(doc["id"], id(1));
    assert_eq!(doc["name"], name(1));
    assert_eq!(doc["title"], default_title(1));
    assert_eq!(doc["site_id"], "default");
    assert_eq!(
        doc["index_id"],
        ckan_search_indexer::document::package::index_id(&id(1), "default")
    );
    assert_eq!(doc["index_id"].as_str().map(str::len), Some(32));
    assert_eq!(doc["capacity"], "public");
    assert_eq!(doc["state"], "active");
    assert_eq!(doc["entity_type"], "package");
    assert_eq!(doc["dataset_type"], "dataset");
    assert_eq!(doc["organization"], "environment-agency");
    assert_eq!(doc["tags"], json!(["air-quality", "environment"]));
    assert_eq!(doc["res_format"], json!(["CSV"]));
    assert_eq!(doc["extras_update_frequency"], "monthly");
    assert_eq!(doc["metadata_modified"], "2024-03-01T10:00:00.123Z");
    assert_eq!(doc["metadata_created"], "2024-03-01T10:00:00.123Z");
    for dict in ["validated_data_dict", "data_dict"] {
        let text = doc[dict]
            .as_str()
            .unwrap_or_else(|| panic!("{dict} is a string"));
        let parsed: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{dict}: {e}"));
        assert_eq!(parsed, public, "{dict} is not the source dict");
    }
    for absent in [
        "text",
        "permission_labels",
        "owner_org",
        "title_string",
        "urls",
    ] {
        assert!(
            !doc.contains_key(absent),
            "non-stored field {absent} shown: {by_name}"
        );
    }
    // The same document by id; the private one says so.
    assert_eq!(env.ok(&["show", &id(1)]).stdout, by_name);
    let private: Value = serde_json::from_str(&env.ok(&["show", &name(2)]).stdout).expect("JSON");
    assert_eq!(private["capacity"], "private");
    assert_eq!(private["id"], id(2));

    let run = env.fails(&["show", "unknown"]);
    assert!(
        run.stderr
            .contains("Dataset not found in the search index: unknown"),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty());
}

/// 8. `clear NAME` removes one dataset; `clear` removes the whole site.
#[test]
fn clear_removes_one_or_all() {
    let env = Env::new();
    let src = env.source("catalogue.jsonl", &[ds(1), ds(2), ds(3), ds(4)]);
    env.ok(&["rebuild", "--source", &src]);

    assert_eq!(env.ok(&["clear", &name(2)]).stdout, "removed 1 documents\n");
    assert_eq!(env.ids(), ids([1, 3, 4]));
    assert_eq!(env.ok(&["clear", &id(3)]).stdout, "removed 1 documents\n");
    assert_eq!(env.ids(), ids([1, 4]));
    // Another site's clear leaves this site's documents alone.
    assert_eq!(
        env.ok(&["--site-id", "other", "clear"]).stdout,
        "removed 0 documents\n"
    );
    assert_eq!(env.ids(), ids([1, 4]));

    assert_eq!(env.ok(&["clear"]).stdout, "removed 2 documents\n");
    assert_eq!(env.ids(), BTreeSet::new());
    assert_eq!(env.current(), Some(generation(1)));
}

/// 9. `list-orphans` lists exactly the indexed ids the source lacks; `clear-orphans`
///    removes exactly those.
#[test]
fn orphans_are_listed_and_cleared() {
    let env = Env::new();
    let initial = env.source("initial.jsonl", &(1..=5).map(ds).collect::<Vec<_>>());
    env.ok(&["rebuild", "--source", &initial]);
    // 4 and 5 are gone from the source; 3 is deleted (still known, so no orphan); 6 is new.
    let now = env.source(
        "now.jsonl",
        &[ds(1), ds(2), with(ds(3), "state", "deleted"), ds(6)],
    );

    let run = env.ok(&["list-orphans", "--source", &now]);
    assert_eq!(run.stdout, format!("{}\n{}\n", id(4), id(5)));
    assert_eq!(env.ids(), ids(1..=5), "list-orphans must not write");

    let run = env.ok(&["clear-orphans", "--source", &now]);
    assert_eq!(
        run.stdout,
        format!(
            "cleared {}\ncleared {}\nremoved 2 orphaned documents\n",
            id(4),
            id(5)
        )
    );
    assert_eq!(env.ids(), ids([1, 2, 3]));
    assert_eq!(env.ok(&["list-orphans", "--source", &now]).stdout, "");

    // A record that cannot be read could hold any indexed dataset: listing or clearing
    // orphans against such a source refuses, and nothing is deleted.
    let broken = env.source_lines(
        "broken.jsonl",
        &[ds(1).to_string(), "{this is not JSON".to_string()],
    );
    for mode in ["list-orphans", "clear-orphans"] {
        let run = env.fails(&[mode, "--source", &broken]);
        assert!(
            run.stderr.contains("not listing orphans"),
            "{mode}: {run:#?}"
        );
    }
    assert_eq!(env.ids(), ids([1, 2, 3]));
}

/// 10. Bad records: without `-i` the run fails naming the dataset and field and the live
///     index is untouched; with `-i` the good records are indexed and the bad ones listed.
#[test]
fn bad_records_fail_or_are_skipped_with_force() {
    let env = Env::new();
    let good = env.source("good.jsonl", &[ds(1), ds(2)]);
    env.ok(&["rebuild", "--source", &good]);

    let bad_date = with(ds(4), "metadata_modified", "yesterday");
    let bad = env.source_lines(
        "bad.jsonl",
        &[
            ds(3).to_string(),
            bad_date.to_string(),
            "{this is not JSON".to_string(),
            ds(5).to_string(),
        ],
    );
    let live_before = env.live_docs();

    for mode in [vec![], vec!["-r"], vec!["-o"]] {
        let mut args = vec!["rebuild", "--source", &bad];
        args.extend(mode.iter().copied());
        let run = env.fails(&args);
        assert!(
            run.stderr.contains(&format!("dataset {}", id(4)))
                && run.stderr.contains("metadata_modified"),
            "the error should name the dataset and the field: {run:#?}"
        );
        assert!(run.stdout.is_empty(), "{run:#?}");
        assert_eq!(env.current(), Some(generation(1)), "{mode:?}");
        assert_eq!(env.generation_dirs(), [generation(1)], "{mode:?}");
        assert_eq!(
            env.live_docs(),
            live_before,
            "{mode:?} changed the live index"
        );
    }

    // Completed and published, but with skipped failures: exit status 2, distinct from an
    // aborted run (1).
    let run = env.run(&["rebuild", "-i", "--source", &bad]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(summary(&run.stdout), expect_summary(2, 0, 2, 2));
    let failures: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("failed: "))
        .collect();
    assert_eq!(failures.len(), 2, "{run:#?}");
    assert!(
        failures[0].starts_with(&format!("failed: dataset {}: ", id(4)))
            && failures[0].contains("metadata_modified"),
        "{failures:?}"
    );
    let path = bad.strip_prefix("jsonl:").expect("jsonl:");
    assert!(
        failures[1].starts_with(&format!("failed: dataset jsonl:{path} line 3: not JSON")),
        "{failures:?}"
    );
    // The new generation went live with the good records.
    assert_eq!(env.current(), Some(generation(2)));
    assert_eq!(env.ids(), ids([3, 5]));
}

/// 11. A full rebuild killed part-way leaves the live generation as it was; the next full
///     rebuild removes the unfinished generation.
#[cfg(unix)]
#[test]
fn killed_full_rebuild_leaves_live_index_and_is_cleaned_up() {
    use std::os::unix::process::ExitStatusExt;

    /// Large enough that the dev-profile rebuild runs for several seconds (about 1,000
    /// datasets/s on two cores), so it is reliably killed part-way.
    const BIG: usize = 10_000;

    let env = Env::new();
    let small = env.source("small.jsonl", &[ds(1), ds(2), ds(3)]);
    env.ok(&["rebuild", "--source", &small]);
    let live_before = env.live_docs();
    assert_eq!(live_before.len(), 3);

    let big = env.tmp.path().join("big.jsonl");
    {
        let mut out = BufWriter::new(fs::File::create(&big).expect("creating big.jsonl"));
        let config = ckan_search_data::GeneratorConfig::new(BIG, 7);
        ckan_search_data::generate(&config, &mut out).expect("generating");
        out.flush().expect("flushing big.jsonl");
    }

    let big_source = format!("jsonl:{}", big.display());
    let mut child = env
        // `-i`: the kill must land mid-build, never after an early abort on a bad record.
        .command(&["rebuild", "-i", "--source", &big_source])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning the rebuild");
    let deadline = Instant::now() + Duration::from_secs(300);
    let building = loop {
        if let Some(status) = child.try_wait().expect("polling the child") {
            panic!("the rebuild ended ({status}) before it could be killed: use a bigger source");
        }
        if let Some(dir) = building_with_segments(&env.generations_dir()) {
            break dir;
        }
        assert!(Instant::now() < deadline, "no segment written in time");
        std::thread::sleep(Duration::from_millis(50));
    };
    // While it runs, the in-place modes are refused (their changes would not be in the
    // generation it publishes) and change nothing.
    let changed = env.source("changed.jsonl", &[titled(ds(1), "Changed meanwhile")]);
    for args in [
        vec!["rebuild", "-r", "--source", &changed],
        vec!["rebuild", "-o", "--source", &changed],
        vec!["clear"],
    ] {
        let refused = env.fails(&args);
        assert!(
            refused.stderr.contains(&format!(
                "a full rebuild (pid {}) is writing this data directory",
                child.id()
            )) && refused.stderr.contains("Nothing was changed"),
            "{refused:#?}"
        );
    }
    assert_eq!(env.live_docs(), live_before);
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("waiting for the killed child");
    assert_eq!(status.signal(), Some(9), "{status}");

    // The unfinished generation is still on disk; CURRENT and the live docs are as before.
    assert!(building.is_dir(), "{}", building.display());
    assert_eq!(env.current(), Some(generation(1)));
    assert_eq!(env.live_docs(), live_before);
    let listing = env.ok(&["generations"]).stdout;
    assert_eq!(listing.lines().count(), 1, "{listing}");
    assert!(
        listing.starts_with(&format!("* {}  3 documents", generation(1))),
        "{listing}"
    );
    let shown: Value = serde_json::from_str(&env.ok(&["show", &name(2)]).stdout).expect("JSON");
    assert_eq!(shown["id"], id(2));

    // The next full rebuild removes the stray directory and publishes generation 2.
    let run = env.ok(&["rebuild", "--source", &small]);
    assert_eq!(summary(&run.stdout), expect_summary(3, 0, 0, 2));
    assert!(!building.exists(), "the stray generation was not removed");
    assert_eq!(env.generation_dirs(), [generation(1), generation(2)]);
    assert_eq!(env.current(), Some(generation(2)));
    assert_eq!(env.ids(), ids(1..=3));
}

/// A `generations/*.building` directory whose tantivy segment files already hold at least
/// 512 KiB: the build is well under way.
fn building_with_segments(generations: &Path) -> Option<PathBuf> {
    const SEGMENT_FILES: [&str; 6] = ["idx", "pos", "term", "store", "fast", "fieldnorm"];
    for entry in fs::read_dir(generations).ok()?.flatten() {
        let path = entry.path();
        if !path.to_string_lossy().ends_with(".building") {
            continue;
        }
        let Ok(files) = fs::read_dir(&path) else {
            continue;
        };
        let segment_bytes: u64 = files
            .flatten()
            .filter(|f| {
                f.path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| SEGMENT_FILES.contains(&e))
            })
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        if segment_bytes >= 512 * 1024 {
            return Some(path);
        }
    }
    None
}

/// The README's run command on a fresh clone: `serve` with an empty data directory
/// indexes the bundled sample, then answers `select` with every indexable dataset.
#[test]
fn serve_on_an_empty_data_dir_indexes_the_bundled_sample() {
    let env = Env::new();
    let (mut child, address) = common::serve(&env.data, &[]);
    let expected = ckan_search_data::sample_packages()
        .map(|p| p.expect("sample line"))
        .filter(|p| p["state"] != "deleted")
        .count();

    let (status, body) = common::http(
        &address,
        "GET",
        "/solr/ckan/select?q=*:*&rows=0&wt=json",
        "",
    );
    let _ = child.kill();
    let _ = child.wait();

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["numFound"], expected as u64);
    assert_eq!(env.current(), Some(generation(1)));
}
