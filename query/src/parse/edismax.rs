//! The edismax parser (`defType=edismax`; ckanext-spatial's choice): Solr's
//! `ExtendedDismaxQParser`. Full standard syntax, where field-less clauses search a
//! disjunction over `qf`; `mm` on the top-level optional clauses (0 % when the query has
//! explicit operators and no `mm` was given); a query that does not parse is escaped
//! clause by clause and parsed again rather than refused; `pf` and `bf` add optional
//! boosts and `boost` multiplies the score.
//!
//! As in Solr 7+: lowercase `and`/`or` are terms (`lowercaseOperators=false`), and
//! `_query_` / embedded `{!…}` are refused (the default `uf` does not allow them). Every
//! field name counts as known, as CKAN's schema has a `*` dynamic field. Not supported:
//! `uf`, `pf2`/`pf3`, per-field `pf` slop (`title~2^3`), `f.<alias>.qf`, `stopwords`,
//! `mm.autoRelax`.

use super::dismax::{
    boost_functions, flatten, is_blank, mm_spec, phrase_dismax, query_fields, with_mm,
    with_optional,
};
use super::java;
use super::local;
use super::lucene::text::discard_escape_char;
use super::lucene::{self, DefaultField, LuceneConfig};
use super::ParseOptions;
use crate::ast::{BoolQuery, FuncExpr, QueryAst};
use crate::Result;

/// Parses `text` as edismax. A blank text is `q_alt` when given, else no query.
pub(crate) fn parse(
    text: &str,
    opts: &ParseOptions,
    base: &ParseOptions,
    q_alt: Option<&str>,
    depth: usize,
) -> Result<Option<QueryAst>> {
    let mut should = Vec::new();
    let main = if is_blank(text) {
        match super::dismax::alt_query(q_alt, base, depth)? {
            Some(alt) => alt,
            None => return Ok(None),
        }
    } else {
        let fields = query_fields(opts)?;
        let cfg = LuceneConfig {
            default_field: DefaultField::Alias {
                fields: &fields,
                tie: opts.tie,
            },
            op: opts.op,
            sub_queries: false,
            base,
            depth,
        };
        let clauses = split_into_clauses(text);
        let query = match lucene::parse(&rebuild_user_query(&clauses), &cfg) {
            Ok(QueryAst::Bool(bool)) => {
                let spec = if found_operators(&clauses) {
                    opts.mm.clone().unwrap_or_else(|| "0%".into())
                } else {
                    mm_spec(opts)
                };
                QueryAst::Bool(with_mm(bool, &spec)?)
            }
            Ok(other) => other,
            // Solr ignores the failure and parses the escaped clauses instead.
            Err(_) => match lucene::parse(&escape_user_query(&clauses), &cfg)? {
                QueryAst::Bool(bool) => {
                    let mut flat = BoolQuery::default();
                    flatten(&mut flat, bool);
                    QueryAst::Bool(with_mm(flat, &mm_spec(opts))?)
                }
                other => other,
            },
        };
        if let Some(phrase) = phrase_boost(&clauses, opts)? {
            should.push(phrase);
        }
        query
    };
    should.extend(boost_functions(opts, base, depth)?);
    let top = with_optional(main, should);
    let mut boosts = Vec::new();
    for boost in opts.boost.iter().filter(|b| !b.is_empty()) {
        boosts.push(local::function_of(boost, base, depth)?);
    }
    let boost = match boosts.len() {
        0 => return Ok(Some(top)),
        1 => boosts.remove(0),
        _ => FuncExpr::Call {
            name: "product".into(),
            args: boosts,
        },
    };
    Ok(Some(QueryAst::Boosted {
        query: Box::new(top),
        boost,
    }))
}

/// One whitespace-separated clause of the user's text, as `splitIntoClauses` sees it.
#[derive(Debug, Default, Clone, PartialEq)]
struct Clause {
    /// A field the user named (`title:`), if it is one they may use.
    field: Option<String>,
    /// A quoted phrase.
    is_phrase: bool,
    /// `+` or `-` in front.
    must: Option<char>,
    /// The value, with syntax characters escaped.
    val: String,
    /// The clause as written (colons escaped unless it names a usable field).
    raw: String,
}

