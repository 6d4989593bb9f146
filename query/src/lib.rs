//! The query side of ckan-search: Solr request parameters → a typed request → a tantivy
//! query against CKAN's schema → a format-agnostic result (documents as stored fields,
//! `numFound`). The HTTP layer (`ckan-search-server`) renders it in Solr's JSON.
//!
//! ```text
//! SolrParams ─params→ SearchRequest ─parse→ QueryAst ─build→ tantivy Query ─search→ SearchResult
//!                                                                  └─facet→ FacetCounts
//! ```
//!
//! - [`params`]: the raw multi-map, local params, sort and facet specs, typed and checked.
//! - [`parse`]: the standard (Lucene classic), dismax and edismax parsers, local params
//!   (`{!frange}`, `{!bool}`, `{!field}`, `{!terms}`, …), `mm`, function expressions. No
//!   tantivy types, so it is fuzzed on its own.
//! - [`ast`]: what a query means, independent of syntax and of tantivy.
//! - [`build`]: AST → tantivy, per CKAN's schema (analysis, typing, [`date_math`]).
//! - [`search`]: one request on one searcher: filters, sort, paging, `cursorMark`, `fl`.
//! - [`facet`]: `facet.field` / `facet.query` counts, cached per commit for large base sets.
//! - `filter_cache`: each `fq`'s matches per segment (Solr's filterCache); `lru`: the
//!   bounded LRU map every cache here uses.

pub mod ast;
pub mod build;
pub mod date_math;
pub mod error;
pub mod facet;
pub mod field_list;
mod filter_cache;
mod lru;
pub mod params;
pub mod parse;
pub mod search;

pub use error::{QueryError, Result};
pub use params::SearchRequest;
pub use params::SolrParams;
pub use search::{hit_fields, search, Hit, PageFields, SearchResult};
