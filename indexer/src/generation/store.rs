//! The generations directory: create a generation aside, publish it, roll back, and clean
//! up after builds that died.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

use super::{io_err, read_current, sync_dir, write_current, GenerationId};
use crate::analysis::AnalysisConfig;
use crate::schema::CkanSchema;
use crate::{IndexerError, Result};

const GENERATIONS_DIR: &str = "generations";
const BUILDING_SUFFIX: &str = ".building";
// `<id>.building.lock` beside the directory: created and locked before the directory
// exists, so a directory without a held lock is always a dead build.
const LOCK_SUFFIX: &str = ".lock";
const INFO_FILE: &str = "generation.json";

/// What is known about a published generation (written beside its index).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GenerationInfo {
    /// The generation.
    pub id: u64,
    /// When it was published (RFC 3339, UTC).
    pub created: String,
    /// Where its documents came from (`jsonl:/path`, `postgres://…`, `sample`).
    pub source: String,
    /// Documents it held when it was published.
    pub documents: u64,
    /// How long the build took.
    pub seconds: f64,
}

/// The data directory's generations, and the CKAN schema they are built with.
#[derive(Debug, Clone)]
pub struct GenerationStore {
    data_dir: PathBuf,
    schema: CkanSchema,
    analysis: AnalysisConfig,
}

/// A generation being built. Dropping it without [`GenerationStore::publish`] removes it.
#[derive(Debug)]
pub struct BuildingGeneration {
    id: GenerationId,
    path: PathBuf,
    index: Option<Index>,
    // Held for the whole build: its lock tells `remove_stray` this build is alive.
    lock: Option<File>,
}

impl BuildingGeneration {
    /// The id it will have once published.
    pub fn id(&self) -> GenerationId {
        self.id
    }

    /// The index being built.
    pub fn index(&self) -> &Index {
        // Set at creation and only taken by `publish`, which consumes self.
        self.index.as_ref().expect("index present until publish")
    }

    /// Its directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BuildingGeneration {
    fn drop(&mut self) {
        if self.lock.is_some() {
            self.index.take();
            if let Err(e) = fs::remove_dir_all(&self.path) {
                tracing::warn!(path = %self.path.display(), error = %e, "could not remove abandoned generation");
            }
            let _ = fs::remove_file(lock_path(&self.path));
        }
    }
}

/// How stored documents are compressed. Each dataset stores its dict twice (`data_dict`
/// and `validated_data_dict`, as CKAN's schema wants) inside one JSON blob: zstd over
/// 64 KiB blocks sees both copies, and several datasets, in one window, and shrinks the doc
/// store to about a third of LZ4's over 16 KiB (see BENCHMARKS.md, "Index size"). A page
/// of results decompresses a few blocks; tantivy caches recently read ones.
fn docstore_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

const DOCSTORE_ZSTD_LEVEL: i32 = 3;
const DOCSTORE_BLOCK_BYTES: usize = 64 * 1024;

fn lock_path(building: &Path) -> PathBuf {
    let mut name = building.as_os_str().to_owned();
    name.push(LOCK_SUFFIX);
    PathBuf::from(name)
}