impl Clause {
    fn is_bare_word(&self) -> bool {
        self.must.is_none() && !self.is_phrase
    }
}

/// `splitIntoClauses`.
fn split_into_clauses(text: &str) -> Vec<Clause> {
    let chars: Vec<char> = text.chars().collect();
    // `indexOf(':', pos)` as a table, so that many clauses stay linear.
    let mut next_colon = vec![chars.len(); chars.len() + 1];
    for i in (0..chars.len()).rev() {
        next_colon[i] = if chars[i] == ':' {
            i
        } else {
            next_colon[i + 1]
        };
    }
    split(&chars, false, &next_colon)
}

fn split(s: &[char], ignore_quote: bool, next_colon: &[usize]) -> Vec<Clause> {
    let end = s.len();
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < end {
        let mut clause = Clause::default();
        let mut ch = s[pos];
        while java::is_whitespace(ch) {
            pos += 1;
            if pos >= end {
                break;
            }
            ch = s[pos];
        }
        let start = pos;
        if (ch == '+' || ch == '-') && pos + 1 < end {
            clause.must = Some(ch);
            pos += 1;
        }
        // The default `uf` allows every field but `_query_`.
        clause.field = field_name(s, pos, next_colon).filter(|f| f != "_query_");
        let user_field = clause.field.is_some();
        if user_field {
            pos = next_colon[pos] + 1;
        }
        if pos >= end {
            break;
        }
        let mut in_string = None;
        if !ignore_quote && s[pos] == '"' {
            clause.is_phrase = true;
            in_string = Some('"');
            pos += 1;
        }
        let mut val = String::new();
        while pos < end {
            let ch = s[pos];
            pos += 1;
            if ch == '\\' {
                // Escaped characters are kept escaped; a final `\` is doubled.
                val.push(ch);
                match s.get(pos) {
                    None => {
                        val.push(ch);
                        break;
                    }
                    Some(&next) => {
                        val.push(next);
                        pos += 1;
                        continue;
                    }
                }
            } else if in_string == Some(ch) {
                in_string = None;
                break;
            } else if java::is_whitespace(ch) && in_string.is_none() {
                pos -= 1;
                break;
            }
            if in_string.is_none() {
                if !ignore_quote && ch == '"' {
                    pos -= 1;
                    break;
                }
                if matches!(
                    ch,
                    '!' | '('
                        | ')'
                        | ':'
                        | '^'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '~'
                        | '*'
                        | '?'
                        | '"'
                        | '+'
                        | '-'
                        | '\\'
                        | '|'
                        | '&'
                        | '/'
                ) {
                    val.push('\\');
                }
            }
            val.push(ch);
        }
        clause.val = val;
        let keep = if clause.is_phrase {
            if in_string.is_some() {
                // Unbalanced quotes: split again, reading quotes as ordinary characters.
                return split(s, true, next_colon);
            }
            true
        } else if clause.val.is_empty() {
            // Just a `+` or `-` on its own: a literal.
            match clause.must.take() {
                Some(m) => {
                    clause.val = format!("\\{m}");
                    true
                }
                None => false,
            }
        } else {
            true
        };
        if keep {
            let raw: String = s[start..pos].iter().collect();
            clause.raw = if user_field || raw == "*:*" {
                raw
            } else {
                escape_colons(&raw)
            };
            out.push(clause);
        } else if pos == start {
            pos += 1;
        }
    }
    out
}

/// `getFieldName`: a field name (letters, digits, `_`, `-`, `.`) before a `:` that is
/// followed by something other than whitespace; leading `(`, `+`, `-` are skipped.
fn field_name(s: &[char], pos: usize, next_colon: &[usize]) -> Option<String> {
    let end = s.len();
    if pos >= end {
        return None;
    }
    let colon = next_colon[pos];
    if colon >= end || colon <= pos || colon + 1 >= end || java::is_whitespace(s[colon + 1]) {
        return None;
    }
    let mut start = pos;
    let mut p = pos;
    let mut ch = s[p];
    p += 1;
    while matches!(ch, '(' | '+' | '-') {
        ch = s[p];
        p += 1;
        start += 1;
    }
    if !is_identifier_part(ch) {
        return None;
    }
    while p < colon {
        ch = s[p];
        p += 1;
        if !(is_identifier_part(ch) || ch == '-' || ch == '.') {
            return None;
        }
    }
    Some(s[start..p].iter().collect())
}

