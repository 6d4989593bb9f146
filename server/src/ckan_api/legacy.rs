//! The legacy search API, `/api/1/search/dataset` and `/api/2/search/dataset`, as CKAN
//! 2.8.12 answered it (`ckan/controllers/api.py` `ApiController.search`,
//! `ckan/lib/search/query.py` `convert_legacy_parameters_to_solr` and
//! `PackageSearchQuery.run`); CKAN 2.9 removed it. `package` is the same register as
//! `dataset`.
//!
//! A request's parameters are the URL's (and a form body's), or the JSON object in `qjson`,
//! or a lone `{…}` key. Then, in CKAN's order:
//!
//! 1. No `fl` (or an empty one): `fl=name` in v1, `fl=id` in v2.
//! 2. The legacy options are checked: `all_fields` must read as a boolean, `offset` and
//!    `limit` as integers; `filter_by_openness` and `filter_by_downloadable` are refused.
//! 3. Every parameter that is not a Solr parameter CKAN knows is folded into `q`:
//!    `all_fields` → `fl=*`, `offset` → `start`, `limit` → `rows`, `order_by=x` →
//!    `sort=x asc`, `tags` → `tags:"…"` terms, any other `k=v` → `k:v` (escaped, quoted
//!    when it has a space). `+` in `q` and in the folded values reads as a space. (CKAN
//!    folds `callback` too, so a JSONP request also searches `callback:<name>`.) Terms are
//!    folded in the order given; CKAN walked a Python 2 `set`, whose order only changes
//!    the text of `q`, not what it matches.
//! 4. `fq` is replaced by `+capacity:public`; `+site_id:"…"` and `+state:active` are
//!    added; no permission labels. `rows` defaults to 10 and is capped at 1000.
//! 5. `q` starting with `{!` is refused ("Local parameters are not supported.").
//! 6. The answer is `{"count": N, "results": […]}` (that key order: Python 2's), without an
//!    envelope: names for `fl=name`, ids for `fl=id`, otherwise the stored fields with
//!    `extras_*` folded into `extras`. A GET with `callback` is wrapped as JSONP.
//!
//! Errors are CKAN 2.8's: a bad search option is a 400 whose body is the JSON string
//! `"Bad request - Bad search option: <message>"`, unreadable parameters a 400
//! `"Bad request - Could not read parameters: <repr>"`, any other register a 404
//! `"Not found - Unknown register: <name>"`, with the Python 2 reprs CKAN printed. A Solr
//! error quotes the parameters as CKAN held them (`MultiDict([…])`); under Python 2 CKAN's
//! mapping of sort errors to `Invalid "sort" parameter` never matched, so a bad sort is
//! quoted the same way. Where CKAN 2.8 crashed (a `rows` that is not a number, a non-text
//! value folded into `q`) the answer is a 500.
//!
//! What differs from CKAN 2.8: the `resource` and `revision` registers (database searches,
//! not Solr) are not served and answer as unknown registers; JSON parse errors inside
//! `qjson` are worded as simplejson words its common ones; and with `strip_pii` the
//! results lose author and maintainer fields as data.gov.uk's search answers do.

use axum::http::StatusCode;
use ckan_search_query::SolrParams;
use serde_json::{json, Map, Value};

use super::package_search::fold_extras;
use super::package_search::VALID_SOLR_PARAMETERS;
use super::pii;
use super::py2::{exception_repr, Key, MultiDict, Py};
use super::CkanApiConfig;
use crate::execute::execute_with_docs;
use crate::state::AppState;

/// Whether CKAN 2.8 passes `name` through to Solr: 2.12's `VALID_SOLR_PARAMETERS`, which
/// added `df`.
fn valid_in_28(name: &str) -> bool {
    name != "df" && VALID_SOLR_PARAMETERS.contains(&name)
}

/// CKAN's `QUERY_FIELDS`.
const QUERY_FIELDS: &str = "name^4 title^4 tags^2 groups^2 text";

/// The most rows CKAN 2.8's `run()` returns.
const ROWS_CAP: i64 = 1000;

