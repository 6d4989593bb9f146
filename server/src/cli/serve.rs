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

use super::sync::SyncTiming;
use super::{sample_source, IndexArgs};
use crate::auth::{AuthConfig, Credentials};
use crate::ckan_api::organizations::ListLimits;
use crate::ckan_api::{CkanApi, CkanApiConfig};
use crate::live::LiveIndex;
use crate::state::AppState;
use crate::sync::{LiveTarget, SyncLoop};
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
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub ckan: CkanApiArgs,
    /// Keep the index in step with CKAN's database (`postgres://…`, as `ckan-search sync
    /// --source`): changed, deleted and purged datasets are applied through the server's
    /// writer within about `--sync-interval-ms`.
    #[arg(long, env = "CKAN_SEARCH_SYNC_SOURCE", value_name = "URL")]
    pub sync_source: Option<String>,
    /// `sync --interval-ms` for `--sync-source`.
    #[arg(long, default_value_t = 500, value_name = "MILLISECONDS")]
    pub sync_interval_ms: u64,
    /// `sync --window-secs` for `--sync-source`.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub sync_window_secs: u64,
    /// `sync --reconcile-secs` for `--sync-source`.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub sync_reconcile_secs: u64,
}

/// The CKAN settings that shape `/api/3/action/package_search` and `/api/search/dataset`
/// (named as in CKAN's ini file).
#[derive(Debug, Args)]
pub struct CkanApiArgs {
    /// `ckan.site_url`: the base of the `help` links in API answers (default: the
    /// request's Host).
    #[arg(long, env = "CKAN_SITE_URL", value_name = "URL")]
    pub site_url: Option<String>,
    /// `ckan.search.rows_max`: the most rows one `package_search` returns.
    #[arg(long, env = "CKAN_SEARCH_ROWS_MAX", default_value = "1000")]
    pub rows_max: usize,
    /// `ckan.search.default_package_sort`.
    #[arg(
        long,
        env = "CKAN_SEARCH_DEFAULT_PACKAGE_SORT",
        default_value = "score desc, metadata_modified desc"
    )]
    pub default_package_sort: String,
    /// `search.facets.limit`: facet values per field unless `facet.limit` is sent.
    #[arg(long, env = "CKAN_SEARCH_FACETS_LIMIT", default_value = "50")]
    pub facets_limit: i64,
    /// `ckan.search.solr_allowed_query_parsers`: local-parameter parsers callers may
    /// use in `package_search` (comma-separated, e.g. `bool,knn`).
    #[arg(long, env = "CKAN_SEARCH_ALLOWED_QUERY_PARSERS", value_delimiter = ',')]
    pub allowed_query_parsers: Vec<String>,
    /// Remove author and maintainer fields from `/api/search/dataset` answers, as
    /// data.gov.uk does.
    #[arg(long, env = "CKAN_SEARCH_STRIP_PII")]
    pub strip_pii: bool,
    /// An API token that searches as a sysadmin (sees private and draft datasets when
    /// asked); without it every caller is anonymous.
    #[arg(long, env = "CKAN_SEARCH_SYSADMIN_TOKEN", hide_env_values = true)]
    pub sysadmin_token: Option<String>,
    /// `ckan.group_and_organization_list_max`: the most names `organization_list` returns
    /// (data.gov.uk sets 2000).
    #[arg(
        long,
        env = "CKAN_GROUP_AND_ORGANIZATION_LIST_MAX",
        default_value = "1000"
    )]
    pub group_and_organization_list_max: usize,
    /// `ckan.group_and_organization_list_all_fields_max`: the most with `all_fields`.
    #[arg(
        long,
        env = "CKAN_GROUP_AND_ORGANIZATION_LIST_ALL_FIELDS_MAX",
        default_value = "25"
    )]
    pub group_and_organization_list_all_fields_max: usize,
}

impl CkanApiArgs {
    /// The API configuration, for the site `site_id`.
    pub fn config(&self, site_id: &str) -> CkanApiConfig {
        CkanApiConfig {
            site_id: site_id.to_string(),
            site_url: self.site_url.clone(),
            rows_max: self.rows_max,
            default_sort: self.default_package_sort.clone(),
            facets_limit: self.facets_limit,
            allowed_query_parsers: self
                .allowed_query_parsers
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            strip_pii: self.strip_pii,
            sysadmin_token: self.sysadmin_token.clone().filter(|t| !t.is_empty()),
            org_limits: ListLimits {
                max: self.group_and_organization_list_max,
                all_fields_max: self.group_and_organization_list_all_fields_max,
            },
        }
    }
}

/// HTTP Basic auth, as CKAN's `solr_user` / `solr_password` send it. Off by default;
/// a group is protected when its user name is non-empty.
#[derive(Debug, Default, Args)]
pub struct AuthArgs {
    /// User name required on select, schema, ping and get (and update, unless
    /// `--update-user` is given).
    #[arg(long, env = "CKAN_SEARCH_AUTH_USER", value_name = "USER")]
    pub auth_user: Option<String>,
    /// Password for `--auth-user`.
    #[arg(
        long,
        env = "CKAN_SEARCH_AUTH_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub auth_password: Option<String>,
    /// User name required on select, schema, ping and get (overrides `--auth-user`).
    #[arg(long, env = "CKAN_SEARCH_SELECT_USER", value_name = "USER")]
    pub select_user: Option<String>,
    /// Password for `--select-user`.
    #[arg(
        long,
        env = "CKAN_SEARCH_SELECT_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub select_password: Option<String>,
    /// User name required on update (overrides `--auth-user`).
    #[arg(long, env = "CKAN_SEARCH_UPDATE_USER", value_name = "USER")]
    pub update_user: Option<String>,
    /// Password for `--update-user`.
    #[arg(
        long,
        env = "CKAN_SEARCH_UPDATE_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub update_password: Option<String>,
}

