//! Which documents have any value in a field (`field:*`, `field:[* TO *]`, and so
//! `-extras_harvest_object_id:*`)?
//! - Explicit string, date and number fields are fast fields: their column says which
//!   documents have a value (the empty string counts, as in Solr).
//! - Explicit text fields record a field norm (the token count) per document: a non-zero
//!   norm is a document with at least one token.
//! - Dynamic (JSON) keys have neither per key, so the answer is the union of every term
//!   indexed under the key — Lucene's `PrefixQuery(field, "")`.
//!
//! For text, a value that analyses to no token therefore does not count (Solr 9 counts it
//! through the field's norms, which Lucene writes even for an empty token stream).

use ckan_search_indexer::schema::FieldKind;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, ExistsQuery, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{BitSet, DocId, Score, SegmentReader};

use super::literal;
use super::term_scan::TermScanQuery;
use super::BuildContext;
use crate::Result;

/// Documents with a value in `field`; constant score.
pub(super) fn exists_query(ctx: &BuildContext, field: &str) -> Result<Box<dyn Query>> {
    let target = ctx.target(field)?;
    Ok(match (&target.json_path, target.kind()) {
        (None, FieldKind::Text(_)) => Box::new(FieldNormExistsQuery {
            field: target.field,
        }),
        (None, _) => Box::new(ExistsQuery::new(target.def.name.to_string(), false)),
        // Any type under the key: the JSON path and its end marker, no type byte.
        (Some(_), _) => Box::new(TermScanQuery::prefix(
            target.field,
            literal::key_prefix(&target, None),
        )),
    })
}

/// Documents whose field norm (token count) for `field` is not zero.
#[derive(Clone, Debug)]
pub(super) struct FieldNormExistsQuery {
    field: Field,
}

impl Query for FieldNormExistsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FieldNormExistsWeight {
            field: self.field,
            fallback: TermScanQuery::prefix(self.field, Vec::new()).weight(scoring)?,
        }))
    }
}

struct FieldNormExistsWeight {
    field: Field,
    /// For a field indexed without norms: every term of the field.
    fallback: Box<dyn Weight>,
}

impl Weight for FieldNormExistsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(norms) = reader.fieldnorms_readers().get_field(self.field)? else {
            return self.fallback.scorer(reader, boost);
        };
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for doc in 0..reader.max_doc() {
            if norms.fieldnorm_id(doc) > 0 {
                docs.insert(doc);
            }
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        super::explain_constant(self, reader, doc, "FieldExists")
    }
}
