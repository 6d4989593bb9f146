//! How a parse failure reads, in Solr's words: `Cannot parse '<q>': …` for grammar and
//! lexical errors, bare `SyntaxError`s for the rest, and the nesting bound that keeps
//! hostile input off the stack.

use crate::QueryError;

/// Deepest nesting accepted: parentheses and function calls count one level each, an
/// embedded query (`_query_`, `{!…}`, `{!bool …}` values, `q.alt`, `bf`, `boost`)
/// [`EMBEDDED_LEVELS`]. Far beyond any real query, and small enough that the recursive
/// parsers stay well within a thread's stack even without optimisations (under 1 MiB).
pub(crate) const MAX_DEPTH: usize = 100;

/// What an embedded query counts towards [`MAX_DEPTH`]: each re-reads its own text while
/// its parents' stay in memory, so at most 10 may nest (memory ≤ 10 × the text).
pub(crate) const EMBEDDED_LEVELS: usize = 10;

/// `org.apache.solr.search.SyntaxError: Cannot parse '<query>': <reason>` (a
/// `ParseException` or `TokenMgrError` caught by `SolrQueryParserBase.parse`).
pub(crate) fn cannot_parse(query: &str, reason: impl Into<String>) -> QueryError {
    QueryError::Syntax {
        query: query.to_string(),
        reason: reason.into(),
    }
}

/// A `SyntaxError` thrown outside the grammar (escapes, fuzzy similarity, function
/// syntax, …): Solr reports it without the `Cannot parse` prefix.
pub(crate) fn syntax_error(message: impl std::fmt::Display) -> QueryError {
    QueryError::BadParam(format!("org.apache.solr.search.SyntaxError: {message}"))
}

/// Nesting deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep(query: &str) -> QueryError {
    cannot_parse(
        query,
        format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
    )
}
