//! Errors of the query side. Their messages are what Solr clients see in `error.msg`.

/// A request that cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The query text does not parse.
    #[error("org.apache.solr.search.SyntaxError: Cannot parse '{query}': {reason}")]
    Syntax {
        /// The query as sent.
        query: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// A parameter has a value of the wrong form.
    #[error("{0}")]
    BadParam(String),
    /// A value cannot be read as its field's type.
    #[error("Invalid {kind} value '{value}' for field {field}")]
    BadValue {
        /// The field.
        field: String,
        /// Its type.
        kind: &'static str,
        /// The value.
        value: String,
    },
    /// The index failed.
    #[error("{0}")]
    Internal(String),
}

impl QueryError {
    /// Whether the client is at fault (HTTP 400) rather than the server (500).
    pub fn is_bad_request(&self) -> bool {
        !matches!(self, QueryError::Internal(_))
    }
}

/// Result with [`QueryError`].
pub type Result<T, E = QueryError> = std::result::Result<T, E>;
