//! Solr's standard query parser (Lucene's classic syntax with Solr's additions): the
//! lexer, the grammar, and what escaped token text means.

mod lexer;
mod parser;
pub(crate) mod text;

pub(crate) use parser::{boosted, parse, DefaultField, LuceneConfig};
