//! The committed sample must be exactly what the generator produces, so it never drifts.

use std::io::Read;

use ckan_search_data::{
    generate, sample_packages, sample_reader, GeneratorConfig, SAMPLE_DATASETS, SAMPLE_SEED,
};

#[test]
fn sample_is_up_to_date() {
    let mut committed = Vec::new();
    sample_reader()
        .read_to_end(&mut committed)
        .expect("the bundled sample decompresses");
    let mut fresh = Vec::new();
    generate(
        &GeneratorConfig::new(SAMPLE_DATASETS, SAMPLE_SEED),
        &mut fresh,
    )
    .expect("writing to a Vec cannot fail");
    assert!(
        committed == fresh,
        "data/sample/sample.jsonl.gz is stale ({} vs {} bytes): run \
         `cargo run -p ckan-search-data --example write_sample`",
        committed.len(),
        fresh.len()
    );
}

#[test]
fn sample_parses() {
    let mut count = 0;
    for pkg in sample_packages() {
        let pkg = pkg.expect("every sample line is JSON");
        assert_eq!(pkg["type"], "dataset");
        count += 1;
    }
    assert_eq!(count, SAMPLE_DATASETS);
}
