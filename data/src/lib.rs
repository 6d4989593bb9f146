//! Deterministic generator of data.gov.uk-shaped CKAN catalogues, and the bundled sample.
//!
//! Each dataset is a CKAN package dict in exactly the shape `package_show` (and so
//! `ckanapi dump datasets`) returns from data.gov.uk (CKAN 2.10 + ckanext-datagovuk), one JSON
//! object per line. Dataset `i` depends only on `(seed, organisations, i)`: any slice of a
//! catalogue can be regenerated on its own, and the same configuration gives byte-identical
//! output on every machine (own PRNG, fixed reference date, no wall clock, no hash-map order).
//!
//! ```
//! use ckan_search_data::{packages, GeneratorConfig};
//!
//! let config = GeneratorConfig::new(3, 42);
//! let first: Vec<_> = packages(&config).collect();
//! assert_eq!(first.len(), 3);
//! assert_eq!(first[0]["type"], "dataset");
//! ```
//!
//! Shape notes (see `package.rs`): top-level keys are in CKAN's validated order (sorted,
//! then the lists), and ckanext-datagovuk's legacy fields such as `theme-primary` are at the
//! top level, not in `extras` ([`PROMOTED_EXTRAS`] lists them).

pub mod ckan_tables;
mod json;
mod organisations;
mod package;
mod rng;
mod sample;
pub mod test_db;
mod text;
mod timestamp;
mod words;

use std::io::{self, Write};

use serde_json::Value;

pub use organisations::{Extent, HarvestSource, Organisation};
pub use package::PROMOTED_EXTRAS;
pub use sample::{
    sample_packages, sample_reader, write_gzip, SAMPLE_DATASETS, SAMPLE_JSONL_GZ, SAMPLE_SEED,
};
pub use words::OrgKind;

/// The fixed "now" of every catalogue, `2026-11-25T12:00:00` (naive UTC): datasets "modified
/// in the last week" are those modified after this minus 7 days.
pub const REFERENCE_TIME: &str = "2026-11-25T12:00:00";

/// data.gov.uk's number of publishers (September 2026).
pub const DEFAULT_ORGANISATIONS: usize = 1_043;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// Number of datasets.
    pub datasets: usize,
    /// Seed; the same seed always gives the same catalogue.
    pub seed: u64,
    /// Number of publishers (at least 1 is used); changes which publisher owns each dataset.
    pub organisations: usize,
}

impl GeneratorConfig {
    /// `datasets` datasets from `seed`, with the default 1,043 publishers.
    pub fn new(datasets: usize, seed: u64) -> Self {
        Self {
            datasets,
            seed,
            organisations: DEFAULT_ORGANISATIONS,
        }
    }
}

impl Default for GeneratorConfig {
    /// The committed sample's configuration.
    fn default() -> Self {
        Self::new(SAMPLE_DATASETS, SAMPLE_SEED)
    }
}

/// A catalogue ready to produce datasets by index. Building it generates the publishers
/// (about a millisecond); producing a dataset needs nothing else, so keep one `Generator`
/// and call [`Generator::package`] for random access.
#[derive(Debug, Clone)]
pub struct Generator {
    config: GeneratorConfig,
    catalogue: package::Catalogue,
}

impl Generator {
    /// Prepares the catalogue described by `config`.
    pub fn new(config: &GeneratorConfig) -> Self {
        Self {
            config: *config,
            catalogue: package::Catalogue::new(config.seed, config.organisations),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// The package dict of dataset `index`. Valid for any index, also beyond
    /// `config.datasets` (a larger catalogue with the same seed starts with this one).
    pub fn package(&self, index: usize) -> Value {
        self.catalogue.build(index as u64).node.to_value()
    }

    /// Appends dataset `index` as one line of compact JSON (with its `\n`), exactly
    /// `serde_json::to_string(&self.package(index))` but without building a `Value`.
    pub fn write_line(&self, index: usize, out: &mut Vec<u8>) {
        self.catalogue.build(index as u64).node.write(out);
        out.push(b'\n');
    }

    /// The publishers, in generation order (not size order).
    pub fn organisations(&self) -> &[Organisation] {
        self.catalogue.organisations().as_slice()
    }

    /// The datasets `0..config.datasets`, in order.
    pub fn packages(&self) -> impl Iterator<Item = Value> + '_ {
        (0..self.config.datasets).map(move |i| self.package(i))
    }
}

/// The datasets of `config`, in order. Equivalent to [`Generator::packages`] but owns its
/// generator.
pub fn packages(config: &GeneratorConfig) -> impl Iterator<Item = Value> {
    let generator = Generator::new(config);
    (0..config.datasets).map(move |i| generator.package(i))
}

/// Dataset `index` of `config` on its own (builds the publishers each call; use a
/// [`Generator`] for many).
pub fn package(config: &GeneratorConfig, index: usize) -> Value {
    Generator::new(config).package(index)
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Datasets (lines) written.
    pub datasets: usize,
    /// Bytes written, newlines included.
    pub bytes: u64,
    /// Resources over all datasets.
    pub resources: usize,
    /// Datasets with harvest extras.
    pub harvested: usize,
    /// Datasets with `private: true`.
    pub private: usize,
    /// Datasets in state `draft`.
    pub draft: usize,
    /// Datasets in state `deleted`.
    pub deleted: usize,
    /// Distinct publishers (`owner_org`) that own at least one dataset.
    pub organisations: usize,
}

/// Writes the catalogue as JSON Lines (one compact package dict per line, `\n`-terminated).
///
/// Each line is serialised into a reused buffer and written with one `write_all`, so an
/// unbuffered writer is fine.
pub fn generate(config: &GeneratorConfig, out: &mut impl Write) -> io::Result<Summary> {
    let generator = Generator::new(config);
    let mut summary = Summary::default();
    let mut owners = vec![false; generator.organisations().len()];
    let mut line = Vec::with_capacity(16 * 1024);
    for i in 0..config.datasets {
        let built = generator.catalogue.build(i as u64);
        line.clear();
        built.node.write(&mut line);
        line.push(b'\n');
        out.write_all(&line)?;

        summary.datasets += 1;
        summary.bytes += line.len() as u64;
        summary.resources += built.resources;
        summary.harvested += usize::from(built.harvested);
        summary.private += usize::from(built.private);
        summary.draft += usize::from(built.state == "draft");
        summary.deleted += usize::from(built.state == "deleted");
        owners[built.org] = true;
    }
    summary.organisations = owners.iter().filter(|&&o| o).count();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_time_matches_the_generator_clock() {
        assert_eq!(REFERENCE_TIME, timestamp::iso(timestamp::REFERENCE));
    }

    #[test]
    fn degenerate_configs_work() {
        let mut out = Vec::new();
        let summary = generate(&GeneratorConfig::new(0, 1), &mut out).ok();
        assert_eq!(summary.map(|s| s.datasets), Some(0));
        assert!(out.is_empty());

        let one_org = GeneratorConfig {
            datasets: 50,
            seed: 1,
            organisations: 0,
        };
        let owners: std::collections::HashSet<String> = packages(&one_org)
            .filter_map(|p| p["owner_org"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(owners.len(), 1);
    }
}