/// `Character.isJavaIdentifierPart`, near enough.
fn is_identifier_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// `replaceAll("([^\\\\]):", "$1\\\\:")`: a colon not already escaped gets a `\`.
fn escape_colons(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        if i + 1 < chars.len() && chars[i] != '\\' && chars[i + 1] == ':' {
            out.push(chars[i]);
            out.push_str("\\:");
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `rebuildUserQuery` (lowercase operators off): the raw clauses.
fn rebuild_user_query(clauses: &[Clause]) -> String {
    let mut out = String::new();
    for clause in clauses {
        out.push_str(&clause.raw);
        out.push(' ');
    }
    out
}

/// `escapeUserQuery`: every clause with its syntax escaped; bare `AND`/`OR`/`NOT` quoted.
fn escape_user_query(clauses: &[Clause]) -> String {
    let mut out = String::new();
    for clause in clauses {
        let quote = clause.is_phrase || matches!(clause.val.as_str(), "OR" | "AND" | "NOT");
        if let Some(m) = clause.must {
            out.push(m);
        }
        if let Some(field) = &clause.field {
            out.push_str(field);
            out.push(':');
        }
        if quote {
            out.push('"');
        }
        out.push_str(&clause.val);
        if quote {
            out.push('"');
        }
        out.push(' ');
    }
    out
}

/// `foundOperators`: any `+`/`-`, or a bare `OR`/`NOT` (`AND` does not count).
fn found_operators(clauses: &[Clause]) -> bool {
    clauses
        .iter()
        .any(|c| c.must.is_some() || (c.is_bare_word() && matches!(c.val.as_str(), "OR" | "NOT")))
}

/// The `pf` boost: the field-less, unquoted clauses (operators left out) as one phrase,
/// when there are at least two (Solr's `minClauseSize`).
fn phrase_boost(clauses: &[Clause], opts: &ParseOptions) -> Result<Option<QueryAst>> {
    if opts.pf.is_empty() {
        return Ok(None);
    }
    let mut words = Vec::new();
    for clause in clauses {
        if clause.field.is_some() || clause.is_phrase {
            continue;
        }
        if clause.is_bare_word() && matches!(clause.val.as_str(), "OR" | "AND" | "NOT" | "TO") {
            continue;
        }
        words.push(discard_escape_char(&clause.val)?);
    }
    if words.len() < 2 {
        return Ok(None);
    }
    Ok(Some(phrase_dismax(&words.join(" "), opts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_clauses_as_solr() {
        let clauses = split_into_clauses("+title:\"flood risk\" -a:b https://x.gov/y OR  c*");
        type Summary<'a> = (Option<char>, Option<&'a str>, bool, &'a str, &'a str);
        let summary: Vec<Summary> = clauses
            .iter()
            .map(|c| {
                (
                    c.must,
                    c.field.as_deref(),
                    c.is_phrase,
                    c.val.as_str(),
                    c.raw.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    Some('+'),
                    Some("title"),
                    true,
                    "flood risk",
                    "+title:\"flood risk\""
                ),
                (Some('-'), Some("a"), false, "b", "-a:b"),
                (
                    None,
                    Some("https"),
                    false,
                    "\\/\\/x.gov\\/y",
                    "https://x.gov/y"
                ),
                (None, None, false, "OR", "OR"),
                (None, None, false, "c\\*", "c*"),
            ]
        );
        assert_eq!(
            escape_user_query(&clauses),
            "+title:\"flood risk\" -a:b https:\\/\\/x.gov\\/y \"OR\" c\\* "
        );
        assert!(found_operators(&clauses));
        let unbalanced = split_into_clauses("\"flood risk");
        assert_eq!(unbalanced[0].val, "\\\"flood");
        assert_eq!(split_into_clauses("_query_:x")[0].raw, "_query_\\:x");
        assert_eq!(split_into_clauses("a: b")[0].raw, "a\\:");
        assert_eq!(split_into_clauses("*:*")[0].raw, "*:*");
        assert_eq!(split_into_clauses("+ x")[0].val, "\\+");
    }
}
