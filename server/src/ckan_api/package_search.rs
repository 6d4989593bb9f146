//! `package_search`, as CKAN 2.12's action (`ckan/logic/action/get.py`) and
//! `PackageSearchQuery.run` (`ckan/lib/search/query.py`) do it: the validated input becomes
//! exactly the Solr request CKAN would send, which runs on the live generation; its answer
//! is shaped into CKAN's result (`count`, `facets`, `results`, `sort`, `search_facets`).

use ckan_search_query::SolrParams;
use serde_json::{json, Map, Value};

use super::error::{solr_error_message, CkanError};
use super::facet_titles;
use super::python::{repr_str, repr_value, str_value};
use super::validate::PackageSearchInput;
use super::CkanApiConfig;
use crate::error::ApiError;
use crate::execute::execute_with_docs;
use crate::state::AppState;

/// The parameters CKAN lets through to Solr (`VALID_SOLR_PARAMETERS`).
pub(super) const VALID_SOLR_PARAMETERS: [&str; 20] = [
    "q",
    "fl",
    "fq",
    "rows",
    "sort",
    "start",
    "wt",
    "qf",
    "bf",
    "boost",
    "facet",
    "facet.mincount",
    "facet.limit",
    "facet.field",
    "extras",
    "fq_list",
    "tie",
    "defType",
    "mm",
    "df",
];

/// CKAN's default `qf` (`QUERY_FIELDS`).
const QUERY_FIELDS: &str = "name^4 title^4 tags^2 groups^2 text";

/// The Solr request for one `package_search` call, and what shaping its answer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SolrRequest {
    /// The parameters as CKAN's pysolr sends them (lists as repeated keys).
    pub params: SolrParams,
    /// The same as the Python dict CKAN logs and quotes in its error messages.
    pub dict: Map<String, Value>,
    /// Rows the caller asked for (CKAN asks Solr for one more and drops it).
    pub rows: usize,
    /// `fl` as the caller gave it, when given.
    pub result_fl: Option<Vec<String>>,
    /// `validated_data_dict` or `data_dict`.
    pub data_source: &'static str,
    /// The sort reported back.
    pub sort: String,
}

/// Whose datasets the caller may see: `None` = everything (a sysadmin), else the
/// permission labels a dataset must carry one of (anonymous: `public`).
pub type Labels = Option<Vec<String>>;

