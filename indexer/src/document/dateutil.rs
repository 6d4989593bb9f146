//! The flexible date parser CKAN's `index_package` uses for `*_date` fields: a Rust
//! re-implementation of the behaviour of python-dateutil's `dateutil.parser.parse(value)`
//! (dateutil 2.9, default `parserinfo`, `dayfirst=False`, `yearfirst=False`, not fuzzy,
//! no `tzinfos`).
//!
//! What it accepts, as dateutil does: ISO dates and datetimes (`2020-01-01`,
//! `2020-01-01T10:00:00.123456+05:30`, `…Z`), compact forms (`20200101`, `20200101T1030`),
//! `MM/DD/YYYY` (month first when ambiguous, so `01/02/2020` is 2 January; `13/02/2020` is
//! 13 February), dotted dates, month and weekday names (`1 January 2020`, `Jan 5 2020`,
//! `Monday`), 12-hour clocks (`10am`), `10h30m`, two-digit years (within 50 years of the
//! current year), UTC names (`UTC`, `GMT`, `Z`) and numeric offsets (`+0100`, `-03:00`,
//! `GMT+3` with dateutil's POSIX-style inverted sign).
//!
//! Components missing from the string are taken from `default` — dateutil's default is
//! *today at midnight*, so `2020` parses as today's month and day in 2020, exactly like
//! CKAN does.
//!
//! Decimal digits of other scripts (`٢٠٢٠`) count as digits, as Python's `float`/`int` accept
//! them.
//!
//! Known, deliberate differences from dateutil:
//! * A time-zone *name* other than UTC/GMT/Z (e.g. `BST`, `EST`) gives a naive result, which
//!   is what dateutil does on a server whose local zone is UTC (on a server in another zone,
//!   dateutil would attach the local zone when the name matches `time.tzname`).
//! * Inputs on which Python would raise something other than `ParserError` (offsets of 24 h or
//!   more, which fail in `isoformat()`; integers too large for C) are reported as errors too.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// A parsed date: the wall-clock value and, when the string carried one, its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDateTime {
    /// The date and time as written (not converted to UTC).
    pub naive: NaiveDateTime,
    /// The offset east of UTC in seconds, or `None` for a naive value.
    pub offset_seconds: Option<i32>,
}

impl ParsedDateTime {
    /// Python's `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]`.
    pub fn isoformat(&self) -> String {
        let mut out = python_isoformat(&self.naive);
        if let Some(offset) = self.offset_seconds {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            out.push(sign);
            out.push_str(&format!("{:02}:{:02}", abs / 3600, (abs % 3600) / 60));
            if abs % 60 != 0 {
                out.push_str(&format!(":{:02}", abs % 60));
            }
        }
        out
    }

    /// The value CKAN's `index_package` writes for a `*_date` key: `isoformat()`, with `Z`
    /// appended only when the value is naive (an aware value keeps its `+HH:MM` offset).
    pub fn ckan_index_value(&self) -> String {
        let mut out = self.isoformat();
        if self.offset_seconds.is_none() {
            out.push('Z');
        }
        out
    }

    /// The instant in UTC as a naive value (naive input is taken to be UTC already).
    pub fn to_utc_naive(&self) -> NaiveDateTime {
        match self.offset_seconds {
            Some(offset) => self.naive - Duration::seconds(i64::from(offset)),
            None => self.naive,
        }
    }
}

/// Python's `datetime.isoformat()` of a naive datetime: microseconds only when non-zero.
pub fn python_isoformat(dt: &NaiveDateTime) -> String {
    let micros = dt.nanosecond() / 1000;
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if micros != 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out
}

/// Why a string is not a date (dateutil's `ParserError` and friends).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateParseError(String);

impl DateParseError {
    fn unknown(timestr: &str) -> Self {
        Self(format!("Unknown string format: {timestr}"))
    }
}

/// dateutil's default for missing components: today (local time) at midnight.
pub fn default_now() -> NaiveDateTime {
    chrono::Local::now().date_naive().and_time(NaiveTime::MIN)
}

/// Parses `timestr` as `dateutil.parser.parse(timestr, default=default)` would. The current
/// year used to place two-digit years is `default`'s year.
pub fn parse(timestr: &str, default: NaiveDateTime) -> Result<ParsedDateTime, DateParseError> {
    let res = parse_tokens(timestr, default.year() as i64)
        .map_err(|_| DateParseError::unknown(timestr))?;
    if res.count() == 0 {
        return Err(DateParseError(format!(
            "String does not contain a date: {timestr}"
        )));
    }
    let naive =
        build_naive(&res, default).map_err(|e| DateParseError(format!("{e}: {timestr}")))?;
    // Aware exactly when an offset is known (see the module notes on zone names).
    let offset_seconds = match res.tzoffset {
        None => None,
        Some(o) if o.abs() < 86_400 => Some(o as i32),
        Some(_) => {
            return Err(DateParseError(format!(
                "offset must be strictly between -24h and 24h: {timestr}"
            )))
        }
    };
    Ok(ParsedDateTime {
        naive,
        offset_seconds,
    })
}

