//! The committed sample catalogue (`sample/sample.jsonl.gz`: 2,000 datasets, seed 42) and
//! the deterministic gzip writer that produces it.
//!
//! Tests and benchmarks that need realistic data without generating it read this; the
//! `sample_is_up_to_date` test keeps it byte-identical to what the generator produces, and
//! `cargo run -p ckan-search-data --example write_sample` rewrites it.

use std::io::{self, BufRead, BufReader, Write};

use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};
use serde_json::Value;

use crate::{generate, GeneratorConfig, Summary};

/// Number of datasets in the committed sample.
pub const SAMPLE_DATASETS: usize = 2000;
/// Seed of the committed sample.
pub const SAMPLE_SEED: u64 = 42;

/// The committed sample, gzip-compressed JSON Lines.
pub const SAMPLE_JSONL_GZ: &[u8] = include_bytes!("../sample/sample.jsonl.gz");

/// The sample as decompressed JSON Lines.
pub fn sample_reader() -> impl BufRead {
    BufReader::new(GzDecoder::new(SAMPLE_JSONL_GZ))
}

/// The sample's package dicts, in order; an item is an error if the bundled file is damaged.
pub fn sample_packages() -> impl Iterator<Item = io::Result<Value>> {
    sample_reader().lines().map(|line| {
        let line = line?;
        serde_json::from_str(&line).map_err(io::Error::other)
    })
}

/// Writes `config`'s catalogue gzip-compressed, reproducibly: modification time 0, no file
/// name, fixed compression level (so the same input gives the same bytes with the same
/// compressor build).
pub fn write_gzip(config: &GeneratorConfig, out: impl Write) -> io::Result<Summary> {
    let mut gz = GzBuilder::new().mtime(0).write(out, Compression::best());
    let summary = generate(config, &mut gz)?;
    gz.finish()?.flush()?;
    Ok(summary)
}