/// Builds the Solr request CKAN sends for `input`.
pub fn solr_request(
    input: &PackageSearchInput,
    config: &CkanApiConfig,
    labels: &Labels,
) -> Result<SolrRequest, CkanError> {
    let data_source = if input.use_default_schema {
        "data_dict"
    } else {
        "validated_data_dict"
    };
    let sort = match input.sort.as_deref() {
        None | Some("rank") => config.default_sort.clone(),
        Some(s) => s.to_string(),
    };
    let fl = match &input.fl {
        Some(list) if !list.is_empty() => list.join(" "),
        _ => format!("id {data_source}"),
    };
    let mut fq = input.fq.clone().unwrap_or_default();
    if !input.include_private {
        fq = format!("+capacity:public {fq}");
    }
    if !fq.contains("+state") {
        let mut states = vec!["active"];
        if input.include_drafts {
            states.push("draft");
        }
        if input.include_deleted {
            states.push("deleted");
        }
        fq.push_str(&format!(" +state:({})", states.join(" OR ")));
    }

    // The dict handed to `run()`, in CKAN's key order (it shows in Solr error messages):
    // the schema's keys present, sorted by name as navl's validation leaves them (`rows`
    // always, by its default), then the other keys as received, then what the action adds.
    let mut dict = Map::new();
    let schema_keys: [(&str, Option<Value>); 11] = [
        ("facet", input.facet.as_ref().map(|f| json!(f))),
        ("facet.field", input.facet_field.as_ref().map(|f| json!(f))),
        ("facet.limit", input.facet_limit.map(|n| json!(n))),
        ("facet.mincount", input.facet_mincount.map(|n| json!(n))),
        ("fl", input.fl.as_ref().map(|_| json!(fl))),
        ("fq", input.fq.as_ref().map(|_| json!(fq))),
        ("q", input.q.as_ref().map(|q| json!(q))),
        ("qf", input.qf.as_ref().map(|qf| json!(qf))),
        ("rows", Some(json!(input.rows))),
        ("sort", input.sort.as_ref().map(|_| json!(sort))),
        ("start", input.start.map(|n| json!(n))),
    ];
    for (k, v) in schema_keys {
        if let Some(v) = v {
            dict.insert(k.to_string(), v);
        }
    }
    for (k, v) in &input.passthrough {
        dict.insert(k.clone(), v.clone());
    }
    // Keys already present keep their place (a Python dict's assignment).
    dict.insert("df".into(), json!("text"));
    dict.insert("sort".into(), json!(sort));
    dict.insert("fl".into(), json!(fl));
    dict.insert("fq".into(), json!(fq));

    let invalid: Vec<&String> = dict
        .keys()
        .filter(|k| !VALID_SOLR_PARAMETERS.contains(&k.as_str()))
        .collect();
    if !invalid.is_empty() {
        let list: Vec<String> = invalid.iter().map(|k| repr_str(k)).collect();
        return Err(CkanError::SearchQuery(format!(
            "Invalid search parameters: [{}]",
            list.join(", ")
        )));
    }

    // `run()`.
    let q = match dict.get("q").and_then(Value::as_str) {
        None | Some("") | Some("\"\"") | Some("''") => "*:*".to_string(),
        Some(q) => q.to_string(),
    };
    dict.insert("q".into(), json!(q));
    let rows = input.rows;
    dict.insert("rows".into(), json!(if rows > 0 { rows + 1 } else { rows }));
    let mut filters = vec![fq];
    match dict.get("fq_list") {
        Some(Value::Array(items)) => filters.extend(items.iter().map(str_value)),
        Some(Value::Null) | None => {}
        // CKAN would iterate a string's characters here; one filter is what was meant.
        Some(other) => filters.push(str_value(other)),
    }
    filters.push(format!("+site_id:{}", solr_literal(&config.site_id)));
    if !filters.iter().any(|f| f.contains("+state:")) {
        filters.push("+state:active".into());
    }
    if let Some(labels) = labels {
        let quoted: Vec<String> = labels.iter().map(|l| solr_literal(l)).collect();
        filters.push(format!("+permission_labels:({})", quoted.join(" OR ")));
    }
    dict.insert("fq".into(), json!(filters));
    dict.entry("facet").or_insert(json!("true"));
    dict.entry("facet.limit")
        .or_insert(json!(config.facets_limit));
    dict.entry("facet.mincount").or_insert(json!(1));
    dict.entry("wt").or_insert(json!("json"));
    let def_type = dict
        .get("defType")
        .map(str_value)
        .unwrap_or_else(|| "dismax".into());
    if !q.contains(':') || def_type == "edismax" {
        dict.insert("defType".into(), json!(def_type));
        dict.entry("tie").or_insert(json!("0.1"));
        dict.entry("mm").or_insert(json!("2<-1 5<80%"));
        dict.entry("qf").or_insert(json!(QUERY_FIELDS));
    }
    dict.entry("df").or_insert(json!("text"));
    dict.entry("q.op").or_insert(json!("AND"));

    for (param, value) in &dict {
        match value {
            Value::String(s) => check_query_parser(param, s, config)?,
            Value::Array(items) => {
                for item in items.iter().filter_map(Value::as_str) {
                    check_query_parser(param, item, config)?;
                }
            }
            _ => {}
        }
    }

    Ok(SolrRequest {
        params: to_params(&dict),
        dict,
        rows,
        result_fl: input.fl.clone().filter(|fl| !fl.is_empty()),
        data_source,
        sort,
    })
}

/// `solr_literal`: the value in double quotes, inner double quotes dropped.
fn solr_literal(t: &str) -> String {
    format!("\"{}\"", t.replace('"', ""))
}

/// pysolr's encoding: a list sends its key once per item; other values as Python's `str`.
fn to_params(dict: &Map<String, Value>) -> SolrParams {
    let mut pairs = Vec::new();
    for (k, v) in dict {
        match v {
            Value::Array(items) => pairs.extend(items.iter().map(|i| (k.clone(), str_value(i)))),
            Value::Null => {}
            other => pairs.push((k.clone(), str_value(other))),
        }
    }
    SolrParams::new(pairs)
}

/// CKAN's guard on local parameters and magic fields (`_check_query_parser`).
fn check_query_parser(param: &str, value: &str, config: &CkanApiConfig) -> Result<(), CkanError> {
    let value = value.trim();
    if has_magic_field(value) {
        return Err(CkanError::Search(format!(
            "Magic fields are not supported in param '{param}'."
        )));
    }
    let openings = local_param_openings(value);
    if openings == 0 {
        return Ok(());
    }
    if openings > 1 {
        return Err(CkanError::Search(format!(
            "Query parsers are not supported in param '{param}'."
        )));
    }
    if !value.starts_with("{!") {
        return Err(CkanError::Search(format!(
            "Local parameters must be defined at the beginning of param '{param}'."
        )));
    }
    let parser = local_query_parser(value)?;
    if !config.allowed_query_parsers.contains(&parser) {
        return Err(CkanError::Search(format!(
            "Local parameters are not supported in param '{param}'."
        )));
    }
    Ok(())
}

