//! The few Python and CKAN string behaviours `package_show` depends on, written to their
//! rules so the dicts we assemble are byte-identical to CKAN's: `str.strip()`,
//! `datetime.isoformat()`, `urlsplit(url).scheme`, `munge.munge_filename` and
//! `h.strxfrm`.

use chrono::{NaiveDateTime, Timelike};
use unicode_normalization::UnicodeNormalization;

/// Python's `str.isspace()` for one character: Unicode White_Space plus the ASCII
/// information separators U+001C–U+001F, which Python also strips.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_python_space)
}

/// Python's `datetime.isoformat()` of a naive datetime: `YYYY-MM-DDTHH:MM:SS`, plus
/// `.ffffff` only when the microseconds are not zero (PostgreSQL keeps microseconds).
pub fn isoformat(t: &NaiveDateTime) -> String {
    let micros = t.nanosecond() / 1_000;
    if micros == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        format!("{}.{micros:06}", t.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// Whether Python 3.11's `urllib.parse.urlsplit(url).scheme` is non-empty: after leading C0
/// controls and spaces are stripped and tabs/newlines removed, the text before the first
/// `:` must start with an ASCII letter and consist of letters, digits, `+`, `-` and `.`.
pub fn has_url_scheme(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return false;
    };
    let scheme = &cleaned[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// CKAN's `munge.substitute_ascii_equivalents` for one character: Latin-1 letters become
/// their unaccented ASCII spelling, other non-ASCII characters are dropped.
fn ascii_equivalent(c: char, out: &mut String) {
    let replacement = match c {
        '\u{c0}'..='\u{c5}' => "A",
        '\u{c6}' => "Ae",
        '\u{c7}' => "C",
        '\u{c8}'..='\u{cb}' => "E",
        '\u{cc}'..='\u{cf}' => "I",
        '\u{d0}' => "Th",
        '\u{d1}' => "N",
        '\u{d2}'..='\u{d6}' | '\u{d8}' => "O",
        '\u{d9}'..='\u{dc}' => "U",
        '\u{dd}' => "Y",
        '\u{de}' => "th",
        '\u{df}' => "ss",
        '\u{e0}'..='\u{e5}' => "a",
        '\u{e6}' => "ae",
        '\u{e7}' => "c",
        '\u{e8}'..='\u{eb}' => "e",
        '\u{ec}'..='\u{ef}' => "i",
        '\u{f0}' => "th",
        '\u{f1}' => "n",
        '\u{f2}'..='\u{f6}' | '\u{f8}' => "o",
        '\u{f9}'..='\u{fc}' => "u",
        '\u{fd}' | '\u{ff}' => "y",
        '\u{fe}' => "th",
        c if c.is_ascii() => {
            out.push(c);
            return;
        }
        _ => return,
    };
    out.push_str(replacement);
}

/// CKAN's `munge.munge_filename` (2.12): the last path segment, lower-cased and stripped,
/// transliterated to ASCII, reduced to `[a-zA-Z0-9_. -]` with spaces as `-` and runs of `-`
/// collapsed, then the extension cut to 21 characters and the stem padded with `_` to a
/// total of at least 3 and cut to at most 100 characters.
pub fn munge_filename(filename: &str) -> String {
    const MAX_EXTENSION: usize = 21;
    const MAX_TOTAL: usize = 100;
    const MIN_TOTAL: usize = 3;

    let last = filename.rsplit('/').next().unwrap_or(filename);
    let lowered = last.to_lowercase();
    let mut ascii = String::with_capacity(lowered.len());
    for c in strip(&lowered).chars() {
        ascii_equivalent(c, &mut ascii);
    }
    let mut cleaned = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        let c = if c == ' ' { '-' } else { c };
        if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            continue;
        }
        if c == '-' && cleaned.ends_with('-') {
            continue;
        }
        cleaned.push(c);
    }
    // posixpath.splitext: the last dot starts the extension unless only dots precede it.
    let (stem, ext) = match cleaned.rfind('.') {
        Some(dot) if cleaned[..dot].bytes().any(|b| b != b'.') => cleaned.split_at(dot),
        _ => (cleaned.as_str(), ""),
    };
    // Everything is ASCII by now, so byte lengths are character counts.
    let ext = &ext[..ext.len().min(MAX_EXTENSION)];
    let mut stem = stem.to_string();
    let min = MIN_TOTAL.saturating_sub(ext.len()).max(1);
    while stem.len() < min {
        stem.push('_');
    }
    stem.truncate(MAX_TOTAL - ext.len());
    stem + ext
}

/// CKAN's `h.strxfrm`, the sort key of a dataset's groups: NFD-normalised, lower-cased.
pub fn strxfrm(s: &str) -> String {
    s.nfd().collect::<String>().to_lowercase()
}

/// Percent-encodes a path value as werkzeug's URL builder does (RFC 3986 unreserved
/// characters and `!$&'()*+,/:;=@` stay as they are).
pub fn quote_path(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,/:;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_is_pythons() {
        assert_eq!(strip(" \u{1c}\u{a0}x y\u{3000}\t"), "x y");
        assert_eq!(strip("\u{200b}x"), "\u{200b}x");
    }

    #[test]
    fn isoformat_is_pythons() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(isoformat(&t("2020-01-02 03:04:05")), "2020-01-02T03:04:05");
        assert_eq!(
            isoformat(&t("2020-01-02 03:04:05.5")),
            "2020-01-02T03:04:05.500000"
        );
        assert_eq!(
            isoformat(&t("2020-01-02 03:04:05.000001")),
            "2020-01-02T03:04:05.000001"
        );
    }

    #[test]
    fn url_schemes_as_urlsplit_sees_them() {
        assert!(has_url_scheme("http://x"));
        assert!(has_url_scheme("localhost:8080/x"));
        assert!(has_url_scheme(" \tmailto:a@b"));
        assert!(has_url_scheme("h\ttp://x"));
        assert!(!has_url_scheme("www.example.org/b"));
        assert!(!has_url_scheme("//cdn.example/x"));
        assert!(!has_url_scheme("1http://x"));
        assert!(!has_url_scheme("a b:c"));
        assert!(!has_url_scheme(":x"));
        assert!(!has_url_scheme(""));
    }

    #[test]
    fn munge_filename_is_ckans() {
        // Expected values are what CKAN 2.12 produced for these uploads.
        assert_eq!(
            munge_filename("Données Été 2020 (final).CSV"),
            "donnees-ete-2020-final.csv"
        );
        assert_eq!(munge_filename("https://x.example/a/b/.hidden"), ".hidden");
        assert_eq!(munge_filename("x"), "x__");
        assert_eq!(munge_filename("overridden?"), "overridden");
        assert_eq!(munge_filename("a  --  b.tar.gz"), "a-b.tar.gz");
        assert_eq!(munge_filename(".csv"), ".csv");
        assert_eq!(munge_filename("ab.c"), "ab.c");
        assert_eq!(munge_filename("a.c"), "a.c");
        assert_eq!(munge_filename("a"), "a__");
        assert_eq!(munge_filename("a-(-b"), "a-b");
        assert_eq!(munge_filename("..."), "...");
        assert_eq!(munge_filename("..x"), "..x");
        assert_eq!(munge_filename(" .x "), ".x_");
        assert_eq!(munge_filename("İstanbul.csv"), "istanbul.csv");
        let long = format!("{}.{}", "n".repeat(150), "e".repeat(30));
        let munged = munge_filename(&long);
        assert_eq!(munged.len(), 100);
        assert!(munged.ends_with(&format!(".{}", "e".repeat(20))));
    }

    #[test]
    fn strxfrm_orders_as_ckan() {
        let mut names = vec!["Zeta", "éclair", "Eagle", "alpha lower", "null-group"];
        names.sort_by_key(|n| strxfrm(n));
        assert_eq!(
            names,
            ["alpha lower", "Eagle", "éclair", "null-group", "Zeta"]
        );
    }

    #[test]
    fn quote_path_keeps_uuids() {
        assert_eq!(quote_path("44afbf96-25b0-42e4"), "44afbf96-25b0-42e4");
        assert_eq!(quote_path("a b/é"), "a%20b/%C3%A9");
    }
}
