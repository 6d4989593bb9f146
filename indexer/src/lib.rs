//! Everything in ckan-search that writes: CKAN's Solr schema mapped onto tantivy, CKAN's
//! analysers, the package dict → Solr document → tantivy document chain, the catalogue
//! sources, and the index generations that a rebuild swaps in atomically.
//!
//! The query side (`ckan-search-query`) reads the same [`schema::CkanSchema`] so that a
//! field's type and analyser are decided in exactly one place.

pub mod analysis;
pub mod document;
pub mod error;
pub mod generation;
pub mod journal;
pub mod rebuild;
pub mod schema;
pub mod source;

pub use error::{IndexerError, Result};
