//! What does Solr's query-time `SynonymGraphFilter synonyms="synonyms.txt" ignoreCase="true"
//! expand="true"` add to a query?
//!
//! Parsing follows Lucene's `SolrSynonymParser` (with the factory's whitespace + lowercase
//! analyser for the entries, `dedup=true`):
//!
//! * lines that are empty or start with `#` are skipped (a `#` later on a line is part of a term);
//! * `a, b => c, d` maps each left term to every right term, dropping the original;
//! * `a, b, c` (expand) maps every term to every other one and keeps the original;
//! * `\` escapes (`\,`, `\=>`); entries are trimmed and split on whitespace into words, so an entry
//!   can be a multi-word phrase; rules for the same input merge, duplicate outputs are dropped.
//!
//! Matching is Lucene's: greedy longest match of consecutive whitespace tokens, compared
//! lowercased. The outputs are emitted first, then the original token(s), and positions follow
//! `SynonymGraphFilter`'s graph numbering: with single-word rules every alternative sits on the
//! original's position. A multi-word alternative becomes a side path: its words take consecutive
//! positions starting at the match's position (like Lucene's node numbers), the single-token
//! alternatives get a `position_length` spanning the whole match, and the next query token comes
//! after the longest path. A consumer that looks only at `(text, position)` therefore sees the
//! words of a multi-word synonym as overlapping alternatives of the original words; one that also
//! reads `position_length` (see `analyze_tokens`) can rebuild Lucene's graph.
//!
//! Deviation: Lucene rejects a line of only blanks ("completely eliminated by analyzer"); we skip
//! it like an empty line.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::whitespace::whitespace_spans;

/// Lucene's `SynonymMap.WORD_SEPARATOR`, joining the words of a multi-word entry.
const WORD_SEPARATOR: char = '\u{0}';

/// A parse failure: the 1-based line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// What one input (a word sequence) maps to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SynonymEntry {
    /// Each output is a sequence of lowercased words.
    outputs: Vec<Vec<String>>,
    /// Whether the original tokens are kept (true for equivalence groups).
    keep_orig: bool,
}

/// Parsed `synonyms.txt`: input word sequence → outputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynonymMap {
    /// Keyed by the lowercased input words joined with [`WORD_SEPARATOR`].
    rules: HashMap<String, SynonymEntry>,
    /// Longest input, in words.
    max_input_words: usize,
}

