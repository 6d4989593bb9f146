//! Does real CKAN 2.12 (from PyPI) work with ckan-search as its Solr? Two tests, each against
//! its own in-process server: a scenario over CKAN's action API, web search page and
//! `ckan search-index` commands (tests/python/ckan_e2e.py), and CKAN's own search test suite
//! (tests/python/ckan_suite.py).

use ckan_search_tests::{empty_server, TestServer};
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
fn run_ckan_script(script: &str, server: &TestServer, db: &str) {
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
    run_ckan_script("ckan_e2e.py", &server, "ckan_e2e");
    drop(server); // before its data directory goes
}

/// CKAN's ckan/tests/lib/search and the search tests of test_get.py (spec ckan-as-client.md
/// section 7 step 6). They wipe the whole index, so the server is theirs alone.
#[test]
fn ckan_own_search_tests_pass_against_ckan_search() {
    let (server, _data) = empty_server();
    run_ckan_script("ckan_suite.py", &server, "ckan_suite");
    drop(server);
}
