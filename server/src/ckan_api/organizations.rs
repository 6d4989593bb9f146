//! `organization_list` and `organization_show` from the index, as CKAN 2.12's
//! `_group_or_org_list` and `_group_or_org_show` (`ckan/logic/action/get.py`) answer them.
//!
//! CKAN reads organisations from its database; the index holds them in two places, which
//! are merged here (per searcher, so a commit is seen at once):
//!
//! - every dataset's stored dict carries its organisation as CKAN dictized it (`id`,
//!   `name`, `title`, `type`, `description`, `image_url`, `created`, `is_organization`,
//!   `approval_status`, `state`); the most recently modified dataset of each `owner_org`
//!   gives the freshest copy;
//! - data.gov.uk's organisation documents (`site_id:dgu_organisations*`, written by
//!   `ckan datagovuk reindex-organisations`) give `id`, `name`, `title` and the
//!   organisation's `extras_*`, also for organisations without datasets.
//!
//! Dataset counts are facet counts on `owner_org`, as CKAN's own
//! `get_group_dataset_counts`: active datasets with the caller's permission labels (public
//! ones for anonymous callers, all for a sysadmin), and for `sort=package_count` every
//! active dataset, as CKAN's SQL counts them.
//!
//! CKAN's parameters and messages are kept: `limit`/`offset` validation (409), CKAN's
//! limits (`ckan.group_and_organization_list_max` 1000,
//! `ckan.group_and_organization_list_all_fields_max` 25), `sort` (`name`, `title`,
//! `package_count`; "Cannot sort by field", "Invalid sort direction", "Too many sort
//! criteria"), `order_by`, `q` (case-insensitive `LIKE` on name, title and description),
//! `organizations`, `type`, `all_fields` with `include_dataset_count`,
//! `include_datasets`, `include_extras`, `include_users`, `include_groups`,
//! `include_followers`, `include_member_count`, and CKAN's key order (what its validation
//! leaves: plain keys sorted, then non-empty lists, then empty ones). Where CKAN crashes
//! (`limit=`, an unreadable `all_fields` or `include_datasets`, `sort=packages asc`) the
//! answer is the same 500.
//!
//! What cannot match CKAN:
//!
//! - an organisation without datasets is invisible unless an organisation document
//!   exists for it; one known only from such a document has no `description`,
//!   `image_url` or `created` (empty, empty, null);
//! - deleted organisations are not listed (CKAN does not list them either) and cannot be
//!   shown (CKAN shows them to sysadmins);
//! - members and followers are not in the index: `users` is `[]`, `member_count` and
//!   `num_followers` are 0, and sub-`groups` are `[]`;
//! - ties in `sort` are broken by name (PostgreSQL leaves them unordered), and names and
//!   titles sort by code point (PostgreSQL's `C` collation);
//! - with `strip_pii` (data.gov.uk), `include_users` is forced off and top-level PII keys
//!   are removed, as ckanext-datagovuk's `dgu_organization_show` does.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use ckan_search_indexer::generation::GenerationId;
use ckan_search_indexer::schema::CkanSchema;
use ckan_search_query::{hit_fields, search, SearchRequest, SearchResult, SolrParams};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};

use super::error::CkanError;
use super::package_search::{self, Labels};
use super::py_values::{asbool, aslist, python_int, truthy};
use super::request::DataDict;
use super::show::{quote_term, strip_top_level_pii};
use super::validate::{int_validator, PackageSearchInput};
use crate::state::AppState;

/// data.gov.uk's organisation documents live under site ids starting with this.
const ORG_SITE_PREFIX: &str = "dgu_organisations";

/// The sort fields CKAN allows.
const SORT_FIELDS: [&str; 4] = ["name", "packages", "package_count", "title"];

/// The list-valued keys of a shown organisation, in the order `group_dictize` adds them
/// (their schema entries are dicts, which shapes where CKAN's validation puts them).
const LIST_KEYS: [&str; 4] = ["extras", "packages", "groups", "users"];

/// CKAN's limits on `organization_list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLimits {
    /// `ckan.group_and_organization_list_max`.
    pub max: usize,
    /// `ckan.group_and_organization_list_all_fields_max`.
    pub all_fields_max: usize,
}