// ---------------------------------------------------------------------------------------
// Lexer

fn is_word(c: char) -> bool {
    c.is_alphabetic()
}

fn is_num(c: char) -> bool {
    c.is_ascii_digit()
}

/// The zero of every Unicode block of decimal digits (category Nd, Unicode 14, as in
/// Python 3.11); each block holds the ten digits 0-9 in order.
const ND_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// Maps a decimal digit of any script to its ASCII digit; other characters unchanged.
fn ascii_digit(c: char) -> char {
    let cp = c as u32;
    if cp < 0x80 {
        return c;
    }
    let idx = ND_ZEROS.partition_point(|&z| z <= cp);
    if idx > 0 {
        let offset = cp - ND_ZEROS[idx - 1];
        if offset < 10 {
            return char::from(b'0' + offset as u8);
        }
    }
    c
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LexState {
    Word,
    Num,
    WordDot,
    NumDot,
}

/// Splits a date string into tokens: runs of letters, runs of digits (with `.`/`,` decimal
/// parts), single whitespace tokens (`" "`) and single other characters.
fn split_tokens(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().filter(|&c| c != '\0').map(ascii_digit).collect();
    let mut pos = 0usize;
    let mut out = Vec::new();
    while pos < chars.len() {
        let first = chars[pos];
        pos += 1;
        let mut token = String::new();
        token.push(first);
        let mut state = if is_word(first) {
            LexState::Word
        } else if is_num(first) {
            LexState::Num
        } else {
            if is_space(first) {
                token = " ".to_string();
            }
            out.push(token);
            continue;
        };
        let mut seen_letters = false;
        while pos < chars.len() {
            let c = chars[pos];
            let last = token.chars().last().unwrap_or(' ');
            let take = match state {
                LexState::Word => {
                    seen_letters = true;
                    if is_word(c) {
                        true
                    } else if c == '.' {
                        state = LexState::WordDot;
                        true
                    } else {
                        false
                    }
                }
                LexState::Num => {
                    if is_num(c) {
                        true
                    } else if c == '.' || (c == ',' && token.chars().count() >= 2) {
                        state = LexState::NumDot;
                        true
                    } else {
                        false
                    }
                }
                LexState::WordDot => {
                    seen_letters = true;
                    if c == '.' || is_word(c) {
                        true
                    } else if is_num(c) && last == '.' {
                        state = LexState::NumDot;
                        true
                    } else {
                        false
                    }
                }
                LexState::NumDot => {
                    if c == '.' || is_num(c) {
                        true
                    } else if is_word(c) && last == '.' {
                        state = LexState::WordDot;
                        true
                    } else {
                        false
                    }
                }
            };
            if !take {
                break;
            }
            token.push(c);
            pos += 1;
        }
        let dotted = matches!(state, LexState::WordDot | LexState::NumDot);
        let last = token.chars().last().unwrap_or(' ');
        if dotted && (seen_letters || token.matches('.').count() > 1 || last == '.' || last == ',')
        {
            // Split on '.' and ',' keeping the separators; drop empty pieces after the first.
            let mut pieces: Vec<String> = Vec::new();
            let mut cur = String::new();
            for c in token.chars() {
                if c == '.' || c == ',' {
                    pieces.push(std::mem::take(&mut cur));
                    pieces.push(c.to_string());
                } else {
                    cur.push(c);
                }
            }
            pieces.push(cur);
            let mut iter = pieces.into_iter();
            out.push(iter.next().unwrap_or_default());
            out.extend(iter.filter(|p| !p.is_empty()));
            continue;
        }
        if state == LexState::NumDot && !token.contains('.') {
            token = token.replace(',', ".");
        }
        out.push(token);
    }
    out
}

// ---------------------------------------------------------------------------------------
// parserinfo

const JUMP: &[&str] = &[
    " ", ".", ",", ";", "-", "/", "'", "at", "on", "and", "ad", "m", "t", "of", "st", "nd", "rd",
    "th",
];
const WEEKDAYS: &[&[&str]] = &[
    &["mon", "monday"],
    &["tue", "tuesday"],
    &["wed", "wednesday"],
    &["thu", "thursday"],
    &["fri", "friday"],
    &["sat", "saturday"],
    &["sun", "sunday"],
];
const MONTHS: &[&[&str]] = &[
    &["jan", "january"],
    &["feb", "february"],
    &["mar", "march"],
    &["apr", "april"],
    &["may"],
    &["jun", "june"],
    &["jul", "july"],
    &["aug", "august"],
    &["sep", "sept", "september"],
    &["oct", "october"],
    &["nov", "november"],
    &["dec", "december"],
];
const HMS: &[&[&str]] = &[
    &["h", "hour", "hours"],
    &["m", "minute", "minutes"],
    &["s", "second", "seconds"],
];
const AMPM: &[&[&str]] = &[&["am", "a"], &["pm", "p"]];
const UTCZONE: &[&str] = &["UTC", "GMT", "Z", "z"];

fn lookup(table: &[&[&str]], name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    table
        .iter()
        .position(|names| names.contains(&lower.as_str()))
}

fn jump(name: &str) -> bool {
    JUMP.contains(&name.to_lowercase().as_str())
}

fn weekday(name: &str) -> Option<usize> {
    lookup(WEEKDAYS, name)
}

fn month(name: &str) -> Option<i64> {
    lookup(MONTHS, name).map(|i| i as i64 + 1)
}

fn hms(name: &str) -> Option<usize> {
    lookup(HMS, name)
}

fn ampm(name: &str) -> Option<usize> {
    lookup(AMPM, name)
}

fn pertain(name: &str) -> bool {
    name.to_lowercase() == "of"
}

fn utczone(name: &str) -> bool {
    matches!(name.to_lowercase().as_str(), "utc" | "gmt" | "z")
}

/// dateutil's `parserinfo.tzoffset`: compares the raw name with the lower-cased UTC names,
/// so only `z` maps to 0 here; `validate` fixes the others up later.
fn tzoffset_for_name(name: &str) -> Option<i64> {
    if matches!(name, "utc" | "gmt" | "z") {
        Some(0)
    } else {
        None
    }
}

fn convert_year(year: i64, century_specified: bool, current_year: i64) -> i64 {
    let mut year = year;
    if year < 100 && !century_specified {
        let century = current_year / 100 * 100;
        year += century;
        if year >= current_year + 50 {
            year -= 100;
        } else if year < current_year - 50 {
            year += 100;
        }
    }
    year
}

// ---------------------------------------------------------------------------------------
// Numbers

/// Parse failure inside the token walk (Python's IndexError/ValueError).
#[derive(Debug)]
struct Fail;

type PResult<T> = Result<T, Fail>;

/// A non-negative decimal token (`12`, `12.5`), kept exactly.
#[derive(Debug, Clone)]
struct Num {
    int: i64,
    frac: String,
}

impl Num {
    /// Whether Python's `float()` accepts the token (digits with at most one dot, or
    /// nan/inf words — the latter then fail in `Decimal` finiteness checks).
    fn is_float_like(tok: &str) -> bool {
        if matches!(tok.to_lowercase().as_str(), "nan" | "inf" | "infinity") {
            return true;
        }
        Self::parse(tok).is_ok()
    }

    fn parse(tok: &str) -> PResult<Num> {
        let (int_part, frac) = match tok.split_once('.') {
            Some((i, f)) => (i, f),
            None => (tok, ""),
        };
        let int_ok = int_part.chars().all(|c| c.is_ascii_digit());
        let frac_ok = frac.chars().all(|c| c.is_ascii_digit());
        if !int_ok || !frac_ok || (int_part.is_empty() && frac.is_empty()) {
            return Err(Fail);
        }
        let int = if int_part.is_empty() {
            0
        } else {
            int_part.parse::<i64>().map_err(|_| Fail)?
        };
        Ok(Num {
            int,
            frac: frac.to_string(),
        })
    }

    fn has_frac(&self) -> bool {
        self.frac.chars().any(|c| c != '0')
    }

    fn gt(&self, n: i64) -> bool {
        self.int > n || (self.int == n && self.has_frac())
    }

    fn le(&self, n: i64) -> bool {
        !self.gt(n)
    }

    /// `int(60 * (value % 1))`.
    fn frac_times_60(&self) -> i64 {
        let digits: String = self.frac.chars().take(36).collect();
        if digits.is_empty() {
            return 0;
        }
        let d: u128 = digits.parse().unwrap_or(0);
        let scale = 10u128.pow(digits.len() as u32);
        (d * 60 / scale) as i64
    }
}

/// Python's `int(str)` on the token slices this parser produces.
fn py_int(s: &str) -> PResult<i64> {
    let t = s.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(Fail);
    }
    t.parse::<i64>().map_err(|_| Fail)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// Python slicing `s[start:end]` by characters.
fn slice(s: &str, start: usize, end: Option<usize>) -> String {
    let it = s.chars().skip(start);
    match end {
        Some(e) => it.take(e.saturating_sub(start)).collect(),
        None => it.collect(),
    }
}

/// `_parsems`: `"SS[.ffffff]"` → (seconds, microseconds).
fn parse_ms(value: &str) -> PResult<(i64, i64)> {
    match value.split_once('.') {
        None => Ok((py_int(value)?, 0)),
        Some((i, f)) => {
            if f.contains('.') {
                return Err(Fail);
            }
            let mut f6: String = f.chars().take(6).collect();
            while f6.chars().count() < 6 {
                f6.push('0');
            }
            Ok((py_int(i)?, py_int(&f6)?))
        }
    }
}

/// `_parse_min_sec`: minutes and, when there is a fraction, seconds.
fn parse_min_sec(value: &Num) -> (i64, Option<i64>) {
    let second = if value.has_frac() {
        Some(value.frac_times_60())
    } else {
        None
    };
    (value.int, second)
}

fn adjust_ampm(hour: i64, ampm: usize) -> i64 {
    if hour < 12 && ampm == 1 {
        hour + 12
    } else if hour == 12 && ampm == 0 {
        0
    } else {
        hour
    }
}

// ---------------------------------------------------------------------------------------
// Result and year/month/day bookkeeping

#[derive(Debug, Default)]
struct Res {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    weekday: Option<usize>,
    hour: Option<i64>,
    minute: Option<i64>,
    second: Option<i64>,
    microsecond: Option<i64>,
    tzname: Option<String>,
    tzoffset: Option<i64>,
    ampm: Option<usize>,
    century_specified: bool,
}

impl Res {
    fn count(&self) -> usize {
        [
            self.year.is_some(),
            self.month.is_some(),
            self.day.is_some(),
            self.weekday.is_some(),
            self.hour.is_some(),
            self.minute.is_some(),
            self.second.is_some(),
            self.microsecond.is_some(),
            self.tzname.is_some(),
            self.tzoffset.is_some(),
            self.ampm.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }

    fn could_be_tzname(&self, tzoffset: Option<i64>, token: &str) -> bool {
        self.hour.is_some()
            && self.tzname.is_none()
            && tzoffset.is_none()
            && token.chars().count() <= 5
            && (token.chars().all(|c| c.is_ascii_uppercase()) || UTCZONE.contains(&token))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Y,
    M,
}

enum YmdVal<'a> {
    Str(&'a str),
    Num(&'a Num),
    Int(i64),
}

#[derive(Debug, Default)]
struct Ymd {
    vals: Vec<i64>,
    century_specified: bool,
    // (dateutil's `dstridx` is never set by the default parser: no token is labelled a day)
    mstridx: Option<usize>,
    ystridx: Option<usize>,
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> PResult<i64> {
    Ok(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return Err(Fail),
    })
}

impl Ymd {
    fn len(&self) -> usize {
        self.vals.len()
    }

    fn could_be_day(&self, value: &Num) -> PResult<bool> {
        let max = match (self.mstridx, self.ystridx) {
            (None, _) => 31,
            (Some(m), None) => days_in_month(2000, self.vals[m])?,
            (Some(m), Some(y)) => days_in_month(self.vals[y], self.vals[m])?,
        };
        Ok(value.int >= 1 && value.le(max))
    }

    fn append(&mut self, val: YmdVal<'_>, label: Option<Label>) -> PResult<()> {
        let mut label = label;
        let century = match &val {
            YmdVal::Str(s) => is_digits(s) && s.chars().count() > 2,
            YmdVal::Num(n) => n.gt(100),
            YmdVal::Int(i) => *i > 100,
        };
        if century {
            self.century_specified = true;
            if !matches!(label, None | Some(Label::Y)) {
                return Err(Fail);
            }
            label = Some(Label::Y);
        }
        let int = match val {
            YmdVal::Str(s) => py_int(s)?,
            YmdVal::Num(n) => n.int,
            YmdVal::Int(i) => i,
        };
        self.vals.push(int);
        let idx = self.vals.len() - 1;
        match label {
            Some(Label::M) => {
                if self.mstridx.is_some() {
                    return Err(Fail);
                }
                self.mstridx = Some(idx);
            }
            Some(Label::Y) => {
                if self.ystridx.is_some() {
                    return Err(Fail);
                }
                self.ystridx = Some(idx);
            }
            None => {}
        }
        Ok(())
    }

    fn resolve_from_stridxs(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        let mut y = self.ystridx;
        let mut m = self.mstridx;
        let mut d = None;
        let known = [y, m, d].iter().filter(|x| x.is_some()).count();
        if self.len() == 3 && known == 2 {
            let used: Vec<usize> = [y, m, d].iter().flatten().copied().collect();
            if let Some(missing) = (0..3).find(|i| !used.contains(i)) {
                if y.is_none() {
                    y = Some(missing);
                } else if m.is_none() {
                    m = Some(missing);
                } else {
                    d = Some(missing);
                }
            }
        }
        let get = |i: Option<usize>| i.and_then(|i| self.vals.get(i).copied());
        (get(y), get(m), get(d))
    }

    fn resolve(
        &self,
        yearfirst: bool,
        dayfirst: bool,
    ) -> PResult<(Option<i64>, Option<i64>, Option<i64>)> {
        let len = self.len();
        let strids = [self.ystridx, self.mstridx]
            .iter()
            .filter(|x| x.is_some())
            .count();
        if (len == strids && strids > 0) || (len == 3 && strids == 2) {
            return Ok(self.resolve_from_stridxs());
        }
        let v = &self.vals;
        let (mut year, mut month, mut day) = (None, None, None);
        let mstridx = self.mstridx;
        if len > 3 {
            return Err(Fail);
        } else if len == 1 || (mstridx.is_some() && len == 2) {
            let other;
            if let Some(mi) = mstridx {
                month = Some(v[mi]);
                other = if mi == 0 { v[len - 1] } else { v[mi - 1] };
            } else {
                other = v[0];
            }
            if len > 1 || mstridx.is_none() {
                if other > 31 {
                    year = Some(other);
                } else {
                    day = Some(other);
                }
            }
        } else if len == 2 {
            if v[0] > 31 {
                year = Some(v[0]);
                month = Some(v[1]);
            } else if v[1] > 31 {
                month = Some(v[0]);
                year = Some(v[1]);
            } else if dayfirst && v[1] <= 12 {
                day = Some(v[0]);
                month = Some(v[1]);
            } else {
                month = Some(v[0]);
                day = Some(v[1]);
            }
        } else if len == 3 {
            let (a, b, c) = (v[0], v[1], v[2]);
            let (y, m, d) = match mstridx {
                Some(0) => {
                    if b > 31 {
                        (b, a, c)
                    } else {
                        (c, a, b)
                    }
                }
                Some(1) => {
                    if a > 31 || (yearfirst && c <= 31) {
                        (a, b, c)
                    } else {
                        (c, b, a)
                    }
                }
                Some(_) => {
                    if b > 31 {
                        (b, c, a)
                    } else {
                        (a, c, b)
                    }
                }
                None => {
                    if a > 31 || self.ystridx == Some(0) || (yearfirst && b <= 12 && c <= 31) {
                        if dayfirst && c <= 12 {
                            (a, c, b)
                        } else {
                            (a, b, c)
                        }
                    } else if a > 12 || (dayfirst && b <= 12) {
                        (c, b, a)
                    } else {
                        (c, a, b)
                    }
                }
            };
            year = Some(y);
            month = Some(m);
            day = Some(d);
        }
        Ok((year, month, day))
    }
}

// ---------------------------------------------------------------------------------------
// The token walk

fn parse_tokens(timestr: &str, current_year: i64) -> PResult<Res> {
    let mut l = split_tokens(timestr);
    let len_l = l.len();
    let mut res = Res::default();
    let mut ymd = Ymd::default();
    let mut i = 0usize;
    let get = |l: &Vec<String>, k: usize| -> PResult<String> { l.get(k).cloned().ok_or(Fail) };

    while i < len_l {
        let tok = l[i].clone();
        if Num::is_float_like(&tok) {
            i = parse_numeric_token(&l, i, &mut ymd, &mut res)?;
        } else if let Some(wd) = weekday(&tok) {
            res.weekday = Some(wd);
        } else if let Some(m) = month(&tok) {
            ymd.append(YmdVal::Int(m), Some(Label::M))?;
            if i + 1 < len_l {
                if l[i + 1] == "-" || l[i + 1] == "/" {
                    // Jan-01[-99]
                    let sep = l[i + 1].clone();
                    let v = get(&l, i + 2)?;
                    ymd.append(YmdVal::Str(&v), None)?;
                    if i + 3 < len_l && l[i + 3] == sep {
                        let v = get(&l, i + 4)?;
                        ymd.append(YmdVal::Str(&v), None)?;
                        i += 2;
                    }
                    i += 2;
                } else if i + 4 < len_l && l[i + 1] == " " && l[i + 3] == " " && pertain(&l[i + 2])
                {
                    // Jan of 01
                    if is_digits(&l[i + 4]) {
                        let value = py_int(&l[i + 4])?;
                        let year = convert_year(value, false, current_year).to_string();
                        ymd.append(YmdVal::Str(&year), Some(Label::Y))?;
                    }
                    i += 4;
                }
            }
        } else if let Some(ap) = ampm(&tok) {
            match res.hour {
                Some(h) if (0..=12).contains(&h) => {
                    res.hour = Some(adjust_ampm(h, ap));
                    res.ampm = Some(ap);
                }
                _ => return Err(Fail),
            }
        } else if res.could_be_tzname(res.tzoffset, &tok) {
            res.tzname = Some(tok.clone());
            res.tzoffset = tzoffset_for_name(&tok);
            if i + 1 < len_l && (l[i + 1] == "+" || l[i + 1] == "-") {
                // GMT+3 means "my time +3 is GMT": invert the sign.
                l[i + 1] = if l[i + 1] == "+" { "-" } else { "+" }.to_string();
                res.tzoffset = None;
                if utczone(&tok) {
                    res.tzname = None;
                }
            }
        } else if res.hour.is_some() && (tok == "+" || tok == "-") {
            let signal: i64 = if tok == "+" { 1 } else { -1 };
            let next = get(&l, i + 1)?;
            let len_li = next.chars().count();
            let (hour_offset, min_offset);
            if len_li == 4 {
                hour_offset = py_int(&slice(&next, 0, Some(2)))?;
                min_offset = py_int(&slice(&next, 2, None))?;
            } else if i + 2 < len_l && l[i + 2] == ":" {
                hour_offset = py_int(&next)?;
                min_offset = py_int(&get(&l, i + 3)?)?;
                i += 2;
            } else if len_li <= 2 {
                hour_offset = py_int(&slice(&next, 0, Some(2)))?;
                min_offset = 0;
            } else {
                return Err(Fail);
            }
            let total = hour_offset
                .checked_mul(3600)
                .and_then(|h| h.checked_add(min_offset.checked_mul(60)?))
                .ok_or(Fail)?;
            res.tzoffset = Some(signal * total);
            // -0300 (BRST)
            if i + 5 < len_l
                && jump(&l[i + 2])
                && l[i + 3] == "("
                && l[i + 5] == ")"
                && l[i + 4].chars().count() >= 3
                && res.could_be_tzname(None, &l[i + 4])
            {
                res.tzname = Some(l[i + 4].clone());
                i += 4;
            }
            i += 1;
        } else if !jump(&tok) {
            return Err(Fail);
        }
        i += 1;
    }

    let (year, month, day) = ymd.resolve(false, false)?;
    res.century_specified = ymd.century_specified;
    res.year = year.map(|y| convert_year(y, res.century_specified, current_year));
    res.month = month;
    res.day = day;

    // parserinfo.validate
    let tzname_is_z = matches!(res.tzname.as_deref(), Some("Z") | Some("z"));
    if (res.tzoffset == Some(0) && res.tzname.is_none()) || tzname_is_z {
        res.tzname = Some("UTC".to_string());
        res.tzoffset = Some(0);
    } else if res.tzoffset != Some(0) && res.tzname.as_deref().is_some_and(utczone) {
        res.tzoffset = Some(0);
    }
    Ok(res)
}

fn parse_numeric_token(l: &[String], idx: usize, ymd: &mut Ymd, res: &mut Res) -> PResult<usize> {
    let mut idx = idx;
    let value_repr = l[idx].clone();
    let value = Num::parse(&value_repr)?; // nan/inf fail here, as Decimal finiteness does
    let len_li = value_repr.chars().count();
    let len_l = l.len();
    let s = value_repr.as_str();

    if ymd.len() == 3
        && (len_li == 2 || len_li == 4)
        && res.hour.is_none()
        && (idx + 1 >= len_l || (l[idx + 1] != ":" && hms(&l[idx + 1]).is_none()))
    {
        // 19990101T23[59]
        res.hour = Some(py_int(&slice(s, 0, Some(2)))?);
        if len_li == 4 {
            res.minute = Some(py_int(&slice(s, 2, None))?);
        }
    } else if len_li == 6 || (len_li > 6 && s.chars().position(|c| c == '.') == Some(6)) {
        // YYMMDD or HHMMSS[.ss]
        if ymd.len() == 0 && !s.contains('.') {
            ymd.append(YmdVal::Str(&slice(s, 0, Some(2))), None)?;
            ymd.append(YmdVal::Str(&slice(s, 2, Some(4))), None)?;
            ymd.append(YmdVal::Str(&slice(s, 4, None)), None)?;
        } else {
            res.hour = Some(py_int(&slice(s, 0, Some(2)))?);
            res.minute = Some(py_int(&slice(s, 2, Some(4)))?);
            let (sec, us) = parse_ms(&slice(s, 4, None))?;
            res.second = Some(sec);
            res.microsecond = Some(us);
        }
    } else if len_li == 8 || len_li == 12 || len_li == 14 {
        // YYYYMMDD[hhmm[ss]]
        ymd.append(YmdVal::Str(&slice(s, 0, Some(4))), Some(Label::Y))?;
        ymd.append(YmdVal::Str(&slice(s, 4, Some(6))), None)?;
        ymd.append(YmdVal::Str(&slice(s, 6, Some(8))), None)?;
        if len_li > 8 {
            res.hour = Some(py_int(&slice(s, 8, Some(10)))?);
            res.minute = Some(py_int(&slice(s, 10, Some(12)))?);
            if len_li > 12 {
                res.second = Some(py_int(&slice(s, 12, None))?);
            }
        }
    } else if let Some(hms_idx) = find_hms_idx(idx, l) {
        // HH[ ]h or MM[ ]m or SS[.ss][ ]s
        let label = hms(&l[hms_idx]).ok_or(Fail)?;
        let which = if hms_idx > idx {
            idx = hms_idx;
            label
        } else {
            label + 1
        };
        match which {
            0 => {
                res.hour = Some(value.int);
                if value.has_frac() {
                    res.minute = Some(value.frac_times_60());
                }
            }
            1 => {
                let (m, sec) = parse_min_sec(&value);
                res.minute = Some(m);
                res.second = sec;
            }
            2 => {
                let (sec, us) = parse_ms(&value_repr)?;
                res.second = Some(sec);
                res.microsecond = Some(us);
            }
            _ => {}
        }
    } else if idx + 2 < len_l && l[idx + 1] == ":" {
        // HH:MM[:SS[.ss]]
        res.hour = Some(value.int);
        let minute_value = Num::parse(&l[idx + 2])?;
        let (m, sec) = parse_min_sec(&minute_value);
        res.minute = Some(m);
        res.second = sec;
        if idx + 4 < len_l && l[idx + 3] == ":" {
            let (sec, us) = parse_ms(&l[idx + 4])?;
            res.second = Some(sec);
            res.microsecond = Some(us);
            idx += 2;
        }
        idx += 2;
    } else if idx + 1 < len_l && matches!(l[idx + 1].as_str(), "-" | "/" | ".") {
        let sep = l[idx + 1].clone();
        ymd.append(YmdVal::Str(&value_repr), None)?;
        if idx + 2 < len_l && !jump(&l[idx + 2]) {
            if is_digits(&l[idx + 2]) {
                // 01-01[-01]
                ymd.append(YmdVal::Str(&l[idx + 2]), None)?;
            } else {
                // 01-Jan[-01]
                let m = month(&l[idx + 2]).ok_or(Fail)?;
                ymd.append(YmdVal::Int(m), Some(Label::M))?;
            }
            if idx + 3 < len_l && l[idx + 3] == sep {
                // three members
                let fourth = l.get(idx + 4).ok_or(Fail)?;
                match month(fourth) {
                    Some(m) => ymd.append(YmdVal::Int(m), Some(Label::M))?,
                    None => ymd.append(YmdVal::Str(fourth), None)?,
                }
                idx += 2;
            }
            idx += 1;
        }
        idx += 1;
    } else if idx + 1 >= len_l || jump(&l[idx + 1]) {
        if idx + 2 < len_l && ampm(&l[idx + 2]).is_some() {
            // 12 am
            let ap = ampm(&l[idx + 2]).ok_or(Fail)?;
            res.hour = Some(adjust_ampm(value.int, ap));
            idx += 1;
        } else {
            // year, month or day
            ymd.append(YmdVal::Num(&value), None)?;
        }
        idx += 1;
    } else if ampm(&l[idx + 1]).is_some() && value.int < 24 {
        // 12am
        let ap = ampm(&l[idx + 1]).ok_or(Fail)?;
        res.hour = Some(adjust_ampm(value.int, ap));
        idx += 1;
    } else if ymd.could_be_day(&value)? {
        ymd.append(YmdVal::Num(&value), None)?;
    } else {
        return Err(Fail);
    }
    Ok(idx)
}

fn find_hms_idx(idx: usize, l: &[String]) -> Option<usize> {
    let len_l = l.len();
    if idx + 1 < len_l && hms(&l[idx + 1]).is_some() {
        Some(idx + 1)
    } else if idx + 2 < len_l && l[idx + 1] == " " && hms(&l[idx + 2]).is_some() {
        Some(idx + 2)
    } else if idx > 0 && hms(&l[idx - 1]).is_some() {
        Some(idx - 1)
    } else if 1 < idx && idx == len_l - 1 && l[idx - 1] == " " && hms(&l[idx - 2]).is_some() {
        Some(idx - 2)
    } else {
        None
    }
}

fn build_naive(res: &Res, default: NaiveDateTime) -> Result<NaiveDateTime, String> {
    let year = res.year.unwrap_or(i64::from(default.year()));
    let month = res.month.unwrap_or(i64::from(default.month()));
    let mut day = res.day.unwrap_or(i64::from(default.day()));
    if res.day.is_none() {
        // The default day falls back to the end of a shorter month.
        let dim = days_in_month(year, month).map_err(|_| "bad month for year".to_string())?;
        if day > dim {
            day = dim;
        }
    }
    let hour = res.hour.unwrap_or(i64::from(default.hour()));
    let minute = res.minute.unwrap_or(i64::from(default.minute()));
    let second = res.second.unwrap_or(i64::from(default.second()));
    let micro = res
        .microsecond
        .unwrap_or(i64::from(default.nanosecond() / 1000));
    if !(1..=9999).contains(&year) {
        return Err(format!("year {year} is out of range"));
    }
    let date = NaiveDate::from_ymd_opt(
        year as i32,
        u32::try_from(month).map_err(|_| "month must be in 1..12".to_string())?,
        u32::try_from(day).map_err(|_| "day is out of range for month".to_string())?,
    )
    .ok_or_else(|| "day is out of range for month".to_string())?;
    let in_range = (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second)
        && (0..1_000_000).contains(&micro);
    if !in_range {
        return Err("time component out of range".to_string());
    }
    let time =
        NaiveTime::from_hms_micro_opt(hour as u32, minute as u32, second as u32, micro as u32)
            .ok_or_else(|| "time component out of range".to_string())?;
    let mut naive = date.and_time(time);
    if let Some(wd) = res.weekday {
        if res.day.unwrap_or(0) == 0 {
            // relativedelta(weekday=wd): the next such weekday, today included.
            let current = i64::from(naive.weekday().num_days_from_monday());
            let jump = (wd as i64 - current).rem_euclid(7);
            naive = naive
                .checked_add_signed(Duration::days(jump))
                .filter(|d| d.year() <= 9999)
                .ok_or_else(|| "date value out of range".to_string())?;
        }
    }
    Ok(naive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_time(NaiveTime::MIN)
    }

    fn ckan(s: &str) -> Option<String> {
        parse(s, default()).ok().map(|p| p.ckan_index_value())
    }

    #[test]
    fn lexer_splits_like_dateutil() {
        assert_eq!(
            split_tokens("2020-01-01T10:00:00.5+01:00"),
            [
                "2020", "-", "01", "-", "01", "T", "10", ":", "00", ":", "00.5", "+", "01", ":",
                "00"
            ]
        );
        assert_eq!(split_tokens("Sep.20.2009"), ["Sep", ".", "20", ".", "2009"]);
        assert_eq!(split_tokens("4:30:21.447"), ["4", ":", "30", ":", "21.447"]);
        assert_eq!(split_tokens("1  Jan"), ["1", " ", " ", "Jan"]);
        assert_eq!(split_tokens("10,5"), ["10.5"]);
    }

    /// Expected values produced by python-dateutil 2.9.0 with
    /// `parse(s, default=datetime(2026, 11, 25))` in 2026, formatted the way CKAN's
    /// `index_package` does (`isoformat()` + `Z` when naive); `None` = ParserError.
    #[test]
    fn matches_python_dateutil() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2020-01-01", Some("2020-01-01T00:00:00Z")),
            ("2020-01-01T10:00:00", Some("2020-01-01T10:00:00Z")),
            ("2020-01-01T10:00:00Z", Some("2020-01-01T10:00:00+00:00")),
            (
                "2020-01-01T10:00:00.123456",
                Some("2020-01-01T10:00:00.123456Z"),
            ),
            (
                "2020-01-01T10:00:00.1234567+05:30",
                Some("2020-01-01T10:00:00.123456+05:30"),
            ),
            (
                "2020-01-01T10:00:00-0800",
                Some("2020-01-01T10:00:00-08:00"),
            ),
            ("2020-01-01 10:00 UTC", Some("2020-01-01T10:00:00+00:00")),
            ("2020-01-01 10:00 GMT", Some("2020-01-01T10:00:00+00:00")),
            ("2020-01-01 10:00 EST", Some("2020-01-01T10:00:00Z")),
            ("10:00 GMT+3", Some("2026-11-25T10:00:00-03:00")),
            ("2020-01-01 UTC", None),
            ("2020", Some("2020-11-25T00:00:00Z")),
            ("2020-02", Some("2020-02-25T00:00:00Z")),
            ("Feb 2021", Some("2021-02-25T00:00:00Z")),
            ("Monday", Some("2026-11-30T00:00:00Z")),
            ("01/02/2020", Some("2020-01-02T00:00:00Z")),
            ("13/02/2020", Some("2020-02-13T00:00:00Z")),
            ("31/12/2019", Some("2019-12-31T00:00:00Z")),
            ("1 January 2020", Some("2020-01-01T00:00:00Z")),
            ("January 1, 2020", Some("2020-01-01T00:00:00Z")),
            (
                "Wed, 01 Jan 2020 10:00:00 +0000",
                Some("2020-01-01T10:00:00+00:00"),
            ),
            ("Jan of 01", Some("2001-01-25T00:00:00Z")),
            ("20200101", Some("2020-01-01T00:00:00Z")),
            ("20200101T1030", Some("2020-01-01T10:30:00Z")),
            ("20200101T103045", Some("2020-01-01T10:30:45Z")),
            ("200101", Some("2001-01-20T00:00:00Z")),
            ("2020.01.01", Some("2020-01-01T00:00:00Z")),
            ("1.5.2020", Some("2020-01-05T00:00:00Z")),
            ("10am", Some("2026-11-25T10:00:00Z")),
            ("10 pm", Some("2026-11-25T22:00:00Z")),
            ("12am 2020-01-01", Some("2020-01-01T00:00:00Z")),
            ("10h30m", Some("2026-11-25T10:30:00Z")),
            ("1-Jan-99", Some("1999-01-01T00:00:00Z")),
            ("01-01-50", Some("2050-01-01T00:00:00Z")),
            ("3rd of May 2001", Some("2001-05-03T00:00:00Z")),
            ("2020-02-30", None),
            ("2020-13-01", None),
            ("not a date", None),
            ("  ", None),
            ("-", None),
            ("nan", None),
            ("unknown", None),
            ("2019-2020", None),
            ("2020-01-01T25:00:00", None),
            ("10:00 +2500", None),
            ("99999", None),
        ];
        for (input, expected) in cases {
            assert_eq!(ckan(input).as_deref(), *expected, "input {input:?}");
        }
    }

    #[test]
    fn utc_conversion_and_isoformat() {
        let p = parse("2020-01-01T10:00:00+05:30", default()).unwrap();
        assert_eq!(p.offset_seconds, Some(19800));
        assert_eq!(python_isoformat(&p.to_utc_naive()), "2020-01-01T04:30:00");
        let p = parse("2024-03-01T10:00:00.123456", default()).unwrap();
        assert_eq!(p.isoformat(), "2024-03-01T10:00:00.123456");
    }
}
