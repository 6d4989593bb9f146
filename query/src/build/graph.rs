//! How do the tokens of an analysed query text fit together? Lucene's `QueryBuilder` reads
//! the token stream as a graph (a token runs from node `position` to node
//! `position + position_length`): tokens on the same span are alternatives (synonyms), and
//! a multi-word synonym is a side path beside the words it replaces. This module cuts the
//! graph into segments at its articulation points and lists the paths through a segment or
//! through the whole graph.

use tantivy::tokenizer::Token;

/// At most this many paths are expanded (phrase alternatives, side paths). Synonym-heavy
/// phrases beyond it keep their first paths, in token order.
pub(crate) const MAX_PATHS: usize = 64;

/// One analysed token, reduced to what query building needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub text: String,
    pub position: usize,
    pub length: usize,
}

impl Tok {
    fn end(&self) -> usize {
        self.position + self.length
    }
}

/// The tokens of a stream, duplicates (same text on the same span) removed, in stream order.
pub(crate) fn tokens(stream: Vec<Token>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(stream.len());
    for t in stream {
        let tok = Tok {
            text: t.text,
            position: t.position,
            length: t.position_length.max(1),
        };
        if !out.contains(&tok) {
            out.push(tok);
        }
    }
    out
}

/// A stretch of the graph between two articulation points.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    /// Every token spans the same single position: one word, or synonyms of it.
    Position(Vec<String>),
    /// A side path exists (multi-word synonym): the alternative token sequences.
    Paths(Vec<Vec<String>>),
}

/// Cuts the graph where no token spans across, like Lucene's `articulationPoints`.
pub(crate) fn segments(tokens: &[Tok]) -> Vec<Segment> {
    let mut sorted: Vec<&Tok> = tokens.iter().collect();
    sorted.sort_by_key(|t| t.position); // stable: stream order within a position
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i].position;
        let mut end = sorted[i].end();
        let mut j = i + 1;
        while j < sorted.len() && sorted[j].position < end {
            end = end.max(sorted[j].end());
            j += 1;
        }
        let group = &sorted[i..j];
        if group.iter().all(|t| t.position == start && t.length == 1) {
            let mut words: Vec<String> = Vec::new();
            for t in group {
                if !words.contains(&t.text) {
                    words.push(t.text.clone());
                }
            }
            out.push(Segment::Position(words));
        } else {
            let owned: Vec<Tok> = group.iter().map(|t| (*t).clone()).collect();
            let paths = paths(&owned)
                .into_iter()
                .map(|p| p.into_iter().map(|(_, t)| t).collect())
                .collect();
            out.push(Segment::Paths(paths));
        }
        i = j;
    }
    out
}

/// The paths through `tokens` from its first node to its last, each as (phrase offset,
/// text) pairs: offsets count one per token along the path plus any position gap, so a
/// path through a multi-word synonym gets consecutive offsets. At most [`MAX_PATHS`].
pub(crate) fn paths(tokens: &[Tok]) -> Vec<Vec<(usize, String)>> {
    let Some(start) = tokens.iter().map(|t| t.position).min() else {
        return Vec::new();
    };
    let end = tokens.iter().map(Tok::end).max().unwrap_or(start);
    let mut out = Vec::new();
    let mut current = Vec::new();
    walk(tokens, start, end, 0, &mut current, &mut out);
    out
}

fn walk(
    tokens: &[Tok],
    node: usize,
    end: usize,
    offset: usize,
    current: &mut Vec<(usize, String)>,
    out: &mut Vec<Vec<(usize, String)>>,
) {
    if out.len() >= MAX_PATHS {
        return;
    }
    // Position gaps (a dropped token) keep their width in the phrase.
    let next = tokens
        .iter()
        .map(|t| t.position)
        .filter(|&p| p >= node)
        .min();
    let Some(next) = next.filter(|_| node < end) else {
        out.push(current.clone());
        return;
    };
    let offset = offset + (next - node);
    for t in tokens.iter().filter(|t| t.position == next) {
        current.push((offset, t.text.clone()));
        walk(tokens, t.end(), end, offset + 1, current, out);
        current.pop();
        if out.len() >= MAX_PATHS {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, position: usize, length: usize) -> Tok {
        Tok {
            text: text.into(),
            position,
            length,
        }
    }

    fn owned(path: &[(usize, &str)]) -> Vec<(usize, String)> {
        path.iter().map(|(o, t)| (*o, t.to_string())).collect()
    }

    #[test]
    fn plain_words_are_one_segment_each() {
        let toks = [tok("river", 0, 1), tok("level", 1, 1)];
        let segs = segments(&toks);
        assert_eq!(segs.len(), 2);
        assert!(matches!(&segs[0], Segment::Position(w) if w == &["river"]));
        assert_eq!(paths(&toks), vec![owned(&[(0, "river"), (1, "level")])]);
    }

    #[test]
    fn synonyms_share_a_position() {
        let toks = [
            tok("10", 0, 1),
            tok("gb", 1, 1),
            tok("gib", 1, 1),
            tok("disk", 2, 1),
        ];
        let segs = segments(&toks);
        assert!(matches!(&segs[1], Segment::Position(w) if w == &["gb", "gib"]));
        assert_eq!(
            paths(&toks),
            vec![
                owned(&[(0, "10"), (1, "gb"), (2, "disk")]),
                owned(&[(0, "10"), (1, "gib"), (2, "disk")]),
            ]
        );
    }

    #[test]
    fn multi_word_synonyms_are_side_paths() {
        // "UK data" with `uk, united kingdom`.
        let toks = [
            tok("unit", 0, 1),
            tok("uk", 0, 2),
            tok("kingdom", 1, 1),
            tok("data", 2, 1),
        ];
        let segs = segments(&toks);
        assert_eq!(segs.len(), 2);
        match &segs[0] {
            Segment::Paths(p) => assert_eq!(
                p,
                &vec![
                    vec!["unit".to_string(), "kingdom".into()],
                    vec!["uk".into()]
                ]
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            paths(&toks),
            vec![
                owned(&[(0, "unit"), (1, "kingdom"), (2, "data")]),
                owned(&[(0, "uk"), (1, "data")]),
            ]
        );
    }

    #[test]
    fn gaps_keep_their_width() {
        let toks = [tok("a", 0, 1), tok("b", 2, 1)];
        assert_eq!(paths(&toks), vec![owned(&[(0, "a"), (2, "b")])]);
        assert_eq!(segments(&toks).len(), 2);
    }

    #[test]
    fn path_expansion_is_capped() {
        let toks: Vec<Tok> = (0..8)
            .flat_map(|p| [tok("x", p, 1), tok("y", p, 1)])
            .collect();
        assert_eq!(paths(&toks).len(), MAX_PATHS);
    }
}
