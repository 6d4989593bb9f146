//! CKAN's database as the sync loop reads it: one small query per poll on a connection
//! kept open between polls (reopened after any error), the whole `(id, state,
//! metadata_modified)` list for reconciliations, and full package dicts — assembled by
//! [`PostgresSource`], exactly as a rebuild assembles them — only for the datasets that
//! changed.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDateTime;
use ckan_search_indexer::document::DocumentError;
use ckan_search_indexer::source::{PostgresSource, Source};
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgRow};
use sqlx::{ConnectOptions, Connection, Postgres, Row};

/// One database operation may take this long before the connection is given up.
const OP_TIMEOUT: Duration = Duration::from_secs(60);
/// Listing every package of a large catalogue takes longer.
const LIST_TIMEOUT: Duration = Duration::from_secs(600);
/// The query parameters of a source URL that are CKAN settings, not PostgreSQL's.
const CKAN_SETTINGS: &[&str] = &[
    "ckan.site_url",
    "licenses_group_url",
    "ckan.resource_formats",
];

/// A database operation failed (unreachable, restarting, timed out, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DbError(pub String);

/// A `package` row as the sync loop needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRow {
    /// The dataset id.
    pub id: String,
    /// `metadata_modified` (naive UTC, as CKAN stores it).
    pub modified: Option<NaiveDateTime>,
    /// `state` (`active`, `draft`, `deleted`).
    pub state: Option<String>,
}

/// What one poll saw, in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The database's clock (naive UTC) when the poll ran.
    pub now: NaiveDateTime,
    /// Packages CKAN would index (not deleted).
    pub live: i64,
    /// Packages modified at or after the poll's lower bound, by `metadata_modified`, id.
    pub changed: Vec<PackageRow>,
}

/// CKAN's database, for the sync loop.
pub struct Database {
    connect: PgConnectOptions,
    source: PostgresSource,
    conn: Option<PgConnection>,
    /// `WHERE` over `package` for the packages CKAN indexes.
    live_condition: &'static str,
}

/// The URL without the CKAN settings [`PostgresSource`] takes from its query.
fn connect_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            !pair.is_empty() && !CKAN_SETTINGS.contains(&key)
        })
        .collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

impl Database {
    /// The database at `url` (a `postgres://` source URL, CKAN settings included).
    /// `remove_deleted` is CKAN's `ckan.search.remove_deleted_packages`: whether deleted
    /// datasets leave the index. Nothing is connected yet.
    pub fn new(url: &str, remove_deleted: bool) -> Result<Self, DbError> {
        let source = PostgresSource::new(url).map_err(|e| DbError(e.to_string()))?;
        let connect = PgConnectOptions::from_str(&connect_url(url))
            .map_err(|e| DbError(format!("{}: not a PostgreSQL URL: {e}", source.name())))?
            .application_name("ckan-search-sync")
            .disable_statement_logging();
        Ok(Self {
            connect,
            source,
            conn: None,
            live_condition: if remove_deleted {
                "state IS NOT NULL AND state <> 'deleted'"
            } else {
                "true"
            },
        })
    }

    /// The database, named without its password.
    pub fn name(&self) -> String {
        self.source.name()
    }

    /// Whether CKAN indexes a package in this state.
    pub fn indexable(&self, state: Option<&str>) -> bool {
        self.live_condition == "true" || state.is_some_and(|s| s != "deleted")
    }

    /// The open connection, connecting first if there is none.
    async fn connection(&mut self) -> Result<&mut PgConnection, DbError> {
        if self.conn.is_none() {
            let conn = tokio::time::timeout(OP_TIMEOUT, PgConnection::connect_with(&self.connect))
                .await
                .map_err(|_| DbError("connecting timed out".into()))?
                .map_err(|e| DbError(format!("cannot connect: {e}")))?;
            self.conn = Some(conn);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| DbError("no connection".into()))
    }

    /// Runs a query; any failure drops the connection, so the next call reconnects.
    async fn fetch_all(
        &mut self,
        query: sqlx::query::Query<'_, Postgres, PgArguments>,
        timeout: Duration,
    ) -> Result<Vec<PgRow>, DbError> {
        let conn = self.connection().await?;
        let result = tokio::time::timeout(timeout, query.fetch_all(conn)).await;
        match result {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => {
                self.conn = None;
                Err(DbError(e.to_string()))
            }
            Err(_) => {
                self.conn = None;
                Err(DbError(format!(
                    "a query took longer than {} s",
                    timeout.as_secs()
                )))
            }
        }
    }