impl Default for ListLimits {
    fn default() -> Self {
        Self {
            max: 1000,
            all_fields_max: 25,
        }
    }
}

/// One organisation as the index knows it.
#[derive(Debug, Clone, PartialEq)]
struct Org {
    /// The fields CKAN's `table_dictize` gives.
    core: Map<String, Value>,
    /// Its extras, in order.
    extras: Vec<(String, Value)>,
}

impl Org {
    fn text(&self, key: &str) -> Option<&str> {
        self.core.get(key).and_then(Value::as_str)
    }

    fn id(&self) -> &str {
        self.text("id").unwrap_or_default()
    }

    fn name(&self) -> &str {
        self.text("name").unwrap_or_default()
    }
}

/// Every organisation of one searcher, with dataset counts.
#[derive(Debug, Default)]
pub struct Catalogue {
    orgs: Vec<Org>,
    /// Active datasets per `owner_org` (what CKAN's SQL counts, and a sysadmin sees).
    active: HashMap<String, u64>,
    /// Active public datasets per `owner_org` (what an anonymous caller sees).
    public: HashMap<String, u64>,
}

impl Catalogue {
    /// CKAN's `Group.get`: by id, else by name.
    fn find(&self, reference: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.id() == reference)
            .or_else(|| self.orgs.iter().find(|o| o.name() == reference))
    }

    fn count(&self, org: &Org, labels: &Labels) -> u64 {
        let counts = if labels.is_some() {
            &self.public
        } else {
            &self.active
        };
        counts.get(org.id()).copied().unwrap_or(0)
    }
}

/// A searcher: its generation and that generation's commit.
type SearcherKey = (GenerationId, u64);

/// The catalogue, cached per searcher (a generation at one commit).
#[derive(Default)]
pub struct OrgCache {
    inner: Mutex<Option<(SearcherKey, Arc<Catalogue>)>>,
}

/// The live catalogue: cached, or read from the index (once per searcher, even when
/// several calls ask at the same time).
async fn catalogue(state: &AppState) -> Result<Arc<Catalogue>, CkanError> {
    let generation = state.live.get().ok_or(CkanError::Connection)?;
    let searcher = generation.searcher();
    let key = (generation.id, searcher.generation().generation_id());
    let cache = state.ckan.orgs.clone();
    let schema = state.schema.clone();
    let site_id = state.ckan.config.site_id.clone();
    tokio::task::spawn_blocking(move || {
        let mut cached = cache.inner.lock();
        if let Some((k, catalogue)) = cached.as_ref() {
            if *k == key {
                return Ok(catalogue.clone());
            }
        }
        let catalogue = Arc::new(read_catalogue(&searcher, &schema, &site_id)?);
        *cached = Some((key, catalogue.clone()));
        Ok(catalogue)
    })
    .await
    .map_err(|e| CkanError::Internal(e.to_string()))?
}

/// Reads every organisation the index knows of.
fn read_catalogue(
    searcher: &tantivy::Searcher,
    schema: &CkanSchema,
    site_id: &str,
) -> Result<Catalogue, CkanError> {
    let site = format!("+site_id:\"{}\"", site_id.replace('"', ""));
    let owners = |filters: &[&str]| -> Result<Vec<(String, u64)>, CkanError> {
        let mut pairs = vec![
            ("q", "*:*".to_string()),
            ("fq", site.clone()),
            ("rows", "0".into()),
            ("facet", "true".into()),
            ("facet.field", "owner_org".into()),
            ("facet.limit", "-1".into()),
            ("facet.mincount", "1".into()),
        ];
        pairs.extend(filters.iter().map(|f| ("fq", f.to_string())));
        let (result, _) = run(searcher, schema, &pairs)?;
        Ok(result
            .facets
            .and_then(|f| f.fields.into_iter().next())
            .map(|f| f.values)
            .unwrap_or_default())
    };
    let active: HashMap<String, u64> = owners(&["+state:active"])?.into_iter().collect();
    let public: HashMap<String, u64> =
        owners(&["+state:active", "+permission_labels:(\"public\")"])?
            .into_iter()
            .collect();

    let mut orgs: Vec<Org> = Vec::new();
    for (owner, _) in owners(&[])? {
        if let Some(org) = org_of_newest_dataset(searcher, schema, &site, &owner)? {
            orgs.push(org);
        }
    }
    for doc in organisation_documents(searcher, schema)? {
        merge_document(&mut orgs, &doc);
    }
    orgs.retain(|o| o.core.get("state").is_none_or(|s| s == "active"));
    Ok(Catalogue {
        orgs,
        active,
        public,
    })
}

