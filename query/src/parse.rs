//! Query text → [`QueryAst`]. This first parser reads whitespace-separated clauses:
//! `*:*`, `field:value`, `field:"quoted value"`, bare words (searched in `df`), each with an
//! optional `+` or `-` prefix. Clauses without a prefix follow `q.op`.

use crate::{QueryError, Result};

use crate::ast::BoolQuery;
pub use crate::ast::QueryAst;

/// The default boolean operator (`q.op`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultOperator {
    /// Clauses are required.
    And,
    /// Clauses are optional.
    Or,
}

/// Parses `query` with `df` as the default field.
pub fn parse(query: &str, df: &str, op: DefaultOperator) -> Result<QueryAst> {
    let syntax = |reason: &str| QueryError::Syntax {
        query: query.to_string(),
        reason: reason.to_string(),
    };
    let mut must = Vec::new();
    let mut should = Vec::new();
    let mut must_not = Vec::new();
    for clause in split_clauses(query).map_err(|r| syntax(&r))? {
        let (occur, body) = match clause.as_bytes().first() {
            Some(b'+') => ('+', &clause[1..]),
            Some(b'-') => ('-', &clause[1..]),
            _ => (' ', clause.as_str()),
        };
        let ast = parse_clause(body, df).map_err(|r| syntax(&r))?;
        match (occur, op) {
            ('+', _) | (' ', DefaultOperator::And) => must.push(ast),
            ('-', _) => must_not.push(ast),
            _ => should.push(ast),
        }
    }
    if must.len() == 1 && should.is_empty() && must_not.is_empty() {
        return Ok(must.remove(0));
    }
    if must.is_empty() && should.is_empty() && must_not.is_empty() {
        return Err(syntax("empty query"));
    }
    Ok(QueryAst::Bool(BoolQuery {
        must,
        should,
        must_not,
        ..BoolQuery::default()
    }))
}

fn parse_clause(body: &str, df: &str) -> Result<QueryAst, String> {
    if body == "*:*" || body == "*" {
        return Ok(QueryAst::MatchAll);
    }
    let (field, value) = match split_field(body) {
        Some((f, v)) => (f, v),
        None => (df, body),
    };
    if value.is_empty() {
        return Err(format!("missing value for field {field}"));
    }
    Ok(match value.strip_prefix('"') {
        Some(rest) => QueryAst::phrase(field, rest.strip_suffix('"').ok_or("unterminated quote")?),
        None => QueryAst::term(field, unescape(value)),
    })
}

/// `field:value` → (field, value), honouring backslash-escaped colons in the field.
fn split_field(body: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ':' if !escaped => return Some((&body[..i], &body[i + 1..])),
            '"' => return None,
            _ => escaped = false,
        }
    }
    None
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits on whitespace outside double quotes.
fn split_clauses(query: &str) -> Result<Vec<String>, String> {
    let mut clauses = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in query.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    clauses.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err("Lexical error: unterminated quoted string".into());
    }
    if !current.is_empty() {
        clauses.push(current);
    }
    Ok(clauses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_clauses_ckan_sends_first() {
        let and = DefaultOperator::And;
        assert_eq!(parse("*:*", "text", and).unwrap(), QueryAst::MatchAll);
        assert_eq!(
            parse("+capacity:public", "text", and).unwrap(),
            QueryAst::term("capacity", "public")
        );
        assert_eq!(
            parse("+site_id:\"default\" +entity_type:package", "text", and).unwrap(),
            QueryAst::Bool(BoolQuery {
                must: vec![
                    QueryAst::phrase("site_id", "default"),
                    QueryAst::term("entity_type", "package")
                ],
                ..BoolQuery::default()
            })
        );
        assert_eq!(
            parse("-dataset_type:harvest", "text", and).unwrap(),
            QueryAst::Bool(BoolQuery {
                must_not: vec![QueryAst::term("dataset_type", "harvest")],
                ..BoolQuery::default()
            })
        );
        assert!(parse("title:\"open", "text", and).is_err());
        assert!(parse("   ", "text", and).is_err());
    }
}
