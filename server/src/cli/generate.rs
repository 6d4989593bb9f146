//! `ckan-search generate`: a deterministic data.gov.uk-shaped catalogue as JSONL.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of datasets.
    #[arg(long, default_value_t = 2000)]
    pub datasets: usize,
    /// Random seed: the same seed gives the same catalogue, byte for byte.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let config = ckan_search_data::GeneratorConfig {
        datasets: args.datasets,
        seed: args.seed,
        ..Default::default()
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    ckan_search_data::generate(&config, &mut out)?;
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} datasets (seed {}) in {:.2} s ({:.0} datasets/s)",
        args.datasets,
        args.seed,
        secs,
        args.datasets as f64 / secs.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