/// One legacy search call.
pub struct LegacyRequest {
    /// `1` or `2`.
    pub version: u8,
    /// `dataset`, `package`, or anything else (unknown).
    pub register: String,
    /// `request.params`: the URL's parameters, then a form body's.
    pub pairs: Vec<(String, String)>,
    /// GET (JSONP applies only to GET).
    pub is_get: bool,
}

/// What to send back.
#[derive(Debug, PartialEq)]
pub struct LegacyAnswer {
    /// The status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Value,
    /// A JSONP callback, already escaped (`cgi.escape`), for a 200 to a GET.
    pub callback: Option<String>,
}

/// How a legacy search fails.
#[derive(Debug, Clone, PartialEq)]
enum Failure {
    /// `_finish_bad_request(message)` → 400 `"Bad request - <message>"`.
    BadRequest(String),
    /// `_finish_not_found(message)` → 404 `"Not found - <message>"`.
    NotFound(String),
    /// An exception CKAN did not catch → 500.
    Crash(String),
}

/// A `SearchError` (or `SearchQueryError`) raised while searching.
fn search_error(message: impl Into<String>) -> Failure {
    Failure::BadRequest(format!("Bad search option: {}", message.into()))
}

/// Answers one legacy search.
pub async fn search(state: &AppState, request: &LegacyRequest) -> LegacyAnswer {
    let outcome = answer(state, request).await;
    let (status, body) = match outcome {
        Ok(body) => (StatusCode::OK, body),
        Err(Failure::BadRequest(m)) => (
            StatusCode::BAD_REQUEST,
            Value::String(format!("Bad request - {m}")),
        ),
        Err(Failure::NotFound(m)) => (
            StatusCode::NOT_FOUND,
            Value::String(format!("Not found - {m}")),
        ),
        Err(Failure::Crash(detail)) => {
            tracing::error!(error = %detail, "legacy search failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Value::String("Internal Server Error".into()),
            )
        }
    };
    let callback = if status == StatusCode::OK && request.is_get {
        // webob's `request.params['callback']`: the last one.
        request
            .pairs
            .iter()
            .rev()
            .find(|(k, _)| k == "callback")
            .map(|(_, v)| cgi_escape(v))
    } else {
        None
    };
    LegacyAnswer {
        status,
        body,
        callback,
    }
}

async fn answer(state: &AppState, request: &LegacyRequest) -> Result<Value, Failure> {
    if request.register != "dataset" && request.register != "package" {
        return Err(Failure::NotFound(format!(
            "Unknown register: {}",
            request.register
        )));
    }
    let mut params = search_params(&request.pairs)
        .map_err(|e| Failure::BadRequest(format!("Could not read parameters: {}", e)))?;
    if !params.get("fl").is_some_and(Py::truthy) {
        let fl = if request.version == 2 { "id" } else { "name" };
        params.set(Key::str("fl"), Py::Str(fl.into()));
    }
    let mut params = convert_legacy_parameters_to_solr(&params)?;
    // Whatever `fq` was asked for, only public datasets. (CKAN then deletes `callback`,
    // which the conversion has already folded into `q`.)
    params.set(Key::str("fq"), Py::Str("+capacity:public".into()));
    let config = &state.ckan.config;
    let mut result = run(state, config, params).await?;
    if config.strip_pii {
        pii::strip_search_result(&mut result);
    }
    Ok(result)
}

/// `_get_search_params`: the parameters, from `qjson`, a lone JSON key, or the pairs. The
/// error is the repr of the `ValueError` CKAN raised.
fn search_params(pairs: &[(String, String)]) -> Result<MultiDict, String> {
    let not_a_dict = || {
        exception_repr(
            "ValueError",
            &Py::Unicode("Request params must be in form of a json encoded dictionary.".into()),
        )
    };
    let parsed = if let Some((_, qjson)) = pairs.iter().rev().find(|(k, _)| k == "qjson") {
        let text = qjson.replace("\\\\u", "\\u");
        serde_json::from_str::<Value>(&text).map_err(|e| {
            let inner = exception_repr("JSONDecodeError", &Py::Str(simplejson_message(&text, &e)));
            exception_repr(
                "ValueError",
                &Py::Unicode(format!("Malformed qjson value: {inner}")),
            )
        })?
    } else if let [(key, value)] = pairs {
        if value.chars().count() < 2 && key.starts_with('{') {
            serde_json::from_str::<Value>(key).map_err(|e| {
                exception_repr("JSONDecodeError", &Py::Str(simplejson_message(key, &e)))
            })?
        } else {
            return Ok(from_pairs(pairs));
        }
    } else {
        return Ok(from_pairs(pairs));
    };
    match parsed {
        Value::Object(m) => Ok(MultiDict {
            items: m
                .iter()
                .map(|(k, v)| (Key::unicode(k.clone()), Py::from_json(v)))
                .collect(),
        }),
        _ => Err(not_a_dict()),
    }
}

