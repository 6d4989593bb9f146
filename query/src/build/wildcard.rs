//! Which documents hold a term matching a wildcard pattern (`license_id:OGL-UK-*`,
//! `title:*levels`, `name:te?t`)? Lucene's `WildcardQuery` as Solr runs it:
//! - `*` matches any run of characters (none included), `?` exactly one; `\*`, `\?` and
//!   `\\` are literals; every other character, `.` included, is itself;
//! - string fields match raw terms; text fields first normalise the pattern with the
//!   field's multi-term analyser (lowercase, ASCII folding) and match analysed terms;
//! - leading wildcards are allowed; the match is constant-scoring;
//! - `field:*` is an existence query; on date and number fields a prefix pattern is
//!   refused as Solr's point fields refuse it, and other patterns match nothing.
//!
//! The literal start of the pattern narrows the term-dictionary scan to the terms with that
//! prefix; the rest is matched term by term.

use ckan_search_indexer::analysis;
use ckan_search_indexer::schema::FieldKind;
use tantivy::query::{EmptyQuery, Query};
use tantivy::schema::Type;

use super::exists::exists_query;
use super::literal;
use super::term_scan::{TermMatcher, TermScanQuery};
use super::{BuildContext, Built};
use crate::ast;
use crate::{QueryError, Result};

/// One element of a wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Glob {
    /// A literal character.
    Char(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters.
    Any,
}

fn parse(pattern: &str) -> Vec<Glob> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Glob::Any,
            '?' => Glob::One,
            '\\' => Glob::Char(chars.next().unwrap_or('\\')),
            c => Glob::Char(c),
        });
    }
    out
}

/// `field:pattern`.
pub(super) fn wildcard_query(ctx: &BuildContext, w: &ast::WildcardQuery) -> Result<Built> {
    if w.pattern == "*" {
        return Ok(Some(exists_query(ctx, &w.field)?));
    }
    let target = ctx.target(&w.field)?;
    let pattern = match target.kind() {
        FieldKind::String => w.pattern.clone(),
        FieldKind::Text(text_type) => {
            analysis::normalize_multiterm_for(text_type.query_analyzer(), &w.pattern)
        }
        FieldKind::Date | FieldKind::Int | FieldKind::Float => {
            let globs = parse(&w.pattern);
            let prefix_query = globs.last() == Some(&Glob::Any)
                && globs[..globs.len() - 1]
                    .iter()
                    .all(|g| matches!(g, Glob::Char(_)));
            if prefix_query {
                return Err(QueryError::BadParam(
                    "Can't run prefix queries on numeric fields".to_string(),
                ));
            }
            // Point fields have no terms a wildcard could match.
            return Ok(Some(Box::new(EmptyQuery)));
        }
        FieldKind::Boolean => return Ok(Some(Box::new(EmptyQuery))),
    };
    let globs = parse(&pattern);
    let literal_len = globs
        .iter()
        .take_while(|g| matches!(g, Glob::Char(_)))
        .count();
    let literal: String = globs[..literal_len]
        .iter()
        .filter_map(|g| match g {
            Glob::Char(c) => Some(*c),
            _ => None,
        })
        .collect();
    let mut prefix = literal::key_prefix(&target, Some(Type::Str));
    prefix.extend_from_slice(literal.as_bytes());
    let matcher = GlobMatcher {
        pattern: globs[literal_len..].to_vec(),
    };
    let query: Box<dyn Query> =
        Box::new(TermScanQuery::prefix(target.field, prefix).with_matcher(matcher));
    Ok(Some(query))
}

/// Matches the rest of a term (after the pattern's literal start) against the rest of the
/// pattern.
#[derive(Debug)]
struct GlobMatcher {
    pattern: Vec<Glob>,
}

impl TermMatcher for GlobMatcher {
    fn matches(&self, suffix: &[u8]) -> bool {
        match std::str::from_utf8(suffix) {
            Ok(text) => glob_matches(&self.pattern, text),
            Err(_) => false,
        }
    }
}

/// Classic wildcard matching with backtracking to the last `*`.
fn glob_matches(pattern: &[Glob], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Glob::One) => {
                p += 1;
                t += 1;
            }
            Some(Glob::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            Some(Glob::Any) => {
                last_star = Some((p, t));
                p += 1;
            }
            _ => match last_star {
                Some((star, from)) => {
                    p = star + 1;
                    t = from + 1;
                    last_star = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|g| *g == Glob::Any)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        glob_matches(&parse(pattern), text)
    }

    #[test]
    fn wildcards_match_like_lucene() {
        assert!(matches("OGL-UK-*", "OGL-UK-3.0"));
        assert!(matches("OGL-UK-*", "OGL-UK-"));
        assert!(!matches("OGL-UK-*", "ogl-uk-3.0"));
        assert!(matches("*levels", "river-levels"));
        assert!(matches("te?t", "text"));
        assert!(!matches("te?t", "tet"));
        assert!(matches("t*t*s", "tests"));
        assert!(matches("*a*b*", "xxaxxbxx"));
        assert!(!matches("*a*b", "xxaxxbxxc"));
        assert!(matches("caf?", "café"));
        // `.` is literal; escapes make `*` and `?` literal.
        assert!(matches("dgu_organisations.*", "dgu_organisations.x"));
        assert!(!matches("dgu_organisations.*", "dgu_organisationsXx"));
        assert!(matches("a\\*b", "a*b"));
        assert!(!matches("a\\*b", "axb"));
        assert!(matches("what\\?", "what?"));
        assert!(matches("a\\\\b", "a\\b"));
    }
}
