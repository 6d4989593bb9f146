//! The set-based queries: one server-side cursor per table, each ordered by package id so
//! the rows of one package arrive together and in the order of the package cursor.
//!
//! Every cursor joins `package` with the same `WHERE`, so a child cursor only ever holds
//! rows of packages the package cursor yields, in the same order: the rows are matched by
//! equality of package id alone, and the order of ids never has to be compared outside the
//! database (whatever its collation). Within a package, ties are broken by the child
//! table's `ctid`: the order a plain `SELECT` without `ORDER BY` returns, which is what
//! CKAN's own per-package queries see.

use chrono::NaiveDateTime;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::Row;

/// Which CKAN generation of the schema the database has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// CKAN 2.12+: extras are a JSONB object in `package.extras`.
    JsonbExtras,
    /// CKAN 2.9–2.11: extras are rows of `package_extra`.
    ExtraTable,
}

/// Which packages to read. The conditions combine with AND; the default reads them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these datasets, each given by id or name.
    pub datasets: Option<Vec<String>>,
    /// Only datasets owned by this organisation (`owner_org`), given by name or id.
    pub organization: Option<String>,
    /// Only datasets whose `metadata_modified` is at or after this (naive UTC) time.
    pub modified_since: Option<NaiveDateTime>,
}

impl Filter {
    /// The `WHERE` clause over `package p` (without the keyword; `true` when empty), with
    /// `$n` placeholders numbered in the order [`Filter::bind`] binds them.
    pub(crate) fn condition(&self) -> String {
        let mut parts = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if self.datasets.is_some() {
            let i = next();
            parts.push(format!("(p.id = ANY(${i}) OR p.name = ANY(${i}))"));
        }
        if self.organization.is_some() {
            let i = next();
            parts.push(format!(
                "p.owner_org IN (SELECT g.id FROM \"group\" g WHERE g.name = ${i} OR g.id = ${i})"
            ));
        }
        if self.modified_since.is_some() {
            let i = next();
            parts.push(format!("p.metadata_modified >= ${i}"));
        }
        if parts.is_empty() {
            "true".into()
        } else {
            parts.join(" AND ")
        }
    }

    /// Binds the filter's values to a query built on [`Filter::condition`].
    pub(crate) fn bind<'q>(
        &'q self,
        mut query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        if let Some(datasets) = &self.datasets {
            query = query.bind(datasets.as_slice());
        }
        if let Some(org) = &self.organization {
            query = query.bind(org.as_str());
        }
        if let Some(since) = &self.modified_since {
            query = query.bind(*since);
        }
        query
    }
}

/// Finds out which layout the database has, and fails clearly when it is not CKAN's.
pub async fn detect_layout(conn: &mut PgConnection) -> Result<Layout, String> {
    let exists = |sql: &'static str| sqlx::query_scalar::<_, bool>(sql);
    let has_package: bool = exists(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = 'package')",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| e.to_string())?;
    if !has_package {
        return Err("there is no `package` table: is this CKAN's database?".into());
    }
    let jsonb_extras: bool = exists(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = \
         current_schema() AND table_name = 'package' AND column_name = 'extras')",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| e.to_string())?;
    Ok(if jsonb_extras {
        Layout::JsonbExtras
    } else {
        Layout::ExtraTable
    })
}

/// One of the cursors a read declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Packages with their owning organisation (if active).
    Packages,
    /// Active resources.
    Resources,
    /// Active tag links with the tag.
    Tags,
    /// Active `package_extra` rows (CKAN ≤ 2.11 only).
    Extras,
    /// Active group memberships with the (non-organisation) group.
    Groups,
    /// Active relationships whose subject is the package.
    RelationshipsAsSubject,
    /// Active relationships whose object is the package.
    RelationshipsAsObject,
}

