//! `ckanapi dump datasets` JSONL: one package dict per line, optionally gzip-compressed
//! (detected from the content, not the file name).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use super::{Source, SourceRecord};
use crate::document::DocumentError;
use crate::{IndexerError, Result};

type Opener = dyn Fn() -> std::io::Result<Box<dyn Read + Send>> + Send + Sync;

/// A JSONL catalogue, from a file or from any reader factory (the bundled sample).
#[derive(Clone)]
pub struct JsonlSource {
    name: String,
    open: Arc<Opener>,
}

impl std::fmt::Debug for JsonlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonlSource")
            .field("name", &self.name)
            .finish()
    }
}

impl JsonlSource {
    /// A JSONL file (plain or gzip).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path: PathBuf = path.into();
        let name = format!("jsonl:{}", path.display());
        Self {
            name,
            open: Arc::new(move || File::open(&path).map(|f| Box::new(f) as Box<dyn Read + Send>)),
        }
    }

    /// JSONL produced by `open` each time the source is read (plain or gzip).
    pub fn from_reader(
        name: impl Into<String>,
        open: impl Fn() -> std::io::Result<Box<dyn Read + Send>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            open: Arc::new(open),
        }
    }

    fn reader(&self) -> Result<Box<dyn BufRead + Send>> {
        let err = |e: std::io::Error| IndexerError::Source {
            source_name: self.name.clone(),
            reason: e.to_string(),
        };
        let mut raw = BufReader::with_capacity(1 << 16, (self.open)().map_err(err)?);
        let is_gzip = raw.fill_buf().map_err(err)?.starts_with(&[0x1f, 0x8b]);
        Ok(if is_gzip {
            Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
        } else {
            Box::new(raw)
        })
    }
}

impl Source for JsonlSource {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn records(&self) -> Result<Box<dyn Iterator<Item = SourceRecord> + Send + '_>> {
        let reader = self.reader()?;
        let name = self.name.clone();
        let mut line_no = 0u64;
        let lines = reader.lines().filter_map(move |line| {
            line_no += 1;
            let invalid = |reason: String| DocumentError::InvalidPackage {
                dataset: format!("{name} line {line_no}"),
                reason,
            };
            let package = match line {
                Ok(text) if text.trim().is_empty() => return None,
                Ok(text) => {
                    serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))
                }
                Err(e) => Err(invalid(format!("unreadable: {e}"))),
            };
            Some(SourceRecord {
                position: line_no,
                package,
            })
        });
        Ok(Box::new(lines))
    }

    fn count_hint(&self) -> Option<u64> {
        // One quick pass counting non-empty lines: far cheaper than indexing them, and it
        // gives the progress bar a total and an ETA.
        let reader = self.reader().ok()?;
        let mut count = 0;
        for line in reader.split(b'\n') {
            match line {
                Ok(l) if l.iter().any(|b| !b.is_ascii_whitespace()) => count += 1,
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        Some(count)
    }
}
