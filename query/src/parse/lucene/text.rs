//! What the text of a query token means once its escapes are read: Lucene's
//! `discardEscapeChar` (`\x` → `x`, `\uXXXX`), and wildcard patterns in the form the AST
//! keeps them (`\` only before `*`, `?` and `\`).

use crate::parse::errors::syntax_error;
use crate::Result;

/// Lucene's `discardEscapeChar`: removes the escaping backslashes, reads `\uXXXX`.
pub(crate) fn discard_escape_char(input: &str) -> Result<String> {
    if !input.contains('\\') {
        return Ok(input.to_string());
    }
    let mut units: Vec<u16> = Vec::with_capacity(input.len());
    let mut last_was_escape = false;
    let mut multiplier = 0u32;
    let mut code_point = 0u32;
    let mut buf = [0u16; 2];
    for c in input.chars() {
        if multiplier > 0 {
            code_point += hex_to_int(c)? * multiplier;
            multiplier >>= 4;
            if multiplier == 0 {
                units.push(code_point as u16);
                code_point = 0;
            }
        } else if last_was_escape {
            if c == 'u' {
                multiplier = 16 * 16 * 16;
            } else {
                units.extend_from_slice(c.encode_utf16(&mut buf));
            }
            last_was_escape = false;
        } else if c == '\\' {
            last_was_escape = true;
        } else {
            units.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    if multiplier > 0 {
        return Err(syntax_error("Truncated unicode escape sequence."));
    }
    if last_was_escape {
        return Err(syntax_error("Term can not end with escape character."));
    }
    Ok(String::from_utf16_lossy(&units))
}

fn hex_to_int(c: char) -> Result<u32> {
    c.to_digit(16)
        .ok_or_else(|| syntax_error(format!("Non-hex character in Unicode escape sequence: {c}")))
}

/// A wildcard token as Lucene's `WildcardQuery` reads it: `\x` is the literal `x`. The
/// AST keeps the escape only where it matters (before `*`, `?`, `\`).
pub(crate) fn wildcard_pattern(image: &str) -> String {
    let mut out = String::with_capacity(image.len());
    let mut chars = image.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e @ ('*' | '?' | '\\')) => {
                    out.push('\\');
                    out.push(e);
                }
                Some(e) => out.push(e),
                None => out.push_str("\\\\"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A literal text as a wildcard pattern: `*`, `?` and `\` escaped.
pub(crate) fn escape_wildcard(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discards_escapes_as_lucene() {
        assert_eq!(discard_escape_char("uk\\-ogl").unwrap(), "uk-ogl");
        assert_eq!(discard_escape_char("a\\\\b\\:c").unwrap(), "a\\b:c");
        assert_eq!(discard_escape_char("caf\\u00e9").unwrap(), "café");
        assert_eq!(discard_escape_char("\\ud83d\\ude00").unwrap(), "😀");
        assert_eq!(
            discard_escape_char("a\\u00").unwrap_err().to_string(),
            "org.apache.solr.search.SyntaxError: Truncated unicode escape sequence."
        );
        assert_eq!(
            discard_escape_char("a\\").unwrap_err().to_string(),
            "org.apache.solr.search.SyntaxError: Term can not end with escape character."
        );
        assert_eq!(
            discard_escape_char("\\uzz00").unwrap_err().to_string(),
            "org.apache.solr.search.SyntaxError: Non-hex character in Unicode escape sequence: z"
        );
    }

    #[test]
    fn wildcard_patterns_keep_only_meaningful_escapes() {
        assert_eq!(wildcard_pattern("OGL\\-UK-*"), "OGL-UK-*");
        assert_eq!(wildcard_pattern("a\\*b?"), "a\\*b?");
        assert_eq!(escape_wildcard("a*b\\"), "a\\*b\\\\");
    }
}