/// The `organization` object of the most recently modified dataset owned by `owner`.
fn org_of_newest_dataset(
    searcher: &tantivy::Searcher,
    schema: &CkanSchema,
    site: &str,
    owner: &str,
) -> Result<Option<Org>, CkanError> {
    let pairs = [
        ("q", "*:*".to_string()),
        ("fq", site.to_string()),
        ("fq", format!("owner_org:{}", quote_term(owner))),
        ("sort", "metadata_modified desc".into()),
        ("rows", "1".into()),
        ("fl", "validated_data_dict".into()),
    ];
    let (_, docs) = run(searcher, schema, &pairs)?;
    let Some(text) = docs
        .first()
        .and_then(|d| d.get("validated_data_dict"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    let Ok(Value::Object(mut dict)) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    match dict.shift_remove("organization") {
        Some(Value::Object(core)) if core.get("id").and_then(Value::as_str) == Some(owner) => {
            Ok(Some(Org {
                core,
                extras: Vec::new(),
            }))
        }
        _ => Ok(None),
    }
}

/// data.gov.uk's organisation documents, with every stored field.
fn organisation_documents(
    searcher: &tantivy::Searcher,
    schema: &CkanSchema,
) -> Result<Vec<Map<String, Value>>, CkanError> {
    let pairs = [
        ("q", "*:*".to_string()),
        ("fq", format!("site_id:{ORG_SITE_PREFIX}*")),
        ("rows", searcher.num_docs().to_string()),
        ("fl", "*".into()),
    ];
    Ok(run(searcher, schema, &pairs)?.1)
}

/// Adds an organisation document: its extras complete the organisation of the same id;
/// an organisation known only from it gets CKAN's defaults for what it lacks.
fn merge_document(orgs: &mut Vec<Org>, doc: &Map<String, Value>) {
    let Some(id) = doc.get("id").and_then(Value::as_str) else {
        return;
    };
    let extras: Vec<(String, Value)> = doc
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("extras_")
                .map(|key| (key.to_string(), v.clone()))
        })
        .collect();
    if let Some(known) = orgs.iter_mut().find(|o| o.id() == id) {
        if known.extras.is_empty() {
            known.extras = extras;
        }
        return;
    }
    let field = |k: &str| doc.get(k).cloned().unwrap_or(Value::Null);
    let core = json!({
        "id": id,
        "name": field("name"),
        "title": field("title"),
        "type": "organization",
        "description": "",
        "image_url": "",
        "created": null,
        "is_organization": true,
        "approval_status": "approved",
        "state": "active",
    });
    if let Value::Object(core) = core {
        orgs.push(Org { core, extras });
    }
}

/// One search on `searcher`, with every hit's fields read through `fl`.
fn run(
    searcher: &tantivy::Searcher,
    schema: &CkanSchema,
    pairs: &[(&str, String)],
) -> Result<(SearchResult, Vec<Map<String, Value>>), CkanError> {
    let params = SolrParams::new(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
    let internal = |e: ckan_search_query::QueryError| CkanError::Internal(e.to_string());
    let request = SearchRequest::from_params(&params, chrono::Utc::now().timestamp_millis())
        .map_err(internal)?;
    let result = search(searcher, schema, &request).map_err(internal)?;
    let docs = result
        .hits
        .iter()
        .map(|hit| hit_fields(searcher, schema, &request.fl, hit).map_err(internal))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((result, docs))
}

// ---- organization_list ----------------------------------------------------------------

/// The `ORDER BY` of the SQL CKAN runs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SortField {
    Name,
    Title,
    PackageCount,
}

/// What an `organization_list` call asks for, read in `_group_or_org_list`'s order.
struct ListQuery {
    /// `type` (after `organization_list`'s default).
    group_type: Value,
    /// `organizations` (CKAN's `groups`): only these names.
    names: Option<Vec<Value>>,
    /// `q`, stripped.
    q: String,
    all_fields: bool,
    /// `None`: no `LIMIT` at all.
    limit: Option<usize>,
    offset: usize,
    field: SortField,
    descending: bool,
}

