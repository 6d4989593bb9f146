//! How does Solr's `WordDelimiterGraphFilter` split and catenate a token?
//!
//! A line-by-line port of Lucene's `WordDelimiterIterator` and `WordDelimiterGraphFilter`
//! (Lucene 8/9), so that `text`/`text_general` produce the same terms and positions as CKAN's
//! Solr:
//!
//! * subwords end at every delimiter (any char of class SUBWORD_DELIM, see [`super::char_type`]),
//!   at lower→upper case changes (`splitOnCaseChange`; upper→anything-alphabetic never splits, so
//!   `ABCdef` stays whole) and at letter↔digit changes (`splitOnNumerics`);
//! * leading/trailing delimiters are dropped, and a trailing ASCII `'s`/`'S` after a letter is
//!   removed from each subword (`stemEnglishPossessive`; the typographic ’ is a plain delimiter);
//! * maximal runs of ≥ 2 word parts (`catenateWords`) / number parts (`catenateNumbers`) are also
//!   emitted joined, at the position of the first part they cover, with a position length equal to
//!   the number of parts;
//! * a token made only of delimiters is dropped and leaves a position hole;
//! * positions are relative, as in Lucene: each input token's position increment is applied to
//!   the position of the last token this filter emitted (so synonyms stacked on one position and
//!   then split keep Lucene's exact, if odd, numbering).
//!
//! Offsets of parts point into the original text when the token still spans exactly its text
//! (`adjustOffsets=true`, the factory default); otherwise every part gets the token's offsets.

use std::collections::VecDeque;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::char_type::{
    char_class, is_alpha, is_digit, is_subword_delim, is_upper, ALPHA, LOWER, UPPER,
};

/// The `WordDelimiterGraphFilterFactory` attributes CKAN's schema sets (Lucene's flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordDelimiterConfig {
    /// `generateWordParts`
    pub generate_word_parts: bool,
    /// `generateNumberParts`
    pub generate_number_parts: bool,
    /// `catenateWords`
    pub catenate_words: bool,
    /// `catenateNumbers`
    pub catenate_numbers: bool,
    /// `catenateAll`
    pub catenate_all: bool,
    /// `preserveOriginal`
    pub preserve_original: bool,
    /// `splitOnCaseChange`
    pub split_on_case_change: bool,
    /// `splitOnNumerics`
    pub split_on_numerics: bool,
    /// `stemEnglishPossessive`
    pub stem_english_possessive: bool,
}

impl WordDelimiterConfig {
    /// `text`, index side: `1,1,1,1,0`, `splitOnCaseChange=1`, other attributes default.
    pub const TEXT_INDEX: Self = Self {
        generate_word_parts: true,
        generate_number_parts: true,
        catenate_words: true,
        catenate_numbers: true,
        catenate_all: false,
        preserve_original: false,
        split_on_case_change: true,
        split_on_numerics: true,
        stem_english_possessive: true,
    };
    /// `text`, query side: like the index side without catenation.
    pub const TEXT_QUERY: Self = Self {
        catenate_words: false,
        catenate_numbers: false,
        ..Self::TEXT_INDEX
    };
    /// `text_general`, index side: like `text` but `splitOnCaseChange=0`.
    pub const TEXT_GENERAL_INDEX: Self = Self {
        split_on_case_change: false,
        ..Self::TEXT_INDEX
    };
    /// `text_general`, query side.
    pub const TEXT_GENERAL_QUERY: Self = Self {
        split_on_case_change: false,
        ..Self::TEXT_QUERY
    };

    fn should_concatenate(&self, word_type: u8) -> bool {
        (self.catenate_words && is_alpha(word_type))
            || (self.catenate_numbers && is_digit(word_type))
    }

    fn should_generate_parts(&self, word_type: u8) -> bool {
        (self.generate_word_parts && is_alpha(word_type))
            || (self.generate_number_parts && is_digit(word_type))
    }
}

