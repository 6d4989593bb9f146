//! The baseline a CKAN operator could use instead of a search engine: PostgreSQL full-text
//! search over CKAN's own tables, answering the same query mix as `mix.rs`.
//!
//! [`SETUP`] derives one row per indexable dataset (`active` or `draft`, as CKAN indexes)
//! from CKAN 2.12's tables: a weighted `tsvector` shaped like CKAN's dismax `qf` (`name` and
//! `title` weight A, `tags` and `groups` B, the catch-all text — notes, resources, extras —
//! D; ranked with weights 1 / 0.5 / 0.25, i.e. CKAN's 4 / 2 / 1), title and notes vectors
//! for Find's fielded query, and the facet columns. GIN indexes on the vectors and the
//! multi-valued columns, b-trees on the rest. [`baseline_mix`] is the mix in SQL: each
//! request is one statement returning the count, the facet counts (GROUP BY, top N) and the
//! page of ids, as one Solr response carries them. It returns ids only (Solr returns
//! `validated_data_dict`), which favours PostgreSQL.

/// Statements that (re)build the baseline table and its indexes.
pub const SETUP: &[&str] = &[
    "DROP TABLE IF EXISTS fts_package",
    r#"CREATE TABLE fts_package AS
WITH tags AS (
    SELECT pt.package_id, array_agg(t.name ORDER BY t.name) AS tags
    FROM package_tag pt JOIN tag t ON t.id = pt.tag_id
    WHERE pt.state = 'active' GROUP BY pt.package_id),
groups AS (
    SELECT m.table_id AS package_id, array_agg(g.name ORDER BY g.name) AS groups
    FROM member m JOIN "group" g ON g.id = m.group_id
    WHERE m.table_name = 'package' AND m.state = 'active' AND NOT g.is_organization
    GROUP BY m.table_id),
res AS (
    SELECT package_id,
           array_remove(array_agg(DISTINCT format), '') AS res_format,
           string_agg(coalesce(name, '') || ' ' || coalesce(description, ''), ' ') AS text
    FROM resource WHERE state = 'active' GROUP BY package_id)
SELECT p.id, p.name, p.state, p.private, p.type, p.license_id, p.metadata_modified,
       o.name AS organization,
       coalesce(tags.tags, '{}') AS tags,
       coalesce(groups.groups, '{}') AS groups,
       coalesce(res.res_format, '{}') AS res_format,
       p.extras ->> 'theme-primary' AS theme_primary,
       p.extras ->> 'harvest_object_id' AS harvest_object_id,
       setweight(to_tsvector('english', coalesce(p.name, '') || ' ' || coalesce(p.title, '')), 'A')
       || setweight(to_tsvector('english',
              array_to_string(coalesce(tags.tags, '{}') || coalesce(groups.groups, '{}'), ' ')), 'B')
       || setweight(to_tsvector('english', coalesce(p.notes, '') || ' ' || coalesce(res.text, '')
              || ' ' || coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(p.extras)), '')), 'D')
          AS tsv,
       to_tsvector('english', coalesce(p.title, '')) AS title_tsv,
       to_tsvector('english', coalesce(p.notes, '')) AS notes_tsv
FROM package p
LEFT JOIN "group" o ON o.id = p.owner_org
LEFT JOIN tags ON tags.package_id = p.id
LEFT JOIN groups ON groups.package_id = p.id
LEFT JOIN res ON res.package_id = p.id
WHERE p.state IN ('active', 'draft')"#,
    "CREATE INDEX ON fts_package USING gin (tsv)",
    "CREATE INDEX ON fts_package USING gin (title_tsv)",
    "CREATE INDEX ON fts_package USING gin (notes_tsv)",
    "CREATE INDEX ON fts_package USING gin (tags)",
    "CREATE INDEX ON fts_package USING gin (res_format)",
    "CREATE INDEX ON fts_package (id)",
    "CREATE INDEX ON fts_package (name)",
    "CREATE INDEX ON fts_package (metadata_modified)",
    "CREATE INDEX ON fts_package (license_id)",
    "CREATE INDEX ON fts_package (organization)",
    "VACUUM ANALYZE fts_package",
];

/// CKAN's `fq` on every package_search: public, active, this site.
const CKAN_FQ: &str = "NOT private AND state = 'active'";

/// dismax's ranking over the weighted vector, CKAN's 4 / 2 / 1 as PostgreSQL's A / B / D.
const RANK: &str = "ts_rank('{0.25, 0, 0.5, 1}', tsv, q)";

/// One facet: its name, the column, whether the column is an array, and its limit.
struct Facet(&'static str, &'static str, bool, u32);

