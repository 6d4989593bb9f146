//! Facets: what a request asks for (`facet.field`, `facet.query` and their per-field
//! overrides) and the counts it gets back.
//!
//! [`compute`] answers a [`FacetRequest`] as Solr 9's `facet.field` (`fc` method) and
//! `facet.query` would: string fields from their fast columns, analysed fields from their
//! indexed tokens, dates and numbers from their numeric columns; match-all counts are
//! cached per commit ([`FacetCache`]).

mod cache;
mod column;
mod compute;
mod docset;
mod merge;
mod numeric;
mod source;
mod string_column;
mod table;
mod text_terms;

#[cfg(test)]
mod tests;

pub use cache::FacetCache;
pub use compute::{compute, compute_with_cache, FacetInput};
pub(crate) use docset::{DocBits, DocBitsCollector, DocSet};

/// How facet values are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetSort {
    /// By count, highest first; ties in index (byte) order.
    Count,
    /// By value, in index (byte) order.
    Index,
}

/// One `facet.field`, with its `f.<field>.facet.*` overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetField {
    /// The Solr field counted.
    pub field: String,
    /// The name it is reported under (`{!key=…}`), usually the field.
    pub key: String,
    /// `facet.limit`: most values returned; negative = all.
    pub limit: i64,
    /// `facet.offset`.
    pub offset: usize,
    /// `facet.mincount`.
    pub mincount: u64,
    /// `facet.sort` (Solr's default: count when limit > 0, else index).
    pub sort: FacetSort,
    /// `facet.prefix`: only values starting with this.
    pub prefix: Option<String>,
    /// `facet.missing`: also count documents with no value (reported as `null`).
    pub missing: bool,
    /// `{!ex=tag,…}`: filters (by tag) ignored while counting this field.
    pub exclude_tags: Vec<String>,
}

/// One `facet.query`.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetQuery {
    /// The query text (standard parser), without its local params.
    pub query: String,
    /// The name it is reported under: the original text, or `{!key=…}`.
    pub key: String,
    /// `{!ex=…}` tags.
    pub exclude_tags: Vec<String>,
}

/// Everything a request asks to be counted (only when `facet=true`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacetRequest {
    /// `facet.field`, in request order.
    pub fields: Vec<FacetField>,
    /// `facet.query`, in request order.
    pub queries: Vec<FacetQuery>,
}

/// Counts for one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldCounts {
    /// The key it is reported under.
    pub key: String,
    /// `(value, count)` in the requested order, after offset, limit and mincount.
    pub values: Vec<(String, u64)>,
    /// With `facet.missing`: documents without a value.
    pub missing: Option<u64>,
}

/// The `facet_counts` of a response, before any wire format.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FacetCounts {
    /// One entry per requested field, in request order (even when empty).
    pub fields: Vec<FieldCounts>,
    /// `(key, count)` per `facet.query`.
    pub queries: Vec<(String, u64)>,
}
