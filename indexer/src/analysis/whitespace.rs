//! How does Solr's `WhitespaceTokenizer` cut a value into tokens?
//!
//! Lucene's `WhitespaceTokenizer` (rule `java`) breaks on `Character.isWhitespace`, which is not
//! Rust's `char::is_whitespace` (tantivy's `WhitespaceTokenizer` only knows ASCII whitespace):
//! Java excludes the no-break spaces U+00A0, U+2007, U+202F and U+0085 but includes the
//! information separators U+001C..U+001F. Like every Lucene `CharTokenizer` it also cuts a token
//! once it reaches 255 UTF-16 code units (`maxTokenLen`) and starts a new one.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Lucene's `CharTokenizer.DEFAULT_MAX_WORD_LEN`, in UTF-16 code units.
pub(crate) const MAX_TOKEN_LEN_UTF16: usize = 255;

/// Java's `Character.isWhitespace`.
pub(crate) fn is_java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'..='\u{000D}'
            | '\u{001C}'..='\u{001F}'
            | ' '
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Byte ranges of the tokens Lucene's `WhitespaceTokenizer` produces for `text`.
pub(crate) fn whitespace_spans(text: &str) -> WhitespaceSpans<'_> {
    WhitespaceSpans { text, pos: 0 }
}

/// Iterator behind [`whitespace_spans`].
pub(crate) struct WhitespaceSpans<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for WhitespaceSpans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let rest = self.text.get(self.pos..)?;
        let mut start = None;
        let mut units = 0usize;
        for (i, c) in rest.char_indices() {
            let at = self.pos + i;
            if is_java_whitespace(c) {
                if let Some(s) = start {
                    self.pos = at + c.len_utf8();
                    return Some((s, at));
                }
                continue;
            }
            if start.is_none() {
                start = Some(at);
            }
            units += c.len_utf16();
            if units >= MAX_TOKEN_LEN_UTF16 {
                // CharTokenizer: "buffer overflow!" — emit what we have, continue after it.
                let end = at + c.len_utf8();
                self.pos = end;
                return start.map(|s| (s, end));
            }
        }
        self.pos = self.text.len();
        start.map(|s| (s, self.text.len()))
    }
}

/// Lucene's `WhitespaceTokenizer` as a tantivy tokenizer; positions count tokens from 0.
#[derive(Clone, Default)]
pub struct JavaWhitespaceTokenizer {
    token: Token,
}

/// Token stream of [`JavaWhitespaceTokenizer`].
pub struct JavaWhitespaceTokenStream<'a> {
    text: &'a str,
    spans: WhitespaceSpans<'a>,
    token: &'a mut Token,
}

impl Tokenizer for JavaWhitespaceTokenizer {
    type TokenStream<'a> = JavaWhitespaceTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        JavaWhitespaceTokenStream {
            text,
            spans: whitespace_spans(text),
            token: &mut self.token,
        }
    }
}

impl TokenStream for JavaWhitespaceTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to)) = self.spans.next() else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(self.text.get(from..to).unwrap_or_default());
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = JavaWhitespaceTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn splits_on_java_whitespace_only() {
        assert_eq!(
            tokens(" Ford's\tcrossings\u{3000}x "),
            vec![
                ("Ford's".to_string(), 0, 1, 7),
                ("crossings".to_string(), 1, 8, 17),
                ("x".to_string(), 2, 20, 21),
            ]
        );
        // A no-break space does not separate tokens in Java.
        assert_eq!(tokens("a\u{00A0}b").len(), 1);
        assert_eq!(tokens("a\u{001F}b").len(), 2);
    }

    #[test]
    fn empty_and_blank_give_nothing() {
        assert!(tokens("").is_empty());
        assert!(tokens(" \n\t ").is_empty());
    }

    #[test]
    fn long_tokens_are_cut_at_255_utf16_units() {
        let long = "a".repeat(600);
        let got = tokens(&long);
        let lens: Vec<usize> = got.iter().map(|t| t.0.len()).collect();
        assert_eq!(lens, vec![255, 255, 90]);
        assert_eq!(got[1].1, 1);
        // A supplementary character counts two units and is never split.
        let emoji = "😀".repeat(200);
        let got = tokens(&emoji);
        assert_eq!(got[0].0.chars().count(), 128);
        assert_eq!(got[1].0.chars().count(), 72);
    }
}
