//! [`SearchRequest`]: the Solr parameters of one `/select`, typed and validated. No schema
//! lookups happen here; a value of the wrong form is a 400 naming the parameter.

use super::local_params::split_local_params;
use super::sort::{parse_sort, SortSpec};
use super::SolrParams;
use crate::ast::TokenOperator;
use crate::facet::{FacetField, FacetQuery, FacetRequest, FacetSort};
use crate::field_list::FieldList;
use crate::{QueryError, Result};

/// Most rows one request may ask for: far above any real client (CKAN asks for the whole
/// catalogue's ids at once) but bounded so a typo cannot exhaust memory.
pub const MAX_ROWS: usize = 10_000_000;

/// The query parser for `q` (`defType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefType {
    /// The standard (Lucene) parser: Solr's default.
    Lucene,
    /// dismax: CKAN's choice when `q` has no colon.
    Dismax,
    /// edismax: Lucene syntax plus the dismax parameters.
    Edismax,
}

impl DefType {
    /// Parses a parser name (`lucene`, `standard`, `dismax`, `edismax`).
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim() {
            "" | "lucene" | "standard" => Ok(DefType::Lucene),
            "dismax" => Ok(DefType::Dismax),
            "edismax" => Ok(DefType::Edismax),
            other => Err(QueryError::BadParam(format!(
                "Unknown query parser '{other}'"
            ))),
        }
    }
}

/// A typed, validated search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The main query (`q`); `None` or blank means `q.alt`, else every document.
    pub q: Option<String>,
    /// `q.alt`: used when `q` is blank (standard syntax).
    pub q_alt: Option<String>,
    /// `defType`.
    pub def_type: DefType,
    /// Filter queries, all required, not scored. Each may carry `{!tag=…}`.
    pub fq: Vec<String>,
    /// Fields to return.
    pub fl: FieldList,
    /// Offset of the first document returned.
    pub start: usize,
    /// Page size.
    pub rows: usize,
    /// Sort keys; empty means `score desc` (ties in index order).
    pub sort: Vec<SortSpec>,
    /// Default field (`df`).
    pub df: String,
    /// Default operator (`q.op`).
    pub op: TokenOperator,
    /// `sow`: split on whitespace before analysis.
    pub sow: bool,
    /// dismax/edismax `qf`.
    pub qf: Option<String>,
    /// dismax/edismax `mm`.
    pub mm: Option<String>,
    /// dismax/edismax `tie` (default 0).
    pub tie: f32,
    /// dismax/edismax `pf`.
    pub pf: Option<String>,
    /// dismax/edismax `ps`.
    pub ps: u32,
    /// Additive boost functions (`bf`, repeatable).
    pub bf: Vec<String>,
    /// Multiplicative boost functions (edismax `boost`, repeatable).
    pub boost: Vec<String>,
    /// `NOW` for date math, fixed once per request (or the `NOW` parameter), epoch ms.
    pub now_ms: i64,
    /// `TZ` for date-math rounding (IANA name), UTC when absent.
    pub tz: Option<String>,
    /// Facets, when `facet=true`.
    pub facet: Option<FacetRequest>,
    /// `cursorMark` for deep paging (`*` to start).
    pub cursor_mark: Option<String>,
}

fn bool_param(params: &SolrParams, key: &str, default: bool) -> Result<bool> {
    match params.get(key).map(str::trim) {
        None | Some("") => Ok(default),
        Some("true" | "on" | "yes") => Ok(true),
        Some("false" | "off" | "no") => Ok(false),
        Some(other) => Err(QueryError::BadParam(format!(
            "invalid boolean value: {other} for parameter {key}"
        ))),
    }
}

fn int_param(params: &SolrParams, key: &str) -> Result<Option<i64>> {
    match params.get(key).map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            QueryError::BadParam(format!("For input string: \"{v}\" (parameter {key})"))
        }),
    }
}

fn float_param(params: &SolrParams, key: &str, default: f32) -> Result<f32> {
    match params.get(key).map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => v
            .parse::<f32>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| {
                QueryError::BadParam(format!("For input string: \"{v}\" (parameter {key})"))
            }),
    }
}

fn non_negative(params: &SolrParams, key: &str, default: usize) -> Result<usize> {
    match int_param(params, key)? {
        None => Ok(default),
        Some(n) if n < 0 => Err(QueryError::BadParam(format!(
            "'{key}' parameter cannot be negative"
        ))),
        Some(n) => Ok(n as usize),
    }
}

