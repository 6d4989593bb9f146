//! Which tantivy analysers reproduce CKAN's Solr field types `text`, `text_general` and
//! `text_ngram` (schema.xml, see spec §1.2–1.3), and how are they configured and registered?
//!
//! | analyser | chain (Solr) |
//! |---|---|
//! | [`TEXT`] | Whitespace → WordDelimiterGraph(1,1,1,1,0, case split) → FlattenGraph → LowerCase → SnowballPorter(English, protwords) → ASCIIFolding |
//! | [`TEXT_QUERY`] | Whitespace → SynonymGraph → WordDelimiterGraph(1,1,0,0,0, case split) → LowerCase → SnowballPorter → ASCIIFolding |
//! | [`TEXT_GENERAL`] | Whitespace → WordDelimiterGraph(1,1,1,1,0, no case split) → FlattenGraph → LowerCase |
//! | [`TEXT_GENERAL_QUERY`] | Whitespace → SynonymGraph → WordDelimiterGraph(1,1,0,0,0, no case split) → LowerCase |
//! | [`TEXT_NGRAM`] | NGram(2..10) over the whole value → LowerCase |
//! | [`TEXT_NGRAM_QUERY`] | Whitespace → LowerCase |
//!
//! Stemming runs before ASCII folding, as in CKAN's schema (`café` is stemmed as `café`, then
//! folded to `cafe`). tantivy's `LowerCaser` and `AsciiFoldingFilter` are reused; the Lucene
//! pieces tantivy lacks live in the sibling modules.
//!
//! Known deviations from Lucene: tantivy's `LowerCaser` maps `İ` (U+0130) to `i̇` where Java
//! gives `i`; Unicode tables are Rust's (16) rather than the JVM's; `rust-stemmers` implements
//! Porter2 from an older Snowball release than Lucene 9 bundles (identical on ordinary words);
//! tantivy only has a one-position gap between the values of a multi-valued field where Solr's
//! `text` declares `positionIncrementGap="100"` (affects phrase/slop queries across values).

mod char_type;
pub mod english;
pub mod flatten;
pub mod ngram;
pub mod synonyms;
pub mod whitespace;
pub mod word_delimiter;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenizerManager,
};

use self::english::EnglishStemFilter;
use self::flatten::FlattenGraphFilter;
use self::ngram::LuceneNgramTokenizer;
use self::synonyms::{SynonymGraphFilter, SynonymMap};
use self::whitespace::JavaWhitespaceTokenizer;
use self::word_delimiter::{WordDelimiterConfig, WordDelimiterGraphFilter};

/// Index-side analyser of the `text` field type.
pub const TEXT: &str = "ckan_text";
/// Query-side analyser of the `text` field type.
pub const TEXT_QUERY: &str = "ckan_text_query";
/// Index-side analyser of the `text_general` field type.
pub const TEXT_GENERAL: &str = "ckan_text_general";
/// Query-side analyser of the `text_general` field type.
pub const TEXT_GENERAL_QUERY: &str = "ckan_text_general_query";
/// Index-side analyser of the `text_ngram` field type.
pub const TEXT_NGRAM: &str = "ckan_text_ngram";
/// Query-side analyser of the `text_ngram` field type.
pub const TEXT_NGRAM_QUERY: &str = "ckan_text_ngram_query";
/// tantivy's raw tokenizer, for Solr `StrField`s.
pub const STRING: &str = "raw";

/// A synonyms or protected-words file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line of the file is not a valid rule (Solr would refuse to load the core).
    #[error("{file}, line {line}: {reason}")]
    BadLine {
        /// The file (or `synonyms`/`protwords` for in-memory contents).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Synonyms and protected words; `Default` = both empty (CKAN's default).
#[derive(Clone, Debug, Default)]
pub struct AnalysisConfig {
    synonyms: Arc<SynonymMap>,
    protected_words: Arc<HashSet<String>>,
}

impl AnalysisConfig {
    /// Reads a Solr `synonyms.txt` (comma lists of equivalents and `a, b => c` mappings, `#`
    /// comment lines) and a `protwords.txt` (one word per line, `#` comment lines). Either may
    /// be `None`.
    pub fn from_files(
        synonyms: Option<&Path>,
        protwords: Option<&Path>,
    ) -> Result<Self, AnalysisError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| AnalysisError::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        let synonyms = match synonyms {
            Some(path) => parse_synonyms(&read(path)?, &path.display().to_string())?,
            None => SynonymMap::default(),
        };
        let protected_words = match protwords {
            Some(path) => parse_protwords(&read(path)?),
            None => HashSet::new(),
        };
        Ok(Self {
            synonyms: Arc::new(synonyms),
            protected_words: Arc::new(protected_words),
        })
    }

    /// Like [`Self::from_files`] from the files' contents (for tests).
    pub fn from_strs(synonyms: &str, protwords: &str) -> Result<Self, AnalysisError> {
        Ok(Self {
            synonyms: Arc::new(parse_synonyms(synonyms, "synonyms")?),
            protected_words: Arc::new(parse_protwords(protwords)),
        })
    }

    /// The parsed synonym rules.
    pub fn synonyms(&self) -> &SynonymMap {
        &self.synonyms
    }

    /// The protected words (never stemmed by `text`; matched case-sensitively against the
    /// lowercased token, as Solr does).
    pub fn protected_words(&self) -> &HashSet<String> {
        &self.protected_words
    }
}

