//! Which query does `field:value` or `field:"a phrase"~N` become? On text fields the value
//! goes through the field's query analyser and the tokens combine as in Lucene's
//! `QueryBuilder.createFieldQuery`; on every other field the whole value is one exact,
//! typed term (a phrase on a string field is the exact string).
//!
//! Lucene's rules, as Solr applies them with CKAN's schema (`autoGeneratePhraseQueries`
//! and `autoGenerateMultiTermSynonymsPhraseQuery` off):
//! - no token → no query (the clause is dropped);
//! - one token → a BM25-scored term query;
//! - tokens on one position (synonyms) → a disjunction of them (Lucene's `SynonymQuery`,
//!   which blends their statistics; here their scores add up);
//! - several positions → one clause per position combined with the term's operator
//!   (`q.op`): `AND` makes each required, `OR` optional (`analyzeMultiBoolean`);
//! - a multi-word synonym (a graph) → per segment, either the position's terms or a
//!   disjunction of the side paths, each path a conjunction of its words
//!   (`analyzeGraphBoolean`);
//! - a quoted phrase over several positions → a phrase query with the slop, one per path
//!   when positions hold alternatives (Lucene's `MultiPhraseQuery` or graph phrase), the
//!   paths OR-ed.

use ckan_search_indexer::analysis;
use ckan_search_indexer::schema::{FieldKind, TextType};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::graph::{self, Segment, Tok};
use super::literal::{self, Value};
use super::{BuildContext, Built, Target};
use crate::ast::{self, TokenOperator};
use crate::Result;

/// `field:value`.
pub(super) fn term_query(ctx: &BuildContext, t: &ast::TermQuery) -> Result<Built> {
    let target = ctx.target(&t.field)?;
    match target.kind() {
        FieldKind::Text(text_type) => {
            let tokens = analyse(ctx, text_type, &t.text);
            Ok(analysed_query(&target, &tokens, t.operator))
        }
        _ => Ok(Some(exact_value_query(ctx, &target, &t.text)?)),
    }
}

/// `field:"phrase"~slop`.
pub(super) fn phrase_query(ctx: &BuildContext, p: &ast::PhraseQuery) -> Result<Built> {
    let target = ctx.target(&p.field)?;
    let FieldKind::Text(text_type) = target.kind() else {
        return Ok(Some(exact_value_query(ctx, &target, &p.text)?));
    };
    let tokens = analyse(ctx, text_type, &p.text);
    let positions = distinct_positions(&tokens);
    let graph = tokens.iter().any(|t| t.length > 1);
    if tokens.len() <= 1 || (positions <= 1 && !graph) {
        // One token, or synonyms of one word: the same query as an unquoted term.
        return Ok(analysed_query(&target, &tokens, TokenOperator::Or));
    }
    let mut phrases: Vec<Box<dyn Query>> = graph::paths(&tokens)
        .into_iter()
        .filter_map(|path| phrase_or_term(&target, path, p.slop))
        .collect();
    Ok(match phrases.len() {
        0 => None,
        1 => phrases.pop(),
        _ => Some(any_of(phrases)),
    })
}

fn analyse(ctx: &BuildContext, text_type: TextType, text: &str) -> Vec<Tok> {
    graph::tokens(analysis::analyze_tokens(
        ctx.tokenizers,
        text_type.query_analyzer(),
        text,
    ))
}

fn distinct_positions(tokens: &[Tok]) -> usize {
    let mut positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
    positions.sort_unstable();
    positions.dedup();
    positions.len()
}

/// The whole value as one term of its type: exact and case-sensitive on strings, a point
/// match on dates and numbers (constant score, as Lucene's point queries).
pub(super) fn exact_value_query(
    ctx: &BuildContext,
    target: &Target,
    text: &str,
) -> Result<Box<dyn Query>> {
    let value = literal::parse_value(ctx, target, text)?;
    let term = literal::term(target, value);
    Ok(match value {
        Value::Str(_) => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        _ => Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            1.0,
        )),
    })
}

fn token_query(target: &Target, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        literal::term(target, Value::Str(text)),
        IndexRecordOption::WithFreqs,
    ))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn all_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// One query or the disjunction of several.
fn single_or_any(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(any_of(queries)),
    }
}

/// Lucene's `analyzeTerm` / `analyzeBoolean` / `analyzeMultiBoolean` / `analyzeGraphBoolean`.
fn analysed_query(target: &Target, tokens: &[Tok], operator: TokenOperator) -> Built {
    let occur = match operator {
        TokenOperator::And => Occur::Must,
        TokenOperator::Or => Occur::Should,
    };
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    for segment in graph::segments(tokens) {
        let query = match segment {
            Segment::Position(words) => {
                single_or_any(words.iter().map(|w| token_query(target, w)).collect())
            }
            Segment::Paths(paths) => single_or_any(
                paths
                    .iter()
                    .filter(|p| !p.is_empty())
                    .map(|path| {
                        let mut words: Vec<Box<dyn Query>> =
                            path.iter().map(|w| token_query(target, w)).collect();
                        if words.len() == 1 {
                            words.remove(0)
                        } else {
                            all_of(words)
                        }
                    })
                    .collect(),
            ),
        };
        clauses.extend(query);
    }
    match clauses.len() {
        0 => None,
        1 => clauses.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (occur, q)).collect(),
        ))),
    }
}

/// A phrase along one path (a single-token path is a term).
fn phrase_or_term(target: &Target, path: Vec<(usize, String)>, slop: u32) -> Built {
    match path.as_slice() {
        [] => None,
        [(_, word)] => Some(token_query(target, word)),
        _ => {
            let terms = path
                .iter()
                .map(|(offset, text)| (*offset, literal::term(target, Value::Str(text))))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)))
        }
    }
}