/// Java's `String.trim()`: strips every char up to U+0020.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's `Character.toLowerCase` per code point (simple case mapping: İ → i).
pub(crate) fn java_lowercase(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// `SolrSynonymParser.split`: splits on `separator`, keeping `\x` escapes, dropping empty pieces.
fn split_escaped(s: &str, separator: &str) -> Vec<String> {
    let mut list = Vec::new();
    let mut piece = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(separator) {
            if !piece.is_empty() {
                list.push(std::mem::take(&mut piece));
            }
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        piece.push(c);
        if c == '\\' {
            // A trailing lone backslash ends the line ("ERROR, or let it go?" in Lucene).
            let Some(escaped) = chars.next() else { break };
            piece.push(escaped);
        }
        rest = chars.as_str();
    }
    if !piece.is_empty() {
        list.push(piece);
    }
    list
}

/// `SolrSynonymParser.unescape`: `\x` → `x` (a trailing lone backslash stays).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// `SynonymMap.Parser.analyze` with the factory's analyser (whitespace, lowercase).
fn analyze_entry(raw: &str) -> Result<Vec<String>, String> {
    let text = unescape(raw);
    let text = java_trim(&text);
    let words: Vec<String> = whitespace_spans(text)
        .map(|(from, to)| java_lowercase(text.get(from..to).unwrap_or_default()))
        .collect();
    if words.is_empty() {
        return Err(format!(
            "term: {text:?} was completely eliminated by analyzer"
        ));
    }
    Ok(words)
}

impl SynonymMap {
    /// Parses the contents of a Solr `synonyms.txt`.
    pub fn parse(text: &str) -> Result<Self, SynonymParseError> {
        let mut map = Self::default();
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        for (index, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() || line.starts_with('#') || java_trim(line).is_empty() {
                continue;
            }
            map.parse_line(line).map_err(|reason| SynonymParseError {
                line: index + 1,
                reason,
            })?;
        }
        Ok(map)
    }

    fn parse_line(&mut self, line: &str) -> Result<(), String> {
        let sides = split_escaped(line, "=>");
        if sides.len() > 1 {
            if sides.len() != 2 {
                return Err("more than one explicit mapping specified on the same line".into());
            }
            let inputs = split_escaped(&sides[0], ",")
                .iter()
                .map(|s| analyze_entry(s))
                .collect::<Result<Vec<_>, _>>()?;
            let outputs = split_escaped(&sides[1], ",")
                .iter()
                .map(|s| analyze_entry(s))
                .collect::<Result<Vec<_>, _>>()?;
            // Explicit mappings never keep the original.
            for input in &inputs {
                for output in &outputs {
                    self.add(input, output, false);
                }
            }
        } else {
            let terms = split_escaped(line, ",")
                .iter()
                .map(|s| analyze_entry(s))
                .collect::<Result<Vec<_>, _>>()?;
            // expand=true: every term maps to every other term, keeping the original.
            for (i, input) in terms.iter().enumerate() {
                for (j, output) in terms.iter().enumerate() {
                    if i != j {
                        self.add(input, output, true);
                    }
                }
            }
        }
        Ok(())
    }

    fn add(&mut self, input: &[String], output: &[String], include_orig: bool) {
        let key = input.join(&WORD_SEPARATOR.to_string());
        let entry = self.rules.entry(key).or_default();
        if !entry.outputs.iter().any(|o| o.as_slice() == output) {
            entry.outputs.push(output.to_vec());
        }
        entry.keep_orig |= include_orig;
        self.max_input_words = self.max_input_words.max(input.len());
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Number of distinct inputs.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// The alternatives of a (lowercased, space-separated) input, and whether the original is
    /// kept; `None` if no rule has this input.
    pub fn lookup(&self, input: &str) -> Option<(Vec<String>, bool)> {
        let key = input
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(&WORD_SEPARATOR.to_string());
        self.rules
            .get(&key)
            .map(|e| (e.outputs.iter().map(|o| o.join(" ")).collect(), e.keep_orig))
    }
}

/// `SynonymGraphFilter` (ignoreCase) as a tantivy [`TokenFilter`].
#[derive(Clone, Debug, Default)]
pub struct SynonymGraphFilter {
    map: Arc<SynonymMap>,
}

impl SynonymGraphFilter {
    /// A filter applying `map`.
    pub fn new(map: Arc<SynonymMap>) -> Self {
        Self { map }
    }
}

impl TokenFilter for SynonymGraphFilter {
    type Tokenizer<T: Tokenizer> = SynonymGraphTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        SynonymGraphTokenizer {
            inner: tokenizer,
            map: self.map,
        }
    }
}

/// A tokenizer followed by [`SynonymGraphFilter`].
#[derive(Clone)]
pub struct SynonymGraphTokenizer<T> {
    inner: T,
    map: Arc<SynonymMap>,
}

impl<T: Tokenizer> Tokenizer for SynonymGraphTokenizer<T> {
    type TokenStream<'a> = SynonymGraphStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SynonymGraphStream {
            tail: self.inner.token_stream(text),
            map: &self.map,
            lookahead: VecDeque::new(),
            finished: false,
            output: VecDeque::new(),
            current: Token::default(),
            last_in: -1,
            last_node_out: -1,
            next_node_out: 0,
            key: String::new(),
        }
    }
}

/// Token stream of [`SynonymGraphTokenizer`].
pub struct SynonymGraphStream<'a, S> {
    tail: S,
    map: &'a SynonymMap,
    /// Input tokens pulled but not consumed yet, with their position increments.
    lookahead: VecDeque<(Token, i64)>,
    finished: bool,
    output: VecDeque<Token>,
    current: Token,
    /// Position of the last input token pulled.
    last_in: i64,
    /// Lucene's `lastNodeOut` / `nextNodeOut` (node ids are output positions).
    last_node_out: i64,
    next_node_out: i64,
    key: String,
}