impl SearchRequest {
    /// Types `params`, taking `now_ms` as `NOW` unless the `NOW` parameter overrides it.
    pub fn from_params(params: &SolrParams, now_ms: i64) -> Result<Self> {
        let op = match params.get("q.op").map(str::trim) {
            None | Some("") | Some("OR") => TokenOperator::Or,
            Some("AND") => TokenOperator::And,
            Some(other) => return Err(QueryError::BadParam(format!("Invalid q.op: {other}"))),
        };
        let rows = non_negative(params, "rows", 10)?;
        if rows > MAX_ROWS {
            return Err(QueryError::BadParam(format!(
                "rows must be at most {MAX_ROWS}"
            )));
        }
        let now_ms = match int_param(params, "NOW")? {
            Some(ms) => ms,
            None => now_ms,
        };
        let sort = match params.get("sort") {
            Some(spec) if !spec.trim().is_empty() => parse_sort(spec)?,
            _ => Vec::new(),
        };
        Ok(Self {
            q: params.get("q").map(str::to_string),
            q_alt: params.get("q.alt").map(str::to_string),
            def_type: DefType::parse(params.get("defType").unwrap_or(""))?,
            fq: params
                .get_all("fq")
                .filter(|f| !f.trim().is_empty())
                .map(str::to_string)
                .collect(),
            fl: FieldList::parse(params.get_all("fl")),
            start: non_negative(params, "start", 0)?,
            rows,
            sort,
            df: params.get("df").unwrap_or("text").to_string(),
            op,
            sow: bool_param(params, "sow", false)?,
            qf: params.get("qf").map(str::to_string),
            mm: params.get("mm").map(str::to_string),
            tie: float_param(params, "tie", 0.0)?,
            pf: params.get("pf").map(str::to_string),
            ps: non_negative(params, "ps", 0)? as u32,
            bf: params
                .get_all("bf")
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .collect(),
            boost: params
                .get_all("boost")
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .collect(),
            now_ms,
            tz: params
                .get("TZ")
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string),
            facet: facet_request(params)?,
            cursor_mark: params.get("cursorMark").map(str::to_string),
        })
    }
}

/// `facet.*`: global values, then `f.<field>.facet.*` overrides per field.
fn facet_request(params: &SolrParams) -> Result<Option<FacetRequest>> {
    if !bool_param(params, "facet", false)? {
        return Ok(None);
    }
    let mut request = FacetRequest::default();
    for spec in params.get_all("facet.field") {
        if spec.trim().is_empty() {
            continue;
        }
        let (field, key, exclude_tags) = match split_local_params(spec)? {
            Some(lp) => {
                let field = lp.body.trim().to_string();
                let key = lp.get("key").map_or_else(|| field.clone(), str::to_string);
                (field, key, lp.list("ex"))
            }
            None => (spec.trim().to_string(), spec.trim().to_string(), Vec::new()),
        };
        let get = |name: &str| {
            params
                .get(&format!("f.{field}.facet.{name}"))
                .or_else(|| params.get(&format!("facet.{name}")))
        };
        let overridden = |name: &str| {
            SolrParams::new(
                get(name)
                    .map(|v| vec![(name.to_string(), v.to_string())])
                    .unwrap_or_default(),
            )
        };
        let limit = int_param(&overridden("limit"), "limit")?.unwrap_or(100);
        let sort = match get("sort").map(str::trim) {
            None | Some("") => {
                if limit > 0 {
                    FacetSort::Count
                } else {
                    FacetSort::Index
                }
            }
            Some("count" | "true") => FacetSort::Count,
            Some("index" | "lex" | "false") => FacetSort::Index,
            Some(other) => {
                return Err(QueryError::BadParam(format!(
                    "Unknown facet sort value: {other}"
                )))
            }
        };
        request.fields.push(FacetField {
            limit,
            offset: non_negative(&overridden("offset"), "offset", 0)?,
            mincount: non_negative(&overridden("mincount"), "mincount", 0)? as u64,
            sort,
            prefix: get("prefix").filter(|p| !p.is_empty()).map(str::to_string),
            missing: bool_param(&overridden("missing"), "missing", false)?,
            field,
            key,
            exclude_tags,
        });
    }
    for spec in params.get_all("facet.query") {
        let (query, key, exclude_tags) = match split_local_params(spec)? {
            Some(lp) => {
                let key = lp
                    .get("key")
                    .map_or_else(|| spec.to_string(), str::to_string);
                (lp.body.clone(), key, lp.list("ex"))
            }
            None => (spec.to_string(), spec.to_string(), Vec::new()),
        };
        request.queries.push(FacetQuery {
            query,
            key,
            exclude_tags,
        });
    }
    Ok(Some(request))
}
