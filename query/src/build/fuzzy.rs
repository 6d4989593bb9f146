//! Which documents hold a term within N edits of the query term (`title:roam~1`)? Lucene's
//! `FuzzyQuery` defaults as Solr uses them: at most 2 edits, an adjacent transposition
//! costs one edit (Damerau, optimal string alignment), no required common prefix, edits
//! counted in characters. Text fields normalise the term with the multi-term analyser
//! first; string fields compare raw terms. Matches are constant-scoring (Lucene blends
//! the top 50 expansions' scores instead).
//!
//! Explicit fields run tantivy's Levenshtein automaton over the term dictionary; dynamic
//! (JSON) keys scan the key's terms and compute the distance, so that edits can never
//! reach into the key itself.

use ckan_search_indexer::analysis;
use ckan_search_indexer::schema::FieldKind;
use tantivy::query::{EmptyQuery, FuzzyTermQuery, Query};
use tantivy::schema::Type;
use tantivy::Term;

use super::literal;
use super::term_scan::{TermMatcher, TermScanQuery};
use super::{BuildContext, Built};
use crate::ast;
use crate::Result;

/// `field:term~distance`.
pub(super) fn fuzzy_query(ctx: &BuildContext, f: &ast::FuzzyQuery) -> Result<Built> {
    let target = ctx.target(&f.field)?;
    let text = match target.kind() {
        FieldKind::String => f.text.clone(),
        FieldKind::Text(text_type) => {
            analysis::normalize_multiterm_for(text_type.query_analyzer(), &f.text)
        }
        // Point fields have no terms to be near.
        _ => return Ok(Some(Box::new(EmptyQuery))),
    };
    let distance = f.distance.min(2);
    let query: Box<dyn Query> = match &target.json_path {
        None => Box::new(FuzzyTermQuery::new(
            Term::from_field_text(target.field, &text),
            distance,
            true,
        )),
        Some(_) => Box::new(
            TermScanQuery::prefix(target.field, literal::key_prefix(&target, Some(Type::Str)))
                .with_matcher(WithinEdits {
                    target: text.chars().collect(),
                    distance: usize::from(distance),
                }),
        ),
    };
    Ok(Some(query))
}

/// Accepts terms within `distance` edits of `target`.
#[derive(Debug)]
struct WithinEdits {
    target: Vec<char>,
    distance: usize,
}

impl TermMatcher for WithinEdits {
    fn matches(&self, suffix: &[u8]) -> bool {
        let Ok(term) = std::str::from_utf8(suffix) else {
            return false;
        };
        let term: Vec<char> = term.chars().collect();
        term.len().abs_diff(self.target.len()) <= self.distance
            && edit_distance(&self.target, &term) <= self.distance
    }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost one.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate() {
        *cell = j;
    }
    if a.is_empty() {
        return b.len();
    }
    for i in 1..=a.len() {
        let (prev2, rest) = rows.split_at_mut(1);
        let (prev, cur) = rest.split_at_mut(1);
        let (prev2, prev, cur) = (&prev2[0], &prev[0], &mut cur[0]);
        cur[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(prev2[j - 2] + 1);
            }
            cur[j] = best;
        }
        rows.rotate_left(1);
    }
    rows[1][b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    fn d(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        edit_distance(&a, &b)
    }

    #[test]
    fn distances() {
        assert_eq!(d("roam", "roam"), 0);
        assert_eq!(d("roam", "foam"), 1);
        assert_eq!(d("roam", "roams"), 1);
        assert_eq!(d("roam", "ram"), 1);
        assert_eq!(d("roam", "raom"), 1); // transposition
        assert_eq!(d("roam", "foams"), 2);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("ab", ""), 2);
        assert_eq!(d("café", "cafe"), 1);
        assert_eq!(d("ca", "abc"), 3); // OSA, not full Damerau
    }
}
