//! Rewrites the committed sample `data/sample/sample.jsonl.gz` (2,000 datasets, seed 42).
//!
//! Run after any change to the generator: `cargo run -p ckan-search-data --example write_sample`.
//! The `sample_is_up_to_date` test fails until this has been run.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

use ckan_search_data::{write_gzip, GeneratorConfig, SAMPLE_DATASETS, SAMPLE_SEED};

fn main() -> ExitCode {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample/sample.jsonl.gz");
    let config = GeneratorConfig::new(SAMPLE_DATASETS, SAMPLE_SEED);
    let result = File::create(&path).and_then(|f| write_gzip(&config, BufWriter::new(f)));
    match result {
        Ok(summary) => {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "wrote {} ({} datasets, {} bytes of JSON, {} bytes compressed)",
                path.display(),
                summary.datasets,
                summary.bytes,
                size
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
