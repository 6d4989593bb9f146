//! `ckan-search sync`: the sync loop as its own process, writing through a running server's
//! `/update` (see [`crate::sync`]).

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::IndexArgs;
use crate::sync::{HttpTarget, SyncConfig, SyncLoop};

/// Options of `sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// CKAN's database: `postgres://user:password@host:5432/ckan_default` (CKAN's
    /// `sqlalchemy.url`), with the same optional CKAN settings as `search-index --source`.
    #[arg(long, env = "CKAN_SEARCH_SYNC_SOURCE")]
    pub source: String,
    /// The running server's Solr core (credentials may go in the URL).
    #[arg(
        long,
        env = "CKAN_SEARCH_SYNC_SERVER",
        default_value = "http://127.0.0.1:8983/solr/ckan"
    )]
    pub server: String,
    #[command(flatten)]
    pub timing: SyncTiming,
}

/// How often the loop polls and reconciles (shared by `sync` and `serve --sync-source`).
#[derive(Debug, Clone, Args)]
pub struct SyncTiming {
    /// Pause between polls of the database: a change is searchable within about this long.
    #[arg(
        long = "interval-ms",
        default_value_t = 500,
        value_name = "MILLISECONDS"
    )]
    pub interval_ms: u64,
    /// Each poll reads again this far before the last change applied, for changes CKAN
    /// stamped earlier than it committed them. Must exceed CKAN's longest write
    /// transaction and the clock skew between CKAN's servers.
    #[arg(long = "window-secs", default_value_t = 60, value_name = "SECONDS")]
    pub window_secs: u64,
    /// Compare the whole database with the whole index at least this often (soft deletes
    /// and purges are also found as soon as the counts differ).
    #[arg(long = "reconcile-secs", default_value_t = 30, value_name = "SECONDS")]
    pub reconcile_secs: u64,
}

impl SyncTiming {
    /// The loop's configuration for the data directory and site of `index`.
    pub fn config(&self, index: &IndexArgs) -> SyncConfig {
        SyncConfig {
            interval: Duration::from_millis(self.interval_ms.max(10)),
            window: Duration::from_secs(self.window_secs),
            reconcile_every: Duration::from_secs(self.reconcile_secs.max(1)),
            ..SyncConfig::new(&index.data_dir, &index.site_id)
        }
    }
}

pub fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let target = HttpTarget::new(&args.server, &args.index.site_id)?;
    let config = args.timing.config(&args.index);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let sync = SyncLoop::new(config, &args.source, target)?;
        tracing::info!(server = %without_password(&args.server), "sync writes through the server");
        sync.run(super::serve::shutdown_signal()).await;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The URL without its password, for log lines.
fn without_password(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}