/// Counts `{!` openings not escaped by a backslash (CKAN's `QUERY_PARSER_RE`).
fn local_param_openings(value: &str) -> usize {
    let bytes = value.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' && bytes[i + 1] == b'!' {
            let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
            if backslashes % 2 == 0 {
                count += 1;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    count
}

/// `_query_:` or `_val_:` as a field (CKAN's `MAGIC_FIELD_RE`, backslash-obfuscated forms
/// included).
fn has_magic_field(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    for start in 0..chars.len() {
        // Not preceded by a word character or a backslash.
        if start > 0 {
            let prev = chars[start - 1];
            if prev.is_alphanumeric() || prev == '_' || prev == '\\' {
                continue;
            }
        }
        let mut i = start;
        if chars.get(i) == Some(&'\\') {
            i += 1;
        }
        if chars.get(i) != Some(&'_') {
            continue;
        }
        i += 1;
        for word in ["query", "val"] {
            let mut j = i;
            let mut ok = true;
            for expected in word.chars() {
                if chars.get(j) == Some(&'\\') {
                    j += 1;
                }
                if chars.get(j) == Some(&expected) {
                    j += 1;
                } else {
                    ok = false;
                    break;
                }
            }
            if !ok {
                continue;
            }
            if chars.get(j) == Some(&'\\') {
                j += 1;
            }
            if chars.get(j) != Some(&'_') {
                continue;
            }
            j += 1;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            if chars.get(j) == Some(&':') {
                return true;
            }
        }
    }
    false
}

/// The parser a leading `{!…}` names: `{!name …}` or `{!type=name …}`.
fn local_query_parser(value: &str) -> Result<String, CkanError> {
    let unparsable = |why: &str| {
        CkanError::SearchQuery(format!("Could not parse incoming local parameters: {why}"))
    };
    let end = value
        .rfind('}')
        .ok_or_else(|| unparsable("substring not found"))?;
    let body = &value[2..end];
    let mut first: Option<String> = None;
    let mut type_value: Option<String> = None;
    for (i, part) in body.split_whitespace().enumerate() {
        let (key, val) = match part.split_once('=') {
            Some((k, v)) => (k, Some(v.trim_matches(|c| c == '"' || c == '\''))),
            None => (part, None),
        };
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(unparsable(&format!(
                "Expected W:(0-9A-Z_a-z.), found {part:?}"
            )));
        }
        if i == 0 && val.is_none() {
            first = Some(key.to_string());
        }
        if key == "type" {
            if let Some(v) = val {
                type_value.get_or_insert_with(|| v.to_string());
            }
        }
    }
    if body.trim().is_empty() {
        return Err(unparsable("Expected W:(0-9A-Z_a-z.), found end of text"));
    }
    Ok(first.or(type_value).unwrap_or_default())
}

/// Runs `package_search` for a validated input and returns CKAN's `result` object.
pub async fn run(
    state: &AppState,
    config: &CkanApiConfig,
    input: &PackageSearchInput,
    labels: &Labels,
) -> Result<Value, CkanError> {
    let request = solr_request(input, config, labels)?;
    let (executed, docs) = execute_with_docs(state, &state.core, &request.params)
        .await
        .map_err(|e| solr_failure(&request, e))?;
    Ok(Value::Object(shape(state, &request, &executed, docs).await))
}

/// CKAN's `result` object for one answered request: `count`, `facets`, `results`, `sort`,
/// `search_facets`, in that order.
pub(super) async fn shape(
    state: &AppState,
    request: &SolrRequest,
    executed: &crate::execute::Executed,
    docs: Vec<Map<String, Value>>,
) -> Map<String, Value> {
    let facets = facet_dict(executed);
    let results = results(request, docs);
    let search_facets = facet_titles::search_facets(state, executed, &facets).await;
    let mut result = Map::new();
    result.insert("count".into(), json!(executed.result.num_found));
    result.insert("facets".into(), Value::Object(facets));
    result.insert("results".into(), Value::Array(results));
    result.insert("sort".into(), json!(request.sort));
    result.insert("search_facets".into(), search_facets);
    result
}

