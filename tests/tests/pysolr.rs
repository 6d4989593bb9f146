//! Does the real pysolr client, as CKAN uses it, round-trip against ckan-search? Runs
//! tests/python/test_pysolr.py (adds, searches, facets, long POSTed queries, sorts,
//! deletes, commits, errors) with pysolr 3.11 sending JSON and XML adds, and with pysolr
//! 3.6 (what older CKANs pin) sending XML.

use std::process::Command;

use ckan_search_tests::empty_server;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/test_pysolr.py");

/// The interpreter named by `var`, or `fallback`; fails (never skips) unless it can
/// import pysolr at version `expected`.
fn python(var: &str, fallback: Option<&str>, expected: &str) -> String {
    let how = "run `bash .ci/run` (it creates .ci/venv with pysolr==3.11.0 and .ci/venv36 \
               with pysolr==3.6.0 and exports CKAN_SEARCH_PYTHON and \
               CKAN_SEARCH_PYTHON_PYSOLR36), or point these variables at interpreters \
               that have those versions (`python3 -m venv V && V/bin/pip install \
               pysolr==VERSION`)";
    let (python, from) = match (std::env::var(var), fallback) {
        (Ok(p), _) if !p.is_empty() => (p, format!("from {var}")),
        (_, Some(f)) => (f.to_string(), format!("{var} is not set")),
        _ => panic!("{var} is not set: {how}"),
    };
    let probe = Command::new(&python)
        .args([
            "-c",
            "import pysolr; from importlib.metadata import version; print(version('pysolr'))",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({from}): {e}; {how}"));
    let found = String::from_utf8_lossy(&probe.stdout).trim().to_string();
    assert!(
        probe.status.success(),
        "{python} ({from}) cannot import pysolr: {}\n{how}",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    assert_eq!(
        found, expected,
        "{python} ({from}) has pysolr {found}, these tests need {expected}; {how}"
    );
    python
}

/// Runs the script with `python` against a fresh server; fails with its output.
fn run_script(python: &str, mode: &str) {
    let (server, _dir) = empty_server();
    let url = format!("{}/solr/ckan", server.base);
    let output = Command::new(python)
        .args([SCRIPT, &url, mode])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} {SCRIPT}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{python} {SCRIPT} {url} {mode} exited with {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "no summary line:\n{stdout}"
    );
    println!("{stdout}");
}

#[test]
fn pysolr_3_11_json_adds() {
    run_script(
        &python("CKAN_SEARCH_PYTHON", Some("python3"), "3.11.0"),
        "json",
    );
}

#[test]
fn pysolr_3_11_xml_adds() {
    run_script(
        &python("CKAN_SEARCH_PYTHON", Some("python3"), "3.11.0"),
        "xml",
    );
}

#[test]
fn pysolr_3_6_xml_adds() {
    run_script(&python("CKAN_SEARCH_PYTHON_PYSOLR36", None, "3.6.0"), "xml");
}
