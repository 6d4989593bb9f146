//! [`ParseOptions`]: the request parameters that decide how a query text is read
//! (`defType`, `df`, `q.op`, `sow`, the dismax family), and how local params
//! (`{!dismax qf=… mm=…}`) override them for one query.

use super::field_boosts::parse_field_boosts;
use super::java;
use crate::ast::TokenOperator;
use crate::params::local_params::LocalParams;
use crate::params::{DefType, SearchRequest};
use crate::{QueryError, Result};

/// How to read a query text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOptions {
    /// The parser of `q` when it has no `{!…}` (`defType`).
    pub def_type: DefType,
    /// Default field (`df`) of the standard parser; dismax's fallback when `qf` is empty.
    pub df: String,
    /// Default operator (`q.op`).
    pub op: TokenOperator,
    /// `sow`. Each whitespace-separated bare word is its own clause either way (Solr's
    /// `sow=false` groups runs of bare words only so that multi-word synonyms can match;
    /// the boolean meaning is the same).
    pub sow: bool,
    /// dismax/edismax query fields with boosts (`qf`).
    pub qf: Vec<(String, f32)>,
    /// dismax/edismax `mm`; `None` means 0 %, or 100 % with `q.op=AND`.
    pub mm: Option<String>,
    /// dismax/edismax tie breaker (`tie`).
    pub tie: f32,
    /// Phrase-boost fields with boosts (`pf`).
    pub pf: Vec<(String, f32)>,
    /// Slop of the `pf` phrases (`ps`).
    pub ps: u32,
    /// Additive boost functions (`bf`, each possibly several `func^boost` separated by
    /// whitespace).
    pub bf: Vec<String>,
    /// Multiplicative boost functions (edismax `boost`).
    pub boost: Vec<String>,
}

impl ParseOptions {
    /// The options of a `/select` request (`qf` and `pf` parsed, e.g.
    /// `name^4 title^4 tags^2 groups^2 text`).
    pub fn from_request(req: &SearchRequest) -> Result<Self> {
        Ok(ParseOptions {
            def_type: req.def_type,
            df: req.df.clone(),
            op: req.op,
            sow: req.sow,
            qf: parse_field_boosts(req.qf.as_deref().unwrap_or(""))?,
            mm: req.mm.clone(),
            tie: req.tie,
            pf: parse_field_boosts(req.pf.as_deref().unwrap_or(""))?,
            ps: req.ps,
            bf: req.bf.clone(),
            boost: req.boost.clone(),
        })
    }

    /// The standard (Lucene) parser with `df` and `q.op`: for `fq`, `facet.query` and
    /// delete-by-query.
    pub fn standard(df: &str, op: TokenOperator) -> Self {
        ParseOptions {
            def_type: DefType::Lucene,
            df: df.to_string(),
            op,
            sow: false,
            qf: Vec::new(),
            mm: None,
            tie: 0.0,
            pf: Vec::new(),
            ps: 0,
            bf: Vec::new(),
            boost: Vec::new(),
        }
    }

    /// These options with a query's local params over them, as Solr's
    /// `SolrParams.wrapDefaults(localParams, params)`.
    pub(crate) fn with_local_params(&self, lp: &LocalParams) -> Result<Self> {
        let mut opts = self.clone();
        for (key, value) in &lp.params {
            match key.as_str() {
                "q.op" => opts.op = parse_op(value)?,
                "df" => opts.df = value.clone(),
                "sow" => opts.sow = java::parse_bool(value)?,
                "qf" => opts.qf = parse_field_boosts(value)?,
                "pf" => opts.pf = parse_field_boosts(value)?,
                "mm" => opts.mm = Some(value.clone()),
                "tie" => opts.tie = java::parse_number(value)? as f32,
                "ps" => {
                    opts.ps = java::trim(value).parse::<u32>().map_err(|_| {
                        QueryError::BadParam(format!("For input string: \"{value}\""))
                    })?
                }
                _ => {}
            }
        }
        let all = |key: &str| -> Vec<String> {
            lp.params
                .iter()
                .filter(|(k, v)| k == key && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect()
        };
        let bf = all("bf");
        if !bf.is_empty() {
            opts.bf = bf;
        }
        let boost = all("boost");
        if !boost.is_empty() {
            opts.boost = boost;
        }
        Ok(opts)
    }
}

/// `q.op`, read as the request's `q.op` is.
fn parse_op(value: &str) -> Result<TokenOperator> {
    match value.trim() {
        "" | "OR" => Ok(TokenOperator::Or),
        "AND" => Ok(TokenOperator::And),
        other => Err(QueryError::BadParam(format!("Invalid q.op: {other}"))),
    }
}