impl Table {
    /// The cursor's name in the transaction.
    pub fn cursor(self) -> &'static str {
        match self {
            Table::Packages => "ckan_search_packages",
            Table::Resources => "ckan_search_resources",
            Table::Tags => "ckan_search_tags",
            Table::Extras => "ckan_search_extras",
            Table::Groups => "ckan_search_groups",
            Table::RelationshipsAsSubject => "ckan_search_rel_subject",
            Table::RelationshipsAsObject => "ckan_search_rel_object",
        }
    }

    /// `DECLARE` for this table's cursor, over the packages `condition` selects.
    pub fn declare(self, layout: Layout, condition: &str) -> String {
        let select = match self {
            Table::Packages => {
                let extras = match layout {
                    Layout::JsonbExtras => "p.extras::text",
                    Layout::ExtraTable => "NULL::text",
                };
                format!(
                    "SELECT p.id, p.name, p.title, p.version, p.url, p.author, p.author_email, \
                     p.maintainer, p.maintainer_email, p.notes, p.license_id, p.type, \
                     p.owner_org, p.creator_user_id, p.metadata_created, p.metadata_modified, \
                     p.private, p.state, {extras} AS extras, \
                     o.id, o.name, o.title, o.type, o.description, o.image_url, o.created, \
                     o.is_organization, o.approval_status, o.state \
                     FROM package p LEFT JOIN \"group\" o \
                     ON o.id = p.owner_org AND o.state = 'active' \
                     WHERE {condition} ORDER BY p.id"
                )
            }
            Table::Resources => format!(
                "SELECT r.package_id, r.id, r.url, r.format, r.description, r.hash, r.position, \
                 r.name, r.resource_type, r.mimetype, r.mimetype_inner, r.size, r.created, \
                 r.last_modified, r.metadata_modified, r.cache_url, r.cache_last_updated, \
                 r.url_type, r.extras, r.state \
                 FROM package p JOIN resource r ON r.package_id = p.id \
                 WHERE ({condition}) AND r.state = 'active' \
                 ORDER BY p.id, r.position NULLS LAST, r.ctid"
            ),
            Table::Tags => format!(
                "SELECT pt.package_id, t.id, t.name, t.vocabulary_id, pt.state \
                 FROM package p JOIN package_tag pt ON pt.package_id = p.id \
                 JOIN tag t ON t.id = pt.tag_id \
                 WHERE ({condition}) AND pt.state = 'active' ORDER BY p.id, pt.ctid"
            ),
            Table::Extras => format!(
                "SELECT e.package_id, e.key, e.value \
                 FROM package p JOIN package_extra e ON e.package_id = p.id \
                 WHERE ({condition}) AND e.state = 'active' ORDER BY p.id, e.ctid"
            ),
            Table::Groups => format!(
                "SELECT m.table_id, g.id, g.name, g.title, g.description, g.image_url \
                 FROM package p JOIN member m ON m.table_id = p.id \
                 JOIN \"group\" g ON g.id = m.group_id \
                 WHERE ({condition}) AND m.state = 'active' AND g.is_organization = false \
                 ORDER BY p.id, m.ctid"
            ),
            Table::RelationshipsAsSubject | Table::RelationshipsAsObject => {
                let key = if self == Table::RelationshipsAsSubject {
                    "subject_package_id"
                } else {
                    "object_package_id"
                };
                format!(
                    "SELECT r.{key}, r.id, r.subject_package_id, r.object_package_id, r.type, \
                     r.comment FROM package p JOIN package_relationship r ON r.{key} = p.id \
                     WHERE ({condition}) AND r.state = 'active' ORDER BY p.id, r.ctid"
                )
            }
        };
        format!("DECLARE {} NO SCROLL CURSOR FOR {select}", self.cursor())
    }
}

/// A row of a cursor, decoded.
pub trait FromRow: Sized {
    /// Decodes one row.
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error>;
    /// The package the row belongs to.
    fn package_id(&self) -> &str;
}

/// The owning organisation's `group` row, as `package_show` embeds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationRow {
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub type_: Option<String>,
    pub description: Option<String>,
    pub image_url: Option<String>,
    pub created: Option<NaiveDateTime>,
    pub is_organization: Option<bool>,
    pub approval_status: Option<String>,
    pub state: Option<String>,
}

/// A `package` row.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageRow {
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub version: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub author_email: Option<String>,
    pub maintainer: Option<String>,
    pub maintainer_email: Option<String>,
    pub notes: Option<String>,
    pub license_id: Option<String>,
    pub type_: Option<String>,
    pub owner_org: Option<String>,
    pub creator_user_id: Option<String>,
    pub metadata_created: Option<NaiveDateTime>,
    pub metadata_modified: Option<NaiveDateTime>,
    pub private: Option<bool>,
    pub state: Option<String>,
    /// `package.extras` as JSON text (CKAN 2.12+).
    pub extras: Option<String>,
    pub organization: Option<OrganizationRow>,
}

impl FromRow for PackageRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        let organization = match row.try_get::<Option<String>, _>(19)? {
            Some(id) => Some(OrganizationRow {
                id,
                name: row.try_get(20)?,
                title: row.try_get(21)?,
                type_: row.try_get(22)?,
                description: row.try_get(23)?,
                image_url: row.try_get(24)?,
                created: row.try_get(25)?,
                is_organization: row.try_get(26)?,
                approval_status: row.try_get(27)?,
                state: row.try_get(28)?,
            }),
            None => None,
        };
        Ok(Self {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            title: row.try_get(2)?,
            version: row.try_get(3)?,
            url: row.try_get(4)?,
            author: row.try_get(5)?,
            author_email: row.try_get(6)?,
            maintainer: row.try_get(7)?,
            maintainer_email: row.try_get(8)?,
            notes: row.try_get(9)?,
            license_id: row.try_get(10)?,
            type_: row.try_get(11)?,
            owner_org: row.try_get(12)?,
            creator_user_id: row.try_get(13)?,
            metadata_created: row.try_get(14)?,
            metadata_modified: row.try_get(15)?,
            private: row.try_get(16)?,
            state: row.try_get(17)?,
            extras: row.try_get(18)?,
            organization,
        })
    }

    fn package_id(&self) -> &str {
        &self.id
    }
}