fn from_pairs(pairs: &[(String, String)]) -> MultiDict {
    MultiDict {
        items: pairs
            .iter()
            .map(|(k, v)| (Key::unicode(k.clone()), Py::Unicode(v.clone())))
            .collect(),
    }
}

/// simplejson's wording for the usual decode errors (`Expecting value: line 1 column 1
/// (char 0)` …), from serde_json's error and position.
fn simplejson_message(text: &str, e: &serde_json::Error) -> String {
    let chars: Vec<char> = text.chars().collect();
    // serde_json reports the 1-based line and column of the offending character.
    let mut offset: usize = text
        .split('\n')
        .take(e.line().saturating_sub(1))
        .map(|l| l.chars().count() + 1)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let message = e.to_string();
    if message.starts_with("expected ident") || message.starts_with("invalid number") {
        // simplejson points at the start of the bad token, serde_json inside it.
        while offset > 0
            && chars
                .get(offset - 1)
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            offset -= 1;
        }
    }
    let at = |offset: usize| {
        let before = &chars[..offset.min(chars.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = offset - before.iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1) + 1;
        format!("line {line} column {column}")
    };
    if message.starts_with("trailing characters") {
        let end = chars.len();
        return format!(
            "Extra data: {} - {} (char {offset} - {end})",
            at(offset),
            at(end)
        );
    }
    let what = if message.starts_with("key must be a string") {
        "Expecting property name enclosed in double quotes"
    } else if message.starts_with("expected `,` or") {
        "Expecting ',' delimiter"
    } else if message.starts_with("expected `:`") {
        "Expecting ':' delimiter"
    } else {
        "Expecting value"
    };
    format!("{what}: {} (char {offset})", at(offset))
}

/// `QueryOptions(**params).validate()` then `convert_legacy_parameters_to_solr`.
fn convert_legacy_parameters_to_solr(legacy: &MultiDict) -> Result<MultiDict, Failure> {
    validate_options(legacy)?;
    let mut solr = legacy.clone();
    let mut q_parts: Vec<Py> = Vec::new();
    if let Some(q) = legacy.get("q").filter(|q| q.truthy()) {
        let text = q
            .text()
            .ok_or_else(|| Failure::Crash(format!("q is not text: {}", q.repr())))?;
        q_parts.push(Py::Unicode(text.replace('+', " ")));
    }
    for key in legacy.keys() {
        if valid_in_28(&key.name) {
            continue;
        }
        let value_obj = legacy.get(&key.name).cloned().unwrap_or(Py::None);
        let value = match &value_obj {
            Py::Unicode(s) => Py::Unicode(s.replace('+', " ")),
            Py::Str(s) => Py::Str(s.replace('+', " ")),
            other => other.clone(),
        };
        match key.name.as_str() {
            "all_fields" => {
                if value.truthy() {
                    solr.set(Key::str("fl"), Py::Str("*".into()));
                }
            }
            "offset" => solr.set(Key::str("start"), value),
            "limit" => solr.set(Key::str("rows"), value),
            "order_by" => {
                let sort = format!("{} asc", value.to_text());
                let sort = match value {
                    Py::Unicode(_) => Py::Unicode(sort),
                    _ => Py::Str(sort),
                };
                solr.set(Key::str("sort"), sort);
            }
            "tags" => {
                let tags = match &value_obj {
                    Py::List(items) => items.clone(),
                    Py::Unicode(_) | Py::Str(_) => vec![value_obj.clone()],
                    other => {
                        return Err(search_error(format!(
                            "Was expecting either a string or JSON list for the tags parameter: {}",
                            other.repr()
                        )))
                    }
                };
                for tag in tags {
                    let text = tag.text().ok_or_else(|| {
                        Failure::Crash(format!("a tag is not text: {}", tag.repr()))
                    })?;
                    q_parts.push(Py::Unicode(format!(
                        "tags:\"{}\"",
                        escape_legacy_argument(text)
                    )));
                }
            }
            name => {
                let text = value.text().ok_or_else(|| {
                    Failure::Crash(format!("{name} is not text: {}", value.repr()))
                })?;
                if !text.trim().is_empty() {
                    let mut escaped = escape_legacy_argument(text);
                    if escaped.contains(' ') {
                        escaped = format!("\"{escaped}\"");
                    }
                    q_parts.push(Py::Unicode(format!("{name}:{escaped}")));
                }
            }
        }
        solr.remove(&key.name);
    }
    // `' '.join(parts)`: unicode when any part is, `str` for none.
    let q = if q_parts.is_empty() {
        Py::Str(String::new())
    } else {
        let texts: Vec<String> = q_parts.iter().map(Py::to_text).collect();
        Py::Unicode(texts.join(" "))
    };
    solr.set(Key::str("q"), q);
    Ok(solr)
}