/// What CKAN turns a Solr error into.
fn solr_failure(request: &SolrRequest, e: ApiError) -> CkanError {
    let message = &e.message;
    if e.status == axum::http::StatusCode::SERVICE_UNAVAILABLE {
        return CkanError::Connection;
    }
    if message.contains("Can't determine a Sort Order")
        || message.contains("Can't determine Sort Order")
        || message.contains("Unknown sort order")
    {
        return CkanError::SearchQuery("Invalid \"sort\" parameter".into());
    }
    CkanError::Search(solr_error_message(
        &repr_value(&Value::Object(request.dict.clone())),
        e.status.as_u16(),
        message,
    ))
}

/// `facets`: `{field: {value: count}}` in Solr's order.
fn facet_dict(executed: &crate::execute::Executed) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(facets) = &executed.result.facets {
        for field in &facets.fields {
            let values: Map<String, Value> = field
                .values
                .iter()
                .map(|(v, n)| (v.clone(), json!(n)))
                .collect();
            out.insert(field.key.clone(), Value::Object(values));
        }
    }
    out
}

/// The `results` list: stored dataset dicts, or (with `fl`) the raw fields with
/// `extras_*` folded in as CKAN folds them.
fn results(request: &SolrRequest, docs: Vec<Map<String, Value>>) -> Vec<Value> {
    let solr_fl = request.dict.get("fl").and_then(Value::as_str).unwrap_or("");
    let bare = solr_fl == "id" || solr_fl == "name";
    let mut out = Vec::with_capacity(docs.len().min(request.rows));
    for doc in docs.into_iter().take(request.rows) {
        match &request.result_fl {
            Some(result_fl) => {
                let mut doc = fold_extras(doc);
                if bare {
                    // `run()` returned the bare value; the action wraps it again.
                    let value = doc.remove(solr_fl).unwrap_or(Value::Null);
                    let mut wrapped = Map::new();
                    wrapped.insert(result_fl[0].clone(), value);
                    out.push(Value::Object(wrapped));
                    continue;
                }
                let extras = match doc.remove("extras") {
                    Some(Value::Object(extras)) => extras,
                    _ => Map::new(),
                };
                for (k, v) in extras {
                    doc.insert(k, v);
                }
                out.push(Value::Object(doc));
            }
            None => match doc.get(request.data_source).and_then(Value::as_str) {
                Some(text) => match serde_json::from_str::<Value>(text) {
                    Ok(dict) => out.push(dict),
                    Err(e) => {
                        tracing::error!(error = %e, "stored {} is not JSON", request.data_source)
                    }
                },
                None => tracing::error!(
                    id = %doc.get("id").map(str_value).unwrap_or_default(),
                    "No package_dict is coming from solr for package"
                ),
            },
        }
    }
    out
}

