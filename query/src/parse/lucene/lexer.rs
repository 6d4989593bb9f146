//! Which tokens a query text is made of: the token manager of Solr's `QueryParser.jj`,
//! with its three lexical states (default, range `[a TO b]`, boost `^2`), JavaCC's
//! longest-match rule (ties go to the token declared first), C-style comments, and its
//! `Lexical error at line 1, column N.` messages. Columns are UTF-16 offsets, as Lucene's
//! `FastCharStream` counts them (every token is on "line 1").

use std::cell::Cell;

use crate::parse::java::{add_escapes, push_escaped_unit};

/// A token kind of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Eof,
    And,
    Or,
    Not,
    Plus,
    Minus,
    BareOper,
    LParen,
    RParen,
    Colon,
    Star,
    Carat,
    Quoted,
    Term,
    FuzzySlop,
    PrefixTerm,
    WildTerm,
    RegexpTerm,
    RangeInStart,
    RangeExStart,
    LParams,
    Filter,
    Number,
    RangeTo,
    RangeInEnd,
    RangeExEnd,
    RangeQuoted,
    RangeGoop,
}

impl Kind {
    /// JavaCC's `tokenImage` entry, as `ParseException` prints it.
    pub(crate) fn image_name(self) -> &'static str {
        match self {
            Kind::Eof => "<EOF>",
            Kind::And => "<AND>",
            Kind::Or => "<OR>",
            Kind::Not => "<NOT>",
            Kind::Plus => "\"+\"",
            Kind::Minus => "\"-\"",
            Kind::BareOper => "<BAREOPER>",
            Kind::LParen => "\"(\"",
            Kind::RParen => "\")\"",
            Kind::Colon => "\":\"",
            Kind::Star => "\"*\"",
            Kind::Carat => "\"^\"",
            Kind::Quoted => "<QUOTED>",
            Kind::Term => "<TERM>",
            Kind::FuzzySlop => "<FUZZY_SLOP>",
            Kind::PrefixTerm => "<PREFIXTERM>",
            Kind::WildTerm => "<WILDTERM>",
            Kind::RegexpTerm => "<REGEXPTERM>",
            Kind::RangeInStart => "\"[\"",
            Kind::RangeExStart => "\"{\"",
            Kind::LParams => "<LPARAMS>",
            Kind::Filter => "\"filter(\"",
            Kind::Number => "<NUMBER>",
            Kind::RangeTo => "\"TO\"",
            Kind::RangeInEnd => "\"]\"",
            Kind::RangeExEnd => "\"}\"",
            Kind::RangeQuoted => "<RANGE_QUOTED>",
            Kind::RangeGoop => "<RANGE_GOOP>",
        }
    }
}

/// A token: its kind, its text as written, and its column (UTF-16 offset of its start).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) image: String,
    pub(crate) column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Default,
    Range,
    Boost,
}

/// The grammar's `_WHITESPACE`: what separates tokens (other Unicode spaces are term
/// characters).
pub(crate) fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{3000}')
}

/// `_TERM_START_CHAR` without the escaped form.
fn is_term_start(c: char) -> bool {
    !is_ws(c)
        && !matches!(
            c,
            '+' | '-'
                | '!'
                | '('
                | ')'
                | ':'
                | '^'
                | '['
                | ']'
                | '"'
                | '{'
                | '}'
                | '~'
                | '*'
                | '?'
                | '\\'
                | '/'
        )
}

/// `_TERM_CHAR` without the escaped form.
fn is_term_char(c: char) -> bool {
    is_term_start(c) || matches!(c, '-' | '+' | '/' | '!')
}

/// The lexer: produces tokens on demand, as JavaCC's token manager does; a lexical error
/// is sticky.
pub(crate) struct Lexer {
    chars: Vec<char>,
    /// A known (index, UTF-16 offset) pair, moved forward as tokens are made: columns
    /// are counted incrementally rather than stored per character.
    col_cache: Cell<(usize, usize)>,
    pos: usize,
    state: State,
    error: Option<String>,
    /// Look-up tables for `{!…}` scanning, built once a group fails to close.
    scan: Option<ScanTables>,
    /// A `<RANGE_QUOTED>` starting at or after this position cannot close.
    range_quote_fails: usize,
    /// A quoted local-param value (`"`, `'`) opening at or after these cannot close.
    quote_fails: [usize; 2],
}

