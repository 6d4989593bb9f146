//! The `CURRENT` pointer: which generation is live. It is replaced atomically (write a temp
//! file, fsync it, rename it over `CURRENT`, fsync the directory), so a reader or a crash
//! only ever sees the old id or the new one.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use super::{io_err, GenerationId};
use crate::Result;

/// The file name of the pointer inside the data directory.
pub const CURRENT_FILE: &str = "CURRENT";

/// Reads the live generation id, or `None` when no generation was ever published.
pub fn read_current(data_dir: &Path) -> Result<Option<GenerationId>> {
    let path = data_dir.join(CURRENT_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(GenerationId::parse(text.trim())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(format!("reading {}", path.display()), e)),
    }
}

/// Points `CURRENT` at `id`, atomically and durably.
pub fn write_current(data_dir: &Path, id: GenerationId) -> Result<()> {
    let tmp = data_dir.join(format!("{CURRENT_FILE}.tmp"));
    let target = data_dir.join(CURRENT_FILE);
    let ctx = |what: &str| format!("{what} {}", tmp.display());
    let mut file = File::create(&tmp).map_err(|e| io_err(ctx("creating"), e))?;
    writeln!(file, "{id}").map_err(|e| io_err(ctx("writing"), e))?;
    file.sync_all().map_err(|e| io_err(ctx("syncing"), e))?;
    drop(file);
    fs::rename(&tmp, &target)
        .map_err(|e| io_err(format!("renaming over {}", target.display()), e))?;
    sync_dir(data_dir)
}

/// fsyncs a directory so a rename inside it survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(format!("syncing directory {}", dir.display()), e))
}
