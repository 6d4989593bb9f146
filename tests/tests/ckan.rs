//! Does real CKAN 2.12 (from PyPI) work with ckan-search as its Solr? Drives CKAN's action API
//! and `ckan search-index` commands against an in-process server; the scenario and its
//! assertions live in tests/python/ckan_e2e.py.

use ckan_search_tests::{publish_empty, TestServer};
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

#[test]
fn real_ckan_uses_ckan_search_as_solr() {
    let python = ckan_python();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    publish_empty(&data);
    let server = TestServer::start(&data);
    let work = dir.path().join("ckan");
    std::fs::create_dir_all(&work).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/ckan_e2e.py");
    let started = Instant::now();
    let out = Command::new(&python)
        .arg(&script)
        .arg("--solr-url")
        .arg(format!("{}/solr/ckan", server.base))
        .arg("--workdir")
        .arg(&work)
        .arg("--db")
        .arg(format!("ckan_e2e_{}", std::process::id()))
        .env_remove("CKAN_INI")
        .env_remove("CKAN_SOLR_URL")
        .output()
        .expect("run the CKAN scenario");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "CKAN scenario failed after {:?}:\n{stdout}\n{stderr}",
        started.elapsed()
    );
    drop(server);
}
