//! `ckan-search search-index …`: CKAN's `ckan search-index` commands, plus rollback and a
//! generation listing, run directly against the data directory.

use std::process::ExitCode;

use ckan_search_indexer::document::package::PackageOptions;
use ckan_search_indexer::rebuild::{self, RebuildOptions, Summary};
use clap::{Args, Subcommand};

use super::progress::Bar;
use super::{parse_source, parse_source_of_datasets, publisher, IndexArgs};

/// `search-index` and its options.
#[derive(Debug, Args)]
pub struct SearchIndexCommand {
    #[command(flatten)]
    index: IndexArgs,
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Args)]
struct SourceArg {
    /// The catalogue: `jsonl:PATH` (a `ckanapi dump datasets` file, plain or gzip),
    /// CKAN's database (`postgres://user:password@host/db`) or `sample`.
    #[arg(long, env = "CKAN_SEARCH_SOURCE")]
    source: String,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Rebuild the index. Without options: a new generation, swapped in when complete.
    Rebuild {
        #[command(flatten)]
        source: SourceArg,
        /// Refresh in place: upsert every dataset of the source, keep the rest.
        #[arg(short = 'r', long)]
        refresh: bool,
        /// Index only the datasets missing from the live index.
        #[arg(short = 'o', long)]
        only_missing: bool,
        /// Continue past bad datasets and list them at the end.
        #[arg(short = 'i', long)]
        force: bool,
        /// Previous generations to keep after a full rebuild.
        #[arg(long, default_value_t = 2)]
        keep: usize,
        /// Indexing memory budget in MiB, all writer threads together. More means fewer,
        /// larger segments and less merging.
        #[arg(long, default_value_t = 128, value_name = "MIB")]
        writer_memory: usize,
        /// Rebuild only these datasets (names or ids), in place.
        datasets: Vec<String>,
    },
    /// Re-index every dataset of one organisation (name or id) and remove the
    /// organisation's index entries whose datasets the source no longer has, in place
    /// (data.gov.uk's command, run after renaming a publisher).
    RebuildPublisher {
        #[command(flatten)]
        source: SourceArg,
        /// Continue past bad datasets and list them at the end.
        #[arg(short = 'i', long)]
        force: bool,
        /// Indexing memory budget in MiB.
        #[arg(long, default_value_t = 128, value_name = "MIB")]
        writer_memory: usize,
        /// The organisation's name or id.
        organization: String,
    },
    /// Compare the source with the index: "Packages not indexed = X out of Y".
    Check {
        #[command(flatten)]
        source: SourceArg,
    },
    /// Print the stored fields of one dataset's index document as JSON.
    Show {
        /// Name or id.
        dataset: String,
    },
    /// Remove one dataset (name or id) from the index, or every dataset of the site.
    Clear {
        /// Name or id; omit to clear the site's whole index.
        dataset: Option<String>,
    },
    /// List indexed dataset ids the source does not have.
    ListOrphans {
        #[command(flatten)]
        source: SourceArg,
    },
    /// Remove indexed datasets the source does not have.
    ClearOrphans {
        #[command(flatten)]
        source: SourceArg,
    },
    /// Make the previous generation live again.
    Rollback,
    /// List the generations and which one is live.
    Generations,
}

pub fn run(cmd: SearchIndexCommand) -> anyhow::Result<ExitCode> {
    let store = cmd.index.store()?;
    let site_id = cmd.index.site_id.clone();
    let options = |force: bool, keep: usize| RebuildOptions {
        force,
        keep,
        package: PackageOptions {
            site_id: site_id.clone(),
            ..PackageOptions::default()
        },
        ..RebuildOptions::default()
    };
    match cmd.action {
        Action::Rebuild {
            source,
            refresh,
            only_missing,
            force,
            keep,
            writer_memory,
            datasets,
        } => {
            if refresh && only_missing {
                anyhow::bail!("-r and -o cannot be combined");
            }
            let source = if datasets.is_empty() {
                parse_source(&source.source)?
            } else {
                parse_source_of_datasets(&source.source, &datasets)?
            };
            let opts = RebuildOptions {
                writer_memory: writer_memory.max(32) * 1024 * 1024,
                ..options(force, keep)
            };
            let bar = Bar::new();
            let summary = if !datasets.is_empty() {
                rebuild::rebuild_datasets(&store, source.as_ref(), &datasets, &opts, &bar)?
            } else if refresh {
                rebuild::refresh(&store, source.as_ref(), &opts, &bar)?
            } else if only_missing {
                rebuild::only_missing(&store, source.as_ref(), &opts, &bar)?
            } else {
                rebuild::full_rebuild(&store, source.as_ref(), &opts, &bar)?
            };
            Ok(report(&summary))
        }
        Action::RebuildPublisher {
            source,
            force,
            writer_memory,
            organization,
        } => {
            let opts = RebuildOptions {
                writer_memory: writer_memory.max(32) * 1024 * 1024,
                ..options(force, 2)
            };
            let bar = Bar::new();
            let (summary, found) =
                publisher::rebuild_publisher(&store, &source.source, &organization, &opts, &bar)?;
            println!(
                "organisation {organization}: {} datasets in the source, {} moved to another organisation, {} no longer in the source",
                found.in_source, found.moved, found.gone
            );
            Ok(report(&summary))
        }
        Action::Check { source } => {
            let source = parse_source(&source.source)?;
            print!("{}", rebuild::check(&store, source.as_ref(), &site_id)?);
            Ok(ExitCode::SUCCESS)
        }
        Action::Show { dataset } => {
            let fields = rebuild::show(&store, &dataset)?;
            println!("{}", serde_json::to_string_pretty(&fields)?);
            Ok(ExitCode::SUCCESS)
        }
        Action::Clear { dataset } => {
            let removed = rebuild::clear(&store, dataset.as_deref(), &options(false, 2))?;
            println!("removed {removed} documents");
            Ok(ExitCode::SUCCESS)
        }
        Action::ListOrphans { source } => {
            let source = parse_source(&source.source)?;
            for id in rebuild::list_orphans(&store, source.as_ref(), &site_id)? {
                println!("{id}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::ClearOrphans { source } => {
            let source = parse_source(&source.source)?;
            let orphans = rebuild::list_orphans(&store, source.as_ref(), &site_id)?;
            let mut removed = 0;
            for id in &orphans {
                removed += rebuild::clear(&store, Some(id), &options(false, 2))?;
                println!("cleared {id}");
            }
            println!("removed {removed} orphaned documents");
            Ok(ExitCode::SUCCESS)
        }
        Action::Rollback => {
            let id = store.rollback()?;
            println!("generation {id} is live");
            Ok(ExitCode::SUCCESS)
        }
        Action::Generations => {
            let current = store.current()?;
            for id in store.list()? {
                let marker = if Some(id) == current { "*" } else { " " };
                match store.info(id) {
                    Some(info) => println!(
                        "{marker} {id}  {} documents  {}  from {}",
                        info.documents, info.created, info.source
                    ),
                    None => println!("{marker} {id}"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Exit status of a run that completed (and published) but skipped bad datasets under
/// `-i`: distinct from 1, an aborted run that changed nothing, so scripts can tell them
/// apart.
pub const EXIT_COMPLETED_WITH_FAILURES: u8 = 2;

/// Prints bad documents and the summary line.
fn report(summary: &Summary) -> ExitCode {
    for e in &summary.failed {
        eprintln!("failed: {e}");
    }
    println!("{summary}");
    if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_COMPLETED_WITH_FAILURES)
    }
}
