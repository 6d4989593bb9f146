//! Does a query give every document it matches the same score? The GOV.UK manual's
//! queries (`state:active and extras_harvest_object_id:["" TO *] and dataset_type:dataset`,
//! `-extras_harvest_object_id:*`) and date ranges match most of the catalogue in Solr's
//! default order, `score desc`, yet their scores cannot differ: string fields keep neither
//! term frequencies nor norms, and ranges, existence tests and filters score a constant.
//! Their order is then index order, so the search need not score a million documents to
//! find the first twenty.
//!
//! The answer is read off the tantivy query that will run, not the syntax: anything not
//! recognised here is assumed to score variably, which only costs speed.

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{FieldType, IndexRecordOption, Schema};

use crate::filter_cache::CachedFilter;

/// Whether every document `query` matches gets the same score.
pub(crate) fn scores_are_constant(query: &dyn Query, schema: &Schema) -> bool {
    if query.is::<AllQuery>()
        || query.is::<EmptyQuery>()
        || query.is::<ConstScoreQuery>()
        || query.is::<RangeQuery>()
        || query.is::<ExistsQuery>()
        || query.is::<CachedFilter>()
        || crate::build::is_constant_score(query)
    {
        return true;
    }
    if let Some(term) = query.downcast_ref::<TermQuery>() {
        return term_scores_are_constant(term, schema);
    }
    if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
        // Excluded clauses add nothing to a score. With one scoring clause, the score is
        // that clause's; with several, all required, it is a sum of constants. Optional
        // clauses beside others make documents matching more of them score more.
        let scoring: Vec<_> = boolean
            .clauses()
            .iter()
            .filter(|(occur, _)| *occur != Occur::MustNot)
            .collect();
        let required = scoring.iter().all(|(occur, _)| *occur == Occur::Must);
        return (scoring.len() <= 1 || required)
            && scoring
                .iter()
                .all(|(_, clause)| scores_are_constant(clause.as_ref(), schema));
    }
    false
}

/// A term of a field indexed without frequencies or norms scores the same in every
/// document (BM25 with a term frequency of 1 and one field length).
fn term_scores_are_constant(term: &TermQuery, schema: &Schema) -> bool {
    let entry = schema.get_field_entry(term.term().field());
    let indexing = match entry.field_type() {
        FieldType::Str(options) => options.get_indexing_options(),
        FieldType::JsonObject(options) => options.get_text_indexing_options(),
        _ => None,
    };
    indexing.is_some_and(|indexing| {
        indexing.index_option() == IndexRecordOption::Basic && !indexing.fieldnorms()
    })
}
