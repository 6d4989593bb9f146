//! Which documents have a value between two bounds (`field:[a TO b}`)? As Solr's field
//! types answer it:
//! - strings compare raw terms in byte order (Lucene's `TermRangeQuery`); an inclusive
//!   `""` lower bound takes every value, the empty string included — the `["" TO *]` idiom
//!   for "has a value";
//! - text compares analysed terms, each bound normalised by the multi-term analyser
//!   (lowercased, folded) as `TextField.getRangeQuery` does;
//! - dates (date math at both ends: `[NOW-7DAY/DAY TO NOW]`), ints and floats compare
//!   typed values;
//! - `[* TO *]` is an existence query.
//!
//! All are constant-scoring. Explicit numeric and date fields use tantivy's fast-field
//! range; strings, text and dynamic (JSON) keys scan the term dictionary between the
//! bounds.

use std::ops::Bound;

use ckan_search_indexer::analysis;
use ckan_search_indexer::schema::FieldKind;
use tantivy::query::{Query, RangeQuery};
use tantivy::schema::Type;

use super::exists::exists_query;
use super::literal::{self, Value};
use super::term_scan::TermScanQuery;
use super::{BuildContext, Built, Target};
use crate::ast::{self, RangeBound};
use crate::Result;

/// `field:[lower TO upper]`.
pub(super) fn range_query(ctx: &BuildContext, r: &ast::RangeQuery) -> Result<Built> {
    if matches!(
        (&r.lower, &r.upper),
        (RangeBound::Unbounded, RangeBound::Unbounded)
    ) {
        return Ok(Some(exists_query(ctx, &r.field)?));
    }
    let target = ctx.target(&r.field)?;
    Ok(Some(match target.kind() {
        FieldKind::String => string_range(&target, &r.lower, &r.upper, |s| s.to_string()),
        FieldKind::Text(text_type) => string_range(&target, &r.lower, &r.upper, |s| {
            analysis::normalize_multiterm_for(text_type.query_analyzer(), s)
        }),
        FieldKind::Date | FieldKind::Int | FieldKind::Float | FieldKind::Boolean => {
            typed_range(ctx, &target, &r.lower, &r.upper)?
        }
    }))
}

fn map_bound<'b, T>(bound: &'b RangeBound, f: impl FnOnce(&'b str) -> T) -> Bound<T> {
    match bound {
        RangeBound::Unbounded => Bound::Unbounded,
        RangeBound::Included(v) => Bound::Included(f(v)),
        RangeBound::Excluded(v) => Bound::Excluded(f(v)),
    }
}

fn try_map_bound<'b, T>(
    bound: &'b RangeBound,
    f: impl FnOnce(&'b str) -> Result<T>,
) -> Result<Bound<T>> {
    Ok(match bound {
        RangeBound::Unbounded => Bound::Unbounded,
        RangeBound::Included(v) => Bound::Included(f(v)?),
        RangeBound::Excluded(v) => Bound::Excluded(f(v)?),
    })
}

/// A term-dictionary range over the string terms of the field (or JSON key).
fn string_range(
    target: &Target,
    lower: &RangeBound,
    upper: &RangeBound,
    normalise: impl Fn(&str) -> String,
) -> Box<dyn Query> {
    let prefix = literal::key_prefix(target, Some(Type::Str));
    let key = |s: &str| normalise(s).into_bytes();
    Box::new(
        TermScanQuery::prefix(target.field, prefix)
            .with_range(map_bound(lower, key), map_bound(upper, key)),
    )
}

/// A range over typed values: dates, ints, floats (and booleans).
fn typed_range(
    ctx: &BuildContext,
    target: &Target,
    lower: &RangeBound,
    upper: &RangeBound,
) -> Result<Box<dyn Query>> {
    let lower = try_map_bound(lower, |s| literal::parse_value(ctx, target, s))?;
    let upper = try_map_bound(upper, |s| literal::parse_value(ctx, target, s))?;
    let value_type = [&lower, &upper].into_iter().find_map(|b| match b {
        Bound::Included(v) | Bound::Excluded(v) => Some(literal::value_type(*v)),
        Bound::Unbounded => None,
    });
    let fast_numeric = target.json_path.is_none()
        && matches!(
            target.kind(),
            FieldKind::Date | FieldKind::Int | FieldKind::Float
        );
    if fast_numeric {
        let term = |v: Value| literal::term(target, v);
        return Ok(Box::new(RangeQuery::new(
            bound_map(lower, term),
            bound_map(upper, term),
        )));
    }
    let prefix = literal::key_prefix(target, value_type);
    let key = |v: Value| literal::key_suffix(target, v);
    Ok(Box::new(
        TermScanQuery::prefix(target.field, prefix)
            .with_range(bound_map(lower, key), bound_map(upper, key)),
    ))
}

fn bound_map<T, U>(bound: Bound<T>, f: impl FnOnce(T) -> U) -> Bound<U> {
    match bound {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Included(v) => Bound::Included(f(v)),
        Bound::Excluded(v) => Bound::Excluded(f(v)),
    }
}
