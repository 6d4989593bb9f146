//! Does real CKAN 2.12 (from PyPI) work with ckan-search as its Solr? Two tests, each against
//! its own in-process server: a scenario over CKAN's action API, web search page and
//! `ckan search-index` commands (tests/python/ckan_e2e.py), and CKAN's own search test suite
//! (tests/python/ckan_suite.py).

use ckan_search_indexer::source::PostgresSource;
use ckan_search_tests::{empty_server, publish, TestServer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The Python interpreter of the CKAN venv that `bash .ci/run` installs.
fn ckan_python() -> PathBuf {
    let venv = std::env::var("CKAN_SEARCH_CKAN_VENV").unwrap_or_else(|_| {
        // The default location .ci/run installs to, relative to the workspace root.
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../.ci/ckan-venv")
            .to_string_lossy()
            .into_owned()
    });
    let python = Path::new(&venv).join("bin/python");
    let importable = Command::new(&python)
        .args(["-c", "import ckan, ckanapi"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        importable,
        "CKAN 2.12 is not installed at {venv} (CKAN_SEARCH_CKAN_VENV): run `bash .ci/run`, which \
         installs it into .ci/ckan-venv"
    );
    python
}

/// Runs tests/python/`script` with the CKAN venv against `server`, in a fresh work directory
/// and with a PostgreSQL database of its own (`db` plus this process id), prints its output
/// and asserts that it succeeded.
fn run_ckan_script(script: &str, server: &TestServer, db: &str, extra: &[&str]) {
    let python = ckan_python();
    let work = tempfile::tempdir().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let started = Instant::now();
    let out = Command::new(&python)
        .arg(&path)
        .arg("--solr-url")
        .arg(format!("{}/solr/ckan", server.base))
        .arg("--workdir")
        .arg(work.path())
        .arg("--db")
        .arg(format!("{db}_{}", std::process::id()))
        .args(extra)
        // CKAN reads these over its ini
        .env_remove("CKAN_INI")
        .env_remove("CKAN_SOLR_URL")
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!(
        "{script} ran for {:.1} s:\n{stdout}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "{script} failed after {:?}:\n{stdout}\n{stderr}",
        started.elapsed()
    );
}

#[test]
fn real_ckan_uses_ckan_search_as_solr() {
    let (server, _data) = empty_server();
    run_ckan_script("ckan_e2e.py", &server, "ckan_e2e", &["--keep-db"]);
    // The scenario ends with CKAN's own `search-index rebuild`: the index holds the
    // documents CKAN built and sent to /update. Our PostgreSQL reader must build the same
    // documents from CKAN's database.
    let db = format!("ckan_e2e_{}", std::process::id());
    let compared = documents_from_ckan_db_equal_ckans(&server, &db);
    drop_database(&db);
    let n = compared.expect("documents from CKAN's database");
    assert!(n >= 3, "compared only {n} documents");
    drop(server); // before its data directory goes
}

/// Rebuilds from CKAN's database `db` (the role and password the scenario creates) into a
/// fresh data directory and compares every stored document with `ckan`'s index, except
/// the two fields that record when and in which order a document was written. Returns
/// how many documents were compared.
fn documents_from_ckan_db_equal_ckans(ckan: &TestServer, db: &str) -> Result<usize, String> {
    let url = format!("postgresql://{db}:pass@127.0.0.1:5432/{db}");
    let source = PostgresSource::new(&url).map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    publish(dir.path(), &source);
    let ours = TestServer::start(dir.path());
    let docs = |server: &TestServer| -> Vec<Value> {
        let (status, body) = server.select(&[
            ("q", "*:*"),
            ("fq", "+site_id:\"default\""),
            ("fl", "*"),
            ("rows", "1000"),
            ("sort", "id asc"),
        ]);
        assert_eq!(status, 200, "{body}");
        body["response"]["docs"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut d| {
                if let Some(m) = d.as_object_mut() {
                    m.remove("indexed_ts");
                    m.remove("_version_");
                }
                d
            })
            .collect()
    };
    let (theirs, mine) = (docs(ckan), docs(&ours));
    if theirs.len() != mine.len() {
        return Err(format!(
            "CKAN indexed {} documents, the database gives {}",
            theirs.len(),
            mine.len()
        ));
    }
    for (a, b) in theirs.iter().zip(&mine) {
        let a = a.as_object().cloned().unwrap_or_default();
        let b = b.as_object().cloned().unwrap_or_default();
        for key in a.keys().chain(b.keys()) {
            if a.get(key) != b.get(key) {
                return Err(format!(
                    "dataset {}: field {key}: CKAN sent {:?}, the database gives {:?}",
                    a.get("name").cloned().unwrap_or_default(),
                    a.get(key),
                    b.get(key)
                ));
            }
        }
    }
    Ok(theirs.len())
}

fn drop_database(db: &str) {
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("DROP ROLE IF EXISTS {db}"),
    ] {
        let _ = Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-qAtc", &sql])
            .status();
    }
}

/// CKAN's ckan/tests/lib/search and the search tests of test_get.py (spec ckan-as-client.md
/// section 7 step 6). They wipe the whole index, so the server is theirs alone.
#[test]
fn ckan_own_search_tests_pass_against_ckan_search() {
    let (server, _data) = empty_server();
    run_ckan_script("ckan_suite.py", &server, "ckan_suite", &[]);
    drop(server);
}
