//! The `ckan-search` command line: `serve`, `search-index …` (CKAN's commands, run against
//! the generations on disk) and `generate`.

mod generate;
mod progress;
pub mod publisher;
mod search_index;
mod serve;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::{JsonlSource, Source};
use clap::{Args, Parser, Subcommand};

pub use search_index::SearchIndexCommand;
pub use serve::ServeArgs;
pub use sync::SyncArgs;

/// A search engine for CKAN catalogues that speaks Solr.
#[derive(Debug, Parser)]
#[command(name = "ckan-search", version, about, long_about = None)]
pub struct Cli {
    /// More log output (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (Solr's /select for CKAN). Indexes the bundled sample catalogue
    /// first if the data directory has no index yet.
    Serve(Box<ServeArgs>),
    /// CKAN's `search-index` commands, on the index in the data directory.
    #[command(name = "search-index")]
    SearchIndex(SearchIndexCommand),
    /// Write a generated data.gov.uk-shaped catalogue as JSONL (package dicts).
    Generate(generate::GenerateArgs),
    /// Keep a running server's index in step with CKAN's database: poll it for changed,
    /// deleted and purged datasets and apply them through the server's `/update`.
    Sync(Box<SyncArgs>),
}

/// Options every command that touches the index shares.
#[derive(Debug, Clone, Args)]
pub struct IndexArgs {
    /// Where the generations live.
    #[arg(
        long,
        env = "CKAN_SEARCH_DATA_DIR",
        default_value = "data-dir",
        global = true
    )]
    pub data_dir: PathBuf,
    /// CKAN's `ckan.site_id`.
    #[arg(
        long,
        env = "CKAN_SEARCH_SITE_ID",
        default_value = "default",
        global = true
    )]
    pub site_id: String,
    /// A Solr synonyms.txt applied to query text (empty by default, as CKAN's).
    #[arg(long, env = "CKAN_SEARCH_SYNONYMS", global = true)]
    pub synonyms: Option<PathBuf>,
    /// A Solr protwords.txt: words the English stemmer leaves alone.
    #[arg(long, env = "CKAN_SEARCH_PROTWORDS", global = true)]
    pub protwords: Option<PathBuf>,
}

impl IndexArgs {
    /// Opens the generation store these options describe.
    pub fn store(&self) -> anyhow::Result<GenerationStore> {
        let analysis =
            AnalysisConfig::from_files(self.synonyms.as_deref(), self.protwords.as_deref())?;
        Ok(GenerationStore::open(
            &self.data_dir,
            CkanSchema::new(),
            analysis,
        )?)
    }
}

/// Parses `--source`: `jsonl:PATH` (plain or gzip), a bare path, `sample` for the bundled
/// 2,000-dataset catalogue, or CKAN's database as a `postgres://` / `postgresql://` URL
/// (`postgres://user:password@host:5432/ckan_default`), read in one consistent snapshot.
/// The URL's query may carry CKAN's `ckan.site_url`, `licenses_group_url` (a file) and
/// `ckan.resource_formats` (a file), which shape the dicts as on the CKAN site; other
/// parameters are PostgreSQL's (`sslmode`, …). Nothing is connected until the source is read.
pub fn parse_source(spec: &str) -> anyhow::Result<Box<dyn Source>> {
    if spec == "sample" {
        return Ok(Box::new(sample_source()));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        let source = ckan_search_indexer::source::PostgresSource::new(spec)?;
        return Ok(Box::new(source));
    }
    let path = spec.strip_prefix("jsonl:").unwrap_or(spec);
    if !std::path::Path::new(path).is_file() {
        anyhow::bail!("source {spec}: no such file");
    }
    Ok(Box::new(JsonlSource::file(path)))
}

/// [`parse_source`] for `rebuild NAME…`: CKAN's database is asked for just those datasets
/// (names or ids); a file is read whole and filtered by the rebuild.
pub fn parse_source_of_datasets(
    spec: &str,
    datasets: &[String],
) -> anyhow::Result<Box<dyn Source>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        let source = ckan_search_indexer::source::PostgresSource::new(spec)?
            .only_datasets(datasets.iter().cloned());
        return Ok(Box::new(source));
    }
    parse_source(spec)
}

/// The bundled sample catalogue as a source.
pub fn sample_source() -> JsonlSource {
    JsonlSource::from_reader("sample", || {
        Ok(Box::new(ckan_search_data::SAMPLE_JSONL_GZ) as Box<dyn std::io::Read + Send>)
    })
}

/// Sets up `tracing` to stderr; `RUST_LOG` overrides the level.
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(*args),
        Command::SearchIndex(cmd) => search_index::run(cmd),
        Command::Generate(args) => generate::run(args),
        Command::Sync(args) => sync::run(*args),
    }
}
