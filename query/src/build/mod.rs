//! Which tantivy query answers a [`QueryAst`] against CKAN's schema? Every value is typed
//! and analysed by the field it targets, as Solr's field types do with CKAN's `schema.xml`.
//!
//! Like Lucene's `QueryBuilder`, a clause whose text analyses to nothing is *no query*
//! (`None`) and is dropped from the boolean query around it, rather than matching nothing
//! and failing a conjunction; only at the top does "nothing" become a query matching no
//! document.
//!
//! The pieces: [`literal`] types values (dates through [`crate::date_math`]); [`text`]
//! analyses terms and phrases ([`graph`] rebuilds Lucene's token graph); [`range`],
//! [`wildcard`], [`fuzzy`] and [`exists`] are the multi-term queries, most of them scans
//! of the term dictionary ([`term_scan`]); [`function`] evaluates Solr function queries
//! over fast fields.

mod exists;
mod function;
mod fuzzy;
mod graph;
mod literal;
mod range;
mod term_scan;
mod text;
mod wildcard;

#[cfg(test)]
mod tests;

use ckan_search_indexer::schema::{CkanSchema, FieldDef, FieldKind, FieldLocation};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery,
    Explanation, Occur, Query, Weight,
};
use tantivy::schema::Field;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DocId, DocSet as _, SegmentReader, TantivyError};

use crate::ast::{BoolQuery, QueryAst};
use crate::{QueryError, Result};

/// The error tantivy's `explain` gives for a document the query does not match.
pub(crate) fn not_matching(doc: DocId) -> TantivyError {
    TantivyError::InvalidArgument(format!("document #{doc} does not match"))
}

/// `explain` for a weight whose matches all score the same: a constant explanation named
/// `what` if `doc` matches, else [`not_matching`].
pub(crate) fn explain_constant(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    what: &str,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) == doc {
        Ok(Explanation::new_with_string(
            format!("{what} (constant score)"),
            1.0,
        ))
    } else {
        Err(not_matching(doc))
    }
}

/// Whether `query` is one of this module's queries that give every match the same score
/// (term-dictionary scans, norm-based existence, function ranges).
pub(crate) fn is_constant_score(query: &dyn Query) -> bool {
    query.is::<term_scan::TermScanQuery>()
        || query.is::<exists::FieldNormExistsQuery>()
        || query.is::<function::FunctionRangeQuery>()
}

/// What building needs: the schema, the index's analysers, and the request's `NOW` and `TZ`
/// for date math.
pub struct BuildContext<'a> {
    /// CKAN's schema.
    pub schema: &'a CkanSchema,
    /// The analysers registered on the index being searched.
    pub tokenizers: &'a TokenizerManager,
    /// The request's `NOW`, epoch milliseconds (read it through [`Self::now`] or
    /// [`Self::date_math`], which note that the query depends on it).
    now_ms: i64,
    /// The request's `TZ` for date-math rounding and adding (UTC when `None`).
    pub tz: Option<chrono_tz::Tz>,
    /// Whether `NOW` was read since [`Self::take_used_now`] last asked: such a query
    /// matches differently from one instant to the next, so it is not cached.
    used_now: std::cell::Cell<bool>,
}

impl<'a> BuildContext<'a> {
    /// A context for one request. `tz` is Solr's `TZ` parameter; an unknown zone is a 400
    /// (`Solr JVM does not support TZ: …`).
    pub fn new(
        schema: &'a CkanSchema,
        tokenizers: &'a TokenizerManager,
        now_ms: i64,
        tz: Option<&str>,
    ) -> Result<Self> {
        let tz = tz.map(crate::date_math::parse_time_zone).transpose()?;
        Ok(Self {
            schema,
            tokenizers,
            now_ms,
            tz,
            used_now: std::cell::Cell::new(false),
        })
    }

    /// The request's `NOW`.
    pub(crate) fn now(&self) -> i64 {
        self.used_now.set(true);
        self.now_ms
    }

    /// Evaluates Solr date math (`NOW-7DAY/DAY`, `2020-01-01T00:00:00Z+1YEAR`).
    pub(crate) fn date_math(&self, text: &str) -> Result<i64> {
        let now = if text.starts_with("NOW") {
            self.now()
        } else {
            self.now_ms
        };
        crate::date_math::parse_date_math(text, now, self.tz)
    }

    /// Whether a query built since the last call read `NOW`; starts afresh.
    pub(crate) fn take_used_now(&self) -> bool {
        self.used_now.replace(false)
    }

    /// Resolves a Solr field that is about to be searched: where its terms live, and its
    /// type. Fields that are stored only (`data_dict`) cannot be searched.
    fn target(&self, name: &str) -> Result<Target> {
        let resolved = self.schema.resolve(name);
        let (field, json_path) = match resolved.location {
            FieldLocation::Explicit(field) => (field, None),
            FieldLocation::Json { field, path } => (field, Some(path)),
            FieldLocation::NotIndexed => {
                return Err(QueryError::BadParam(format!(
                    "can not search on field {name}: not indexed"
                )))
            }
        };
        Ok(Target {
            name: name.to_string(),
            def: resolved.def,
            field,
            json_path,
        })
    }
}