/// `extras_<key>` fields moved into an `extras` dict at the end (added to every document,
/// as CKAN does under Python 3).
pub fn fold_extras(doc: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::with_capacity(doc.len() + 1);
    let mut extras = Map::new();
    for (k, v) in doc {
        match k.strip_prefix("extras_") {
            Some(key) => {
                extras.insert(key.to_string(), v);
            }
            None => {
                out.insert(k, v);
            }
        }
    }
    out.insert("extras".into(), Value::Object(extras));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CkanApiConfig {
        CkanApiConfig::default()
    }

    fn params(input: PackageSearchInput, labels: Labels) -> Vec<(String, String)> {
        solr_request(&input, &config(), &labels).unwrap().params.0
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn anonymous_keyword_search_is_ckans_request() {
        // ckan-solr-contract.md §3.2: what CKAN sends for an anonymous `q=flood&rows=10`.
        let input = PackageSearchInput {
            q: Some("flood".into()),
            rows: 10,
            ..Default::default()
        };
        assert_eq!(
            params(input, Some(vec!["public".into()])),
            pairs(&[
                ("q", "flood"),
                ("rows", "11"),
                ("df", "text"),
                ("sort", "score desc, metadata_modified desc"),
                ("fl", "id validated_data_dict"),
                ("fq", "+capacity:public  +state:(active)"),
                ("fq", "+site_id:\"default\""),
                ("fq", "+permission_labels:(\"public\")"),
                ("facet", "true"),
                ("facet.limit", "50"),
                ("facet.mincount", "1"),
                ("wt", "json"),
                ("defType", "dismax"),
                ("tie", "0.1"),
                ("mm", "2<-1 5<80%"),
                ("qf", "name^4 title^4 tags^2 groups^2 text"),
                ("q.op", "AND"),
            ])
        );
    }

    #[test]
    fn fielded_query_uses_the_lucene_parser_and_private_drafts_widen_state() {
        let input = PackageSearchInput {
            q: Some("tags:economy".into()),
            fl: Some(vec!["name".into()]),
            rows: 0,
            include_private: true,
            include_drafts: true,
            ..Default::default()
        };
        let p = params(input, None);
        assert!(p.contains(&("fq".into(), " +state:(active OR draft)".into())));
        assert!(p.contains(&("rows".into(), "0".into())));
        assert!(p.contains(&("fl".into(), "name".into())));
        assert!(!p.iter().any(|(k, _)| k == "defType" || k == "qf"));
        assert!(!p.iter().any(|(_, v)| v.contains("permission_labels")));
    }

    #[test]
    fn explicit_state_filter_is_kept() {
        let input = PackageSearchInput {
            fq: Some("+state:deleted".into()),
            rows: 10,
            ..Default::default()
        };
        let p = params(input, None);
        let fqs: Vec<&str> = p
            .iter()
            .filter(|(k, _)| k == "fq")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            fqs,
            vec!["+capacity:public +state:deleted", "+site_id:\"default\""]
        );
    }

    #[test]
    fn unknown_parameters_and_local_params_are_refused_as_ckan_does() {
        let input = PackageSearchInput {
            passthrough: vec![("q.op".into(), json!("OR"))],
            ..Default::default()
        };
        assert_eq!(
            solr_request(&input, &config(), &None),
            Err(CkanError::SearchQuery(
                "Invalid search parameters: ['q.op']".into()
            ))
        );
        let with_q = |q: &str| PackageSearchInput {
            q: Some(q.into()),
            ..Default::default()
        };
        assert_eq!(
            solr_request(&with_q("{!bool must=bees}"), &config(), &None),
            Err(CkanError::Search(
                "Local parameters are not supported in param 'q'.".into()
            ))
        );
        assert_eq!(
            solr_request(&with_q("title:x _query_:\"{!dismax}y\""), &config(), &None),
            Err(CkanError::Search(
                "Magic fields are not supported in param 'q'.".into()
            ))
        );
        assert_eq!(
            solr_request(&with_q("a {!dismax}b"), &config(), &None),
            Err(CkanError::Search(
                "Local parameters must be defined at the beginning of param 'q'.".into()
            ))
        );
        assert_eq!(
            solr_request(&with_q("{!dismax}a {!lucene}b"), &config(), &None),
            Err(CkanError::Search(
                "Query parsers are not supported in param 'q'.".into()
            ))
        );
        assert!(solr_request(&with_q("title:\\{!x"), &config(), &None).is_ok());
        let mut allowing = config();
        allowing.allowed_query_parsers = vec!["bool".into()];
        assert!(solr_request(&with_q("{!bool must=bees}"), &allowing, &None).is_ok());
        assert!(solr_request(&with_q("{!type=bool must=bees}"), &allowing, &None).is_ok());
    }

    #[test]
    fn the_dict_is_in_ckans_order() {
        // What CKAN 2.12's package_search hands `run()` for this call, as its Solr error
        // message quotes it: sorted schema keys (`rows` by default), the other keys as
        // received, then the keys the action and `run()` add.
        let data = json!({"q": "flood)", "fl": "id,name", "mm": "1", "fq_list": ["a:b"]});
        let input =
            super::super::validate::package_search(data.as_object().unwrap(), 1000).unwrap();
        let request = solr_request(&input, &config(), &Some(vec!["public".into()])).unwrap();
        assert_eq!(
            repr_value(&Value::Object(request.dict)),
            "{'fl': 'id,name', 'q': 'flood)', 'rows': 11, 'mm': '1', 'fq_list': ['a:b'], \
             'df': 'text', 'sort': 'score desc, metadata_modified desc', 'fq': \
             ['+capacity:public  +state:(active)', 'a:b', '+site_id:\"default\"', \
             '+permission_labels:(\"public\")'], 'facet': 'true', 'facet.limit': 50, \
             'facet.mincount': 1, 'wt': 'json', 'defType': 'dismax', 'tie': '0.1', \
             'qf': 'name^4 title^4 tags^2 groups^2 text', 'q.op': 'AND'}"
        );
    }

    #[test]
    fn extras_fold_into_one_dict() {
        let doc: Map<String, Value> = serde_json::from_value(
            json!({"id": "a", "extras_x": "1", "name": "n", "extras_y": "2"}),
        )
        .unwrap();
        assert_eq!(
            Value::Object(fold_extras(doc)),
            json!({"id": "a", "name": "n", "extras": {"x": "1", "y": "2"}})
        );
    }
}
