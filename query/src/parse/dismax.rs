//! The dismax parser (`defType=dismax`, CKAN's choice for `q` without a colon): Solr's
//! `DisMaxQParser`. The user's text is made safe (unbalanced quotes dropped, special
//! characters other than `"`, `+`, `-` escaped, stray operators removed), read by the
//! standard grammar with each clause a disjunction over the `qf` fields, flattened, and
//! given `mm`; then the `pf` phrase and the `bf` functions are added as optional boosts.

use super::java;
use super::local;
use super::lucene::{self, boosted, DefaultField, LuceneConfig};
use super::{min_should_match, ParseOptions};
use crate::ast::{BoolQuery, DisMaxQuery, PhraseQuery, QueryAst, TokenOperator};
use crate::parse::errors::syntax_error;
use crate::parse::field_boosts::parse_field_boosts;
use crate::parse::lucene::text::discard_escape_char;
use crate::Result;

/// dismax and edismax with a blank `q`: `q.alt` in the standard syntax, if given.
pub(crate) fn alt_query(
    q_alt: Option<&str>,
    base: &ParseOptions,
    depth: usize,
) -> Result<Option<QueryAst>> {
    match q_alt {
        Some(alt) => local::parse_sub(alt, "lucene", base, depth),
        None => Ok(None),
    }
}

/// Parses `text` as dismax. A blank text is `q_alt` (standard syntax) when given, else
/// no query.
pub(crate) fn parse(
    text: &str,
    opts: &ParseOptions,
    base: &ParseOptions,
    q_alt: Option<&str>,
    depth: usize,
) -> Result<Option<QueryAst>> {
    let mut should = Vec::new();
    let main = if is_blank(text) {
        match alt_query(q_alt, base, depth)? {
            Some(alt) => alt,
            None => return Ok(None),
        }
    } else {
        let fields = query_fields(opts)?;
        let user = strip_illegal_operators(&partial_escape(&strip_unbalanced_quotes(text)));
        let cfg = LuceneConfig {
            default_field: DefaultField::Alias {
                fields: &fields,
                tie: opts.tie,
            },
            // Solr's DisjunctionMaxQueryParser always uses OR; q.op only sets mm's default.
            op: TokenOperator::Or,
            sub_queries: false,
            base,
            depth,
        };
        let query = lucene::parse(&user, &cfg)?;
        let query = match query {
            QueryAst::Bool(bool) => {
                let mut flat = BoolQuery::default();
                flatten(&mut flat, bool);
                QueryAst::Bool(with_mm(flat, &mm_spec(opts))?)
            }
            other => other,
        };
        if let Some(phrase) = phrase_boost(&user.replace('"', ""), opts)? {
            should.push(phrase);
        }
        query
    };
    should.extend(boost_functions(opts, base, depth)?);
    Ok(Some(with_optional(main, should)))
}

/// `StrUtils.isBlank`.
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(java::is_whitespace)
}

/// `qf`, or `df` with boost 1 when `qf` is empty.
pub(crate) fn query_fields(opts: &ParseOptions) -> Result<Vec<(String, f32)>> {
    if !opts.qf.is_empty() {
        return Ok(opts.qf.clone());
    }
    if opts.df.is_empty() {
        return Err(syntax_error("Neither qf nor df are present."));
    }
    Ok(vec![(opts.df.clone(), 1.0)])
}

/// `mm`, defaulting to 100 % with `q.op=AND` and 0 % otherwise.
pub(crate) fn mm_spec(opts: &ParseOptions) -> String {
    match (&opts.mm, opts.op) {
        (Some(mm), _) => mm.clone(),
        (None, TokenOperator::And) => "100%".into(),
        (None, TokenOperator::Or) => "0%".into(),
    }
}

/// `SolrPluginUtils.setMinShouldMatch`: the spec over the optional clauses, set when
/// above 0.
pub(crate) fn with_mm(mut bool: BoolQuery, spec: &str) -> Result<BoolQuery> {
    let required = min_should_match(spec, bool.should.len())?;
    bool.minimum_should_match = (required > 0).then_some(required);
    Ok(bool)
}

/// `SolrPluginUtils.flattenBooleanQuery`: optional sub-booleans (under any boosts, which
/// are lost, as in Solr) have their clauses pulled up.
pub(crate) fn flatten(to: &mut BoolQuery, from: BoolQuery) {
    to.must.extend(from.must);
    to.must_not.extend(from.must_not);
    to.filter.extend(from.filter);
    for clause in from.should {
        if is_bool_under_boosts(&clause) {
            let mut inner = clause;
            loop {
                match inner {
                    QueryAst::Boost { query, .. } => inner = *query,
                    QueryAst::Bool(sub) => {
                        flatten(to, sub);
                        break;
                    }
                    _ => break,
                }
            }
        } else {
            to.should.push(clause);
        }
    }
}

fn is_bool_under_boosts(mut query: &QueryAst) -> bool {
    while let QueryAst::Boost { query: inner, .. } = query {
        query = inner;
    }
    matches!(query, QueryAst::Bool(_))
}