/// A `resource` row.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRow {
    pub package_id: String,
    pub id: String,
    pub url: Option<String>,
    pub format: Option<String>,
    pub description: Option<String>,
    pub hash: Option<String>,
    pub position: Option<i32>,
    pub name: Option<String>,
    pub resource_type: Option<String>,
    pub mimetype: Option<String>,
    pub mimetype_inner: Option<String>,
    pub size: Option<i64>,
    pub created: Option<NaiveDateTime>,
    pub last_modified: Option<NaiveDateTime>,
    pub metadata_modified: Option<NaiveDateTime>,
    pub cache_url: Option<String>,
    pub cache_last_updated: Option<NaiveDateTime>,
    pub url_type: Option<String>,
    /// The JSON text of `resource.extras`.
    pub extras: Option<String>,
    pub state: Option<String>,
}

impl FromRow for ResourceRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            package_id: row.try_get(0)?,
            id: row.try_get(1)?,
            url: row.try_get(2)?,
            format: row.try_get(3)?,
            description: row.try_get(4)?,
            hash: row.try_get(5)?,
            position: row.try_get(6)?,
            name: row.try_get(7)?,
            resource_type: row.try_get(8)?,
            mimetype: row.try_get(9)?,
            mimetype_inner: row.try_get(10)?,
            size: row.try_get(11)?,
            created: row.try_get(12)?,
            last_modified: row.try_get(13)?,
            metadata_modified: row.try_get(14)?,
            cache_url: row.try_get(15)?,
            cache_last_updated: row.try_get(16)?,
            url_type: row.try_get(17)?,
            extras: row.try_get(18)?,
            state: row.try_get(19)?,
        })
    }

    fn package_id(&self) -> &str {
        &self.package_id
    }
}

/// A tag linked to a package.
#[derive(Debug, Clone, PartialEq)]
pub struct TagRow {
    pub package_id: String,
    pub id: String,
    pub name: Option<String>,
    pub vocabulary_id: Option<String>,
    /// The link's (`package_tag`) state.
    pub state: Option<String>,
}

impl FromRow for TagRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            package_id: row.try_get(0)?,
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            vocabulary_id: row.try_get(3)?,
            state: row.try_get(4)?,
        })
    }

    fn package_id(&self) -> &str {
        &self.package_id
    }
}

/// A `package_extra` row (CKAN ≤ 2.11).
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraRow {
    pub package_id: String,
    pub key: Option<String>,
    pub value: Option<String>,
}

impl FromRow for ExtraRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            package_id: row.try_get(0)?,
            key: row.try_get(1)?,
            value: row.try_get(2)?,
        })
    }

    fn package_id(&self) -> &str {
        &self.package_id
    }
}

/// A group the package is a member of.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    pub package_id: String,
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub image_url: Option<String>,
}

impl FromRow for GroupRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            package_id: row.try_get(0)?,
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            title: row.try_get(3)?,
            description: row.try_get(4)?,
            image_url: row.try_get(5)?,
        })
    }

    fn package_id(&self) -> &str {
        &self.package_id
    }
}

/// A relationship, read for its subject or for its object package.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipRow {
    pub package_id: String,
    pub id: Option<String>,
    pub subject_package_id: Option<String>,
    pub object_package_id: Option<String>,
    pub type_: Option<String>,
    pub comment: Option<String>,
}

impl FromRow for RelationshipRow {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            package_id: row.try_get(0)?,
            id: row.try_get(1)?,
            subject_package_id: row.try_get(2)?,
            object_package_id: row.try_get(3)?,
            type_: row.try_get(4)?,
            comment: row.try_get(5)?,
        })
    }

    fn package_id(&self) -> &str {
        &self.package_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_number_their_placeholders() {
        assert_eq!(Filter::default().condition(), "true");
        let all = Filter {
            datasets: Some(vec!["a".into()]),
            organization: Some("org".into()),
            modified_since: NaiveDateTime::parse_from_str("2020-01-01 00:00", "%Y-%m-%d %H:%M")
                .ok(),
        };
        assert_eq!(
            all.condition(),
            "(p.id = ANY($1) OR p.name = ANY($1)) AND p.owner_org IN (SELECT g.id FROM \"group\" g WHERE g.name = $2 OR g.id = $2) AND p.metadata_modified >= $3"
        );
        let since = Filter {
            modified_since: all.modified_since,
            ..Filter::default()
        };
        assert_eq!(since.condition(), "p.metadata_modified >= $1");
    }
}