impl ListQuery {
    /// Reads and checks `data` (already with `groups` and `type` as `organization_list`
    /// sets them) with CKAN's errors, in CKAN's order.
    fn read(data: &DataDict, limits: ListLimits) -> Result<Self, CkanError> {
        validate_paging(data)?;
        let sort = match data.get("sort").filter(|v| truthy(v)) {
            Some(v) => v.clone(),
            None => json!("title"),
        };
        let q = match data.get("q") {
            None => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(other) => return Err(crash(format!("q.strip() on {other}"))),
        };
        let all_fields = asbool(data.get("all_fields"), false).map_err(crash)?;
        let max_limit = if all_fields {
            limits.all_fields_max
        } else {
            limits.max
        };
        let limit = effective_limit(data.get("limit"), max_limit)?;
        let offset = match data.get("offset").filter(|v| truthy(v)) {
            Some(v) => usize::try_from(python_int(v).unwrap_or(0)).unwrap_or(0),
            None => 0,
        };
        // `order_by` (deprecated) stands in for a missing `sort`.
        let sort = match data.get("order_by").filter(|v| truthy(v)) {
            Some(order_by) if !data.get("sort").is_some_and(truthy) => order_by.clone(),
            _ => sort,
        };
        let Value::String(sort) = sort else {
            return Err(crash(format!("sort.strip() on {sort}")));
        };
        let sort = if matches!(sort.trim(), "packages" | "package_count") {
            "package_count desc".to_string()
        } else {
            sort
        };
        let (field, descending) = unpick_sort(&sort)?;
        Ok(Self {
            group_type: data.get("type").cloned().unwrap_or(Value::Null),
            names: data
                .get("groups")
                .filter(|g| truthy(g))
                .map(|g| aslist(g, ',')),
            q,
            all_fields,
            limit,
            offset,
            field,
            descending,
        })
    }

    /// The page of organisations CKAN's SQL returns: filtered, sorted, offset, limited.
    fn select<'a>(&self, catalogue: &'a Catalogue) -> Vec<&'a Org> {
        let mut selected: Vec<&Org> = catalogue
            .orgs
            .iter()
            .filter(|o| o.core.get("type").unwrap_or(&Value::Null) == &self.group_type)
            // Sorting by count joins datasets: organisations without active ones drop out.
            .filter(|o| {
                self.field != SortField::PackageCount || catalogue.active.contains_key(o.id())
            })
            .filter(|o| {
                self.names
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| n.as_str() == Some(o.name())))
            })
            .filter(|o| {
                self.q.is_empty()
                    || ["name", "title", "description"]
                        .iter()
                        .any(|k| o.text(k).is_some_and(|text| ilike_contains(text, &self.q)))
            })
            .collect();
        selected.sort_by(|a, b| {
            let primary = match self.field {
                SortField::Name => a.name().cmp(b.name()),
                SortField::Title => nulls_last(a.text("title"), b.text("title"), self.descending),
                SortField::PackageCount => catalogue
                    .active
                    .get(a.id())
                    .cmp(&catalogue.active.get(b.id())),
            };
            let primary = if self.descending && self.field != SortField::Title {
                primary.reverse()
            } else {
                primary
            };
            primary.then_with(|| a.name().cmp(b.name()))
        });
        selected
            .into_iter()
            .skip(self.offset)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect()
    }
}

/// `organization_list`.
pub async fn organization_list(
    state: &AppState,
    mut data: DataDict,
    labels: &Labels,
    limits: ListLimits,
    site_url: &str,
) -> Result<Value, CkanError> {
    // `organization_list` itself: `organizations` becomes `groups`; `type` defaults.
    let groups = data.shift_remove("organizations").unwrap_or(json!([]));
    data.insert("groups".into(), groups);
    if !data.contains_key("type") {
        data.insert("type".into(), json!("organization"));
    }
    let query = ListQuery::read(&data, limits)?;
    let catalogue = catalogue(state).await?;
    let page: Vec<Org> = query.select(&catalogue).into_iter().cloned().collect();
    if !query.all_fields {
        return Ok(Value::Array(
            page.iter()
                .map(|o| o.core.get("name").cloned().unwrap_or(Value::Null))
                .collect(),
        ));
    }
    // Each organisation as `organization_show` gives it, with the include_* keys the
    // caller did not send turned off.
    for key in [
        "include_extras",
        "include_users",
        "include_groups",
        "include_followers",
    ] {
        data.entry(key).or_insert(json!(false));
    }
    let mut out = Vec::with_capacity(page.len());
    for org in &page {
        data.insert("id".into(), json!(org.id()));
        let options = ShowOptions::read(&data, state.ckan.config.strip_pii)?;
        out.push(show_dict(state, &catalogue, org, &options, labels, site_url).await?);
    }
    Ok(Value::Array(out))
}