/// Lucene's `WordDelimiterIterator` over one token (indexes are `char` indexes).
struct SubwordIter<'a> {
    chars: &'a [char],
    classes: &'a [u8],
    start_bounds: usize,
    end_bounds: usize,
    current: usize,
    /// `None` is Lucene's `DONE`.
    end: Option<usize>,
    has_final_possessive: bool,
    skip_possessive: bool,
    split_on_case_change: bool,
    split_on_numerics: bool,
    stem_english_possessive: bool,
}

impl<'a> SubwordIter<'a> {
    fn new(chars: &'a [char], classes: &'a [u8], config: &WordDelimiterConfig) -> Self {
        let mut it = Self {
            chars,
            classes,
            start_bounds: 0,
            end_bounds: chars.len(),
            current: 0,
            end: Some(0),
            has_final_possessive: false,
            skip_possessive: false,
            split_on_case_change: config.split_on_case_change,
            split_on_numerics: config.split_on_numerics,
            stem_english_possessive: config.stem_english_possessive,
        };
        it.set_bounds();
        it
    }

    fn class(&self, i: usize) -> u8 {
        self.classes.get(i).copied().unwrap_or(0)
    }

    /// Drops leading and trailing delimiters; notes (but keeps) a final possessive.
    fn set_bounds(&mut self) {
        while self.start_bounds < self.chars.len()
            && is_subword_delim(self.class(self.start_bounds))
        {
            self.start_bounds += 1;
        }
        while self.end_bounds > self.start_bounds
            && is_subword_delim(self.class(self.end_bounds - 1))
        {
            self.end_bounds -= 1;
        }
        if self.ends_with_possessive(self.end_bounds) {
            self.has_final_possessive = true;
        }
        self.current = self.start_bounds;
    }

    /// Advances to the next subword; `None` once all are returned.
    fn next(&mut self) -> Option<usize> {
        let mut current = self.end?;
        if self.skip_possessive {
            current += 2;
            self.skip_possessive = false;
        }
        let mut last_type = 0;
        while current < self.end_bounds {
            last_type = self.class(current);
            if !is_subword_delim(last_type) {
                break;
            }
            current += 1;
        }
        self.current = current;
        if current >= self.end_bounds {
            self.end = None;
            return None;
        }
        let mut end = current + 1;
        while end < self.end_bounds {
            let t = self.class(end);
            if self.is_break(last_type, t) {
                break;
            }
            last_type = t;
            end += 1;
        }
        self.end = Some(end);
        if end + 1 < self.end_bounds && self.ends_with_possessive(end + 2) {
            self.skip_possessive = true;
        }
        Some(end)
    }

    /// The type of the current subword: that of its first char, letters folded to ALPHA.
    fn word_type(&self) -> u8 {
        if self.end.is_none() {
            return 0;
        }
        match self.class(self.current) {
            LOWER | UPPER => ALPHA,
            t => t,
        }
    }

    fn is_break(&self, last_type: u8, t: u8) -> bool {
        if t & last_type != 0 {
            return false;
        }
        if !self.split_on_case_change && is_alpha(last_type) && is_alpha(t) {
            // ALPHA->ALPHA: always ignore if case isn't considered.
            return false;
        }
        if is_upper(last_type) && is_alpha(t) {
            // UPPER->letter: don't split ("ABCdef", "Power").
            return false;
        }
        if !self.split_on_numerics
            && ((is_alpha(last_type) && is_digit(t)) || (is_digit(last_type) && is_alpha(t)))
        {
            return false;
        }
        true
    }

    fn is_single_word(&self) -> bool {
        let want_end = if self.has_final_possessive {
            self.end_bounds.checked_sub(2)
        } else {
            Some(self.end_bounds)
        };
        self.current == self.start_bounds && self.end.is_some() && self.end == want_end
    }