/// Precomputed "next stop" positions that keep local-params scanning linear.
struct ScanTables {
    /// For each position, the first `=` or `}` at or after it (or the end).
    key_stop: Vec<usize>,
    /// For each position, the first space or `}` at or after it (or the end).
    value_stop: Vec<usize>,
    /// Remembered walks from a key position: 0 unknown, 1 never closes, else close + 2.
    walk: Vec<usize>,
}

impl ScanTables {
    fn new(chars: &[char]) -> Self {
        let len = chars.len();
        let mut key_stop = vec![len; len + 1];
        let mut value_stop = vec![len; len + 1];
        for i in (0..len).rev() {
            key_stop[i] = if matches!(chars[i], '=' | '}') {
                i
            } else {
                key_stop[i + 1]
            };
            value_stop[i] = if matches!(chars[i], ' ' | '}') {
                i
            } else {
                value_stop[i + 1]
            };
        }
        ScanTables {
            key_stop,
            value_stop,
            walk: vec![0; len + 1],
        }
    }
}

impl Lexer {
    pub(crate) fn new(text: &str) -> Self {
        Lexer {
            chars: text.chars().collect(),
            col_cache: Cell::new((0, 0)),
            pos: 0,
            state: State::Default,
            error: None,
            scan: None,
            range_quote_fails: usize::MAX,
            quote_fails: [usize::MAX; 2],
        }
    }