const CKAN_FACETS: &[Facet] = &[
    Facet("organization", "organization", false, 50),
    Facet("groups", "groups", true, 50),
    Facet("tags", "tags", true, 50),
    Facet("res_format", "res_format", true, 50),
    Facet("license_id", "license_id", false, 50),
];

/// A request with facets: the matches are materialised once, then counted, grouped per
/// facet and paged, in one statement.
fn faceted(
    from: &str,
    filter: &str,
    rank: &str,
    order: &str,
    rows: u32,
    facets: &[Facet],
) -> String {
    let mut parts =
        vec!["SELECT 'count' AS kind, NULL::text AS value, count(*) AS n FROM m".to_string()];
    for Facet(name, column, multi, limit) in facets {
        let (source, value) = if *multi {
            (
                format!("m CROSS JOIN LATERAL unnest(m.{column}) AS f(v)"),
                "f.v".to_string(),
            )
        } else {
            ("m".to_string(), format!("m.{column}"))
        };
        parts.push(format!(
            "(SELECT '{name}', {value}::text, count(*) FROM {source} WHERE {value} IS NOT NULL \
             GROUP BY {value} ORDER BY 3 DESC, 2 LIMIT {limit})"
        ));
    }
    parts.push(format!(
        "(SELECT 'row', id, 0 FROM m ORDER BY {order} LIMIT {rows})"
    ));
    format!(
        "WITH m AS MATERIALIZED (SELECT id, organization, groups, tags, res_format, license_id, \
         theme_primary, metadata_modified, {rank} AS rank FROM {from} WHERE {filter}) {}",
        parts.join(" UNION ALL ")
    )
}

/// A request without facets: the count and one page.
fn plain(filter: &str, rows: u32) -> String {
    format!(
        "SELECT 'count' AS kind, NULL::text AS value, count(*) AS n FROM fts_package WHERE {filter} \
         UNION ALL (SELECT 'row', id, 0 FROM fts_package WHERE {filter} LIMIT {rows})"
    )
}

/// The mix of `mix::query_mix`, by the same names, in SQL.
pub fn baseline_mix() -> Vec<(&'static str, String)> {
    let now = "timestamp '2026-11-25 12:00:00'"; // mix::NOW_MS
    vec![
        (
            "match_all_count",
            "SELECT 'count', NULL::text, count(*) FROM fts_package".into(),
        ),
        (
            "ckan_package_search",
            faceted(
                "fts_package, plainto_tsquery('english', 'flood risk') q",
                &format!("tsv @@ q AND {CKAN_FQ}"),
                RANK,
                "rank DESC, metadata_modified DESC",
                11,
                CKAN_FACETS,
            ),
        ),
        (
            "ckan_home_page",
            faceted(
                "fts_package",
                "NOT private",
                "0::real",
                "metadata_modified DESC",
                4,
                CKAN_FACETS,
            ),
        ),
        (
            "find_keyword_3_facets",
            faceted(
                "fts_package, to_tsquery('english', 'transport | data') q",
                "(title_tsv @@ q OR notes_tsv @@ q) AND state = 'active' AND type = 'dataset'",
                "2 * ts_rank(title_tsv, q) + ts_rank(notes_tsv, q)",
                "rank DESC",
                20,
                &[
                    Facet("organization", "organization", false, 3000),
                    Facet("extras_theme-primary", "theme_primary", false, 100),
                    Facet("res_format", "res_format", true, 100),
                ],
            ),
        ),
        (
            "name_lookup",
            plain(
                &format!("(name = 'river-levels' OR id = 'river-levels') AND {CKAN_FQ}"),
                1,
            ),
        ),
        (
            "modified_last_week",
            plain(
                &format!(
                    "metadata_modified >= date_trunc('day', {now} - interval '7 days') \
                     AND metadata_modified <= {now} AND {CKAN_FQ}"
                ),
                20,
            ),
        ),
        (
            "manual_harvested",
            plain(
                &format!("harvest_object_id IS NOT NULL AND type = 'dataset' AND {CKAN_FQ}"),
                20,
            ),
        ),
        (
            "manual_not_harvested",
            plain(&format!("harvest_object_id IS NULL AND {CKAN_FQ}"), 20),
        ),
        (
            "find_csv_filter",
            plain("res_format && ARRAY['CSV', '.csv']", 20),
        ),
        (
            "find_ogl_filter",
            plain(
                "(license_id IN ('uk-ogl', 'ogl') OR license_id LIKE 'OGL-UK-%')",
                20,
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_answers_every_query_of_the_mix_by_name() {
        let baseline: Vec<&str> = baseline_mix().iter().map(|(n, _)| *n).collect();
        let mix: Vec<&str> = crate::mix::query_mix().iter().map(|(n, _)| *n).collect();
        assert_eq!(baseline, mix);
    }
}
