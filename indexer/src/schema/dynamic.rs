//! CKAN's `<dynamicField>` patterns and Solr's rule for choosing among them.

use super::field_kind::{FieldKind, TextType};
use super::fields::{field, FieldDef};

/// Which dynamic pattern a field name fell under. Each has one tantivy JSON field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DynamicPattern {
    /// `*_date`: date, stored, single-valued.
    Date,
    /// `extras_*`: text, stored, single-valued.
    Extras,
    /// `res_extras_*`: text, stored, multi-valued.
    ResExtras,
    /// `vocab_*`: string, stored, multi-valued.
    Vocab,
    /// `*`: string, indexed only, single-valued.
    CatchAll,
}

/// The dynamic fields in schema.xml declaration order (ties in match length go to the
/// first declared, as in Solr).
pub const DYNAMIC_FIELDS: &[(DynamicPattern, FieldDef)] = &[
    (
        DynamicPattern::Date,
        field("*_date", FieldKind::Date, true, false),
    ),
    (
        DynamicPattern::Extras,
        field("extras_*", FieldKind::Text(TextType::Text), true, false),
    ),
    (
        DynamicPattern::ResExtras,
        field("res_extras_*", FieldKind::Text(TextType::Text), true, true),
    ),
    (
        DynamicPattern::Vocab,
        field("vocab_*", FieldKind::String, true, true),
    ),
    (
        DynamicPattern::CatchAll,
        field("*", FieldKind::String, false, false),
    ),
];

/// Whether `pattern` (a leading or trailing `*` glob, or `*` alone) matches `name`.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix('*') {
        return name.len() > suffix.len() && name.ends_with(suffix);
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return name.len() > prefix.len() && name.starts_with(prefix);
    }
    pattern == name
}

/// Solr's precedence: the longest matching pattern wins; ties go to the first declared.
/// `*` matches every name, so there is always an answer.
pub fn resolve(name: &str) -> (DynamicPattern, &'static FieldDef) {
    let mut best: Option<&(DynamicPattern, FieldDef)> = None;
    for candidate in DYNAMIC_FIELDS {
        if !glob_matches(candidate.1.name, name) {
            continue;
        }
        if best.is_none_or(|b| candidate.1.name.len() > b.1.name.len()) {
            best = Some(candidate);
        }
    }
    let (pattern, def) = best.unwrap_or(&DYNAMIC_FIELDS[DYNAMIC_FIELDS.len() - 1]);
    (*pattern, def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_pattern_wins() {
        assert_eq!(resolve("extras_foo_date").0, DynamicPattern::Extras);
        assert_eq!(resolve("res_extras_size").0, DynamicPattern::ResExtras);
        assert_eq!(resolve("vocab_x_date").0, DynamicPattern::Vocab);
        assert_eq!(resolve("issued_date").0, DynamicPattern::Date);
        assert_eq!(resolve("owner_org").0, DynamicPattern::CatchAll);
        assert_eq!(resolve("view_recent").0, DynamicPattern::CatchAll);
    }

    #[test]
    fn equal_length_goes_to_first_declared() {
        // `*_date` (6) and `vocab_*` (7) differ; `*_date` vs a same-length pattern does not
        // occur in CKAN's schema, so check the tie rule on the declaration order directly.
        assert_eq!(resolve("_date").0, DynamicPattern::CatchAll);
        assert_eq!(resolve("extras_").0, DynamicPattern::CatchAll);
    }
}
