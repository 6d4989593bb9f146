//! A generated catalogue on disk, as the benches index it.

use std::path::PathBuf;

/// `datasets` generated datasets (seed 1) as JSONL in a new temporary directory; the
/// directory lives as long as the returned handle.
pub fn generated_jsonl(datasets: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("catalogue.jsonl");
    let config = ckan_search_data::GeneratorConfig::new(datasets, 1);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    ckan_search_data::generate(&config, &mut out).expect("generate");
    drop(out);
    (dir, path)
}
