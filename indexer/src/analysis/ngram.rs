//! Which grams does Solr's `NGramTokenizer minGramSize="2" maxGramSize="10"` make of a value?
//!
//! Lucene's (4.4+) `NGramTokenizer` treats the whole value as one stream (spaces and punctuation
//! included, nothing trimmed), counts in code points, and emits grams by increasing start, then
//! increasing length, each at the next position (position increment 1). tantivy's
//! `NgramTokenizer` produces the same grams but puts all of them at position 0, so we keep our
//! own to keep Lucene's positions.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// `text_ngram`'s `minGramSize`.
pub const MIN_GRAM: usize = 2;
/// `text_ngram`'s `maxGramSize`.
pub const MAX_GRAM: usize = 10;

/// Lucene's `NGramTokenizer`.
#[derive(Clone, Debug)]
pub struct LuceneNgramTokenizer {
    min_gram: usize,
    max_gram: usize,
    token: Token,
}

impl LuceneNgramTokenizer {
    /// Grams of `min_gram..=max_gram` code points; `min_gram` is raised to 1 and `max_gram` to
    /// `min_gram` if needed (Lucene would refuse such settings).
    pub fn new(min_gram: usize, max_gram: usize) -> Self {
        let min_gram = min_gram.max(1);
        Self {
            min_gram,
            max_gram: max_gram.max(min_gram),
            token: Token::default(),
        }
    }
}

impl Default for LuceneNgramTokenizer {
    /// CKAN's `text_ngram` settings (2..=10).
    fn default() -> Self {
        Self::new(MIN_GRAM, MAX_GRAM)
    }
}

/// Token stream of [`LuceneNgramTokenizer`].
pub struct LuceneNgramTokenStream<'a> {
    text: &'a str,
    /// Byte offset of every char, plus `text.len()`.
    bounds: Vec<usize>,
    min_gram: usize,
    max_gram: usize,
    /// Char index where the current grams start.
    start: usize,
    /// Length (chars) of the next gram at `start`.
    size: usize,
    token: &'a mut Token,
}

impl Tokenizer for LuceneNgramTokenizer {
    type TokenStream<'a> = LuceneNgramTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.token.reset();
        let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        bounds.push(text.len());
        LuceneNgramTokenStream {
            text,
            bounds,
            min_gram: self.min_gram,
            max_gram: self.max_gram,
            start: 0,
            size: self.min_gram,
            token: &mut self.token,
        }
    }
}

impl TokenStream for LuceneNgramTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let num_chars = self.bounds.len().saturating_sub(1);
        loop {
            if self.start + self.min_gram > num_chars {
                return false;
            }
            if self.size > self.max_gram || self.start + self.size > num_chars {
                self.start += 1;
                self.size = self.min_gram;
                continue;
            }
            let from = self.bounds[self.start];
            let to = self.bounds[self.start + self.size];
            self.size += 1;
            self.token.text.clear();
            self.token
                .text
                .push_str(self.text.get(from..to).unwrap_or_default());
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.position_length = 1;
            return true;
        }
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

    fn grams(min: usize, max: usize, text: &str) -> Vec<(String, usize)> {
        let mut tokenizer = LuceneNgramTokenizer::new(min, max);
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            assert_eq!(&text[t.offset_from..t.offset_to], t.text);
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn lucene_javadoc_example() {
        let got: Vec<String> = grams(2, 3, "abcde").into_iter().map(|g| g.0).collect();
        assert_eq!(got, ["ab", "abc", "bc", "bcd", "cd", "cde", "de"]);
    }

    #[test]
    fn positions_increase_by_one() {
        let positions: Vec<usize> = grams(2, 3, "abcde").into_iter().map(|g| g.1).collect();
        assert_eq!(positions, [0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn counts_code_points_and_short_values_give_nothing() {
        let got: Vec<String> = grams(2, 10, "héé").into_iter().map(|g| g.0).collect();
        assert_eq!(got, ["hé", "héé", "éé"]);
        assert!(grams(2, 10, "a").is_empty());
        assert!(grams(2, 10, "").is_empty());
    }
}
