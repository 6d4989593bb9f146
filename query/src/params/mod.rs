//! Solr request parameters: the raw multi-map as received ([`SolrParams`]), and its typed
//! form ([`SearchRequest`]) with local params, sort and facet specs.

pub mod local_params;
pub mod request;
pub mod sort;

pub use request::{DefType, SearchRequest, MAX_ROWS};
pub use sort::{SortKey, SortSpec};

/// Parameters in the order received; repeated keys keep every value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolrParams(pub Vec<(String, String)>);

impl SolrParams {
    /// From decoded `(key, value)` pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Parses an integer parameter with a default.
    pub fn get_usize(&self, key: &str, default: usize) -> crate::Result<usize> {
        match self.get(key).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .map(|n| n.max(0) as usize)
                .map_err(|_| crate::QueryError::BadParam(format!("For input string: \"{v}\""))),
        }
    }
}
