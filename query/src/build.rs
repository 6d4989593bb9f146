//! [`QueryAst`] → tantivy query, against CKAN's schema: each value is typed and analysed
//! by the field it targets.

use ckan_search_indexer::analysis;
use ckan_search_indexer::document::value::parse_solr_date;
use ckan_search_indexer::schema::{CkanSchema, FieldKind, FieldLocation, ResolvedField};
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TokenizerManager;
use tantivy::Term;

use crate::ast::QueryAst;
use crate::{QueryError, Result};

/// What building needs: the schema and the index's analysers.
pub struct BuildContext<'a> {
    /// CKAN's schema.
    pub schema: &'a CkanSchema,
    /// The analysers registered on the index being searched.
    pub tokenizers: &'a TokenizerManager,
}

/// Builds the tantivy query for an AST.
pub fn build(ast: &QueryAst, ctx: &BuildContext) -> Result<Box<dyn Query>> {
    match ast {
        QueryAst::MatchAll => Ok(Box::new(AllQuery)),
        QueryAst::Term(t) => build_term(&ctx.schema.resolve(&t.field), &t.text, false, ctx),
        QueryAst::Phrase(p) => build_term(&ctx.schema.resolve(&p.field), &p.text, true, ctx),
        QueryAst::Bool(b) => {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for q in &b.must {
                clauses.push((Occur::Must, build(q, ctx)?));
            }
            for q in &b.should {
                clauses.push((Occur::Should, build(q, ctx)?));
            }
            for q in &b.must_not {
                clauses.push((Occur::MustNot, build(q, ctx)?));
            }
            if b.must.is_empty() && b.should.is_empty() {
                // Solr runs a pure-negative query as "all documents minus these".
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Ok(Box::new(BooleanQuery::new(clauses)))
        }
        other => Err(QueryError::BadParam(format!(
            "unsupported query: {other:?}"
        ))),
    }
}

/// The term for `value` in `field`, typed by the field's kind (the value is already
/// analysed for text fields).
fn field_term(field: &ResolvedField, value: &str) -> Result<Option<Term>> {
    let typed = match field.def.kind {
        FieldKind::Date => {
            Typed::I64(parse_solr_date(value).map_err(|_| QueryError::BadValue {
                field: field.name.clone(),
                kind: "date",
                value: value.to_string(),
            })?)
        }
        _ => Typed::Str(value),
    };
    Ok(match &field.location {
        FieldLocation::NotIndexed => None,
        FieldLocation::Explicit(f) => Some(match typed {
            Typed::Str(s) => Term::from_field_text(*f, s),
            Typed::I64(v) => Term::from_field_i64(*f, v),
        }),
        FieldLocation::Json { field: f, path } => {
            let mut term = Term::from_field_json_path(*f, path, false);
            match typed {
                Typed::Str(s) => term.append_type_and_str(s),
                Typed::I64(v) => term.append_type_and_fast_value(v),
            }
            Some(term)
        }
    })
}

enum Typed<'a> {
    Str(&'a str),
    I64(i64),
}

fn build_term(
    field: &ResolvedField,
    text: &str,
    phrase: bool,
    ctx: &BuildContext,
) -> Result<Box<dyn Query>> {
    let FieldKind::Text(text_type) = field.def.kind else {
        // Strings, dates, numbers: the whole value is one term.
        return Ok(match field_term(field, text)? {
            Some(t) => Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            None => Box::new(EmptyQuery),
        });
    };
    let tokens = analysis::analyze(ctx.tokenizers, text_type.query_analyzer(), text);
    let mut terms = Vec::with_capacity(tokens.len());
    for (token, position) in tokens {
        if let Some(term) = field_term(field, &token)? {
            terms.push((position, term));
        }
    }
    Ok(match terms.len() {
        0 => Box::new(EmptyQuery),
        1 => Box::new(TermQuery::new(
            terms.remove(0).1,
            IndexRecordOption::WithFreqs,
        )),
        _ if phrase && terms.windows(2).all(|w| w[0].0 < w[1].0) => {
            Box::new(PhraseQuery::new_with_offset(terms))
        }
        _ => Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|(_, t)| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                    (Occur::Must, q)
                })
                .collect(),
        )),
    })
}