fn parse_synonyms(text: &str, file: &str) -> Result<SynonymMap, AnalysisError> {
    SynonymMap::parse(text).map_err(|e| AnalysisError::BadLine {
        file: file.to_string(),
        line: e.line,
        reason: e.reason,
    })
}

/// Solr's `getWordSet` (`WordlistLoader.getLines`): BOM dropped, lines starting with `#`
/// skipped, the rest trimmed, blank lines skipped; case is kept.
fn parse_protwords(text: &str) -> HashSet<String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.trim_matches(|c: char| c <= ' '))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

fn text_index_analyzer(config: &AnalysisConfig) -> TextAnalyzer {
    TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
        .filter(WordDelimiterGraphFilter::new(
            WordDelimiterConfig::TEXT_INDEX,
        ))
        .filter(FlattenGraphFilter)
        .filter(LowerCaser)
        .filter(EnglishStemFilter::new(config.protected_words.clone()))
        .filter(AsciiFoldingFilter)
        .build()
}

fn text_query_analyzer(config: &AnalysisConfig) -> TextAnalyzer {
    TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
        .filter(SynonymGraphFilter::new(config.synonyms.clone()))
        .filter(WordDelimiterGraphFilter::new(
            WordDelimiterConfig::TEXT_QUERY,
        ))
        .filter(LowerCaser)
        .filter(EnglishStemFilter::new(config.protected_words.clone()))
        .filter(AsciiFoldingFilter)
        .build()
}

fn text_general_index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
        .filter(WordDelimiterGraphFilter::new(
            WordDelimiterConfig::TEXT_GENERAL_INDEX,
        ))
        .filter(FlattenGraphFilter)
        .filter(LowerCaser)
        .build()
}

fn text_general_query_analyzer(config: &AnalysisConfig) -> TextAnalyzer {
    TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
        .filter(SynonymGraphFilter::new(config.synonyms.clone()))
        .filter(WordDelimiterGraphFilter::new(
            WordDelimiterConfig::TEXT_GENERAL_QUERY,
        ))
        .filter(LowerCaser)
        .build()
}

fn text_ngram_index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(LuceneNgramTokenizer::default())
        .filter(LowerCaser)
        .build()
}

fn text_ngram_query_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers all six analysers (and makes sure [`STRING`] is present) on `manager`.
pub fn register_ckan_analyzers(manager: &TokenizerManager, config: &AnalysisConfig) {
    manager.register(TEXT, text_index_analyzer(config));
    manager.register(TEXT_QUERY, text_query_analyzer(config));
    manager.register(TEXT_GENERAL, text_general_index_analyzer());
    manager.register(TEXT_GENERAL_QUERY, text_general_query_analyzer(config));
    manager.register(TEXT_NGRAM, text_ngram_index_analyzer());
    manager.register(TEXT_NGRAM_QUERY, text_ngram_query_analyzer());
    if manager.get(STRING).is_none() {
        manager.register(STRING, RawTokenizer::default());
    }
}

/// The tokens (text, position) `analyzer` produces for `text`; empty if `analyzer` is not
/// registered on `manager`.
pub fn analyze(manager: &TokenizerManager, analyzer: &str, text: &str) -> Vec<(String, usize)> {
    analyze_tokens(manager, analyzer, text)
        .into_iter()
        .map(|t| (t.text, t.position))
        .collect()
}

/// The full tokens (with `position_length` and byte offsets into `text`) `analyzer` produces;
/// what a graph-aware query builder needs for multi-word synonyms. Empty if `analyzer` is not
/// registered.
pub fn analyze_tokens(manager: &TokenizerManager, analyzer: &str, text: &str) -> Vec<Token> {
    let Some(mut analyzer) = manager.get(analyzer) else {
        tracing::warn!(analyzer, "analyser not registered");
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| out.push(t.clone()));
    out
}

/// Applies a single-token analyser chain to `text` as one token.
fn normalize_with(analyzer: &TextAnalyzer, text: &str) -> String {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = String::new();
    stream.process(&mut |t| out.push_str(&t.text));
    out
}

/// Solr "multi-term" normalisation for wildcard/prefix/fuzzy terms of `text`: lowercase + ASCII
/// folding only (no split, no stem, no synonyms), as Solr derives it from the query chain's
/// multi-term-aware filters.
pub fn normalize_multiterm(text: &str) -> String {
    static NORMALIZER: OnceLock<TextAnalyzer> = OnceLock::new();
    let normalizer = NORMALIZER.get_or_init(|| {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    });
    normalize_with(normalizer, text)
}

/// Multi-term normalisation for the field type analysed by `analyzer` (index or query name):
/// `text` lowercases and folds, `text_general`/`text_ngram` only lowercase (their chains have no
/// ASCIIFolding), anything else (e.g. [`STRING`]) is left as is.
pub fn normalize_multiterm_for(analyzer: &str, text: &str) -> String {
    static LOWERCASE: OnceLock<TextAnalyzer> = OnceLock::new();
    match analyzer {
        TEXT | TEXT_QUERY => normalize_multiterm(text),
        TEXT_GENERAL | TEXT_GENERAL_QUERY | TEXT_NGRAM | TEXT_NGRAM_QUERY => {
            let lowercase = LOWERCASE.get_or_init(|| {
                TextAnalyzer::builder(RawTokenizer::default())
                    .filter(LowerCaser)
                    .build()
            });
            normalize_with(lowercase, text)
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
