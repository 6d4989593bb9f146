//! The `facet_counts` of a request: every `facet.field` and `facet.query`, each over its
//! base set — `q` and every `fq`, minus the filters whose `{!tag=…}` a `{!ex=…}` names
//! (Solr's multi-select faceting).

use std::collections::HashMap;
use std::sync::Arc;

use ckan_search_indexer::schema::CkanSchema;
use tantivy::query::Query;
use tantivy::Searcher;

use super::cache::{CountedSet, FacetCache};
use super::docset::DocSet;
use super::source::FacetSource;
use super::table::{CountPlan, FieldTable};
use super::text_terms::TermsField;
use super::{numeric, string_column, text_terms};
use super::{FacetCounts, FacetField, FacetRequest, FieldCounts};
use crate::{QueryError, Result};

/// What faceting needs from a search.
pub struct FacetInput<'a> {
    /// The point-in-time view searched.
    pub searcher: &'a Searcher,
    /// CKAN's schema.
    pub schema: &'a CkanSchema,
    /// `q` (scores are not used).
    pub main: &'a dyn Query,
    /// Each `fq` with its `{!tag=…}` tags.
    pub filters: &'a [(Vec<String>, Box<dyn Query>)],
    /// Builds the query of a `facet.query` text (standard parser).
    pub facet_query: &'a dyn Fn(&str) -> Result<Box<dyn Query>>,
    /// The documents matching `q` and every filter, when the search already collected
    /// them (the base set of every facet that excludes nothing).
    pub matched: Option<Arc<DocSet>>,
}

/// Computes the counts `request` asks for, caching field counts over every document and over
/// large base sets in [`FacetCache::global`].
pub fn compute(input: &FacetInput, request: &FacetRequest) -> Result<FacetCounts> {
    compute_with_cache(input, request, FacetCache::global())
}

/// [`compute`] with an explicit cache.
pub fn compute_with_cache(
    input: &FacetInput,
    request: &FacetRequest,
    cache: &FacetCache,
) -> Result<FacetCounts> {
    let mut counts = FacetCounts::default();
    if request.fields.is_empty() && request.queries.is_empty() {
        return Ok(counts);
    }
    let mut bases = BaseSets::new(input);
    // Each base set's cache key, made once (it fingerprints the set's bits).
    let mut keys: Vec<(Arc<DocSet>, Option<CountedSet>)> = Vec::new();
    for spec in &request.fields {
        let base = bases.base(&spec.exclude_tags)?;
        let counted = match keys.iter().find(|(set, _)| Arc::ptr_eq(set, &base)) {
            Some((_, counted)) => counted.clone(),
            None => {
                let counted = CountedSet::of(input.searcher, &base, cache.min_base_docs());
                keys.push((Arc::clone(&base), counted.clone()));
                counted
            }
        };
        counts
            .fields
            .push(field_counts(input, spec, &base, counted.as_ref(), cache)?);
    }
    for spec in &request.queries {
        let base = bases.base(&spec.exclude_tags)?;
        let query = (input.facet_query)(&spec.query)?;
        let matching = DocSet::of_query(input.searcher, query.as_ref())?;
        counts
            .queries
            .push((spec.key.clone(), base.intersection_len(&matching)));
    }
    Ok(counts)
}

/// The document sets of `q` and of each `fq`, each computed once and only when a facet
/// excludes a filter (otherwise the search's own matches are the one base set), and the
/// base sets built from them, one per distinct choice of excluded filters.
struct BaseSets<'i, 'a> {
    input: &'i FacetInput<'a>,
    parts: Option<(DocSet, Vec<DocSet>)>,
    by_included: HashMap<Vec<bool>, Arc<DocSet>>,
}

impl<'i, 'a> BaseSets<'i, 'a> {
    fn new(input: &'i FacetInput<'a>) -> Self {
        let mut by_included = HashMap::new();
        if let Some(matched) = &input.matched {
            by_included.insert(vec![true; input.filters.len()], Arc::clone(matched));
        }
        Self {
            input,
            parts: None,
            by_included,
        }
    }

