//! `serve --sync-source` and `ckan-search sync` against the real PostgreSQL on
//! 127.0.0.1:5432 (trust auth, user `postgres`; `CKAN_SEARCH_TEST_PG` overrides the server
//! URL). Each test creates its own database with CKAN's tables (`tests/sql/ckan-2.12.sql`),
//! loads a generated catalogue with COPY, indexes it with `search-index rebuild --source
//! postgres://…`, runs the real binary and changes the database as CKAN would:
//!
//! * creates and updates (`metadata_modified` bumped), soft deletes (`state = 'deleted'`
//!   only, as CKAN 2.12's `package_delete`) and purges (rows gone) are each searchable
//!   within a generous timeout; the lag of 100 changes is measured and printed;
//! * the standalone `sync`, killed and started again, resumes from its watermark and
//!   writes each change exactly once (counted in the server's journal);
//! * connections terminated, and the database refusing connections for a while, are
//!   survived, with one log line per outage and one per recovery;
//! * while a full rebuild from the database runs beside the server, changes made in the
//!   database (applied by the sync) and `/update` writes are all in the final index.
//!
//! A PostgreSQL that is down fails these tests; nothing is skipped. Timings are printed,
//! never asserted (beyond timeouts far above the expected ~1 s).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ckan_search_data::test_db::{server_url, TestDb};
use ckan_search_data::GeneratorConfig;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

mod common;

use common::{search_index_ok, BIN};
/// Far above the expected lag: only a sync that stopped working misses it.
const TIMEOUT: Duration = Duration::from_secs(30);

async fn admin() -> PgConnection {
    PgConnection::connect(&format!("{}/postgres", server_url()))
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be running at {}: {e}", server_url()))
}

async fn connect(db: &TestDb) -> PgConnection {
    PgConnection::connect(&db.url()).await.expect("connect")
}

/// Ids and titles of the packages CKAN indexes (not deleted).
async fn indexable(db: &TestDb) -> BTreeMap<String, String> {
    let mut conn = connect(db).await;
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, title FROM package WHERE state IS NOT NULL AND state <> 'deleted'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("packages");
    rows.into_iter()
        .map(|(id, title)| (id, title.unwrap_or_default()))
        .collect()
}

/// CKAN's writes, as SQL.
mod ckan {
    use super::*;

    const NOW: &str = "(now() AT TIME ZONE 'UTC')";

    pub async fn update_title(conn: &mut PgConnection, id: &str, title: &str) {
        sqlx::query(&format!(
            "UPDATE package SET title = $2, metadata_modified = {NOW} WHERE id = $1"
        ))
        .bind(id)
        .bind(title)
        .execute(conn)
        .await
        .expect("update");
    }

    pub async fn create(conn: &mut PgConnection, id: &str, title: &str) {
        sqlx::query(&format!(
            "INSERT INTO package (id, name, title, state, type, private, extras, \
             metadata_created, metadata_modified) \
             VALUES ($1, $1, $2, 'active', 'dataset', false, '{{}}', {NOW}, {NOW})"
        ))
        .bind(id)
        .bind(title)
        .execute(conn)
        .await
        .expect("create");
    }

    /// As CKAN 2.12's `package_delete`: the state changes, `metadata_modified` does not.
    pub async fn soft_delete(conn: &mut PgConnection, id: &str) {
        sqlx::query("UPDATE package SET state = 'deleted' WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await
            .expect("soft delete");
    }

    /// A delete that also stamps `metadata_modified` (a script, an older CKAN).
    pub async fn delete_stamped(conn: &mut PgConnection, id: &str) {
        sqlx::query(&format!(
            "UPDATE package SET state = 'deleted', metadata_modified = {NOW} WHERE id = $1"
        ))
        .bind(id)
        .execute(conn)
        .await
        .expect("delete");
    }

    /// As `ckan dataset purge`: the rows are gone.
    pub async fn purge(conn: &mut PgConnection, id: &str) {
        let mut tx = conn.begin().await.expect("begin");
        for sql in [
            "DELETE FROM resource WHERE package_id = $1",
            "DELETE FROM package_tag WHERE package_id = $1",
            "DELETE FROM member WHERE table_id = $1",
            "DELETE FROM package_relationship WHERE subject_package_id = $1 OR object_package_id = $1",
            "DELETE FROM package WHERE id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .expect(sql);
        }
        tx.commit().await.expect("commit");
    }
}

/// A process of ours whose stderr is collected line by line.
struct Process {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Process {
    fn spawn(args: &[String]) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .env_remove("CKAN_SEARCH_DATA_DIR")
            .env_remove("CKAN_SEARCH_SYNC_SOURCE")
            .env("RUST_LOG", "info,tantivy=warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning ckan-search");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self { child, log }
    }

    fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn count(&self, needle: &str) -> usize {
        self.lines().iter().filter(|l| l.contains(needle)).count()
    }

    async fn wait_for_line(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(needle)) {
                return line;
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "no log line with {needle:?}:\n{}",
                self.lines().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `serve` on an ephemeral port.
struct Server {
    process: Process,
    core: String,
    client: reqwest::Client,
}

impl Server {
    async fn start(data: &Path, extra: &[&str]) -> Self {
        let mut args: Vec<String> = ["serve", "--listen", "127.0.0.1:0", "--data-dir"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(data.display().to_string());
        args.extend(extra.iter().map(|s| s.to_string()));
        let process = Process::spawn(&args);
        let line = process.wait_for_line("address=").await;
        let address = line
            .split("address=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("address")
            .to_string();
        Self {
            process,
            core: format!("http://{address}/solr/ckan"),
            client: reqwest::Client::new(),
        }
    }

    async fn select(&self, params: &[(&str, &str)]) -> Value {
        let response = self
            .client
            .post(format!("{}/select", self.core))
            .form(&[params, &[("wt", "json")]].concat())
            .send()
            .await
            .expect("select");
        assert!(response.status().is_success(), "select {params:?}");
        response.json().await.expect("select JSON")
    }

    /// The dataset's indexed title, or `None` when it is not indexed.
    async fn title(&self, id: &str) -> Option<String> {
        let fq = format!("id:\"{id}\"");
        let body = self
            .select(&[("q", "*:*"), ("fq", &fq), ("fl", "id,title")])
            .await;
        body["response"]["docs"]
            .as_array()
            .and_then(|docs| docs.first())
            .map(|d| d["title"].as_str().unwrap_or_default().to_string())
    }

    /// Id → title of every document of a site.
    async fn site(&self, site: &str) -> BTreeMap<String, String> {
        let fq = format!("site_id:\"{site}\"");
        let body = self
            .select(&[
                ("q", "*:*"),
                ("fq", &fq),
                ("fl", "id,title"),
                ("rows", "1000000"),
            ])
            .await;
        body["response"]["docs"]
            .as_array()
            .expect("docs")
            .iter()
            .map(|d| {
                (
                    d["id"].as_str().expect("id").to_string(),
                    d["title"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

/// Waits until `check` holds; returns how long that took.
async fn wait_until<F, Fut>(what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < TIMEOUT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A catalogue loaded into its own database and indexed from it.
async fn indexed_catalogue(
    tag: &str,
    datasets: usize,
    root: &Path,
) -> (TestDb, PathBuf, Vec<String>) {
    let dicts: Vec<Value> =
        ckan_search_data::packages(&GeneratorConfig::new(datasets, 7)).collect();
    let db = TestDb::create(&format!("ckan_search_sync_{tag}"));
    db.load(&dicts);
    db.analyze();
    let data = root.join("data");
    let url = db.url();
    let data_dir = data.clone();
    tokio::task::spawn_blocking(move || {
        search_index_ok(&data_dir, &["rebuild", "--source", &url]);
    })
    .await
    .expect("rebuild");
    let active: Vec<String> = indexable(&db).await.into_keys().collect();
    (db, data, active)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_applies_creates_updates_soft_deletes_and_purges() {
    let root = tempfile::tempdir().expect("tempdir");
    let (db, data, active) = indexed_catalogue("apply", 300, root.path()).await;
    let url = db.url();
    let server = Server::start(&data, &["--sync-source", &url]).await;
    server.process.wait_for_line("sync started").await;
    let mut conn = connect(&db).await;

    // 100 changes, one at a time: 40 updates, 30 creates, 20 soft deletes, 10 purges.
    let mut pool = active.iter();
    let mut lags: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    // Changes arrive at random points of the poll cycle, as real ones do (one right after
    // the previous became searchable would always wait a whole interval).
    let mut rng = Rng(0x853c_49e6_748f_ea9b);
    for i in 0..100 {
        tokio::time::sleep(Duration::from_millis(rng.below(500) as u64)).await;
        let (kind, lag) = match i % 10 {
            0..=3 => {
                let id = pool.next().expect("enough datasets");
                let title = format!("Updated title {i}");
                ckan::update_title(&mut conn, id, &title).await;
                let lag = wait_until("an update", || async {
                    server.title(id).await.as_deref() == Some(title.as_str())
                })
                .await;
                ("update", lag)
            }
            4..=6 => {
                let id = format!("created-{i}");
                let title = format!("Created dataset {i}");
                ckan::create(&mut conn, &id, &title).await;
                let lag = wait_until("a create", || async {
                    server.title(&id).await.as_deref() == Some(title.as_str())
                })
                .await;
                ("create", lag)
            }
            7 | 8 => {
                let id = pool.next().expect("enough datasets");
                ckan::soft_delete(&mut conn, id).await;
                let lag = wait_until("a soft delete", || async {
                    server.title(id).await.is_none()
                })
                .await;
                ("soft delete", lag)
            }
            _ => {
                let id = pool.next().expect("enough datasets");
                ckan::purge(&mut conn, id).await;
                let lag =
                    wait_until("a purge", || async { server.title(id).await.is_none() }).await;
                ("purge", lag)
            }
        };
        lags.entry(kind).or_default().push(lag);
    }

    let all: Vec<Duration> = lags.values().flatten().copied().collect();
    let mut report = format!(
        "sync lag over {} changes (database commit → searchable): median {} ms, max {} ms",
        all.len(),
        ms(median(all.clone())),
        ms(*all.iter().max().expect("lags"))
    );
    for (kind, values) in &lags {
        report += &format!(
            "; {kind}s ({}): median {} ms, max {} ms",
            values.len(),
            ms(median(values.clone())),
            ms(*values.iter().max().expect("lags"))
        );
    }
    println!("{report}");
    assert_eq!(
        lags.iter().map(|(k, v)| (*k, v.len())).collect::<Vec<_>>(),
        vec![
            ("create", 30),
            ("purge", 10),
            ("soft delete", 20),
            ("update", 40)
        ]
    );
    // The index now holds exactly what CKAN would index.
    assert_same(&server.site("default").await, &indexable(&db).await);
    // Every batch was logged with its count and lag.
    assert!(server.process.count("sync: applied a batch") >= 70);
    assert!(server
        .process
        .lines()
        .iter()
        .any(|l| l.contains("sync: applied a batch") && l.contains("lag_ms=")));
}

/// The journal's entries after the first `skip`: (op, id) with the document's `id` for
/// adds and the uniqueKey for deletes.
fn journal_after(data: &Path, skip: usize) -> Vec<(String, String)> {
    let text =
        std::fs::read_to_string(data.join("journal").join("journal.jsonl")).unwrap_or_default();
    text.lines()
        .skip(skip)
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("journal line");
            let op = v["op"].as_str().expect("op").to_string();
            let id = match op.as_str() {
                "add" => v["doc"]["id"].as_str(),
                _ => v["id"].as_str(),
            };
            (op, id.expect("id").to_string())
        })
        .collect()
}

fn journal_len(data: &Path) -> usize {
    journal_after(data, 0).len()
}

/// CKAN's uniqueKey for the default site.
fn index_id(id: &str) -> String {
    ckan_search_indexer::document::package::index_id(id, "default")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_sync_resumes_from_its_watermark_without_applying_twice() {
    let root = tempfile::tempdir().expect("tempdir");
    let (db, data, active) = indexed_catalogue("restart", 200, root.path()).await;
    let server = Server::start(&data, &[]).await;
    let sync_args: Vec<String> = [
        "sync",
        "--data-dir",
        &data.display().to_string(),
        "--source",
        &db.url(),
        "--server",
        &server.core,
        "--interval-ms",
        "200",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut sync = Process::spawn(&sync_args);
    sync.wait_for_line("sync started").await;
    let mut conn = connect(&db).await;

    // Five updates, applied by the first run.
    let before = journal_len(&data);
    for (i, id) in active[..5].iter().enumerate() {
        let title = format!("First run {i}");
        ckan::update_title(&mut conn, id, &title).await;
        wait_until("an update", || async {
            server.title(id).await.as_deref() == Some(title.as_str())
        })
        .await;
    }
    // Later polls read them again (they are inside the window) and write nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let first = journal_after(&data, before);
    let expected: Vec<(String, String)> = active[..5]
        .iter()
        .map(|id| ("add".to_string(), id.clone()))
        .collect();
    assert_eq!(first, expected);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("sync").join("state.json")).expect("state.json"),
    )
    .expect("state JSON");
    assert!(state["watermark"].is_string(), "{state}");
    assert_eq!(state["applied"].as_object().map(|m| m.len()), Some(5));

    // Killed (no chance to save anything more), changes made while it is down, restarted.
    sync.kill();
    let middle = journal_len(&data);
    for (i, id) in active[5..8].iter().enumerate() {
        ckan::update_title(&mut conn, id, &format!("While down {i}")).await;
    }
    ckan::soft_delete(&mut conn, &active[8]).await;
    ckan::purge(&mut conn, &active[9]).await;
    let sync = Process::spawn(&sync_args);
    sync.wait_for_line("sync started").await;
    for (i, id) in active[5..8].iter().enumerate() {
        let title = format!("While down {i}");
        wait_until("an update made while the sync was down", || async {
            server.title(id).await.as_deref() == Some(title.as_str())
        })
        .await;
    }
    wait_until("the soft delete and the purge", || async {
        server.title(&active[8]).await.is_none() && server.title(&active[9]).await.is_none()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut second = journal_after(&data, middle);
    second.sort();
    let mut expected: Vec<(String, String)> = active[5..8]
        .iter()
        .map(|id| ("add".to_string(), id.clone()))
        .chain([
            ("delete_by_id".to_string(), index_id(&active[8])),
            ("delete_by_id".to_string(), index_id(&active[9])),
        ])
        .collect();
    expected.sort();
    assert_eq!(second, expected, "each change written exactly once");
    assert_same(&server.site("default").await, &indexable(&db).await);
    assert!(
        sync.count("sync: no saved progress") == 0,
        "the restart used its state"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_survives_the_database_going_away() {
    let root = tempfile::tempdir().expect("tempdir");
    let (db, data, active) = indexed_catalogue("outage", 100, root.path()).await;
    let url = db.url();
    let server = Server::start(&data, &["--sync-source", &url, "--sync-interval-ms", "200"]).await;
    server.process.wait_for_line("sync started").await;
    let mut admin = admin().await;
    let terminate = format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{}'",
        db.name()
    );
    let update = |i: usize| {
        let id = active[i].clone();
        let db_url = url.clone();
        let title = format!("After outage {i}");
        async move {
            let mut conn = PgConnection::connect(&db_url).await.expect("connect");
            ckan::update_title(&mut conn, &id, &title).await;
            (id, title)
        }
    };
    let (id, title) = update(0).await;
    wait_until("an update before any outage", || async {
        server.title(&id).await.as_deref() == Some(title.as_str())
    })
    .await;

    // 1. Every connection dropped (what a database restart does to its clients).
    sqlx::raw_sql(&terminate)
        .execute(&mut admin)
        .await
        .expect("terminate");
    let (id, title) = update(1).await;
    let lag = wait_until("an update after the connections were dropped", || async {
        server.title(&id).await.as_deref() == Some(title.as_str())
    })
    .await;
    println!(
        "searchable {} ms after the connections were dropped",
        ms(lag)
    );

    // 2. The database refuses connections for four seconds.
    sqlx::raw_sql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS false",
        db.name()
    ))
    .execute(&mut admin)
    .await
    .expect("refuse connections");
    sqlx::raw_sql(&terminate)
        .execute(&mut admin)
        .await
        .expect("terminate");
    server
        .process
        .wait_for_line("sync: the database is unavailable")
        .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    sqlx::raw_sql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS true",
        db.name()
    ))
    .execute(&mut admin)
    .await
    .expect("accept connections");
    let (id, title) = update(2).await;
    let lag = wait_until("an update after the outage", || async {
        server.title(&id).await.as_deref() == Some(title.as_str())
    })
    .await;
    println!("searchable {} ms after a 4 s outage ended", ms(lag));

    wait_until("the recovery log line", || async {
        server
            .process
            .count("sync: the database is available again")
            == 2
    })
    .await;
    // One line per outage, however many retries it took.
    assert_eq!(server.process.count("sync: the database is unavailable"), 2);
    assert_eq!(
        server
            .process
            .count("sync: the database is available again"),
        2
    );
    assert_same(&server.site("default").await, &indexable(&db).await);
}

/// Asserts that the index holds exactly the expected id → title pairs, listing the
/// differences (not the whole catalogue) when it does not.
fn assert_same(got: &BTreeMap<String, String>, expected: &BTreeMap<String, String>) {
    let missing: Vec<&String> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    let stale: Vec<(&String, &String, &String)> = expected
        .iter()
        .filter_map(|(k, v)| got.get(k).filter(|g| *g != v).map(|g| (k, g, v)))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && stale.is_empty(),
        "missing {missing:?}\nunexpected {extra:?}\nstale (id, indexed, expected) {stale:?}"
    );
}

/// A tiny deterministic generator for the writers below.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_write_is_lost_while_a_full_rebuild_runs() {
    let datasets: usize = std::env::var("CKAN_SEARCH_TEST_REBUILD_DATASETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_500);
    let root = tempfile::tempdir().expect("tempdir");
    let (db, data, active) = indexed_catalogue("rebuild", datasets, root.path()).await;
    let url = db.url();
    // No periodic reconciliation: a lost write must not be repaired by one behind the
    // test's back (deletes here stamp metadata_modified, so the polls see everything).
    let server = Server::start(
        &data,
        &[
            "--sync-source",
            &url,
            "--sync-interval-ms",
            "200",
            "--sync-reconcile-secs",
            "100000",
        ],
    )
    .await;
    server.process.wait_for_line("sync started").await;
    let generation_before = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");

    // The rebuild, beside the running server.
    let mut rebuild = Process::spawn(&[
        "search-index".into(),
        "--data-dir".into(),
        data.display().to_string(),
        "rebuild".into(),
        "--source".into(),
        url.clone(),
    ]);
    rebuild.wait_for_line("full rebuild started").await;
    // The rebuild records the journal's end and opens its snapshot right after that line.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let rebuild_started = Instant::now();
    let journal_at_start = journal_len(&data);

    // Writers: CKAN's database (through the sync) and /update (another site's documents).
    let stop = Arc::new(AtomicBool::new(false));
    let db_writer = {
        let stop = stop.clone();
        let url = url.clone();
        let mut pool: Vec<String> = active[..2_000.min(active.len())].to_vec();
        tokio::spawn(async move {
            let mut conn = PgConnection::connect(&url).await.expect("connect");
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
            let mut ops = BTreeMap::<&str, usize>::new();
            let mut created = 0;
            while !stop.load(Ordering::Relaxed) {
                match rng.below(10) {
                    0..=5 => {
                        let id = &pool[rng.below(pool.len())];
                        ckan::update_title(
                            &mut conn,
                            id,
                            &format!("During rebuild {}", rng.below(1 << 30)),
                        )
                        .await;
                        *ops.entry("update").or_default() += 1;
                    }
                    6..=7 => {
                        created += 1;
                        let id = format!("during-rebuild-{created}");
                        ckan::create(&mut conn, &id, &format!("Created during rebuild {created}"))
                            .await;
                        pool.push(id);
                        *ops.entry("create").or_default() += 1;
                    }
                    _ => {
                        let id = pool.swap_remove(rng.below(pool.len()));
                        ckan::delete_stamped(&mut conn, &id).await;
                        *ops.entry("delete").or_default() += 1;
                    }
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            ops
        })
    };
    let update_writer = {
        let stop = stop.clone();
        let core = server.core.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut rng = Rng(0x2545_f491_4f6c_dd1d);
            let mut expected: BTreeMap<String, Option<String>> = BTreeMap::new();
            let mut version = 0;
            while !stop.load(Ordering::Relaxed) {
                version += 1;
                let id = format!("other-{}", rng.below(60));
                let commit = rng.below(2) == 0;
                let body = if rng.below(5) == 0 {
                    expected.insert(id.clone(), None);
                    json!({"delete": {"id": id}})
                } else {
                    let title = format!("Version {version}");
                    expected.insert(id.clone(), Some(title.clone()));
                    json!([{"index_id": id, "id": id, "site_id": "other", "title": title}])
                };
                let response = client
                    .post(format!("{core}/update?commit={commit}"))
                    .json(&body)
                    .send()
                    .await
                    .expect("update");
                assert!(response.status().is_success());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            expected
        })
    };
    tokio::time::sleep(Duration::from_millis(2000)).await;
    stop.store(true, Ordering::Relaxed);
    let db_ops = db_writer.await.expect("database writer");
    let expected_other = update_writer.await.expect("update writer");
    let writes_done = rebuild_started.elapsed();
    assert!(
        rebuild.child.try_wait().expect("rebuild status").is_none(),
        "inconclusive: the rebuild ended before the writes did; raise \
         CKAN_SEARCH_TEST_REBUILD_DATASETS (now {datasets})"
    );
    // Let the sync apply the last database changes while the rebuild still runs.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let still_running = rebuild.child.try_wait().expect("rebuild status").is_none();
    let written_during_rebuild = journal_len(&data) - journal_at_start;
    let status = tokio::task::spawn_blocking(move || {
        let status = rebuild.child.wait().expect("rebuild");
        (status, rebuild.lines())
    })
    .await
    .expect("rebuild");
    assert!(
        status.0.success(),
        "rebuild failed:\n{}",
        status.1.join("\n")
    );
    let rebuild_seconds = rebuild_started.elapsed();
    println!(
        "during a {:.1} s rebuild of {datasets} datasets: database changes {db_ops:?} over {:.1} s, \
         /update writes to {} documents; rebuild still running 1 s after the last write: {still_running}",
        rebuild_seconds.as_secs_f64() + 1.0,
        writes_done.as_secs_f64(),
        expected_other.len()
    );
    assert!(
        db_ops.values().all(|n| *n > 0) && db_ops.len() == 3,
        "{db_ops:?}"
    );

    // The new generation is live (the server serves it), and holds every change.
    let generation_after = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    assert_ne!(generation_after, generation_before);
    server
        .process
        .wait_for_line(&format!(
            "serving generation generation={}",
            generation_after.trim()
        ))
        .await;
    let expected_default = indexable(&db).await;
    let expected_other: BTreeMap<String, String> = expected_other
        .into_iter()
        .filter_map(|(id, title)| title.map(|t| (id, t)))
        .collect();
    wait_until("the writes accepted during the rebuild", || async {
        server.site("other").await == expected_other
    })
    .await;
    for line in server.process.lines() {
        if line.contains("generation") || line.contains("replay") || line.contains("reconcil") {
            println!("server: {line}");
        }
    }
    assert_same(&server.site("other").await, &expected_other);
    wait_until("the database changes made during the rebuild", || async {
        server.site("default").await == expected_default
    })
    .await;
    assert_same(&server.site("default").await, &expected_default);
    // The writes accepted while the rebuild ran reached the new generation through the
    // journal: at least as many entries were replayed onto it.
    let replayed: usize = server
        .process
        .lines()
        .iter()
        .filter(|l| l.contains("replayed journaled writes") && l.contains("generation=00000002"))
        .filter_map(|l| {
            l.split("entries=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert!(
        replayed >= written_during_rebuild && written_during_rebuild > 0,
        "replayed {replayed}, written during the rebuild {written_during_rebuild}"
    );
    // Nothing was repaired behind the journal's back.
    let repairs: Vec<String> = server
        .process
        .lines()
        .into_iter()
        .filter(|l| l.contains("sync: reconciled the index with the database"))
        .collect();
    assert!(
        repairs.is_empty(),
        "{repairs:#?}\n{}",
        server.process.lines().join("\n")
    );
}