impl AuthArgs {
    /// Which groups need which credentials. A user without a password (or the reverse) is
    /// refused: it is almost certainly a configuration mistake that would leave a route open.
    pub fn config(&self) -> anyhow::Result<AuthConfig> {
        let both = pair("auth", &self.auth_user, &self.auth_password)?;
        let read = pair("select", &self.select_user, &self.select_password)?;
        let update = pair("update", &self.update_user, &self.update_password)?;
        Ok(AuthConfig {
            read: read.or_else(|| both.clone()),
            update: update.or(both),
        })
    }
}

/// `--<name>-user` / `--<name>-password` → credentials; both empty or unset means none.
fn pair(
    name: &str,
    user: &Option<String>,
    password: &Option<String>,
) -> anyhow::Result<Option<Credentials>> {
    let user = user.as_deref().unwrap_or("");
    let password = password.as_deref().unwrap_or("");
    match (user.is_empty(), password.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some(Credentials::new(user, password))),
        (true, false) => anyhow::bail!("--{name}-password is set but --{name}-user is not"),
        (false, true) => anyhow::bail!("--{name}-user is set but --{name}-password is not"),
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let auth = args.auth.config()?;
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
        auth: Arc::new(auth.clone()),
        ckan: Arc::new(CkanApi::new(args.ckan.config(&args.index.site_id))),
        writer: LiveWriter::start(
            live.clone(),
            schema,
            WriterConfig {
                soft_commit: Duration::from_millis(args.soft_commit_ms.max(1)),
                ..WriterConfig::default()
            },
        )?,
    };
    let sync = match &args.sync_source {
        Some(url) => {
            let timing = SyncTiming {
                interval_ms: args.sync_interval_ms,
                window_secs: args.sync_window_secs,
                reconcile_secs: args.sync_reconcile_secs,
            };
            let target = LiveTarget::new(
                live.clone(),
                state.writer.clone(),
                state.schema.clone(),
                &args.index.site_id,
            );
            Some(SyncLoop::new(timing.config(&args.index), url, target)?)
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        tokio::spawn(live.watch(Duration::from_millis(args.watch_interval_ms.max(10))));
        if let Some(sync) = sync {
            // Stops with the runtime: progress is saved after every batch, and a batch
            // cut short is read again on the next start.
            tokio::spawn(sync.run(std::future::pending()));
        }
        let listener = tokio::net::TcpListener::bind(args.listen).await?;
        tracing::info!(
            address = %listener.local_addr()?,
            core = %args.core,
            select_user = auth.read.as_ref().map(Credentials::user).unwrap_or("(open)"),
            update_user = auth.update.as_ref().map(Credentials::user).unwrap_or("(open)"),
            "listening"
        );
        crate::run(listener, state, shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM.
pub(super) async fn shutdown_signal() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, &str)]) -> AuthArgs {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        };
        AuthArgs {
            auth_user: get("auth-user"),
            auth_password: get("auth-password"),
            select_user: get("select-user"),
            select_password: get("select-password"),
            update_user: get("update-user"),
            update_password: get("update-password"),
        }
    }

    #[test]
    fn no_flags_means_no_auth() {
        assert_eq!(args(&[]).config().ok(), Some(AuthConfig::off()));
        // CKAN's empty solr_user / solr_password.
        let empty = args(&[("auth-user", ""), ("auth-password", "")]);
        assert_eq!(empty.config().ok(), Some(AuthConfig::off()));
    }

    #[test]
    fn auth_flags_cover_both_groups_and_specific_ones_override() {
        let both = args(&[("auth-user", "ckan"), ("auth-password", "pw")]);
        assert_eq!(
            both.config().ok(),
            Some(AuthConfig::both(Credentials::new("ckan", "pw")))
        );
        let split = args(&[
            ("auth-user", "ckan"),
            ("auth-password", "pw"),
            ("update-user", "writer"),
            ("update-password", "wpw"),
        ]);
        assert_eq!(
            split.config().ok(),
            Some(AuthConfig {
                read: Some(Credentials::new("ckan", "pw")),
                update: Some(Credentials::new("writer", "wpw")),
            })
        );
        let update_only = args(&[("update-user", "writer"), ("update-password", "wpw")]);
        assert_eq!(
            update_only.config().ok(),
            Some(AuthConfig {
                read: None,
                update: Some(Credentials::new("writer", "wpw")),
            })
        );
    }

    #[test]
    fn half_a_pair_is_refused() {
        let err = args(&[("select-user", "ckan")]).config().unwrap_err();
        assert_eq!(
            err.to_string(),
            "--select-user is set but --select-password is not"
        );
        let err = args(&[("update-password", "pw")]).config().unwrap_err();
        assert_eq!(
            err.to_string(),
            "--update-password is set but --update-user is not"
        );
    }
}