    /// Is there an English possessive (`'s` / `'S` after a letter) ending at `pos`?
    fn ends_with_possessive(&self, pos: usize) -> bool {
        self.stem_english_possessive
            && pos > 2
            && pos <= self.chars.len()
            && self.chars[pos - 2] == '\''
            && matches!(self.chars[pos - 1], 's' | 'S')
            && is_alpha(self.class(pos - 3))
            && (pos == self.end_bounds || is_subword_delim(self.class(pos)))
    }
}

/// One token the filter will emit for a split input token (Lucene's "buffered part").
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    /// Catenated text, or `None` for a plain slice of the input.
    text: Option<String>,
    start_pos: usize,
    end_pos: usize,
    /// Char range of the input this part covers.
    start_part: usize,
    end_part: usize,
}

/// A catenation being accumulated (Lucene's `WordDelimiterConcatenation`).
#[derive(Default)]
struct Concatenation {
    buffer: String,
    start_part: usize,
    end_part: usize,
    start_pos: usize,
    word_type: u8,
    subword_count: usize,
}

impl Concatenation {
    fn is_empty(&self) -> bool {
        self.buffer.is_empty()
    }

    fn clear(&mut self) {
        self.buffer.clear();
        self.start_part = 0;
        self.end_part = 0;
        self.word_type = 0;
        self.subword_count = 0;
    }
}

/// What the filter does with one input token.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// No delimiters: emit the token as is.
    Unchanged,
    /// Only delimiters: drop it (a position hole).
    Swallow,
    /// `preserveOriginal` and only delimiters: emit as is, discarding accumulated holes.
    KeepOriginalOnly,
    /// Emit these parts instead.
    Split,
}

/// Per-token scratch space and the splitting logic of `WordDelimiterGraphFilter`.
#[derive(Default)]
struct Splitter {
    chars: Vec<char>,
    classes: Vec<u8>,
    /// Byte offset of each char in the term, plus the term length at the end.
    byte_offsets: Vec<usize>,
    parts: Vec<Part>,
}

impl Splitter {
    fn analyse(&mut self, term: &str, config: &WordDelimiterConfig) -> Outcome {
        self.chars.clear();
        self.classes.clear();
        self.byte_offsets.clear();
        self.parts.clear();
        for (i, c) in term.char_indices() {
            self.chars.push(c);
            self.classes.push(char_class(c));
            self.byte_offsets.push(i);
        }
        self.byte_offsets.push(term.len());

        let mut it = SubwordIter::new(&self.chars, &self.classes, config);
        it.next();
        if it.current == 0 && it.end == Some(self.chars.len()) {
            return Outcome::Unchanged;
        }
        if it.end.is_none() {
            return if config.preserve_original {
                Outcome::KeepOriginalOnly
            } else {
                Outcome::Swallow
            };
        }
        buffer_word_parts(&mut it, config, &mut self.parts);
        Outcome::Split
    }

    fn part_text<'t>(&self, term: &'t str, part: &'t Part) -> &'t str {
        if let Some(text) = &part.text {
            return text;
        }
        let from = self.byte_offsets.get(part.start_part).copied().unwrap_or(0);
        let to = self.byte_offsets.get(part.end_part).copied().unwrap_or(0);
        term.get(from..to).unwrap_or_default()
    }

    fn byte_offset(&self, char_index: usize) -> usize {
        self.byte_offsets
            .get(char_index)
            .or(self.byte_offsets.last())
            .copied()
            .unwrap_or(0)
    }
}

