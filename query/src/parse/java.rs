//! How Java reads and prints the small things Solr's parsers and messages depend on:
//! `Character.isWhitespace`, the regex class `\s`, `String.trim`, `Float.toString`,
//! `StrUtils.parseBool`, and JavaCC's `addEscapes`.

use crate::{QueryError, Result};

/// `Character.isWhitespace`: Unicode space separators except the no-break spaces, plus
/// the ASCII controls `\t \n \u000B \f \r` and `\u001C`–`\u001F`.
pub(crate) fn is_whitespace(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}'))
        || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The regex class `\s` of `java.util.regex` (ASCII only).
pub(crate) fn is_regex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// `String.trim`: removes characters up to and including U+0020 at both ends.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `Float.toString` for the values a parser can report (boosts): `2.0`, `-0.5`,
/// `Infinity`, `1.0E10`.
pub(crate) fn float_to_string(f: f32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let magnitude = f.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Java's computerized scientific notation: one digit, `.`, digits, `E`, exponent.
        let s = format!("{f:E}");
        match s.split_once('E') {
            Some((mantissa, exp)) if !mantissa.contains('.') => format!("{mantissa}.0E{exp}"),
            _ => s,
        }
    }
}

/// `StrUtils.parseBool`, as Solr reads boolean local params (`incl`, `incu`, `sow`).
pub(crate) fn parse_bool(value: &str) -> Result<bool> {
    match value {
        "true" | "on" | "yes" => Ok(true),
        "false" | "off" | "no" => Ok(false),
        other => Err(QueryError::BadParam(format!(
            "invalid boolean value: {other}"
        ))),
    }
}

/// `Float.parseFloat` / `Double.parseDouble` for the plain decimal forms Solr's parameters
/// use, with Java's `NumberFormatException` message on failure.
pub(crate) fn parse_number(value: &str) -> Result<f64> {
    let trimmed = trim(value);
    if trimmed.is_empty() {
        return Err(QueryError::BadParam("empty String".into()));
    }
    trimmed
        .parse::<f64>()
        .map_err(|_| QueryError::BadParam(format!("For input string: \"{value}\"")))
}

/// JavaCC's `addEscapes`: how token text is quoted in `ParseException` and `TokenMgrError`
/// messages (control and non-ASCII UTF-16 units as `\uXXXX`, NUL dropped).
pub(crate) fn add_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for unit in s.encode_utf16() {
        push_escaped_unit(&mut out, unit);
    }
    out
}

/// [`add_escapes`] of one UTF-16 unit.
pub(crate) fn push_escaped_unit(out: &mut String, unit: u16) {
    match unit {
        0 => {}
        0x08 => out.push_str("\\b"),
        0x09 => out.push_str("\\t"),
        0x0a => out.push_str("\\n"),
        0x0c => out.push_str("\\f"),
        0x0d => out.push_str("\\r"),
        0x22 => out.push_str("\\\""),
        0x27 => out.push_str("\\'"),
        0x5c => out.push_str("\\\\"),
        u if !(0x20..=0x7e).contains(&u) => out.push_str(&format!("\\u{u:04x}")),
        u => out.push(char::from(u as u8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_floats_as_java_does() {
        assert_eq!(float_to_string(-1.0), "-1.0");
        assert_eq!(float_to_string(-0.0), "-0.0");
        assert_eq!(float_to_string(2.5), "2.5");
        assert_eq!(float_to_string(f32::INFINITY), "Infinity");
        assert_eq!(float_to_string(-1e10), "-1.0E10");
    }

    #[test]
    fn escapes_as_javacc_does() {
        assert_eq!(add_escapes("\"open"), "\\\"open");
        assert_eq!(add_escapes("a\\b\tc\u{0}é"), "a\\\\b\\tc\\u00e9");
    }

    #[test]
    fn whitespace_follows_java() {
        assert!(is_whitespace(' ') && is_whitespace('\u{3000}') && is_whitespace('\u{1f}'));
        assert!(!is_whitespace('\u{a0}') && !is_whitespace('x'));
        assert!(is_regex_space('\u{b}') && !is_regex_space('\u{3000}'));
    }
}
