//! `ckan-search serve`: open the live generation (building one from the bundled sample if
//! the data directory is empty), follow `CURRENT`, and answer HTTP.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use ckan_search_indexer::document::package::PackageOptions;
use ckan_search_indexer::rebuild::{self, NoProgress, RebuildOptions};
use ckan_search_indexer::schema::CkanSchema;
use clap::Args;

use super::{sample_source, IndexArgs};
use crate::live::LiveIndex;
use crate::state::AppState;
use crate::writer::{LiveWriter, WriterConfig};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    /// Address to listen on.
    #[arg(long, env = "CKAN_SEARCH_LISTEN", default_value = "127.0.0.1:8983")]
    pub listen: SocketAddr,
    /// Solr core name in URLs: `/solr/<core>/select`.
    #[arg(long, env = "CKAN_SEARCH_CORE", default_value = "ckan")]
    pub core: String,
    /// How often to check whether `CURRENT` names a new generation.
    #[arg(long, default_value = "250", value_name = "MILLISECONDS")]
    pub watch_interval_ms: u64,
    /// Writes sent without `commit=true` become searchable within this long (they are
    /// journaled, so durable, as soon as they are acknowledged).
    #[arg(
        long,
        env = "CKAN_SEARCH_SOFT_COMMIT_MS",
        default_value = "1000",
        value_name = "MILLISECONDS"
    )]
    pub soft_commit_ms: u64,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = args.index.store()?;
    let stray = store.remove_stray()?;
    if !stray.is_empty() {
        tracing::warn!(count = stray.len(), "removed unfinished generations");
    }
    if store.current()?.is_none() {
        tracing::info!(data_dir = %args.index.data_dir.display(), "no index yet: indexing the bundled sample catalogue");
        let options = RebuildOptions {
            package: PackageOptions {
                site_id: args.index.site_id.clone(),
                ..PackageOptions::default()
            },
            ..RebuildOptions::default()
        };
        let summary = rebuild::full_rebuild(&store, &sample_source(), &options, &NoProgress)?;
        tracing::info!(%summary, "sample indexed");
    }
    let live = LiveIndex::open(store)?;
    let schema = Arc::new(CkanSchema::new());
    let state = AppState {
        live: live.clone(),
        schema: schema.clone(),
        core: args.core.clone().into(),
        writer: LiveWriter::start(
            live.clone(),
            schema,
            WriterConfig {
                soft_commit: Duration::from_millis(args.soft_commit_ms.max(1)),
                ..WriterConfig::default()
            },
        )?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        tokio::spawn(live.watch(Duration::from_millis(args.watch_interval_ms.max(10))));
        let listener = tokio::net::TcpListener::bind(args.listen).await?;
        tracing::info!(address = %listener.local_addr()?, core = %args.core, "listening");
        crate::run(listener, state, shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