/// `QueryOptions.validate()` over the request's options.
fn validate_options(legacy: &MultiDict) -> Result<(), Failure> {
    for key in legacy.keys() {
        let Some(value) = legacy.get(&key.name) else {
            continue;
        };
        let key_repr = Py::Unicode(key.name.clone()).repr();
        match key.name.as_str() {
            "all_fields" if paste_asbool(value).is_none() => {
                return Err(search_error(format!(
                    "Value for search option {key_repr} must be True or False (1 or 0) but received {}",
                    value.repr()
                )));
            }
            "offset" | "limit" => match python2_int(value) {
                Ok(_) => {}
                Err(IntError::Value) => {
                    return Err(search_error(format!(
                        "Value for search option {key_repr} must be an integer but received {}",
                        value.repr()
                    )))
                }
                Err(IntError::Type) => {
                    return Err(Failure::Crash(format!(
                        "int() of {} for {}",
                        value.repr(),
                        key.name
                    )))
                }
            },
            "filter_by_downloadable" | "filter_by_openness" => {
                return Err(search_error(format!(
                    "Search option {key_repr} is not supported"
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// paste's `asbool` (None where it raises `ValueError`).
fn paste_asbool(v: &Py) -> Option<bool> {
    match v.text() {
        Some(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "on" | "y" | "t" | "1" => Some(true),
            "false" | "no" | "off" | "n" | "f" | "0" => Some(false),
            _ => None,
        },
        None => Some(v.truthy()),
    }
}

/// Why Python 2's `int()` refused a value.
#[derive(Debug, PartialEq)]
enum IntError {
    /// `ValueError`: text that is not an integer.
    Value,
    /// `TypeError`: not text or a number at all.
    Type,
}

/// Python 2's `int(value)`: text with optional surrounding whitespace and sign and ASCII
/// digits only (no `_` before Python 3.6), numbers truncated, booleans as 0/1.
fn python2_int(v: &Py) -> Result<i64, IntError> {
    match v {
        Py::Int(i) => Ok(*i),
        Py::Bool(b) => Ok(i64::from(*b)),
        Py::Float(f) if f.is_finite() => Ok(f.trunc() as i64),
        Py::Float(_) => Err(IntError::Value),
        Py::Unicode(s) | Py::Str(s) => {
            let t = s.trim();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IntError::Value);
            }
            // Beyond i64 is still an int to Python; saturate (it is capped later).
            Ok(t.parse::<i64>().unwrap_or(if t.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            }))
        }
        Py::None | Py::List(_) | Py::Dict(_) => Err(IntError::Type),
    }
}

/// `escape_legacy_argument`: a backslash before each of `\ + - & | ! ( ) { } [ ] ^ " ~ * ? :`.
fn escape_legacy_argument(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\\+-&|!(){}[]^\"~*?:".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `PackageSearchQuery.run(params)` of CKAN 2.8, without permission labels.
async fn run(
    state: &AppState,
    config: &CkanApiConfig,
    mut query: MultiDict,
) -> Result<Value, Failure> {
    let q = query.get("q").cloned().unwrap_or(Py::None);
    if !q.truthy() || matches!(q.text(), Some("\"\"") | Some("''")) {
        query.set(Key::str("q"), Py::Str("*:*".into()));
    }
    let rows = match query.get("rows") {
        None => 10,
        Some(v) => {
            python2_int(v).map_err(|_| Failure::Crash(format!("int() of rows {}", v.repr())))?
        }
    };
    let rows = rows.min(ROWS_CAP);
    query.set(
        Key::str("rows"),
        Py::Int(if rows > 0 { rows + 1 } else { rows }),
    );

    let mut fq: Vec<Py> = Vec::new();
    if let Some(given) = query.get("fq") {
        fq.push(given.clone());
    }
    match query.get("fq_list") {
        Some(Py::List(items)) => fq.extend(items.iter().cloned()),
        // `list.extend(text)` adds one filter per character, as CKAN does.
        Some(Py::Unicode(s)) => fq.extend(s.chars().map(|c| Py::Unicode(c.to_string()))),
        Some(Py::Str(s)) => fq.extend(s.chars().map(|c| Py::Str(c.to_string()))),
        Some(Py::None) | None => {}
        Some(other) => return Err(Failure::Crash(format!("fq_list: {}", other.repr()))),
    }
    fq.push(Py::Unicode(format!(
        "+site_id:\"{}\"",
        config.site_id.replace('"', "")
    )));
    let given_fq = query.get("fq").map(Py::to_text).unwrap_or_default();
    if !given_fq.contains("+state:") {
        fq.push(Py::Str("+state:active".into()));
    }
    query.set(Key::str("fq"), Py::List(fq));
    for (name, default) in [
        ("facet", Py::Str("true".into())),
        ("facet.limit", Py::Str(config.facets_limit.to_string())),
        ("facet.mincount", Py::Int(1)),
        ("fl", Py::Str("name".into())),
        ("wt", Py::Str("json".into())),
    ] {
        let value = query.get(name).cloned().unwrap_or(default);
        query.set(Key::str(name), value);
    }
    let q_text = query.get("q").map(Py::to_text).unwrap_or_default();
    let def_type = query
        .get("defType")
        .cloned()
        .unwrap_or(Py::Str("dismax".into()));
    if !q_text.contains(':') || def_type.text() == Some("edismax") {
        query.set(Key::str("defType"), def_type);
        for (name, default) in [("tie", "0.1"), ("mm", "2<-1 5<80%"), ("qf", QUERY_FIELDS)] {
            let value = query.get(name).cloned().unwrap_or(Py::Str(default.into()));
            query.set(Key::str(name), value);
        }
    }
    if q_text.starts_with("{!") {
        return Err(search_error("Local parameters are not supported."));
    }

    let params = solr_params(&query);
    let (executed, docs) = execute_with_docs(state, &state.core, &params)
        .await
        .map_err(|e| {
            if e.status == StatusCode::SERVICE_UNAVAILABLE {
                return Failure::Crash(e.message);
            }
            // pysolr's SolrError, whose message Python 2 holds as unicode.
            let pysolr = format!(
                "Solr responded with an error (HTTP {}): [Reason: {}]",
                e.status.as_u16(),
                e.message
            );
            search_error(format!(
                "SOLR returned an error running query: {} Error: {}",
                query.repr(),
                exception_repr("SolrError", &Py::Unicode(pysolr))
            ))
        })?;
    let fl = query.get("fl").cloned().unwrap_or(Py::None);
    let keep = usize::try_from(rows).unwrap_or(0);
    let results: Vec<Value> = docs
        .into_iter()
        .take(keep)
        .map(|doc| shape_doc(doc, &fl))
        .collect();
    let mut out = Map::new();
    out.insert("count".into(), json!(executed.result.num_found));
    out.insert("results".into(), Value::Array(results));
    Ok(Value::Object(out))
}

/// One result: the bare value for `fl=id` / `fl=name`, else the document with `extras_*`
/// folded into `extras` (added only when there are some, as under Python 2).
fn shape_doc(doc: Map<String, Value>, fl: &Py) -> Value {
    if let Some(name @ ("id" | "name")) = fl.text() {
        return doc.get(name).cloned().unwrap_or(Value::Null);
    }
    if doc.keys().any(|k| k.starts_with("extras_")) {
        Value::Object(fold_extras(doc))
    } else {
        Value::Object(doc)
    }
}

/// pysolr's encoding of `**query`: one value per key, a list as repeated keys, values as
/// Python's `str()`. The schema defaults CKAN 2.8's Solr had (`defaultSearchField` text,
/// `defaultOperator` AND) are sent explicitly.
fn solr_params(query: &MultiDict) -> SolrParams {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in query.flattened() {
        match value {
            Py::List(items) => pairs.extend(items.iter().map(|i| (name.clone(), i.to_text()))),
            other => pairs.push((name, other.to_text())),
        }
    }
    pairs.push(("df".into(), "text".into()));
    pairs.push(("q.op".into(), "AND".into()));
    SolrParams::new(pairs)
}

/// Python 2's `cgi.escape`: `&`, `<` and `>` only.
fn cgi_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn converted(list: &[(&str, &str)]) -> Result<MultiDict, Failure> {
        convert_legacy_parameters_to_solr(&search_params(&pairs(list)).unwrap())
    }

    /// Random query strings (incl. `qjson` and lone JSON keys) through reading, CKAN 2.8's
    /// conversion and Solr's parsing: answered or refused, never a panic.
    #[test]
    fn random_legacy_queries_never_panic() {
        const ALPHABET: &[u8] =
            br#"{}[]":,=&+-*()\ 019qjsonflimitoffsetorder_byall_fieldstagsfilter_by_opennessname:"#;
        for (i, body) in crate::update::random_bodies(0x1e9a, ALPHABET, 120, 20_000).enumerate() {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let Ok(params) = search_params(&pairs) else {
                continue;
            };
            if let Ok(solr) = convert_legacy_parameters_to_solr(&params) {
                let _ =
                    ckan_search_query::SearchRequest::from_params(&solr_params(&solr), i as i64);
            }
        }
    }

    #[test]
    fn parameters_come_from_pairs_qjson_or_a_lone_json_key() {
        let d = search_params(&pairs(&[("q", "a"), ("limit", "5")])).unwrap();
        assert_eq!(d.repr(), "MultiDict([(u'q', u'a'), (u'limit', u'5')])");
        let d = search_params(&pairs(&[
            ("qjson", r#"{"q": "x", "limit": 10}"#),
            ("q", "y"),
        ]))
        .unwrap();
        assert_eq!(d.repr(), "MultiDict([(u'q', u'x'), (u'limit', 10)])");
        let d = search_params(&pairs(&[(r#"{"fl": "id"}"#, "1")])).unwrap();
        assert_eq!(d.repr(), "MultiDict([(u'fl', u'id')])");
        assert_eq!(
            search_params(&pairs(&[("qjson", "[1]")])),
            Err(
                "ValueError(u'Request params must be in form of a json encoded dictionary.',)"
                    .into()
            )
        );
        assert_eq!(
            search_params(&pairs(&[("qjson", "nope")])),
            Err("ValueError(u\"Malformed qjson value: JSONDecodeError('Expecting value: line 1 column 1 (char 0)',)\",)".into())
        );
        assert_eq!(
            search_params(&pairs(&[("{nope", "")])),
            Err("JSONDecodeError('Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',)".into())
        );
    }

    #[test]
    fn legacy_parameters_fold_into_q_as_ckan_folds_them() {
        let d = converted(&[
            ("q", "water+quality"),
            ("limit", "5"),
            ("offset", "10"),
            ("order_by", "name"),
            ("tags", "air quality"),
            ("res_format", "CSV file"),
            ("author", " "),
            ("fl", "id"),
        ])
        .unwrap();
        assert_eq!(
            d.repr(),
            "MultiDict([(u'fl', u'id'), ('rows', u'5'), ('start', u'10'), ('sort', u'name asc'), \
             ('q', u'water quality tags:\"air quality\" res_format:\"CSV file\"')])"
        );
        let d = converted(&[("all_fields", "0"), ("name", "a:b")]).unwrap();
        assert_eq!(d.get("fl"), Some(&Py::Str("*".into())));
        assert_eq!(d.get("q"), Some(&Py::Unicode("name:a\\:b".into())));
        let d = converted(&[]).unwrap();
        assert_eq!(d.get("q"), Some(&Py::Str(String::new())));
    }

    #[test]
    fn bad_options_are_ckans_errors() {
        let bad = |list: &[(&str, &str)]| match converted(list) {
            Err(Failure::BadRequest(m)) => m,
            other => panic!("expected a bad request, got {other:?}"),
        };
        assert_eq!(
            bad(&[("filter_by_openness", "1")]),
            "Bad search option: Search option u'filter_by_openness' is not supported"
        );
        assert_eq!(
            bad(&[("filter_by_downloadable", "")]),
            "Bad search option: Search option u'filter_by_downloadable' is not supported"
        );
        assert_eq!(
            bad(&[("limit", "ten")]),
            "Bad search option: Value for search option u'limit' must be an integer but received u'ten'"
        );
        assert_eq!(
            bad(&[("offset", "1_0")]),
            "Bad search option: Value for search option u'offset' must be an integer but received u'1_0'"
        );
        assert_eq!(
            bad(&[("all_fields", "maybe")]),
            "Bad search option: Value for search option u'all_fields' must be True or False (1 or 0) but received u'maybe'"
        );
        let from_json = |q: &str| {
            convert_legacy_parameters_to_solr(&search_params(&pairs(&[("qjson", q)])).unwrap())
        };
        assert_eq!(
            from_json(r#"{"tags": 5}"#),
            Err(Failure::BadRequest(
                "Bad search option: Was expecting either a string or JSON list for the tags parameter: 5"
                    .into()
            ))
        );
        assert!(matches!(
            from_json(r#"{"limit": null}"#),
            Err(Failure::Crash(_))
        ));
        assert!(matches!(
            from_json(r#"{"state": 1}"#),
            Err(Failure::Crash(_))
        ));
        let d = from_json(r#"{"tags": ["a b", "c\"d"], "limit": 1000}"#).unwrap();
        assert_eq!(
            d.get("q"),
            Some(&Py::Unicode("tags:\"a b\" tags:\"c\\\"d\"".into()))
        );
        assert_eq!(d.get("rows"), Some(&Py::Int(1000)));
    }

    #[test]
    fn escaping_and_python_2_ints() {
        assert_eq!(escape_legacy_argument("a+b(c)*"), "a\\+b\\(c\\)\\*");
        assert_eq!(python2_int(&Py::Unicode(" -7 ".into())), Ok(-7));
        assert_eq!(
            python2_int(&Py::Unicode("7.0".into())),
            Err(IntError::Value)
        );
        assert_eq!(python2_int(&Py::Float(7.9)), Ok(7));
        assert_eq!(python2_int(&Py::None), Err(IntError::Type));
        assert_eq!(cgi_escape("a<b>&\"c\""), "a&lt;b&gt;&amp;\"c\"");
    }

    #[test]
    fn documents_shape_as_under_python_2() {
        let doc: Map<String, Value> =
            serde_json::from_value(json!({"id": "1", "name": "n"})).unwrap();
        assert_eq!(shape_doc(doc.clone(), &Py::Str("name".into())), json!("n"));
        assert_eq!(
            shape_doc(doc.clone(), &Py::Unicode("id".into())),
            json!("1")
        );
        assert_eq!(
            shape_doc(doc.clone(), &Py::Unicode("id,name".into())),
            json!({"id": "1", "name": "n"})
        );
        let with_extras: Map<String, Value> =
            serde_json::from_value(json!({"id": "1", "extras_a": "x"})).unwrap();
        assert_eq!(
            shape_doc(with_extras, &Py::Str("*".into())),
            json!({"id": "1", "extras": {"a": "x"}})
        );
    }
}