/// The main query with optional boosting clauses, or alone when there are none.
pub(crate) fn with_optional(main: QueryAst, should: Vec<QueryAst>) -> QueryAst {
    if should.is_empty() {
        return main;
    }
    QueryAst::Bool(BoolQuery {
        must: vec![main],
        should,
        ..BoolQuery::default()
    })
}

/// The `pf` boost: the whole (escaped, unquoted) user text as a phrase with slop `ps`,
/// over every `pf` field.
fn phrase_boost(escaped: &str, opts: &ParseOptions) -> Result<Option<QueryAst>> {
    if opts.pf.is_empty() {
        return Ok(None);
    }
    let text = discard_escape_char(escaped)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(phrase_dismax(&text, opts)))
}

/// A disjunction of `text` as a phrase over the `pf` fields, with slop `ps`.
pub(crate) fn phrase_dismax(text: &str, opts: &ParseOptions) -> QueryAst {
    let disjuncts = opts
        .pf
        .iter()
        .map(|(field, boost)| {
            boosted(
                QueryAst::Phrase(PhraseQuery {
                    field: field.clone(),
                    text: text.to_string(),
                    slop: opts.ps,
                }),
                *boost,
            )
        })
        .collect();
    QueryAst::DisMax(DisMaxQuery {
        disjuncts,
        tie: opts.tie,
    })
}

/// `bf`: each value split on whitespace into `function^boost` entries, each an optional
/// function clause.
pub(crate) fn boost_functions(
    opts: &ParseOptions,
    base: &ParseOptions,
    depth: usize,
) -> Result<Vec<QueryAst>> {
    let mut out = Vec::new();
    for bf in opts.bf.iter().filter(|bf| !bf.is_empty()) {
        for (function, boost) in parse_field_boosts(bf)? {
            let function = local::function_of(&function, base, depth)?;
            out.push(boosted(QueryAst::Function(function), boost));
        }
    }
    Ok(out)
}

/// `SolrPluginUtils.partialEscape`: escapes the syntax characters other than `"`, `+`,
/// `-` (and the word operators, which stay operators).
pub(crate) fn partial_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '!' | '(' | ')' | ':' | '^' | '[' | ']' | '/' | '{' | '}' | '~' | '*' | '?'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `SolrPluginUtils.stripUnbalancedQuotes`: an odd number of `"` removes them all.
pub(crate) fn strip_unbalanced_quotes(text: &str) -> String {
    if text.chars().filter(|&c| c == '"').count() % 2 == 0 {
        text.to_string()
    } else {
        text.replace('"', "")
    }
}

/// `SolrPluginUtils.stripIllegalOperators`: runs of `+`/`-` after whitespace
/// (`chocolate +- chip`) become a space; trailing operators (`chip -`) are dropped.
pub(crate) fn strip_illegal_operators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_op = |c: char| c == '+' || c == '-';
    // \s+[+-](?:\s*[+-]+)+  →  " "
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if java::is_regex_space(chars[i]) {
            let mut j = i;
            while j < chars.len() && java::is_regex_space(chars[j]) {
                j += 1;
            }
            if j < chars.len() && is_op(chars[j]) {
                let mut end = j + 1;
                let mut groups = 0;
                loop {
                    let mut k = end;
                    while k < chars.len() && java::is_regex_space(chars[k]) {
                        k += 1;
                    }
                    if k < chars.len() && is_op(chars[k]) {
                        while k < chars.len() && is_op(chars[k]) {
                            k += 1;
                        }
                        end = k;
                        groups += 1;
                    } else {
                        break;
                    }
                }
                if groups > 0 {
                    out.push(' ');
                    i = end;
                    continue;
                }
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    // \s+[-+\s]+$  →  ""
    let tail = out
        .iter()
        .rev()
        .take_while(|&&c| is_op(c) || java::is_regex_space(c))
        .count();
    let first_space = (out.len() - tail..out.len()).find(|&k| java::is_regex_space(out[k]));
    if let Some(k) = first_space {
        if out.len() - k >= 2 {
            out.truncate(k);
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_made_safe_as_solr_does() {
        assert_eq!(
            partial_escape("a:b (c) \"d\" +e -f"),
            "a\\:b \\(c\\) \"d\" +e -f"
        );
        assert_eq!(strip_unbalanced_quotes("\"flood risk"), "flood risk");
        assert_eq!(strip_unbalanced_quotes("\"flood\" risk"), "\"flood\" risk");
        // The regexes replace `\s+[+-](\s*[+-]+)+` by one space and drop `\s+[-+\s]+$`.
        assert_eq!(
            strip_illegal_operators("chocolate +- chip"),
            "chocolate  chip"
        );
        assert_eq!(
            strip_illegal_operators("chocolate - - chip"),
            "chocolate  chip"
        );
        assert_eq!(
            strip_illegal_operators("chocolate chip -"),
            "chocolate chip"
        );
        assert_eq!(
            strip_illegal_operators("chocolate chip + -"),
            "chocolate chip "
        );
        assert_eq!(strip_illegal_operators("a -b +c"), "a -b +c");
        assert_eq!(strip_illegal_operators("a  "), "a");
        assert_eq!(strip_illegal_operators("a "), "a ");
    }
}
