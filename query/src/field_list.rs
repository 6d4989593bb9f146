//! `fl`: which stored fields to return. Space and/or comma separated names, `*`, globs
//! (`extras_*`) and `score`.

use ckan_search_indexer::schema::dynamic::glob_matches;

/// A parsed `fl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldList {
    patterns: Vec<String>,
    /// Whether `score` was asked for.
    pub score: bool,
}

impl FieldList {
    /// Parses every `fl` value; none means `*`.
    pub fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut patterns = Vec::new();
        let mut score = false;
        for value in values {
            for name in value
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if name == "score" {
                    score = true;
                } else {
                    patterns.push(name.to_string());
                }
            }
        }
        if patterns.is_empty() {
            patterns.push("*".into());
        }
        Self { patterns, score }
    }

    /// Whether a stored field is to be returned.
    pub fn includes(&self, field: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| p == field || (p.contains('*') && glob_matches(p, field)) || p == "*")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_space_and_comma_lists_and_globs() {
        let fl = FieldList::parse(["id validated_data_dict", "name,extras_*"].into_iter());
        assert!(fl.includes("id") && fl.includes("name") && fl.includes("extras_theme"));
        assert!(!fl.includes("title") && !fl.score);
        let all = FieldList::parse(["score"].into_iter());
        assert!(all.includes("title") && all.score);
    }
}