/// Lucene's `bufferWordParts`: iterates subwords, buffering parts and catenations.
fn buffer_word_parts(it: &mut SubwordIter<'_>, config: &WordDelimiterConfig, out: &mut Vec<Part>) {
    let term_len = it.chars.len();
    let mut word_pos = 0usize;
    let mut last_concat_count = 0usize;
    let mut concat = Concatenation::default();
    let mut concat_all = Concatenation::default();

    if config.preserve_original {
        out.push(Part {
            text: None,
            start_pos: 0,
            end_pos: 1,
            start_part: 0,
            end_part: term_len,
        });
    }

    if it.is_single_word() {
        if let Some(end) = it.end {
            out.push(Part {
                text: None,
                start_pos: word_pos,
                end_pos: word_pos + 1,
                start_part: it.current,
                end_part: end,
            });
            word_pos += 1;
        }
        it.next();
    } else {
        while let Some(end) = it.end {
            let word_type = it.word_type();
            if !concat.is_empty() && concat.word_type & word_type == 0 {
                flush_concatenation(
                    &mut concat,
                    &mut word_pos,
                    &mut last_concat_count,
                    config,
                    out,
                );
            }
            if config.should_concatenate(word_type) {
                concatenate(&mut concat, it, end, word_pos);
            }
            if config.catenate_all {
                concatenate(&mut concat_all, it, end, word_pos);
            }
            if config.should_generate_parts(word_type) {
                out.push(Part {
                    text: None,
                    start_pos: word_pos,
                    end_pos: word_pos + 1,
                    start_part: it.current,
                    end_part: end,
                });
                word_pos += 1;
            }
            it.next();
        }
        if !concat.is_empty() {
            flush_concatenation(
                &mut concat,
                &mut word_pos,
                &mut last_concat_count,
                config,
                out,
            );
        }
        if !concat_all.is_empty() {
            // Only if we haven't output this same combo above (e.g. PowerShot with
            // catenateWords).
            if concat_all.subword_count > last_concat_count {
                if word_pos == concat_all.start_pos {
                    word_pos += 1;
                }
                write_concatenation(&concat_all, word_pos, out);
            }
            concat_all.clear();
        }
    }

    if config.preserve_original {
        if word_pos == 0 {
            word_pos = 1;
        }
        if let Some(original) = out.first_mut() {
            original.end_pos = word_pos;
        }
    }

    // Lucene sorts (stable merge sort) everything but the original by start offset, longer
    // first, so a catenation precedes the first part it covers.
    let skip = usize::from(config.preserve_original).min(out.len());
    out[skip..].sort_by(|a, b| {
        a.start_part
            .cmp(&b.start_part)
            .then(b.end_part.cmp(&a.end_part))
    });
}

fn concatenate(concat: &mut Concatenation, it: &SubwordIter<'_>, end: usize, word_pos: usize) {
    if concat.is_empty() {
        concat.word_type = it.word_type();
        concat.start_part = it.current;
        concat.start_pos = word_pos;
    }
    concat
        .buffer
        .extend(it.chars.get(it.current..end).unwrap_or_default());
    concat.subword_count += 1;
    concat.end_part = end;
}

fn flush_concatenation(
    concat: &mut Concatenation,
    word_pos: &mut usize,
    last_concat_count: &mut usize,
    config: &WordDelimiterConfig,
    out: &mut Vec<Part>,
) {
    if *word_pos == concat.start_pos {
        // We are not generating parts, so we must advance wordPos now.
        *word_pos += 1;
    }
    *last_concat_count = concat.subword_count;
    // A run of a single part that is emitted anyway yields no extra catenation.
    if concat.subword_count != 1 || !config.should_generate_parts(concat.word_type) {
        write_concatenation(concat, *word_pos, out);
    }
    concat.clear();
}

fn write_concatenation(concat: &Concatenation, word_pos: usize, out: &mut Vec<Part>) {
    out.push(Part {
        text: Some(concat.buffer.clone()),
        start_pos: concat.start_pos,
        end_pos: word_pos.max(concat.start_pos + 1),
        start_part: concat.start_part,
        end_part: concat.end_part,
    });
}

/// `WordDelimiterGraphFilter` as a tantivy [`TokenFilter`].
#[derive(Clone, Debug)]
pub struct WordDelimiterGraphFilter {
    config: WordDelimiterConfig,
}

impl WordDelimiterGraphFilter {
    /// A filter with the given Lucene flags.
    pub fn new(config: WordDelimiterConfig) -> Self {
        Self { config }
    }
}

