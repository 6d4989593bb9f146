//! A CKAN database of a test's own on the real PostgreSQL, shared by the test suites that
//! read CKAN's tables (the indexer's `PostgresSource` and the server's `--source
//! postgres://…` commands). Test support only: every failure panics with what went wrong.
//!
//! The server is 127.0.0.1:5432 with trust auth and user `postgres`; `CKAN_SEARCH_TEST_PG`
//! overrides it. Everything goes through `psql` (which must be installed), so this crate
//! needs no database client of its own.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use crate::ckan_tables::{CkanTables, Layout, TableOptions};

/// CKAN 2.12's tables, as `ckan db init` leaves them.
const CKAN_2_12_SCHEMA: &str = include_str!("../../tests/sql/ckan-2.12.sql");

/// The PostgreSQL server the tests use, without a database name.
pub fn server_url() -> String {
    std::env::var("CKAN_SEARCH_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database with CKAN 2.12's tables, dropped (with any connection still open) when it
/// goes out of scope.
pub struct TestDb {
    name: String,
}

impl TestDb {
    /// Creates `{prefix}_{process id}_{n}` (`n` counts the databases of this process, so
    /// tests running side by side never share one), replacing any left by a killed run,
    /// and creates CKAN 2.12's tables in it.
    pub fn create(prefix: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        psql("postgres", &format!("CREATE DATABASE {name}"));
        let db = Self { name };
        db.execute(CKAN_2_12_SCHEMA);
        db
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's connection URL.
    pub fn url(&self) -> String {
        format!("{}/{}", server_url(), self.name)
    }

    /// Runs `sql` as one query string (several statements allowed), as a client library's
    /// simple query would: `psql -c` sends it to the server as it is.
    pub fn execute(&self, sql: &str) {
        psql(&self.name, sql);
    }

    /// Loads `dicts` into CKAN 2.12's tables.
    pub fn load(&self, dicts: &[Value]) {
        let mut tables = CkanTables::new(TableOptions::new(Layout::Ckan212));
        for d in dicts {
            tables.add(d).expect("rows of a generated dict");
        }
        self.copy(&tables);
    }

    /// Loads the tables with COPY, in their foreign-key order, checking that every row
    /// went in.
    pub fn copy(&self, tables: &CkanTables) {
        for t in tables.tables() {
            let copy = format!("\\copy {} ({}) FROM STDIN", t.table, t.columns);
            let out = run_psql(&self.name, &["-c", &copy], t.data);
            // Not quiet: psql reports `COPY <rows>` for the rows it wrote.
            assert_eq!(
                out.trim(),
                format!("COPY {}", t.rows),
                "rows copied into {}",
                t.table
            );
        }
    }

    /// Gathers the planner's statistics, as a database that has been in use has them.
    pub fn analyze(&self) {
        self.execute("ANALYZE");
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(format!("{}/postgres", server_url()))
            .args([
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

/// Runs `command` with `psql -qc` on `db`.
fn psql(db: &str, command: &str) {
    run_psql(db, &["-q", "-c", command], b"");
}

/// Runs `psql` on `db` with `args`, feeding it `stdin`, and returns its output; panics
/// with psql's error.
fn run_psql(db: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new("psql")
        .arg(format!("{}/{db}", server_url()))
        .args(["-v", "ON_ERROR_STOP=1", "-X"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql must be installed for these tests");
    child
        .stdin
        .take()
        .expect("psql stdin")
        .write_all(stdin)
        .expect("feeding psql");
    let out = child.wait_with_output().expect("psql");
    assert!(
        out.status.success(),
        "psql {args:?} on {db} failed (is PostgreSQL running at {}?): {}",
        server_url(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
