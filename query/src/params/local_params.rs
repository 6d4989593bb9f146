//! Solr local params: `{!type k=v k2='quoted v' v=…}rest`. Used on `q`, `fq` (`tag=`),
//! `facet.field` / `facet.query` (`ex=`, `key=`).

use crate::{QueryError, Result};

/// Parsed local params and the text after them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LocalParams {
    /// The parser named by `{!name …}` or `type=name`, if any.
    pub kind: Option<String>,
    /// `key=value` pairs in order (quotes removed, `\` escapes resolved).
    pub params: Vec<(String, String)>,
    /// The text after the closing `}` (or the `v=` value when given).
    pub body: String,
}

impl LocalParams {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A comma-separated list parameter (`tag=a,b`, `ex=a,b`).
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Splits leading local params off `text`. Returns `None` when `text` does not start
/// with `{!` (after whitespace).
pub fn split_local_params(text: &str) -> Result<Option<LocalParams>> {
    let trimmed = text.trim_start();
    let Some(inner) = trimmed.strip_prefix("{!") else {
        return Ok(None);
    };
    let err = |reason: &str| QueryError::Syntax {
        query: text.to_string(),
        reason: format!("could not parse local params: {reason}"),
    };
    let mut chars = inner.char_indices().peekable();
    let mut out = LocalParams::default();
    let mut first = true;
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(i, c)) = chars.peek() else {
            return Err(err("missing '}'"));
        };
        if c == '}' {
            out.body = inner[i + 1..].to_string();
            break;
        }
        let mut key = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c == '=' || c == '}' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            return Err(err("expected a name"));
        }
        if chars.next_if(|(_, c)| *c == '=').is_none() {
            // A bare word: the parser name when first (`{!lucene …}`), else a flag.
            if first {
                out.kind = Some(key);
            } else {
                out.params.push((key, String::new()));
            }
            first = false;
            continue;
        }
        first = false;
        let mut value = String::new();
        match chars.peek().map(|&(_, c)| c) {
            Some(q @ ('\'' | '"')) => {
                chars.next();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    if c == '\\' {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    } else if c == q {
                        closed = true;
                        break;
                    } else {
                        value.push(c);
                    }
                }
                if !closed {
                    return Err(err("unterminated quoted value"));
                }
            }
            _ => {
                while let Some(&(_, c)) = chars.peek() {
                    if c == '}' || c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        if key == "type" {
            out.kind = Some(value);
        } else {
            out.params.push((key, value));
        }
    }
    if let Some(v) = out.get("v") {
        out.body = v.to_string();
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_types_quoted_values_and_bodies() {
        let lp = split_local_params("{!frange incl=false l=0 u=1}div(a,b)")
            .unwrap()
            .unwrap();
        assert_eq!(lp.kind.as_deref(), Some("frange"));
        assert_eq!(lp.get("l"), Some("0"));
        assert_eq!(lp.get("incl"), Some("false"));
        assert_eq!(lp.body, "div(a,b)");
        let lp = split_local_params("{!ex=org,fmt key='Publisher name'}organization")
            .unwrap()
            .unwrap();
        assert_eq!(lp.kind, None);
        assert_eq!(lp.list("ex"), vec!["org", "fmt"]);
        assert_eq!(lp.get("key"), Some("Publisher name"));
        assert_eq!(lp.body, "organization");
        let lp = split_local_params("{!type=bool must=bees}")
            .unwrap()
            .unwrap();
        assert_eq!(lp.kind.as_deref(), Some("bool"));
        assert_eq!(split_local_params("title:x").unwrap(), None);
        assert!(split_local_params("{!lucene q.op=AND").is_err());
        assert!(split_local_params("{!tag='open}x").is_err());
    }
}