/// The 500 CKAN answers where its code raises an exception it does not catch.
fn crash(detail: impl Into<String>) -> CkanError {
    CkanError::Internal(detail.into())
}

/// `default_pagination_schema`, checked when `limit` or `offset` is truthy.
fn validate_paging(data: &DataDict) -> Result<(), CkanError> {
    let given = |k: &str| data.get(k).is_some_and(truthy);
    if !given("limit") && !given("offset") {
        return Ok(());
    }
    let mut errors = Vec::new();
    for key in ["limit", "offset"] {
        let Some(value) = data.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        match int_validator(value) {
            Err(message) => errors.push((key.to_string(), vec![message])),
            // `natural_number_validator` compares None with 0: a TypeError.
            Ok(None) => return Err(crash(format!("{key}: a blank value"))),
            Ok(Some(n)) if n < 0 => {
                errors.push((key.to_string(), vec!["Must be a natural number".into()]))
            }
            Ok(Some(_)) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CkanError::Validation(errors))
    }
}

/// The `LIMIT` CKAN's query gets: `None` for none at all (a falsy `limit` such as `0`).
fn effective_limit(raw: Option<&Value>, max: usize) -> Result<Option<usize>, CkanError> {
    let raw = match raw {
        None | Some(Value::Null) => return Ok(Some(max)),
        Some(v) => v,
    };
    let n = python_int(raw).ok_or_else(|| crash(format!("int({raw})")))?;
    if n > i64::try_from(max).unwrap_or(i64::MAX) {
        Ok(Some(max))
    } else if truthy(raw) {
        Ok(Some(usize::try_from(n).unwrap_or(0)))
    } else {
        Ok(None)
    }
}

/// `_unpick_search(sort, allowed_fields, total=1)`: the one sort field and whether it is
/// descending.
fn unpick_sort(sort: &str) -> Result<(SortField, bool), CkanError> {
    let mut sorts = Vec::new();
    for part in sort.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some(field) = words.first() else {
            return Err(crash(format!("sort part {part:?} is empty")));
        };
        let order = words.get(1).map_or("asc".to_string(), |o| o.to_lowercase());
        if !SORT_FIELDS.contains(field) {
            return Err(CkanError::ValidationMessage(format!(
                "Cannot sort by field `{field}`"
            )));
        }
        if order != "asc" && order != "desc" {
            return Err(CkanError::ValidationMessage(format!(
                "Invalid sort direction `{order}`"
            )));
        }
        sorts.push((field.to_string(), order == "desc"));
    }
    if sorts.len() > 1 {
        return Err(CkanError::ValidationMessage(
            "Too many sort criteria provided only 1 allowed".into(),
        ));
    }
    let (field, descending) = sorts.remove(0);
    let field = match field.as_str() {
        "name" => SortField::Name,
        "title" => SortField::Title,
        "package_count" => SortField::PackageCount,
        // `packages` with a direction orders by an aggregate without GROUP BY: the
        // database refuses it.
        _ => return Err(crash("ORDER BY count(group.id) without GROUP BY")),
    };
    Ok((field, descending))
}

/// PostgreSQL's order of a nullable text column: NULLs last ascending, first descending.
fn nulls_last(a: Option<&str>, b: Option<&str>, descending: bool) -> Ordering {
    let ordering = match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    };
    if descending {
        ordering.reverse()
    } else {
        ordering
    }
}

