//! Which positions does Solr's `FlattenGraphFilter` give the word-delimiter graph at index time?
//!
//! For what `WordDelimiterGraphFilter` produces (a linear chain of parts with catenations spanning
//! several of them), Lucene's `FlattenGraphFilter` keeps every position as it is except at holes:
//! a token that starts on a node no earlier token reached (the token(s) before it were only
//! delimiters and were dropped) is placed exactly one position after the previous token's first
//! end node (`recoverFromHole`: "Can't be larger than 1 inc"), and a leading hole becomes
//! position 1. So at index time any run of dropped tokens leaves a gap of one position, whereas
//! the query side (no flattening) keeps the full gap. Position lengths are kept.
//!
//! This is not a general graph flattener: the index chains never contain synonyms, so the input
//! graph is always such a chain.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Collapses position holes the way `FlattenGraphFilter` does for word-delimiter output.
#[derive(Clone, Copy, Debug, Default)]
pub struct FlattenGraphFilter;

impl TokenFilter for FlattenGraphFilter {
    type Tokenizer<T: Tokenizer> = FlattenGraphTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        FlattenGraphTokenizer { inner: tokenizer }
    }
}

/// A tokenizer followed by [`FlattenGraphFilter`].
#[derive(Clone)]
pub struct FlattenGraphTokenizer<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FlattenGraphTokenizer<T> {
    type TokenStream<'a> = FlattenGraphStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FlattenGraphStream {
            tail: self.inner.token_stream(text),
            prev_start: None,
            prev_min_to: 0,
            max_end: 0,
            shift: 0,
        }
    }
}

/// Token stream of [`FlattenGraphTokenizer`].
pub struct FlattenGraphStream<S> {
    tail: S,
    /// Input position of the previous token.
    prev_start: Option<usize>,
    /// Smallest end node (input) of the tokens leaving `prev_start`.
    prev_min_to: usize,
    /// Largest end node (input) reached so far.
    max_end: usize,
    /// Input position minus output position for the current stretch.
    shift: usize,
}

impl<S: TokenStream> TokenStream for FlattenGraphStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let start = token.position;
        let end = start.saturating_add(token.position_length.max(1));
        let out = match self.prev_start {
            None if start == 0 => 0,
            // A leading hole maps to output node 1.
            None => 1,
            Some(_) if start <= self.max_end => start.saturating_sub(self.shift),
            // Crossed a hole: one position past where the previous token's shortest arc ends.
            Some(_) => self
                .prev_min_to
                .saturating_sub(self.shift)
                .saturating_add(1),
        };
        self.shift = start.saturating_sub(out);
        if self.prev_start == Some(start) {
            self.prev_min_to = self.prev_min_to.min(end);
        } else {
            self.prev_min_to = end;
        }
        self.prev_start = Some(start);
        self.max_end = self.max_end.max(end);
        token.position = out;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::super::whitespace::JavaWhitespaceTokenizer;
    use super::super::word_delimiter::{WordDelimiterConfig, WordDelimiterGraphFilter};
    use super::*;

    fn flat(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
            .filter(WordDelimiterGraphFilter::new(
                WordDelimiterConfig::TEXT_INDEX,
            ))
            .filter(FlattenGraphFilter)
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    fn tp(tokens: &[(&str, usize)]) -> Vec<(String, usize)> {
        tokens.iter().map(|&(t, p)| (t.to_string(), p)).collect()
    }

    #[test]
    fn linear_graph_is_unchanged() {
        assert_eq!(
            flat("Wi-Fi hotspot"),
            tp(&[("WiFi", 0), ("Wi", 0), ("Fi", 1), ("hotspot", 2)])
        );
    }

    #[test]
    fn holes_shrink_to_one_position() {
        assert_eq!(flat("a - b"), tp(&[("a", 0), ("b", 2)]));
        assert_eq!(flat("a - -- & b c"), tp(&[("a", 0), ("b", 2), ("c", 3)]));
        assert_eq!(flat("-- -- a b"), tp(&[("a", 1), ("b", 2)]));
        assert_eq!(
            flat("Wi-Fi -- -- b"),
            tp(&[("WiFi", 0), ("Wi", 0), ("Fi", 1), ("b", 3)])
        );
    }
}