    /// The next token, or the text of a lexical error.
    pub(crate) fn next_token(&mut self) -> Result<Token, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let token = match self.state {
            State::Default => self.lex_default(),
            State::Range => Ok(self.lex_range()),
            State::Boost => self.lex_boost(),
        };
        if let Err(e) = &token {
            self.error = Some(e.clone());
        }
        token
    }

    /// The UTF-16 offset of `chars[i]` (`i` may be the length). Positions asked for only
    /// grow, so the total work is linear.
    fn col(&self, i: usize) -> usize {
        let (mut at, mut col) = self.col_cache.get();
        if i < at {
            at = 0;
            col = 0;
        }
        col += self.chars[at..i]
            .iter()
            .map(|c| c.len_utf16())
            .sum::<usize>();
        self.col_cache.set((i, col));
        col
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn starts_with(&self, i: usize, s: &str) -> bool {
        (i..).zip(s.chars()).all(|(j, c)| self.at(j) == Some(c))
    }

    fn token(&mut self, kind: Kind, start: usize, len: usize) -> Token {
        self.pos = start + len;
        Token {
            kind,
            image: self.chars[start..start + len].iter().collect(),
            column: self.col(start),
        }
    }

    fn eof(&self) -> Token {
        Token {
            kind: Kind::Eof,
            image: String::new(),
            column: self.col(self.chars.len()),
        }
    }

    /// JavaCC's error when the character at `fail` continues no token begun at `start`.
    fn error_at(&self, start: usize, fail: usize) -> String {
        let consumed = fail - start + 1;
        let after: String = if consumed <= 1 {
            String::new()
        } else {
            self.chars[start..fail].iter().collect()
        };
        let mut buf = [0u16; 2];
        let unit = self.chars[fail].encode_utf16(&mut buf)[0];
        let mut shown = String::new();
        push_escaped_unit(&mut shown, unit);
        format!(
            "Lexical error at line 1, column {}.  Encountered: \"{shown}\" ({unit}), after : \"{}\"",
            self.col(fail) + 1,
            add_escapes(&after)
        )
    }

    /// JavaCC's error when the input ends inside a token begun at `start`.
    fn error_eof(&self, start: usize) -> String {
        let len = self.chars.len();
        let after: String = if len - start <= 1 {
            String::new()
        } else {
            self.chars[start..].iter().collect()
        };
        let (line, column) = match self.chars.last() {
            Some('\n' | '\r') => (2, 0),
            _ => (1, self.col(len) + 1),
        };
        format!(
            "Lexical error at line {line}, column {column}.  Encountered: <EOF> after : \"{}\"",
            add_escapes(&after)
        )
    }

    fn lex_default(&mut self) -> Result<Token, String> {
        self.skip_whitespace_and_comments();
        let start = self.pos;
        let Some(c) = self.at(start) else {
            return Ok(self.eof());
        };
        let next = self.at(start + 1);
        match c {
            '(' => Ok(self.token(Kind::LParen, start, 1)),
            ')' => Ok(self.token(Kind::RParen, start, 1)),
            ':' => Ok(self.token(Kind::Colon, start, 1)),
            '^' => {
                self.state = State::Boost;
                Ok(self.token(Kind::Carat, start, 1))
            }
            '[' => {
                self.state = State::Range;
                Ok(self.token(Kind::RangeInStart, start, 1))
            }
            '{' => match self.local_params_len(start) {
                Some(len) => Ok(self.token(Kind::LParams, start, len)),
                None => {
                    self.state = State::Range;
                    Ok(self.token(Kind::RangeExStart, start, 1))
                }
            },
            '"' => self.quoted(start),
            '~' => {
                let mut i = start + 1;
                while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
                if i > start + 1
                    && self.at(i) == Some('.')
                    && self.at(i + 1).is_some_and(|c| c.is_ascii_digit())
                {
                    i += 1;
                    while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                }
                Ok(self.token(Kind::FuzzySlop, start, i - start))
            }
            '+' | '-' | '!' if next.is_some_and(is_ws) => Ok(self.token(Kind::BareOper, start, 2)),
            '+' => Ok(self.token(Kind::Plus, start, 1)),
            '-' => Ok(self.token(Kind::Minus, start, 1)),
            '!' => Ok(self.token(Kind::Not, start, 1)),
            '/' => self.regexp(start),
            _ => self.term_like(start),
        }
    }

    /// Whitespace and `/* … */` comments (which nest; an unterminated one runs to the end).
    fn skip_whitespace_and_comments(&mut self) {
        loop {
            match self.at(self.pos) {
                Some(c) if is_ws(c) => self.pos += 1,
                Some('/') if self.at(self.pos + 1) == Some('*') => {
                    let mut depth = 1;
                    self.pos += 2;
                    while depth > 0 && self.pos < self.chars.len() {
                        if self.starts_with(self.pos, "/*") {
                            depth += 1;
                            self.pos += 2;
                        } else if self.starts_with(self.pos, "*/") {
                            depth -= 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// `<QUOTED>`: `"` (any char but `"` and `\`, or `\` + any char)* `"`.
    fn quoted(&mut self, start: usize) -> Result<Token, String> {
        let mut i = start + 1;
        loop {
            match self.at(i) {
                None => return Err(self.error_eof(start)),
                Some('\\') => {
                    if self.at(i + 1).is_none() {
                        return Err(self.error_eof(start));
                    }
                    i += 2;
                }
                Some('"') => return Ok(self.token(Kind::Quoted, start, i + 1 - start)),
                Some(_) => i += 1,
            }
        }
    }

    /// `<REGEXPTERM>`: `/` (not `*`/`/`, or `\/`) (not `/`, or `\/`)* `/`, longest match.
    fn regexp(&mut self, start: usize) -> Result<Token, String> {
        let first = start + 1;
        match self.at(first) {
            None => return Err(self.error_eof(start)),
            Some('/') => return Err(self.error_at(start, first)),
            Some(_) => {}
        }
        let mut end = None;
        let mut i = first + 1;
        // A `\/` at the very start is an escaped slash, so scanning starts after the first
        // character either way.
        if self.at(first) == Some('\\') && self.at(first + 1) == Some('/') {
            end = Some(first + 2);
            i = first + 2;
        }
        while let Some(c) = self.at(i) {
            if c == '/' {
                end = Some(i + 1);
                if self.at(i - 1) != Some('\\') {
                    break;
                }
            }
            i += 1;
        }
        match end {
            Some(end) => Ok(self.token(Kind::RegexpTerm, start, end - start)),
            None => Err(self.error_eof(start)),
        }
    }

    /// One unit of a term: an escaped pair or a single character. `None` for a `\` at the
    /// end of the input.
    fn unit(&self, i: usize) -> Option<(usize, Option<char>)> {
        match self.at(i)? {
            '\\' => self.at(i + 1).map(|_| (2, None)),
            c => Some((1, Some(c))),
        }
    }

    /// `<TERM>`, `<PREFIXTERM>`, `<WILDTERM>`, `<STAR>`, the word operators and `filter(`:
    /// whichever is longest at `start`, ties to the one declared first.
    fn term_like(&mut self, start: usize) -> Result<Token, String> {
        // Longest `<WILDTERM>` and `<TERM>` (a `<TERM>` stops at the first unescaped `*`/`?`).
        let mut wild = 0;
        let mut term = 0;
        let mut in_term = true;
        let mut i = start;
        while let Some((len, c)) = self.unit(i) {
            let first = i == start;
            let ok_term = match c {
                None => true,
                Some(c) if first => is_term_start(c),
                Some(c) => is_term_char(c),
            };
            let is_wild = matches!(c, Some('*' | '?'));
            if !(ok_term || is_wild) {
                break;
            }
            i += len;
            wild = i - start;
            if in_term && ok_term {
                term = wild;
            } else {
                in_term = false;
            }
        }
        if wild == 0 {
            return Err(if self.at(start) == Some('\\') {
                self.error_eof(start)
            } else {
                self.error_at(start, start)
            });
        }
        for (word, kind) in [
            ("AND", Kind::And),
            ("&&", Kind::And),
            ("OR", Kind::Or),
            ("||", Kind::Or),
            ("NOT", Kind::Not),
        ] {
            if wild == word.chars().count() && self.starts_with(start, word) {
                return Ok(self.token(kind, start, wild));
            }
        }
        if self.starts_with(start, "filter(") {
            return Ok(self.token(Kind::Filter, start, 7));
        }
        let prefix = if self.at(start) == Some('*') {
            1
        } else if term > 0 && self.at(start + term) == Some('*') {
            term + 1
        } else {
            0
        };
        let kind = if self.at(start) == Some('*') && wild == 1 {
            Kind::Star
        } else if term == wild {
            Kind::Term
        } else if prefix == wild {
            Kind::PrefixTerm
        } else {
            Kind::WildTerm
        };
        Ok(self.token(kind, start, wild))
    }

    /// `<LPARAMS>`: one or more `{!…}` (values bare, `"…"` or `'…'`) and the text after
    /// them up to `)`, space, tab, newline, `{` or `^`. `None` if there is no closing `}`.
    fn local_params_len(&mut self, start: usize) -> Option<usize> {
        if !self.starts_with(start, "{!") {
            return None;
        }
        let mut i = start;
        while self.starts_with(i, "{!") {
            i = self.local_params_close(i + 2)?;
        }
        while self
            .at(i)
            .is_some_and(|c| !matches!(c, ')' | ' ' | '\t' | '\n' | '{' | '^'))
        {
            i += 1;
        }
        Some(i - start)
    }

    /// From the first key of a `{!…}` group at `i`: the position after its closing `}`.
    /// A key runs to `=` or `}` (whitespace included); only an empty key before `=` fails.
    /// After a first group that never closes, look-up tables are built and every walk is
    /// remembered by its key positions, so many `{!` that never close stay linear.
    fn local_params_close(&mut self, i: usize) -> Option<usize> {
        const UNKNOWN: usize = 0;
        const FAILS: usize = 1;
        let mut visited = Vec::new();
        let mut key = i;
        let result = loop {
            let memo = self.scan.as_ref().map_or(UNKNOWN, |t| t.walk[key]);
            if memo != UNKNOWN {
                break (memo != FAILS).then(|| memo - 2);
            }
            if self.scan.is_some() {
                visited.push(key);
            }
            let stop = match self.scan.as_ref() {
                Some(tables) => tables.key_stop[key],
                None => (key..self.chars.len())
                    .find(|&k| matches!(self.chars[k], '=' | '}'))
                    .unwrap_or(self.chars.len()),
            };
            match self.at(stop) {
                None => break None,
                Some('}') => break Some(stop + 1),
                _ if stop == key => break None,
                _ => key = self.local_param_value_end(stop + 1),
            }
        };
        match self.scan.as_mut() {
            Some(tables) => {
                let memo = result.map_or(FAILS, |end| end + 2);
                for k in visited {
                    tables.walk[k] = memo;
                }
            }
            None if result.is_none() => self.scan = Some(ScanTables::new(&self.chars)),
            None => {}
        }
        result
    }

    /// The end of a local-param value starting at `i`: a quoted string (with `\` escapes)
    /// when it closes, else a run of characters other than space and `}`.
    fn local_param_value_end(&mut self, i: usize) -> usize {
        if let Some(q @ ('"' | '\'')) = self.at(i) {
            let slot = usize::from(q == '\'');
            if i < self.quote_fails[slot] {
                let mut j = i + 1;
                while let Some(c) = self.at(j) {
                    if c == '\\' {
                        j += 2;
                    } else if c == q {
                        return j + 1;
                    } else {
                        j += 1;
                    }
                }
                // No closing quote from here on, nor from any later opening quote.
                self.quote_fails[slot] = i;
            }
        }
        match self.scan.as_ref() {
            Some(tables) => tables.value_stop[i.min(self.chars.len())],
            None => (i..self.chars.len())
                .find(|&k| matches!(self.chars[k], ' ' | '}'))
                .unwrap_or(self.chars.len()),
        }
    }

    /// The range state: `TO`, `]`, `}`, `<RANGE_QUOTED>`, `<RANGE_GOOP>`; whitespace skipped
    /// unless a longer goop starts with it.
    fn lex_range(&mut self) -> Token {
        loop {
            let Some(c) = self.at(self.pos) else {
                return self.eof();
            };
            if is_ws(c) && self.goop_len(self.pos) <= 1 {
                self.pos += 1;
                continue;
            }
            break;
        }
        let start = self.pos;
        match self.at(start) {
            Some(']') => {
                self.state = State::Default;
                return self.token(Kind::RangeInEnd, start, 1);
            }
            Some('}') => {
                self.state = State::Default;
                return self.token(Kind::RangeExEnd, start, 1);
            }
            _ => {}
        }
        let goop = self.goop_len(start);
        let quoted = self.range_quoted_len(start);
        let to = if self.starts_with(start, "TO") { 2 } else { 0 };
        let best = goop.max(quoted).max(to);
        if to == best {
            self.token(Kind::RangeTo, start, to)
        } else if quoted == best {
            self.token(Kind::RangeQuoted, start, quoted)
        } else {
            self.token(Kind::RangeGoop, start, goop)
        }
    }

    /// `<RANGE_GOOP>`: characters other than space, `]` and `}`.
    fn goop_len(&self, start: usize) -> usize {
        let mut i = start;
        while self.at(i).is_some_and(|c| !matches!(c, ' ' | ']' | '}')) {
            i += 1;
        }
        i - start
    }

    /// `<RANGE_QUOTED>`: `"` (not `"`, or `\"`)+ `"`, longest match; 0 if none.
    fn range_quoted_len(&mut self, start: usize) -> usize {
        if self.at(start) != Some('"') || start >= self.range_quote_fails {
            return 0;
        }
        let mut best = 0;
        let mut i = start + 1;
        while let Some(c) = self.at(i) {
            if c == '"' {
                if i == start + 1 {
                    break;
                }
                best = i + 1 - start;
                if self.at(i - 1) != Some('\\') {
                    break;
                }
            }
            i += 1;
        }
        if best == 0 && self.at(start + 1) != Some('"') {
            // No `"` after this one at all: none after any later one either.
            self.range_quote_fails = start;
        }
        best
    }

    /// The boost state: only `<NUMBER>` (`=`? `-`? digits (`.` digits)?), no whitespace.
    fn lex_boost(&mut self) -> Result<Token, String> {
        let start = self.pos;
        if start >= self.chars.len() {
            return Ok(self.eof());
        }
        let mut i = start;
        if self.at(i) == Some('=') {
            i += 1;
        }
        if self.at(i) == Some('-') {
            i += 1;
        }
        let digits = i;
        while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i == digits {
            return Err(match self.at(i) {
                None => self.error_eof(start),
                Some(_) => self.error_at(start, i),
            });
        }
        if self.at(i) == Some('.') && self.at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
            while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
        }
        self.state = State::Default;
        Ok(self.token(Kind::Number, start, i - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token().unwrap();
            if t.kind == Kind::Eof {
                return out;
            }
            out.push((t.kind, t.image));
        }
    }

    fn k(kind: Kind, image: &str) -> (Kind, String) {
        (kind, image.to_string())
    }

    #[test]
    fn words_operators_and_wildcards() {
        use Kind::*;
        assert_eq!(
            kinds("a AND b && c OR d || !e NOT ANDY &&& and"),
            vec![
                k(Term, "a"),
                k(And, "AND"),
                k(Term, "b"),
                k(And, "&&"),
                k(Term, "c"),
                k(Or, "OR"),
                k(Term, "d"),
                k(Or, "||"),
                k(Not, "!"),
                k(Term, "e"),
                k(Not, "NOT"),
                k(Term, "ANDY"),
                k(Term, "&&&"),
                k(Term, "and"),
            ]
        );
        assert_eq!(
            kinds("* *:* foo* *foo f?o foo** foo\\* uk-ogl OGL-UK-*"),
            vec![
                k(Star, "*"),
                k(Star, "*"),
                k(Colon, ":"),
                k(Star, "*"),
                k(PrefixTerm, "foo*"),
                k(WildTerm, "*foo"),
                k(WildTerm, "f?o"),
                k(WildTerm, "foo**"),
                k(Term, "foo\\*"),
                k(Term, "uk-ogl"),
                k(PrefixTerm, "OGL-UK-*"),
            ]
        );
        assert_eq!(
            kinds("+a -b - c ! d a-b+c!d filter(x)"),
            vec![
                k(Plus, "+"),
                k(Term, "a"),
                k(Minus, "-"),
                k(Term, "b"),
                k(BareOper, "- "),
                k(Term, "c"),
                k(BareOper, "! "),
                k(Term, "d"),
                k(Term, "a-b+c!d"),
                k(Filter, "filter("),
                k(Term, "x"),
                k(RParen, ")"),
            ]
        );
    }

    #[test]
    fn quotes_slops_boosts_ranges_comments() {
        use Kind::*;
        assert_eq!(
            kinds("res_format:\"CSV\"OR x:\"a \\\" b\"~2^3 /* skip /* nested */ */ y^=1.5"),
            vec![
                k(Term, "res_format"),
                k(Colon, ":"),
                k(Quoted, "\"CSV\""),
                k(Or, "OR"),
                k(Term, "x"),
                k(Colon, ":"),
                k(Quoted, "\"a \\\" b\""),
                k(FuzzySlop, "~2"),
                k(Carat, "^"),
                k(Number, "3"),
                k(Term, "y"),
                k(Carat, "^"),
                k(Number, "=1.5"),
            ]
        );
        assert_eq!(
            kinds("d:[NOW-7DAY/DAY TO NOW] e:{\"\" TO *] f:[\"a b\" TO TO]"),
            vec![
                k(Term, "d"),
                k(Colon, ":"),
                k(RangeInStart, "["),
                k(RangeGoop, "NOW-7DAY/DAY"),
                k(RangeTo, "TO"),
                k(RangeGoop, "NOW"),
                k(RangeInEnd, "]"),
                k(Term, "e"),
                k(Colon, ":"),
                k(RangeExStart, "{"),
                k(RangeGoop, "\"\""),
                k(RangeTo, "TO"),
                k(RangeGoop, "*"),
                k(RangeInEnd, "]"),
                k(Term, "f"),
                k(Colon, ":"),
                k(RangeInStart, "["),
                k(RangeQuoted, "\"a b\""),
                k(RangeTo, "TO"),
                k(RangeTo, "TO"),
                k(RangeInEnd, "]"),
            ]
        );
        assert_eq!(
            kinds("{!lucene q.op=AND}x y {!tag='a b'}z) {!unclosed"),
            vec![
                k(LParams, "{!lucene q.op=AND}x"),
                k(Term, "y"),
                k(LParams, "{!tag='a b'}z"),
                k(RParen, ")"),
                k(RangeExStart, "{"),
                k(RangeGoop, "!unclosed"),
            ]
        );
        assert_eq!(
            kinds("/ab\\/c/ x"),
            vec![k(RegexpTerm, "/ab\\/c/"), k(Term, "x")]
        );
    }

    #[test]
    fn lexical_errors_read_as_javacc_writes_them() {
        let err = |text: &str| {
            let mut lexer = Lexer::new(text);
            loop {
                match lexer.next_token() {
                    Ok(t) if t.kind == Kind::Eof => panic!("no error in {text}"),
                    Ok(_) => {}
                    Err(e) => return e,
                }
            }
        };
        assert_eq!(
            err("title:\"open"),
            "Lexical error at line 1, column 12.  Encountered: <EOF> after : \"\\\"open\""
        );
        assert_eq!(
            err("https://data.gov.uk/x"),
            "Lexical error at line 1, column 8.  Encountered: \"/\" (47), after : \"/\""
        );
        assert_eq!(
            err("a ] b"),
            "Lexical error at line 1, column 3.  Encountered: \"]\" (93), after : \"\""
        );
        assert_eq!(
            err("a^ 2"),
            "Lexical error at line 1, column 3.  Encountered: \" \" (32), after : \"\""
        );
        assert_eq!(
            err("foo\\"),
            "Lexical error at line 1, column 5.  Encountered: <EOF> after : \"\""
        );
        assert_eq!(
            err("x:/abc"),
            "Lexical error at line 1, column 7.  Encountered: <EOF> after : \"/abc\""
        );
        assert_eq!(
            err("\"a\n"),
            "Lexical error at line 2, column 0.  Encountered: <EOF> after : \"\\\"a\\n\""
        );
        assert_eq!(
            err("é\"x"),
            "Lexical error at line 1, column 4.  Encountered: <EOF> after : \"\\\"x\""
        );
    }
}
