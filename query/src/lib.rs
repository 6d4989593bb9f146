//! The query side of ckan-search: Solr request parameters → a typed request → a tantivy
//! query against CKAN's schema → a format-agnostic result (documents as stored fields,
//! `numFound`). The HTTP layer (`ckan-search-server`) renders it in Solr's JSON.
//!
//! This first version understands `*:*` and `field:value` / `field:"value"` clauses (with
//! `+`/`-` prefixes); the full Lucene, dismax and edismax languages build on the same
//! pieces.

pub mod ast;
pub mod build;
pub mod date_math;
pub mod error;
pub mod facet;
pub mod field_list;
pub mod params;
pub mod parse;
pub mod search;

pub use error::{QueryError, Result};
pub use params::SearchRequest;
pub use params::SolrParams;
pub use search::{hit_fields, search, Hit, SearchResult};
