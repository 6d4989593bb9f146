//! Helpers for ckan-search's end-to-end tests: a real server on a loopback port, over a
//! real data directory, and catalogue fixtures.

pub mod catalogue; // what a package dict says; generated catalogues published for a test
pub mod http; // requests as a CKAN API client sends them; replies as sent
pub mod solr; // Solr's JSON answers read back; the parameters data.gov.uk's Find sends

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ckan_search_indexer::analysis::AnalysisConfig;
use ckan_search_indexer::generation::GenerationStore;
use ckan_search_indexer::rebuild::{full_rebuild, NoProgress, RebuildOptions, Summary};
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_indexer::source::{JsonlSource, Source};
use ckan_search_server::auth::AuthConfig;
use ckan_search_server::ckan_api::{CkanApi, CkanApiConfig};
use ckan_search_server::live::LiveIndex;
use ckan_search_server::writer::{LiveWriter, WriterConfig};
use ckan_search_server::AppState;
use serde_json::Value;

use crate::catalogue::Catalogue;

pub use ckan_search_server::cli::sample_source;

/// A running ckan-search on 127.0.0.1 with an ephemeral port. Stops when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The live index the server answers from.
    pub live: Arc<LiveIndex>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Serves the data directory, following `CURRENT` every 50 ms, without authentication.
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with_auth(data_dir, AuthConfig::off())
    }

    /// As [`TestServer::start`], with the route groups `auth` protects behind HTTP Basic.
    pub fn start_with_auth(data_dir: &Path, auth: AuthConfig) -> Self {
        Self::start_with(data_dir, auth, CkanApi::default())
    }

    /// As [`TestServer::start`], with the CKAN API (`/api/…`) configured by `ckan`.
    pub fn start_with_ckan(data_dir: &Path, ckan: CkanApiConfig) -> Self {
        Self::start_with(data_dir, AuthConfig::off(), CkanApi::new(ckan))
    }

    fn start_with(data_dir: &Path, auth: AuthConfig, ckan: CkanApi) -> Self {
        let store = open_store(data_dir);
        let live = LiveIndex::open(store).expect("open live index");
        let schema = Arc::new(CkanSchema::new());
        let state = AppState {
            live: live.clone(),
            schema: schema.clone(),
            core: "ckan".into(),
            auth: Arc::new(auth),
            ckan: Arc::new(ckan),
            writer: LiveWriter::start(live.clone(), schema, WriterConfig::default())
                .expect("start the writer"),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let watched = live.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                tokio::spawn(watched.watch(Duration::from_millis(50)));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                addr_tx
                    .send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                ckan_search_server::run(listener, state, async move {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
            });
        });
        let addr = addr_rx.recv().expect("server address");
        Self {
            base: format!("http://{addr}"),
            live,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// GETs `path_and_query` and returns (status, JSON body).
    pub fn get(&self, path_and_query: &str) -> (u16, Value) {
        let response =
            reqwest::blocking::get(format!("{}{}", self.base, path_and_query)).expect("request");
        let status = response.status().as_u16();
        (status, response.json().expect("JSON body"))
    }

    /// GETs `/solr/ckan/select` with the given parameters (encoded here).
    pub fn select(&self, params: &[(&str, &str)]) -> (u16, Value) {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.get(&format!("/solr/ckan/select?{query}"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A published catalogue served twice over its data directory: the CKAN API with CKAN's
/// defaults, and with data.gov.uk's settings.
pub struct CkanApiServers {
    /// Default settings: every caller anonymous, nothing stripped.
    pub plain: TestServer,
    /// data.gov.uk's: `ckan.site_url`, personal data stripped, a sysadmin token.
    pub dgu: TestServer,
    /// Every package dict, deleted ones included, in catalogue order.
    pub all: Vec<Value>,
    /// The data directory both serve.
    pub dir: tempfile::TempDir,
}

impl CkanApiServers {
    /// Starts `plain`, then `dgu` with `site_url` as `ckan.site_url` and `sysadmin_token` as
    /// a sysadmin's API token.
    pub fn start(catalogue: Catalogue, site_url: &str, sysadmin_token: &str) -> Self {
        let Catalogue { all, dir } = catalogue;
        let plain = TestServer::start_with_ckan(dir.path(), CkanApiConfig::default());
        let datagovuk = CkanApiConfig {
            site_url: Some(site_url.into()),
            strip_pii: true,
            sysadmin_token: Some(sysadmin_token.into()),
            ..CkanApiConfig::default()
        };
        let dgu = TestServer::start_with_ckan(dir.path(), datagovuk);
        Self {
            plain,
            dgu,
            all,
            dir,
        }
    }
}

/// Opens a generation store with the default analysis settings.
pub fn open_store(data_dir: &Path) -> GenerationStore {
    GenerationStore::open(data_dir, CkanSchema::new(), AnalysisConfig::default())
        .expect("open store")
}

/// Reads a JSONL catalogue (plain or gzip bytes) into package dicts.
pub fn read_packages(bytes: &[u8]) -> Vec<Value> {
    use std::io::Read;
    let mut text = String::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_string(&mut text)
            .expect("gunzip");
    } else {
        text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Whether CKAN indexes this package (every state but deleted).
pub fn indexable(pkg: &Value) -> bool {
    pkg.get("state").and_then(Value::as_str) != Some("deleted")
}

/// Publishes a first generation in `data_dir`, built from `source`.
pub fn publish(data_dir: &Path, source: &dyn Source) -> Summary {
    full_rebuild(
        &open_store(data_dir),
        source,
        &RebuildOptions::default(),
        &NoProgress,
    )
    .expect("full rebuild")
}

/// Publishes an empty generation in `data_dir`: where CKAN and the Solr clients start.
pub fn publish_empty(data_dir: &Path) -> Summary {
    std::fs::create_dir_all(data_dir).expect("data dir");
    let empty = data_dir.join("empty.jsonl");
    std::fs::write(&empty, "").expect("empty source");
    publish(data_dir, &JsonlSource::file(&empty))
}

/// A server over an empty generation, with the directory that holds it.
pub fn empty_server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    publish_empty(dir.path());
    (TestServer::start(dir.path()), dir)
}