/// `text ILIKE '%q%'`: `%` matches any run, `_` any one character, `\` escapes; case is
/// folded.
fn ilike_contains(text: &str, q: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Any,
        One,
        Lit(char),
    }
    let mut pattern = vec![Tok::Any];
    let mut chars = q.chars().flat_map(char::to_lowercase);
    while let Some(c) = chars.next() {
        pattern.push(match c {
            '%' => Tok::Any,
            '_' => Tok::One,
            '\\' => match chars.next() {
                Some(escaped) => Tok::Lit(escaped),
                // PostgreSQL refuses a pattern ending in the escape character; matching
                // nothing is the closest answer that is not an error page.
                None => return false,
            },
            c => Tok::Lit(c),
        });
    }
    pattern.push(Tok::Any);
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // matches[j]: the pattern so far can end just before text[j].
    let mut matches = vec![false; text.len() + 1];
    matches[0] = true;
    for tok in &pattern {
        let mut next = vec![false; text.len() + 1];
        match tok {
            Tok::Any => {
                let mut reachable = false;
                for j in 0..=text.len() {
                    reachable |= matches[j];
                    next[j] = reachable;
                }
            }
            Tok::One => {
                next[1..].copy_from_slice(&matches[..text.len()]);
            }
            Tok::Lit(c) => {
                for j in 0..text.len() {
                    next[j + 1] = matches[j] && text[j] == *c;
                }
            }
        }
        matches = next;
    }
    matches[text.len()]
}

// ---- organization_show ----------------------------------------------------------------

/// The include_* options of `_group_or_org_show`.
#[derive(Debug, Clone, PartialEq)]
struct ShowOptions {
    datasets: bool,
    dataset_count: bool,
    users: bool,
    groups: bool,
    extras: bool,
    followers: bool,
    member_count: bool,
}

impl ShowOptions {
    /// Reads them as CKAN does: `include_datasets` and `include_dataset_count` outside its
    /// `try` (an unreadable one is a 500), the others inside ("Parameter is not an bool").
    fn read(data: &DataDict, strip_pii: bool) -> Result<Self, CkanError> {
        let outside = |key: &str, default: bool| {
            asbool(data.get(key), default).map_err(|e| crash(format!("{key}: {e}")))
        };
        let inside = |key: &str, default: bool| {
            asbool(data.get(key), default)
                .map_err(|_| CkanError::ValidationMessage("Parameter is not an bool".into()))
        };
        let datasets = outside("include_datasets", false)?;
        let dataset_count = outside("include_dataset_count", true)?;
        // ckan.auth.public_user_details defaults to true; data.gov.uk forces users off.
        let users = inside("include_users", true)? && !strip_pii;
        Ok(Self {
            datasets,
            dataset_count,
            users,
            groups: inside("include_groups", true)?,
            extras: inside("include_extras", true)?,
            followers: inside("include_followers", true)?,
            member_count: inside("include_member_count", false)?,
        })
    }
}

/// `organization_show`.
pub async fn organization_show(
    state: &AppState,
    data: &DataDict,
    labels: &Labels,
    site_url: &str,
) -> Result<Value, CkanError> {
    let reference = match data.get("id") {
        None => return Err(CkanError::field("id", "Missing value")),
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Null) => None,
        // The database refuses to compare its text ids with anything else.
        Some(other) => return Err(crash(format!("Group.get({other})"))),
    };
    let catalogue = catalogue(state).await?;
    let org = reference.and_then(|r| catalogue.find(r)).cloned();
    let options = ShowOptions::read(data, state.ckan.config.strip_pii)?;
    let org = org.ok_or(CkanError::NotFound(String::new()))?;
    show_dict(state, &catalogue, &org, &options, labels, site_url).await
}

