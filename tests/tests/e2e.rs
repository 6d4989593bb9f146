//! ckan-search end to end: a real server, real generations, real HTTP.

mod admin; // schema version check, ping, real-time get
mod api_endpoints; // package_show, organization_list/show, status_show, legacy /api/1|2 search, ext_cursor walks
mod auth; // HTTP Basic auth: off ignores Authorization; select and update protected separately
mod ckan; // real CKAN 2.12 (.ci/ckan-venv): action API and `ckan search-index` against ckan-search
mod ckan_api; // package_search and search/dataset served from the index: manual URLs, sync walks, errors
mod find; // data.gov.uk's organisation documents: reindex-organisations (pysolr), Find and Django reads
mod pysolr; // the real pysolr client (3.11 JSON and XML adds, 3.6): add, search, facet, delete, commit
mod queries; // the GOV.UK manual's and Find's queries, counts computed from the JSONL
mod select; // /solr/ckan/select over the bundled sample: shapes, counts, fl, paging
mod swap; // a full rebuild under query load: never an empty or partial count
mod update; // /update: JSON and XML adds, deletes, commits; a failed request changes nothing