    /// `q` ∩ every filter none of whose tags is in `exclude`.
    fn base(&mut self, exclude: &[String]) -> Result<Arc<DocSet>> {
        let included: Vec<bool> = self
            .input
            .filters
            .iter()
            .map(|(tags, _)| !tags.iter().any(|t| exclude.contains(t)))
            .collect();
        if let Some(base) = self.by_included.get(&included) {
            return Ok(Arc::clone(base));
        }
        let (main, filters) = match &mut self.parts {
            Some(parts) => parts,
            None => {
                let searcher = self.input.searcher;
                let main = DocSet::of_query(searcher, self.input.main)?;
                let filters = self
                    .input
                    .filters
                    .iter()
                    .map(|(_, q)| DocSet::of_query(searcher, q.as_ref()))
                    .collect::<Result<Vec<_>>>()?;
                self.parts.insert((main, filters))
            }
        };
        let mut base = main.clone();
        for (filter, keep) in filters.iter().zip(&included) {
            if *keep {
                base.intersect_with(filter);
            }
        }
        let base = Arc::new(base);
        self.by_included.insert(included, Arc::clone(&base));
        Ok(base)
    }
}

/// The counts of one `facet.field`.
fn field_counts(
    input: &FacetInput,
    spec: &FacetField,
    base: &Arc<DocSet>,
    counted: Option<&CountedSet>,
    cache: &FacetCache,
) -> Result<FieldCounts> {
    let source = FacetSource::resolve(input.schema, &spec.field);
    let mut mincount = spec.mincount;
    if source.is_numeric() {
        // Solr's points fields (`NumericFacets`): no prefix, and no zero counts.
        if spec.prefix.is_some() {
            return Err(QueryError::BadParam(
                "facet.prefix is not supported on numeric types".into(),
            ));
        }
        mincount = mincount.max(1);
    }
    if spec.limit == 0 && !spec.missing {
        return Ok(FieldCounts {
            key: spec.key.clone(),
            values: Vec::new(),
            missing: None,
        });
    }
    // Over every live document, or a large base set, the counts depend only on the segments
    // and the set: cache them whole (all terms, no prefix) and select from them.
    if let Some(counted) = counted {
        let table = match cache.get(counted, &spec.field, spec.missing) {
            Some(table) => table,
            None => {
                let plan = CountPlan {
                    all_terms: true,
                    prefix: None,
                    // Cheap except for analysed fields, where it is another postings pass.
                    missing: spec.missing || !matches!(source, FacetSource::Terms { .. }),
                };
                let table = Arc::new(count(input.searcher, base, &source, plan)?);
                cache.insert(counted, &spec.field, Arc::clone(&table));
                table
            }
        };
        return Ok(table.select(spec, mincount));
    }
    let plan = CountPlan {
        all_terms: mincount == 0,
        prefix: spec.prefix.as_deref(),
        missing: spec.missing,
    };
    Ok(count(input.searcher, base, &source, plan)?.select(spec, mincount))
}

/// Counts `source` over `base`.
fn count(
    searcher: &Searcher,
    base: &DocSet,
    source: &FacetSource,
    plan: CountPlan,
) -> Result<FieldTable> {
    match source {
        // Solr finds neither doc values nor an uninvertible index for a stored-only field:
        // no values, and every base document is missing one.
        FacetSource::Nothing => Ok(FieldTable {
            values: Vec::new(),
            missing: plan.missing.then(|| base.len()),
        }),
        FacetSource::StrColumn { column } => string_column::count(searcher, base, column, plan),
        FacetSource::Terms {
            field,
            value_prefix,
            field_prefix,
        } => text_terms::count(
            searcher,
            base,
            TermsField {
                field: *field,
                value_prefix,
                field_prefix,
            },
            plan,
        ),
        FacetSource::Numeric { column, kind } => {
            numeric::count(searcher, base, column, *kind, plan.missing)
        }
    }
}