    /// The packages modified at or after `since`, and how many packages CKAN would index,
    /// in one statement (so one snapshot): the count is what reveals soft deletes and
    /// purges, which CKAN makes without touching `metadata_modified`.
    pub async fn poll(&mut self, since: NaiveDateTime) -> Result<Poll, DbError> {
        let sql = format!(
            "WITH live AS (SELECT count(*) AS n FROM package WHERE {}) \
             SELECT (now() AT TIME ZONE 'UTC')::timestamp, live.n, p.id, p.metadata_modified, \
             p.state FROM live LEFT JOIN package p ON p.metadata_modified >= $1 \
             ORDER BY p.metadata_modified, p.id",
            self.live_condition
        );
        let rows = self
            .fetch_all(sqlx::query(&sql).bind(since), OP_TIMEOUT)
            .await?;
        let decode = |e: sqlx::Error| DbError(format!("reading the poll: {e}"));
        let mut poll = Poll {
            now: NaiveDateTime::default(),
            live: 0,
            changed: Vec::with_capacity(rows.len()),
        };
        for row in &rows {
            poll.now = row.try_get(0).map_err(decode)?;
            poll.live = row.try_get(1).map_err(decode)?;
            if let Some(id) = row.try_get::<Option<String>, _>(2).map_err(decode)? {
                poll.changed.push(PackageRow {
                    id,
                    modified: row.try_get(3).map_err(decode)?,
                    state: row.try_get(4).map_err(decode)?,
                });
            }
        }
        Ok(poll)
    }

    /// Every package's id, state and `metadata_modified`.
    pub async fn all_packages(&mut self) -> Result<Vec<PackageRow>, DbError> {
        let rows = self
            .fetch_all(
                sqlx::query("SELECT id, metadata_modified, state FROM package"),
                LIST_TIMEOUT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PackageRow {
                    id: row.try_get(0)?,
                    modified: row.try_get(1)?,
                    state: row.try_get(2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| DbError(format!("reading packages: {e}")))
    }

    /// Which of `ids` have a `package` row now (in any state).
    pub async fn existing(&mut self, ids: &[String]) -> Result<HashSet<String>, DbError> {
        let rows = self
            .fetch_all(
                sqlx::query("SELECT id FROM package WHERE id = ANY($1)").bind(ids),
                OP_TIMEOUT,
            )
            .await?;
        rows.iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<Result<_, _>>()
            .map_err(|e| DbError(format!("reading package ids: {e}")))
    }

    /// Vocabulary id → name (for `vocab_<name>` fields).
    pub async fn vocabularies(&mut self) -> Result<HashMap<String, String>, DbError> {
        let rows = self
            .fetch_all(sqlx::query("SELECT id, name FROM vocabulary"), OP_TIMEOUT)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| DbError(format!("reading vocabularies: {e}")))
    }

    /// The package dicts of these datasets, as `package_show` gives them (a dataset purged
    /// meanwhile is simply absent). A dict CKAN could not show is an `Err` naming it.
    pub async fn package_dicts(
        &self,
        ids: Vec<String>,
    ) -> Result<Vec<Result<Value, DocumentError>>, DbError> {
        let source = self.source.clone().only_datasets(ids);
        tokio::task::spawn_blocking(move || {
            let records: Vec<_> = source
                .records()
                .map_err(|e| DbError(e.to_string()))?
                .map(|r| r.package)
                .collect();
            // A read that broke off (the database went away) must not pass for a complete
            // one: the missing datasets would be taken as purged.
            source
                .check_complete()
                .map_err(|e| DbError(e.to_string()))?;
            Ok(records)
        })
        .await
        .map_err(|e| DbError(format!("reading package dicts: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ckan_settings_are_not_connection_parameters() {
        assert_eq!(
            connect_url("postgres://u@h/db?ckan.site_url=http%3A%2F%2Fx&sslmode=disable&licenses_group_url=/l.json"),
            "postgres://u@h/db?sslmode=disable"
        );
        assert_eq!(
            connect_url("postgres://u@h/db?ckan.resource_formats=/f.json"),
            "postgres://u@h/db"
        );
        assert_eq!(connect_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
