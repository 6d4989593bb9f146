//! Writes a generated catalogue as JSON Lines to stdout and reports the speed on stderr.
//!
//! `cargo run --release -p ckan-search-data --example generate -- 100000 42 > catalogue.jsonl`
//! (arguments: number of datasets, default 2,000; seed, default 42; organisations, default
//! 1,043).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use ckan_search_data::{generate, GeneratorConfig, DEFAULT_ORGANISATIONS};

fn arg<T: std::str::FromStr>(n: usize, default: T) -> Result<T, String> {
    match std::env::args().nth(n) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| format!("argument {n}: cannot parse {s:?}")),
    }
}

fn main() -> ExitCode {
    let config = match (|| {
        Ok::<_, String>(GeneratorConfig {
            datasets: arg(1, 2_000)?,
            seed: arg(2, 42)?,
            organisations: arg(3, DEFAULT_ORGANISATIONS)?,
        })
    })() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}\nusage: generate [datasets] [seed] [organisations]");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let result = generate(&config, &mut out).and_then(|s| out.flush().map(|()| s));
    let elapsed = start.elapsed().as_secs_f64();
    match result {
        Ok(summary) => {
            eprintln!(
                "{} datasets, {} bytes, {} resources, {} harvested, {} publishers used; \
                 {:.2} s = {:.0} datasets/s",
                summary.datasets,
                summary.bytes,
                summary.resources,
                summary.harvested,
                summary.organisations,
                elapsed,
                summary.datasets as f64 / elapsed.max(1e-9)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("write failed: {e}");
            ExitCode::FAILURE
        }
    }
}
