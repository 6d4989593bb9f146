//! How does Solr's `SnowballPorterFilter language="English" protected="protwords.txt"` stem a
//! token?
//!
//! Solr's `SnowballPorterFilterFactory` marks protected words as keywords
//! (`SetKeywordMarkerFilter`, case-sensitive, so it compares against the already lowercased
//! token) and stems everything else with Snowball's `EnglishStemmer`, i.e. Porter2, which is
//! `rust_stemmers::Algorithm::English`. tantivy's own `Stemmer` has no protected words, hence
//! this filter.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Porter2 stemming that leaves the protected words alone.
#[derive(Clone, Debug, Default)]
pub struct EnglishStemFilter {
    protected: Arc<HashSet<String>>,
}

impl EnglishStemFilter {
    /// A filter that does not stem the words in `protected` (exact, case-sensitive match).
    pub fn new(protected: Arc<HashSet<String>>) -> Self {
        Self { protected }
    }
}

/// Stems one (lowercased) word unless it is protected; what the filter does to each token.
pub fn stem_english(stemmer: &Stemmer, protected: &HashSet<String>, word: &str) -> String {
    if protected.contains(word) {
        return word.to_string();
    }
    stemmer.stem(word).into_owned()
}

impl TokenFilter for EnglishStemFilter {
    type Tokenizer<T: Tokenizer> = EnglishStemTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        EnglishStemTokenizer {
            inner: tokenizer,
            protected: self.protected,
        }
    }
}

/// A tokenizer followed by [`EnglishStemFilter`].
#[derive(Clone)]
pub struct EnglishStemTokenizer<T> {
    inner: T,
    protected: Arc<HashSet<String>>,
}

impl<T: Tokenizer> Tokenizer for EnglishStemTokenizer<T> {
    type TokenStream<'a> = EnglishStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishStemStream {
            tail: self.inner.token_stream(text),
            stemmer: Stemmer::create(Algorithm::English),
            protected: &self.protected,
        }
    }
}

/// Token stream of [`EnglishStemTokenizer`].
pub struct EnglishStemStream<'a, S> {
    tail: S,
    stemmer: Stemmer,
    protected: &'a HashSet<String>,
}

impl<S: TokenStream> TokenStream for EnglishStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if self.protected.contains(&token.text) {
            return true;
        }
        let stemmed = match self.stemmer.stem(&token.text) {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        };
        if let Some(s) = stemmed {
            token.text = s;
        }
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
    use super::*;

    fn stem(word: &str) -> String {
        stem_english(&Stemmer::create(Algorithm::English), &HashSet::new(), word)
    }

    #[test]
    fn porter2_outputs() {
        // Reference outputs of the Snowball English (Porter2) algorithm.
        for (word, stemmed) in [
            ("hospitals", "hospit"),
            ("hospital", "hospit"),
            ("crossings", "cross"),
            ("emissions", "emiss"),
            ("hotspots", "hotspot"),
            ("wifihotspots", "wifihotspot"),
            ("gigabytes", "gigabyt"),
            ("generously", "generous"),
            ("datasets", "dataset"),
            ("data", "data"),
            ("https", "https"),
            ("nhs", "nhs"),
            ("running", "run"),
            ("skies", "sky"),
            ("news", "news"),
        ] {
            assert_eq!(stem(word), stemmed, "{word}");
        }
    }

    #[test]
    fn non_ascii_letters_are_not_vowels_and_survive() {
        // Stemming runs before ASCII folding in CKAN's chain, so it sees the accents.
        assert_eq!(stem("café"), "café");
        assert_eq!(stem("müller"), "müller");
        assert_eq!(stem("cafés"), "café");
    }

    #[test]
    fn protected_words_are_not_stemmed() {
        let protected: HashSet<String> = ["hospitals".to_string()].into_iter().collect();
        let stemmer = Stemmer::create(Algorithm::English);
        assert_eq!(stem_english(&stemmer, &protected, "hospitals"), "hospitals");
        assert_eq!(stem_english(&stemmer, &protected, "crossings"), "cross");
    }
}
