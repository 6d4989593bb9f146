//! `sort`: a comma list of `<field|score> asc|desc`.

use crate::{QueryError, Result};

/// What a sort key orders by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// Relevance.
    Score,
    /// A field's value (missing values last for strings, as CKAN's schema says).
    Field(String),
}

/// One sort key and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortSpec {
    /// What to order by.
    pub key: SortKey,
    /// `desc`.
    pub descending: bool,
}

/// Parses a sort spec. A key without `asc`/`desc` is Solr's 400, whose text CKAN matches
/// ("Can't determine a Sort Order") to answer "Invalid sort parameter".
pub fn parse_sort(spec: &str) -> Result<Vec<SortSpec>> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in spec.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        pos += part.len() + 1;
        if words.is_empty() {
            continue;
        }
        let direction = words.get(1).map(|d| d.to_ascii_lowercase());
        let descending = match (words.len(), direction.as_deref()) {
            (2, Some("desc")) => true,
            (2, Some("asc")) => false,
            _ => {
                return Err(QueryError::BadParam(format!(
                    "Can't determine a Sort Order (asc or desc) in sort spec '{}', pos={}",
                    spec,
                    pos.min(spec.len())
                )))
            }
        };
        let key = match words[0] {
            "score" => SortKey::Score,
            field => SortKey::Field(field.to_string()),
        };
        out.push(SortSpec { key, descending });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ckan_sorts_and_rejects_missing_directions() {
        let s = parse_sort("score desc, metadata_modified desc").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0],
            SortSpec {
                key: SortKey::Score,
                descending: true
            }
        );
        assert_eq!(s[1].key, SortKey::Field("metadata_modified".into()));
        assert!(!parse_sort("title_string asc").unwrap()[0].descending);
        let err = parse_sort("metadata_modified").unwrap_err().to_string();
        assert!(
            err.contains(
                "Can't determine a Sort Order (asc or desc) in sort spec 'metadata_modified'"
            ),
            "{err}"
        );
        assert!(parse_sort("name sideways").is_err());
    }
}