/// A searchable Solr field: its definition and where its terms are.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The Solr field name as queried.
    pub name: String,
    /// Its definition (explicit, or the dynamic pattern it matched).
    pub def: FieldDef,
    /// The tantivy field holding its terms.
    pub field: Field,
    /// For dynamic fields, the key inside the tantivy JSON field (escaped for tantivy).
    pub json_path: Option<String>,
}

impl Target {
    fn kind(&self) -> FieldKind {
        self.def.kind
    }
}

/// A built clause: `None` when the clause analysed to nothing (Lucene's `null` query).
pub(crate) type Built = Option<Box<dyn Query>>;

/// Builds the tantivy query for an AST. A query that analyses to nothing matches nothing.
pub fn build(ast: &QueryAst, ctx: &BuildContext) -> Result<Box<dyn Query>> {
    Ok(build_node(ast, ctx)?.unwrap_or_else(|| Box::new(EmptyQuery)))
}

fn build_node(ast: &QueryAst, ctx: &BuildContext) -> Result<Built> {
    Ok(match ast {
        QueryAst::MatchAll => Some(Box::new(AllQuery)),
        QueryAst::MatchNone => Some(Box::new(EmptyQuery)),
        QueryAst::Bool(b) => build_bool(b, ctx)?,
        QueryAst::Term(t) => text::term_query(ctx, t)?,
        QueryAst::Phrase(p) => text::phrase_query(ctx, p)?,
        QueryAst::Range(r) => range::range_query(ctx, r)?,
        QueryAst::Wildcard(w) => wildcard::wildcard_query(ctx, w)?,
        QueryAst::Fuzzy(f) => fuzzy::fuzzy_query(ctx, f)?,
        QueryAst::Exists { field } => Some(exists::exists_query(ctx, field)?),
        QueryAst::DisMax(d) => {
            let mut disjuncts = Vec::with_capacity(d.disjuncts.len());
            for q in &d.disjuncts {
                disjuncts.extend(build_node(q, ctx)?);
            }
            match disjuncts.len() {
                0 => None,
                // One disjunct: its score is the maximum, whatever the tie.
                1 => disjuncts.pop(),
                _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    disjuncts, d.tie,
                ))),
            }
        }
        QueryAst::Boost { query, boost } => {
            build_node(query, ctx)?.map(|q| Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>)
        }
        QueryAst::ConstScore { query, score } => build_node(query, ctx)?
            .map(|q| Box::new(ConstScoreQuery::new(q, *score)) as Box<dyn Query>),
        QueryAst::Function(f) => Some(function::function_query(ctx, f)?),
        QueryAst::FunctionRange(r) => Some(function::function_range_query(ctx, r)?),
        QueryAst::Boosted { query, boost } => match build_node(query, ctx)? {
            Some(q) => Some(function::boosted_query(ctx, q, boost)?),
            None => None,
        },
    })
}

/// Lucene's `BooleanQuery`, with Solr's rule for pure-negative queries: with no `must`,
/// `filter` or `should` clause left, the query is "all documents minus `must_not`".
fn build_bool(b: &BoolQuery, ctx: &BuildContext) -> Result<Built> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut required = 0;
    let mut optional = 0;
    for q in &b.must {
        if let Some(q) = build_node(q, ctx)? {
            clauses.push((Occur::Must, q));
            required += 1;
        }
    }
    for q in &b.filter {
        if let Some(q) = build_node(q, ctx)? {
            // Required, but adds nothing to the score.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
            required += 1;
        }
    }
    for q in &b.should {
        if let Some(q) = build_node(q, ctx)? {
            clauses.push((Occur::Should, q));
            optional += 1;
        }
    }
    let mut prohibited = 0;
    for q in &b.must_not {
        if let Some(q) = build_node(q, ctx)? {
            clauses.push((Occur::MustNot, q));
            prohibited += 1;
        }
    }
    if required + optional + prohibited == 0 {
        // Every clause analysed to nothing: Lucene's parser returns no query for the group.
        return Ok(None);
    }
    if required + optional == 0 {
        clauses.push((Occur::Must, Box::new(AllQuery)));
        required = 1;
    }
    // Solr clamps `mm` to the optional clauses actually present; without required clauses
    // at least one optional clause has to match.
    let mut minimum = b.minimum_should_match.unwrap_or(0).min(optional);
    if required == 0 {
        minimum = minimum.max(1);
    }
    Ok(Some(Box::new(BooleanQuery::with_minimum_required_clauses(
        clauses, minimum,
    ))))
}