impl TokenFilter for WordDelimiterGraphFilter {
    type Tokenizer<T: Tokenizer> = WordDelimiterGraphTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        WordDelimiterGraphTokenizer {
            inner: tokenizer,
            config: self.config,
        }
    }
}

/// A tokenizer followed by [`WordDelimiterGraphFilter`].
#[derive(Clone)]
pub struct WordDelimiterGraphTokenizer<T> {
    inner: T,
    config: WordDelimiterConfig,
}

impl<T: Tokenizer> Tokenizer for WordDelimiterGraphTokenizer<T> {
    type TokenStream<'a> = WordDelimiterGraphStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordDelimiterGraphStream {
            tail: self.inner.token_stream(text),
            config: self.config,
            splitter: Splitter::default(),
            queue: VecDeque::new(),
            spare: Vec::new(),
            current: Token::default(),
            last_in: -1,
            last_out: -1,
            accum_pos_inc: 0,
            last_start_offset: 0,
        }
    }
}

/// Token stream of [`WordDelimiterGraphTokenizer`].
pub struct WordDelimiterGraphStream<S> {
    tail: S,
    config: WordDelimiterConfig,
    splitter: Splitter,
    queue: VecDeque<Token>,
    /// Recycled tokens, to avoid an allocation per part.
    spare: Vec<Token>,
    current: Token,
    /// Position of the previous input token (to derive Lucene's position increment).
    last_in: i64,
    /// Position of the last token emitted.
    last_out: i64,
    /// Position increments of swallowed tokens not yet applied (Lucene's `accumPosInc`).
    accum_pos_inc: i64,
    /// Lucene never lets part offsets go backwards.
    last_start_offset: usize,
}