impl GenerationStore {
    /// Opens (creating if needed) the data directory.
    pub fn open(
        data_dir: impl Into<PathBuf>,
        schema: CkanSchema,
        analysis: AnalysisConfig,
    ) -> Result<Self> {
        let data_dir = data_dir.into();
        let gens = data_dir.join(GENERATIONS_DIR);
        fs::create_dir_all(&gens).map_err(|e| io_err(format!("creating {}", gens.display()), e))?;
        Ok(Self {
            data_dir,
            schema,
            analysis,
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The schema generations are built with.
    pub fn schema(&self) -> &CkanSchema {
        &self.schema
    }

    /// The analysis configuration (synonyms, protected words).
    pub fn analysis(&self) -> &AnalysisConfig {
        &self.analysis
    }

    fn generations_dir(&self) -> PathBuf {
        self.data_dir.join(GENERATIONS_DIR)
    }

    /// The directory of a published generation.
    pub fn path(&self, id: GenerationId) -> PathBuf {
        self.generations_dir().join(id.to_string())
    }

    /// The live generation, if any.
    pub fn current(&self) -> Result<Option<GenerationId>> {
        read_current(&self.data_dir)
    }

    /// Published generations, oldest first.
    pub fn list(&self) -> Result<Vec<GenerationId>> {
        let mut ids: Vec<GenerationId> = self
            .dir_names()?
            .iter()
            .filter_map(|n| GenerationId::parse(n))
            .collect();
        ids.sort();
        Ok(ids)
    }

    fn dir_names(&self) -> Result<Vec<String>> {
        let dir = self.generations_dir();
        let entries =
            fs::read_dir(&dir).map_err(|e| io_err(format!("listing {}", dir.display()), e))?;
        Ok(entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect())
    }

    /// Opens a published generation's index with CKAN's analysers registered.
    pub fn open_index(&self, id: GenerationId) -> Result<Index> {
        let path = self.path(id);
        let index = Index::open_in_dir(&path).map_err(|e| IndexerError::Tantivy {
            context: format!("opening generation {}", path.display()),
            source: e,
        })?;
        self.schema.register_analyzers(&index, &self.analysis);
        Ok(index)
    }

    /// The published generation's metadata, if its info file is readable.
    pub fn info(&self, id: GenerationId) -> Option<GenerationInfo> {
        let text = fs::read_to_string(self.path(id).join(INFO_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Starts a new generation beside the live one.
    pub fn begin_build(&self) -> Result<BuildingGeneration> {
        let names = self.dir_names()?;
        let mut next = names
            .iter()
            .filter_map(|n| GenerationId::parse(n.trim_end_matches(BUILDING_SUFFIX)))
            .map(|id| id.0 + 1)
            .max()
            .unwrap_or(1);
        // Lock first, then create the directory: `remove_stray` never sees a live build's
        // directory without its lock held. create_new fails if another builder took the
        // id first: move on to the next one.
        let (id, path, lock) = loop {
            let id = GenerationId(next);
            let path = self
                .generations_dir()
                .join(format!("{id}{BUILDING_SUFFIX}"));
            let lock_path = lock_path(&path);
            next += 1;
            if self.path(id).exists() || path.exists() {
                continue;
            }
            let lock = match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock_path)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(format!("creating {}", lock_path.display()), e)),
            };
            lock.try_lock().map_err(|e| {
                io_err(
                    format!("locking {}", lock_path.display()),
                    std::io::Error::from(e),
                )
            })?;
            fs::create_dir(&path).map_err(|e| io_err(format!("creating {}", path.display()), e))?;
            break (id, path, lock);
        };
        let mut building = BuildingGeneration {
            id,
            path,
            index: None,
            lock: Some(lock),
        };
        let index = Index::builder()
            .schema(self.schema.tantivy_schema().clone())
            .settings(docstore_settings())
            .create_in_dir(&building.path)
            .map_err(|e| IndexerError::Tantivy {
                context: format!("creating generation {}", building.path.display()),
                source: e,
            })?;
        self.schema.register_analyzers(&index, &self.analysis);
        building.index = Some(index);
        Ok(building)
    }

    /// Publishes a built generation: renames it into place, records its info, flips
    /// `CURRENT` to it and prunes old generations, keeping `keep` previous ones. The caller
    /// must have committed and validated it and dropped its writers.
    pub fn publish(
        &self,
        mut building: BuildingGeneration,
        mut info: GenerationInfo,
        keep: usize,
    ) -> Result<GenerationId> {
        let id = building.id;
        info.id = id.0;
        building.index.take();
        let final_path = self.path(id);
        let info_json = serde_json::to_string_pretty(&info).unwrap_or_default();
        let info_path = building.path.join(INFO_FILE);
        fs::write(&info_path, info_json)
            .map_err(|e| io_err(format!("writing {}", info_path.display()), e))?;
        sync_dir(&building.path)?;
        fs::rename(&building.path, &final_path).map_err(|e| {
            io_err(
                format!("renaming {} into place", building.path.display()),
                e,
            )
        })?;
        // From here the directory is a complete generation; keep it even if we fail below.
        let lock = building.lock.take();
        let _ = fs::remove_file(lock_path(&building.path));
        drop(lock);
        sync_dir(&self.generations_dir())?;
        write_current(&self.data_dir, id)?;
        tracing::info!(generation = %id, documents = info.documents, "generation published");
        self.prune(keep)?;
        Ok(id)
    }

    /// Points `CURRENT` at an existing published generation.
    pub fn flip(&self, id: GenerationId) -> Result<()> {
        if !self.path(id).is_dir() {
            return Err(IndexerError::Generation(format!(
                "generation {id} does not exist"
            )));
        }
        write_current(&self.data_dir, id)
    }

    /// Flips back to the newest generation older than the live one.
    pub fn rollback(&self) -> Result<GenerationId> {
        let current = self.current()?.ok_or_else(|| {
            IndexerError::Generation("no live generation to roll back from".into())
        })?;
        let previous = self
            .list()?
            .into_iter()
            .filter(|id| *id < current)
            .max()
            .ok_or_else(|| {
                IndexerError::Generation(format!(
                    "no generation older than {current} to roll back to"
                ))
            })?;
        self.flip(previous)?;
        tracing::info!(from = %current, to = %previous, "rolled back");
        Ok(previous)
    }

    /// Removes generations beyond the live one and the `keep` newest others.
    pub fn prune(&self, keep: usize) -> Result<Vec<GenerationId>> {
        let current = self.current()?;
        let mut others: Vec<GenerationId> = self
            .list()?
            .into_iter()
            .filter(|id| Some(*id) != current)
            .collect();
        others.sort_by(|a, b| b.cmp(a));
        let doomed: Vec<GenerationId> = others.into_iter().skip(keep).collect();
        for id in &doomed {
            let path = self.path(*id);
            fs::remove_dir_all(&path)
                .map_err(|e| io_err(format!("removing {}", path.display()), e))?;
            tracing::info!(generation = %id, "old generation removed");
        }
        Ok(doomed)
    }

    /// Removes `.building` directories whose builder is gone (killed or crashed). A build
    /// still running holds its lock and is left alone.
    pub fn remove_stray(&self) -> Result<Vec<PathBuf>> {
        let mut removed = Vec::new();
        for name in self.dir_names()? {
            if let Some(dir) = name.strip_suffix(LOCK_SUFFIX) {
                // A lock file whose build died before creating its directory.
                let lock = self.generations_dir().join(&name);
                let dead = File::open(&lock).is_ok_and(|f| f.try_lock().is_ok());
                if dead && !self.generations_dir().join(dir).exists() {
                    let _ = fs::remove_file(&lock);
                }
                continue;
            }
            if !name.ends_with(BUILDING_SUFFIX) {
                continue;
            }
            let path = self.generations_dir().join(&name);
            let alive = match File::open(lock_path(&path)) {
                Ok(f) => matches!(f.try_lock(), Err(TryLockError::WouldBlock)),
                Err(_) => false,
            };
            if alive {
                continue;
            }
            fs::remove_dir_all(&path)
                .map_err(|e| io_err(format!("removing {}", path.display()), e))?;
            let _ = fs::remove_file(lock_path(&path));
            tracing::warn!(path = %path.display(), "removed an unfinished generation left by an interrupted build");
            removed.push(path);
        }
        Ok(removed)
    }
}