fn to_i64(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_position(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

impl<'a, S: TokenStream> SynonymGraphStream<'a, S> {
    fn pull(&mut self) -> bool {
        if self.finished || !self.tail.advance() {
            self.finished = true;
            return false;
        }
        let token = self.tail.token().clone();
        let position = to_i64(token.position);
        let pos_inc = position.saturating_sub(self.last_in).max(0);
        self.last_in = position;
        self.lookahead.push_back((token, pos_inc));
        true
    }

    /// Longest rule matching the start of the lookahead: (number of input tokens, entry).
    fn longest_match(&mut self) -> Option<(usize, &'a SynonymEntry)> {
        let map: &'a SynonymMap = self.map;
        let max = map.max_input_words.min(self.lookahead.len());
        let mut best = None;
        self.key.clear();
        for (n, (token, _)) in self.lookahead.iter().take(max).enumerate() {
            if n > 0 {
                self.key.push(WORD_SEPARATOR);
            }
            // ignoreCase: Lucene lowercases each input code point before looking it up.
            self.key.extend(
                token
                    .text
                    .chars()
                    .map(|c| c.to_lowercase().next().unwrap_or(c)),
            );
            if map.rules.contains_key(&self.key) {
                best = Some((n + 1, self.key.len()));
            }
        }
        let (len, key_len) = best?;
        self.key.truncate(key_len);
        map.rules.get(&self.key).map(|entry| (len, entry))
    }

    /// Lucene's `bufferOutputTokens`: lays the outputs and the kept originals out as side paths.
    fn buffer_match(&mut self, input_len: usize, entry: &SynonymEntry) {
        let inputs: Vec<(Token, i64)> = self
            .lookahead
            .drain(..input_len.min(self.lookahead.len()))
            .collect();
        let (Some(first), Some(last)) = (inputs.first(), inputs.last()) else {
            return;
        };
        let match_start = first.0.offset_from;
        let match_end = last.0.offset_to;
        let keep_orig = entry.keep_orig;
        let m = to_i64(inputs.len());

        let mut total_path_nodes: i64 = if keep_orig { m - 1 } else { 0 };
        for path in &entry.outputs {
            total_path_nodes += to_i64(path.len()).saturating_sub(1);
        }
        let start_node = self.next_node_out;
        let end_node = start_node + total_path_nodes + 1;

        // (text, start node, end node, offsets)
        let mut out: Vec<(String, i64, i64, usize, usize)> = Vec::new();
        let mut new_node_count: i64 = 0;
        for path in &entry.outputs {
            let path_end = if path.len() <= 1 {
                end_node
            } else {
                let e = self.next_node_out + new_node_count + 1;
                new_node_count += to_i64(path.len()) - 1;
                e
            };
            let word = path.first().cloned().unwrap_or_default();
            out.push((word, start_node, path_end, match_start, match_end));
        }
        if keep_orig {
            let input_end = if inputs.len() == 1 {
                end_node
            } else {
                self.next_node_out + new_node_count + 1
            };
            out.push((
                first.0.text.clone(),
                start_node,
                input_end,
                first.0.offset_from,
                first.0.offset_to,
            ));
        }
        self.next_node_out = end_node;

        for (path_id, path) in entry.outputs.iter().enumerate() {
            if path.len() > 1 {
                let mut last_node = out.get(path_id).map_or(start_node, |o| o.2);
                for word in &path[1..path.len() - 1] {
                    out.push((
                        word.clone(),
                        last_node,
                        last_node + 1,
                        match_start,
                        match_end,
                    ));
                    last_node += 1;
                }
                if let Some(word) = path.last() {
                    out.push((word.clone(), last_node, end_node, match_start, match_end));
                }
            }
        }
        if keep_orig && inputs.len() > 1 {
            let mut last_node = out.get(entry.outputs.len()).map_or(start_node, |o| o.2);
            for (token, _) in &inputs[1..inputs.len() - 1] {
                out.push((
                    token.text.clone(),
                    last_node,
                    last_node + 1,
                    token.offset_from,
                    token.offset_to,
                ));
                last_node += 1;
            }
            out.push((
                last.0.text.clone(),
                last_node,
                end_node,
                last.0.offset_from,
                last.0.offset_to,
            ));
        }

        for (text, from_node, to_node, offset_from, offset_to) in out {
            self.last_node_out = from_node;
            self.output.push_back(Token {
                offset_from,
                offset_to,
                position: to_position(from_node),
                text,
                position_length: to_position(to_node - from_node).max(1),
            });
        }
    }
}

impl<S: TokenStream> TokenStream for SynonymGraphStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(token) = self.output.pop_front() {
            self.current = token;
            return true;
        }
        if self.map.is_empty() {
            // No rules: a plain pass-through (positions are unchanged).
            if !self.tail.advance() {
                return false;
            }
            self.current.clone_from(self.tail.token());
            return true;
        }
        while self.lookahead.len() < self.map.max_input_words.max(1) && self.pull() {}
        if self.lookahead.is_empty() {
            return false;
        }
        if let Some((len, entry)) = self.longest_match() {
            self.buffer_match(len, entry);
            if let Some(token) = self.output.pop_front() {
                self.current = token;
                return true;
            }
        }
        let Some((mut token, pos_inc)) = self.lookahead.pop_front() else {
            return false;
        };
        self.last_node_out = self.last_node_out.saturating_add(pos_inc);
        self.next_node_out = self
            .last_node_out
            .saturating_add(to_i64(token.position_length.max(1)));
        token.position = to_position(self.last_node_out);
        self.current = token;
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::super::whitespace::JavaWhitespaceTokenizer;
    use super::*;

    fn syn(rules: &str, text: &str) -> Vec<(String, usize, usize)> {
        let map = Arc::new(SynonymMap::parse(rules).expect("rules parse"));
        let mut analyzer = TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
            .filter(SynonymGraphFilter::new(map))
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.position_length));
        }
        out
    }

    fn tpl(tokens: &[(&str, usize, usize)]) -> Vec<(String, usize, usize)> {
        tokens
            .iter()
            .map(|&(t, p, l)| (t.to_string(), p, l))
            .collect()
    }

    const SOLR_EXAMPLE: &str = "# Some synonym groups\n\
        GB,gib,gigabyte,gigabytes\n\
        MB,mib,megabyte,megabytes\n\
        Television, Televisions, TV, TVs\n\
        pixima => pixma\n";

    #[test]
    fn parses_groups_and_mappings() {
        let map = SynonymMap::parse(SOLR_EXAMPLE).unwrap();
        assert_eq!(
            map.lookup("gb"),
            Some((
                vec!["gib".into(), "gigabyte".into(), "gigabytes".into()],
                true
            ))
        );
        assert_eq!(
            map.lookup("tv"),
            Some((
                vec!["television".into(), "televisions".into(), "tvs".into()],
                true
            ))
        );
        assert_eq!(map.lookup("pixima"), Some((vec!["pixma".into()], false)));
        assert_eq!(map.lookup("pixma"), None);
    }

    #[test]
    fn expands_single_words_on_the_same_position() {
        assert_eq!(
            syn(SOLR_EXAMPLE, "10 GB drive"),
            tpl(&[
                ("10", 0, 1),
                ("gib", 1, 1),
                ("gigabyte", 1, 1),
                ("gigabytes", 1, 1),
                ("GB", 1, 1),
                ("drive", 2, 1),
            ])
        );
        assert_eq!(syn(SOLR_EXAMPLE, "Pixima"), tpl(&[("pixma", 0, 1)]));
    }

    #[test]
    fn multi_word_synonyms_follow_lucene_graph_numbering() {
        let rules = "uk, united kingdom";
        assert_eq!(
            syn(rules, "uk data"),
            tpl(&[
                ("united", 0, 1),
                ("uk", 0, 2),
                ("kingdom", 1, 1),
                ("data", 2, 1),
            ])
        );
        assert_eq!(
            syn(rules, "United Kingdom data"),
            tpl(&[
                ("uk", 0, 2),
                ("United", 0, 1),
                ("Kingdom", 1, 1),
                ("data", 2, 1),
            ])
        );
        // Greedy longest match; a failed longer match replays the tokens.
        assert_eq!(
            syn(rules, "united states"),
            tpl(&[("united", 0, 1), ("states", 1, 1)])
        );
    }

    #[test]
    fn escapes_comments_and_errors() {
        let map = SynonymMap::parse("a\\,b, c\n  # not a comment, d\n").unwrap();
        assert_eq!(map.lookup("a,b"), Some((vec!["c".into()], true)));
        assert!(map.lookup("# not a comment").is_some());
        let err = SynonymMap::parse("ok, fine\na => b => c\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = SynonymMap::parse("\n\na, \t ,b\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(SynonymMap::parse("").unwrap().is_empty());
        assert!(SynonymMap::parse("   \n# x\n").unwrap().is_empty());
    }

    #[test]
    fn outputs_are_deduplicated_and_rules_merge() {
        let map = SynonymMap::parse("foo => bar\nfoo => baz, bar\n").unwrap();
        assert_eq!(
            map.lookup("foo"),
            Some((vec!["bar".into(), "baz".into()], false))
        );
    }
}