fn to_i64(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_position(v: i64) -> usize {
    usize::try_from(v.max(0)).unwrap_or(usize::MAX)
}

impl<S: TokenStream> WordDelimiterGraphStream<S> {
    fn set_current(&mut self, token: Token) {
        let old = std::mem::replace(&mut self.current, token);
        self.spare.push(old);
    }

    /// Queues the buffered parts of the current input token.
    fn queue_parts(&mut self, input: &Token) {
        let term = input.text.as_str();
        // Lucene's adjustingOffsets: only when the token still spans exactly its text.
        let adjusting = input.offset_to.checked_sub(input.offset_from) == Some(term.len());
        let base = self.last_out.saturating_add(self.accum_pos_inc);
        self.accum_pos_inc = 0;
        let mut last_start_pos = 0usize;
        for part in &self.splitter.parts {
            let mut token = self.spare.pop().unwrap_or_default();
            token.text.clear();
            token.text.push_str(self.splitter.part_text(term, part));
            let (mut from, mut to) = if adjusting {
                (
                    input.offset_from + self.splitter.byte_offset(part.start_part),
                    input.offset_from + self.splitter.byte_offset(part.end_part),
                )
            } else {
                (input.offset_from, input.offset_to)
            };
            from = from.max(self.last_start_offset);
            to = to.max(self.last_start_offset);
            self.last_start_offset = from;
            token.offset_from = from;
            token.offset_to = to;
            token.position = to_position(base.saturating_add(to_i64(part.start_pos)));
            token.position_length = part.end_pos.saturating_sub(part.start_pos).max(1);
            last_start_pos = part.start_pos;
            self.queue.push_back(token);
        }
        self.last_out = base.saturating_add(to_i64(last_start_pos));
    }
}

impl<S: TokenStream> TokenStream for WordDelimiterGraphStream<S> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(token) = self.queue.pop_front() {
                self.set_current(token);
                return true;
            }
            if !self.tail.advance() {
                return false;
            }
            let input = self.tail.token();
            let in_pos = to_i64(input.position);
            let pos_inc = in_pos.saturating_sub(self.last_in).max(0);
            self.last_in = in_pos;
            self.accum_pos_inc = self.accum_pos_inc.saturating_add(pos_inc);

            match self.splitter.analyse(&input.text, &self.config) {
                Outcome::Unchanged => {
                    let position = self.last_out.saturating_add(self.accum_pos_inc);
                    self.accum_pos_inc = 0;
                    self.last_out = position;
                    self.current.clone_from(input);
                    self.current.position = to_position(position);
                    return true;
                }
                Outcome::KeepOriginalOnly => {
                    let position = self.last_out.saturating_add(pos_inc);
                    self.accum_pos_inc = 0;
                    self.last_out = position;
                    self.current.clone_from(input);
                    self.current.position = to_position(position);
                    return true;
                }
                Outcome::Swallow => continue,
                Outcome::Split => {
                    let input = input.clone();
                    self.queue_parts(&input);
                }
            }
        }
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

    /// (text, position, position_length) after Whitespace → WDGF.
    fn wdgf(config: WordDelimiterConfig, text: &str) -> Vec<(String, usize, usize)> {
        let mut analyzer = TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
            .filter(WordDelimiterGraphFilter::new(config))
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.position_length));
        }
        out
    }

    fn tp(tokens: &[(&str, usize, usize)]) -> Vec<(String, usize, usize)> {
        tokens
            .iter()
            .map(|&(t, p, l)| (t.to_string(), p, l))
            .collect()
    }

    const INDEX: WordDelimiterConfig = WordDelimiterConfig::TEXT_INDEX;
    const QUERY: WordDelimiterConfig = WordDelimiterConfig::TEXT_QUERY;

    #[test]
    fn lucene_javadoc_examples() {
        assert_eq!(
            wdgf(INDEX, "PowerShot"),
            tp(&[("PowerShot", 0, 2), ("Power", 0, 1), ("Shot", 1, 1)])
        );
        assert_eq!(
            wdgf(QUERY, "PowerShot"),
            tp(&[("Power", 0, 1), ("Shot", 1, 1)])
        );
        assert_eq!(wdgf(QUERY, "SD500"), tp(&[("SD", 0, 1), ("500", 1, 1)]));
        assert_eq!(
            wdgf(INDEX, "O'Neil's"),
            tp(&[("ONeil", 0, 2), ("O", 0, 1), ("Neil", 1, 1)])
        );
        assert_eq!(
            wdgf(QUERY, "//hello---there, 'dude'"),
            tp(&[("hello", 0, 1), ("there", 1, 1), ("dude", 2, 1)])
        );
        assert_eq!(
            wdgf(INDEX, "A's+B's&C's"),
            tp(&[("ABC", 0, 3), ("A", 0, 1), ("B", 1, 1), ("C", 2, 1)])
        );
        assert_eq!(
            wdgf(INDEX, "Super-Duper-XL500-42-AutoCoder!"),
            tp(&[
                ("SuperDuperXL", 0, 3),
                ("Super", 0, 1),
                ("Duper", 1, 1),
                ("XL", 2, 1),
                ("50042", 3, 2),
                ("500", 3, 1),
                ("42", 4, 1),
                ("AutoCoder", 5, 2),
                ("Auto", 5, 1),
                ("Coder", 6, 1),
            ])
        );
    }

    #[test]
    fn upper_followed_by_lower_does_not_split() {
        assert_eq!(wdgf(QUERY, "ABCdef"), tp(&[("ABCdef", 0, 1)]));
        assert_eq!(wdgf(QUERY, "iPhone"), tp(&[("i", 0, 1), ("Phone", 1, 1)]));
    }

    #[test]
    fn wi_fi_catenates_at_index_time_only() {
        assert_eq!(
            wdgf(INDEX, "Wi-Fi"),
            tp(&[("WiFi", 0, 2), ("Wi", 0, 1), ("Fi", 1, 1)])
        );
        assert_eq!(wdgf(QUERY, "Wi-Fi"), tp(&[("Wi", 0, 1), ("Fi", 1, 1)]));
        // text_general: no case split, so "WiFi" stays one word.
        assert_eq!(
            wdgf(WordDelimiterConfig::TEXT_GENERAL_QUERY, "WiFi"),
            tp(&[("WiFi", 0, 1)])
        );
    }

    #[test]
    fn possessive_only_with_ascii_apostrophe() {
        assert_eq!(wdgf(QUERY, "Ford's"), tp(&[("Ford", 0, 1)]));
        assert_eq!(wdgf(QUERY, "FORD'S"), tp(&[("FORD", 0, 1)]));
        // ’ is an ordinary delimiter: "s" survives as a part.
        assert_eq!(wdgf(QUERY, "Ford’s"), tp(&[("Ford", 0, 1), ("s", 1, 1)]));
        // 's after a digit is not a possessive.
        assert_eq!(wdgf(QUERY, "1990's"), tp(&[("1990", 0, 1), ("s", 1, 1)]));
    }

    #[test]
    fn number_runs_catenate() {
        assert_eq!(
            wdgf(INDEX, "500-42"),
            tp(&[("50042", 0, 2), ("500", 0, 1), ("42", 1, 1)])
        );
        assert_eq!(
            wdgf(INDEX, "2019-01-31"),
            tp(&[
                ("20190131", 0, 3),
                ("2019", 0, 1),
                ("01", 1, 1),
                ("31", 2, 1)
            ])
        );
    }

    #[test]
    fn delimiter_only_tokens_leave_a_hole() {
        assert_eq!(wdgf(QUERY, "a - -- b"), tp(&[("a", 0, 1), ("b", 3, 1)]));
        assert_eq!(wdgf(QUERY, "-- a"), tp(&[("a", 1, 1)]));
    }

    #[test]
    fn positions_continue_after_split_tokens() {
        assert_eq!(
            wdgf(INDEX, "brown-field site"),
            tp(&[
                ("brownfield", 0, 2),
                ("brown", 0, 1),
                ("field", 1, 1),
                ("site", 2, 1),
            ])
        );
    }

    #[test]
    fn unicode_letters_and_marks_are_word_chars() {
        assert_eq!(wdgf(QUERY, "café"), tp(&[("café", 0, 1)]));
        assert_eq!(wdgf(QUERY, "cafe\u{301}"), tp(&[("cafe\u{301}", 0, 1)]));
        assert_eq!(wdgf(QUERY, "Müller"), tp(&[("Müller", 0, 1)]));
        assert_eq!(
            wdgf(QUERY, "naïveÉcole"),
            tp(&[("naïve", 0, 1), ("École", 1, 1)])
        );
        assert_eq!(
            wdgf(QUERY, "東京-2020"),
            tp(&[("東京", 0, 1), ("2020", 1, 1)])
        );
        // Supplementary characters are letter *and* digit for Lucene: never a break.
        assert_eq!(wdgf(QUERY, "a😀b"), tp(&[("a😀b", 0, 1)]));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let mut analyzer = TextAnalyzer::builder(JavaWhitespaceTokenizer::default())
            .filter(WordDelimiterGraphFilter::new(INDEX))
            .build();
        let text = "x Über-Café";
        let mut stream = analyzer.token_stream(text);
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        assert_eq!(
            got,
            vec![
                ("x".to_string(), "x".to_string()),
                ("ÜberCafé".to_string(), "Über-Café".to_string()),
                ("Über".to_string(), "Über".to_string()),
                ("Café".to_string(), "Café".to_string()),
            ]
        );
    }

    #[test]
    fn preserve_original_and_catenate_all() {
        let config = WordDelimiterConfig {
            preserve_original: true,
            catenate_all: true,
            ..QUERY
        };
        assert_eq!(
            wdgf(config, "wi-fi-4000"),
            tp(&[
                ("wi-fi-4000", 0, 3),
                ("wifi4000", 0, 3),
                ("wi", 0, 1),
                ("fi", 1, 1),
                ("4000", 2, 1),
            ])
        );
    }
}