/// `group_dictize` + `_group_or_org_show` for one organisation, in CKAN's key order.
async fn show_dict(
    state: &AppState,
    catalogue: &Catalogue,
    org: &Org,
    options: &ShowOptions,
    labels: &Labels,
    site_url: &str,
) -> Result<Value, CkanError> {
    let mut dict = org.core.clone();
    let display_name = match dict.get("title") {
        Some(title) if truthy(title) => title.clone(),
        _ => dict.get("name").cloned().unwrap_or(Value::Null),
    };
    dict.insert("display_name".into(), display_name);
    if options.extras {
        let extras: Vec<Value> = org
            .extras
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        dict.insert("extras".into(), Value::Array(extras));
    }
    if options.datasets {
        let (count, packages) = datasets_of(state, org, labels).await?;
        dict.insert("packages".into(), Value::Array(packages));
        dict.insert("package_count".into(), json!(count));
    } else if options.dataset_count {
        dict.insert("package_count".into(), json!(catalogue.count(org, labels)));
    }
    if options.groups {
        dict.insert("groups".into(), json!([]));
    }
    if options.users {
        dict.insert("users".into(), json!([]));
    }
    if options.member_count {
        dict.insert("member_count".into(), json!(0));
    }
    let image_url = dict.get("image_url").and_then(Value::as_str).unwrap_or("");
    let image_display_url = if image_url.is_empty() || image_url.starts_with("http") {
        json!(image_url)
    } else {
        json!(format!(
            "{}/uploads/group/{image_url}",
            site_url.trim_end_matches('/')
        ))
    };
    dict.insert("image_display_url".into(), image_display_url);
    dict.insert("num_followers".into(), json!(0));
    let mut shown = Value::Object(validated_order(dict));
    if state.ckan.config.strip_pii {
        strip_top_level_pii(&mut shown);
    }
    Ok(shown)
}

/// `include_datasets`: the count and first page of `package_search` for the
/// organisation, as the caller may see them (CKAN asks with `include_private` for
/// members, which here means a sysadmin).
async fn datasets_of(
    state: &AppState,
    org: &Org,
    labels: &Labels,
) -> Result<(u64, Vec<Value>), CkanError> {
    let config = &state.ckan.config;
    let input = PackageSearchInput {
        fq: Some(format!("+owner_org:\"{}\"", org.id())),
        facet: Some("false".into()),
        rows: 10.min(config.rows_max),
        include_private: labels.is_none(),
        ..Default::default()
    };
    let result = package_search::run(state, config, &input, labels).await?;
    let count = result.get("count").and_then(Value::as_u64).unwrap_or(0);
    let packages = match result.get("results") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    Ok((count, packages))
}

/// The key order CKAN's validation of a shown group leaves (navl's `unflatten` sorts the
/// flattened keys by length, then value): plain keys sorted; then the non-empty lists of
/// dicts among [`LIST_KEYS`] sorted, each item's keys sorted; then the empty lists, which
/// validation drops and puts back at the end in the order they were added.
fn validated_order(dict: Map<String, Value>) -> Map<String, Value> {
    let mut plain: Vec<(String, Value)> = Vec::new();
    let mut lists: Vec<(String, Value)> = Vec::new();
    let mut empty: Vec<(String, Value)> = Vec::new();
    for (key, value) in dict {
        let flattened = LIST_KEYS.contains(&key.as_str())
            && value
                .as_array()
                .is_some_and(|items| items.first().is_none_or(Value::is_object));
        if !flattened {
            plain.push((key, value));
        } else if value.as_array().is_some_and(Vec::is_empty) {
            empty.push((key, value));
        } else {
            let items = value
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| match item {
                    Value::Object(m) => Value::Object(sorted(m.clone())),
                    other => other.clone(),
                })
                .collect();
            lists.push((key, Value::Array(items)));
        }
    }
    plain.sort_by(|a, b| a.0.cmp(&b.0));
    lists.sort_by(|a, b| a.0.cmp(&b.0));
    plain.into_iter().chain(lists).chain(empty).collect()
}

fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(v: Value) -> DataDict {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn paging_is_validated_as_ckan_validates_it() {
        assert_eq!(
            validate_paging(&data(json!({"limit": 0, "offset": "x"}))),
            {
                Err(CkanError::Validation(vec![(
                    "offset".into(),
                    vec!["Invalid integer".into()],
                )]))
            }
        );
        assert_eq!(
            validate_paging(&data(json!({"limit": "x", "offset": "-1"}))),
            Err(CkanError::Validation(vec![
                ("limit".into(), vec!["Invalid integer".into()]),
                ("offset".into(), vec!["Must be a natural number".into()]),
            ]))
        );
        assert_eq!(
            validate_paging(&data(json!({"limit": "", "offset": 0}))),
            Ok(())
        );
        assert!(matches!(
            validate_paging(&data(json!({"limit": "5", "offset": ""}))),
            Err(CkanError::Internal(_))
        ));
        assert_eq!(effective_limit(None, 1000), Ok(Some(1000)));
        assert_eq!(effective_limit(Some(&json!("5000")), 1000), Ok(Some(1000)));
        assert_eq!(effective_limit(Some(&json!("0")), 1000), Ok(Some(0)));
        assert_eq!(effective_limit(Some(&json!(0)), 1000), Ok(None));
        assert_eq!(effective_limit(Some(&json!(" 2 ")), 1000), Ok(Some(2)));
        assert!(effective_limit(Some(&json!("")), 1000).is_err());
    }

    #[test]
    fn sorts_are_unpicked_with_ckans_messages() {
        assert_eq!(unpick_sort("title"), Ok((SortField::Title, false)));
        assert_eq!(unpick_sort(" name DESC "), Ok((SortField::Name, true)));
        assert_eq!(
            unpick_sort("package_count desc"),
            Ok((SortField::PackageCount, true))
        );
        assert_eq!(
            unpick_sort("foo"),
            Err(CkanError::ValidationMessage(
                "Cannot sort by field `foo`".into()
            ))
        );
        assert_eq!(
            unpick_sort("name up"),
            Err(CkanError::ValidationMessage(
                "Invalid sort direction `up`".into()
            ))
        );
        assert_eq!(
            unpick_sort("name,title"),
            Err(CkanError::ValidationMessage(
                "Too many sort criteria provided only 1 allowed".into()
            ))
        );
        assert!(matches!(
            unpick_sort("packages asc"),
            Err(CkanError::Internal(_))
        ));
        assert!(matches!(unpick_sort(" , "), Err(CkanError::Internal(_))));
    }

    #[test]
    fn like_patterns_match_as_postgresql_ilike() {
        assert!(ilike_contains("A Title", "title"));
        assert!(ilike_contains("e2e-org", "e_e"));
        assert!(ilike_contains("anything", ""));
        assert!(ilike_contains("100% sure", "0\\%"));
        assert!(!ilike_contains("100 sure", "0\\%"));
        assert!(ilike_contains("abcdef", "b%e"));
        assert!(!ilike_contains("abc", "abcd"));
        assert!(!ilike_contains("abc", "a\\"));
    }

    #[test]
    fn shown_keys_follow_ckans_validation_order() {
        let dict: Map<String, Value> = data(json!({
            "id": "1", "name": "n", "title": "T", "type": "organization",
            "display_name": "T",
            "extras": [],
            "packages": [{"title": "p", "author": null, "resources": [{"url": "u", "id": "r"}]}],
            "package_count": 1, "groups": [], "users": [],
            "image_display_url": "", "num_followers": 0,
        }));
        let ordered = validated_order(dict);
        let keys: Vec<&str> = ordered.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![
                "display_name",
                "id",
                "image_display_url",
                "name",
                "num_followers",
                "package_count",
                "title",
                "type",
                "packages",
                "extras",
                "groups",
                "users"
            ]
        );
        assert_eq!(
            Value::Object(ordered["packages"][0].as_object().cloned().unwrap()),
            json!({"author": null, "resources": [{"url": "u", "id": "r"}], "title": "p"})
        );
        let keys: Vec<String> = ordered["packages"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, vec!["author", "resources", "title"]);
    }

    #[test]
    fn organisation_documents_complete_or_add_organisations() {
        let mut orgs = vec![Org {
            core: data(json!({"id": "a", "name": "org-a", "title": "A", "state": "active"})),
            extras: Vec::new(),
        }];
        merge_document(
            &mut orgs,
            &data(json!({"id": "a", "name": "org-a", "extras_foi-name": "F"})),
        );
        merge_document(
            &mut orgs,
            &data(json!({"id": "b", "name": "org-b", "title": "B", "extras_contact-email": "c@x"})),
        );
        merge_document(&mut orgs, &data(json!({"name": "no-id"})));
        assert_eq!(orgs.len(), 2);
        assert_eq!(orgs[0].extras, vec![("foi-name".to_string(), json!("F"))]);
        assert_eq!(orgs[1].name(), "org-b");
        assert_eq!(orgs[1].core["type"], json!("organization"));
        assert_eq!(orgs[1].core["created"], Value::Null);
        assert_eq!(
            orgs[1].extras,
            vec![("contact-email".to_string(), json!("c@x"))]
        );
    }
}
