//! CKAN's `<copyField>` rules. Solr copies the raw values before analysis and never
//! chains copies: a copy is not the source of another copy.

use super::dynamic::glob_matches;

/// `(source pattern, destination)` in schema.xml order.
pub const COPY_FIELDS: &[(&str, &str)] = &[
    ("url", "urls"),
    ("ckan_url", "urls"),
    ("download_url", "urls"),
    ("res_url", "urls"),
    ("extras_*", "text"),
    ("res_extras_*", "text"),
    ("vocab_*", "text"),
    ("urls", "text"),
    ("name", "text"),
    ("title", "text"),
    ("text", "text"),
    ("license", "text"),
    ("notes", "text"),
    ("tags", "text"),
    ("groups", "text"),
    ("organization", "text"),
    ("res_name", "text"),
    ("res_description", "text"),
    ("maintainer", "text"),
    ("author", "text"),
    ("title", "title_ngram"),
    ("name", "name_ngram"),
];

/// The destinations a value sent in `source` is copied to. A field copied onto itself
/// (`text` → `text`) adds nothing.
pub fn destinations(source: &str) -> impl Iterator<Item = &'static str> + '_ {
    COPY_FIELDS
        .iter()
        .filter(move |(pattern, dest)| *dest != source && glob_matches(pattern, source))
        .map(|(_, dest)| *dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_do_not_chain_and_self_copy_is_ignored() {
        assert_eq!(destinations("res_url").collect::<Vec<_>>(), vec!["urls"]);
        assert_eq!(destinations("urls").collect::<Vec<_>>(), vec!["text"]);
        assert_eq!(destinations("text").count(), 0);
        assert_eq!(
            destinations("title").collect::<Vec<_>>(),
            vec!["text", "title_ngram"]
        );
        assert_eq!(
            destinations("extras_theme").collect::<Vec<_>>(),
            vec!["text"]
        );
        assert_eq!(destinations("author_email").count(), 0);
        assert_eq!(destinations("owner_org").count(), 0);
    }
}
