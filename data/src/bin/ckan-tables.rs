//! `ckan-tables`: a JSONL catalogue (`ckan-search generate`, `ckanapi dump datasets`) →
//! CKAN's database tables as PostgreSQL COPY files plus a psql script that loads them, for
//! benchmarks and tests of ckan-search's PostgreSQL source.
//!
//! ```sh
//! ckan-search generate --datasets 100000 --seed 1 -o catalogue.jsonl
//! ckan-tables catalogue.jsonl tables/             # --layout 2.11 for CKAN ≤ 2.11's extras
//! createdb -h 127.0.0.1 -U postgres ckan_bench
//! psql -h 127.0.0.1 -U postgres -d ckan_bench -f tests/sql/ckan-2.12.sql -f tables/load.sql
//! ```
//!
//! (with `--layout 2.11`, also apply `tests/sql/ckan-2.11-extras.sql` before `load.sql`).
//! The catalogue is read a slice at a time, so memory stays small whatever its size.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ckan_search_data::ckan_tables::{CkanTables, Layout, TableOptions};
use flate2::read::MultiGzDecoder;

const USAGE: &str =
    "usage: ckan-tables [--layout 2.12|2.11] [--vocabulary ID=NAME]... INPUT.jsonl[.gz] OUTDIR";

/// Packages converted before the buffers are written out.
const SLICE: usize = 10_000;

struct Args {
    layout: Layout,
    vocabularies: HashMap<String, String>,
    input: PathBuf,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut layout = Layout::Ckan212;
    let mut vocabularies = HashMap::new();
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--layout" => {
                layout = match args.next().as_deref() {
                    Some("2.12") => Layout::Ckan212,
                    Some("2.11") | Some("2.10") | Some("2.9") => Layout::Ckan211,
                    other => return Err(format!("unknown layout {other:?}")),
                }
            }
            "--vocabulary" => {
                let pair = args.next().ok_or("--vocabulary needs ID=NAME")?;
                let (id, name) = pair.split_once('=').ok_or("--vocabulary needs ID=NAME")?;
                vocabularies.insert(id.to_string(), name.to_string());
            }
            "-h" | "--help" => return Err(String::new()),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let [input, out]: [PathBuf; 2] = positional
        .try_into()
        .map_err(|_| "expected INPUT and OUTDIR".to_string())?;
    Ok(Args {
        layout,
        vocabularies,
        input,
        out,
    })
}

fn open_input(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut raw = BufReader::with_capacity(1 << 16, File::open(path)?);
    let gzip = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::new(
            Box::new(MultiGzDecoder::new(raw)) as Box<dyn Read>
        ))
    } else {
        Box::new(raw)
    })
}

/// The COPY file of a table (`"group"` → `group.copy`).
fn file_name(table: &str) -> String {
    format!("{}.copy", table.trim_matches('"'))
}

fn run(args: Args) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let out = args
        .out
        .canonicalize()
        .map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut options = TableOptions::new(args.layout);
    options.vocabulary_names = args.vocabularies;
    let mut tables = CkanTables::new(options);

    let mut files: Vec<(String, &'static str, BufWriter<File>, usize)> = Vec::new();
    for t in tables.tables() {
        let path = out.join(file_name(t.table));
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((t.table.to_string(), t.columns, BufWriter::new(file), 0));
    }
    let mut flush = |tables: &mut CkanTables| -> Result<(), String> {
        for (t, (_, _, file, rows)) in tables.tables().zip(files.iter_mut()) {
            file.write_all(t.data).map_err(|e| e.to_string())?;
            *rows += t.rows;
        }
        tables.clear();
        Ok(())
    };

    let input = open_input(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let mut in_slice = 0;
    let mut datasets = 0usize;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let pkg: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 1))?;
        tables
            .add(&pkg)
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        datasets += 1;
        in_slice += 1;
        if in_slice == SLICE {
            flush(&mut tables)?;
            in_slice = 0;
        }
    }
    flush(&mut tables)?;

    let mut script = String::from("\\set ON_ERROR_STOP 1\n");
    for (table, columns, file, rows) in &mut files {
        file.flush().map_err(|e| e.to_string())?;
        let path = out.join(file_name(table));
        script.push_str(&format!(
            "\\copy {table} ({columns}) FROM '{}'\n",
            path.display().to_string().replace('\'', "''")
        ));
        eprintln!("{table}: {rows} rows");
    }
    script.push_str("ANALYZE;\n");
    let load = out.join("load.sql");
    std::fs::write(&load, script).map_err(|e| format!("{}: {e}", load.display()))?;
    eprintln!("{datasets} datasets; load with psql -f {}", load.display());
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
