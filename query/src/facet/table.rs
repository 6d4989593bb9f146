//! Which values a field facet reports: the field's counted values (in index order) cut down
//! by `facet.prefix`, `facet.mincount`, `facet.sort`, `facet.offset` and `facet.limit`,
//! with Solr's rules (`DocValuesFacets` / `NumericFacets`).

use super::{FacetField, FacetSort, FieldCounts};

/// What to count.
#[derive(Debug, Clone, Copy)]
pub struct CountPlan<'a> {
    /// Also list terms with no base document (for `facet.mincount=0`).
    pub all_terms: bool,
    /// Only terms starting with this (`facet.prefix`).
    pub prefix: Option<&'a str>,
    /// Count base documents without a value.
    pub missing: bool,
}

/// Every value of a field with its count over a base set, in index order (byte order for
/// terms, numeric order for numbers), and how many base documents have no value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldTable {
    /// `(value, count)` in index order; values that occur only outside the base set may be
    /// present with count 0 (Solr lists them when `facet.mincount=0`).
    pub values: Vec<(String, u64)>,
    /// Base documents without any value, when it was computed.
    pub missing: Option<u64>,
}

impl FieldTable {
    /// The values and counts Solr would report for `spec` (whose mincount has already been
    /// adjusted for the field's type), plus the missing count if asked for.
    pub fn select(&self, spec: &FacetField, mincount: u64) -> FieldCounts {
        FieldCounts {
            key: spec.key.clone(),
            values: self.select_values(spec, mincount),
            missing: if spec.missing {
                Some(self.missing.unwrap_or(0))
            } else {
                None
            },
        }
    }

    fn select_values(&self, spec: &FacetField, mincount: u64) -> Vec<(String, u64)> {
        // Solr: "when limit=0 … return empty list" (the missing count is still reported).
        if spec.limit == 0 {
            return Vec::new();
        }
        let range = match spec.prefix.as_deref() {
            Some(prefix) => prefix_range(&self.values, prefix),
            None => 0..self.values.len(),
        };
        let mut candidates: Vec<usize> = range.filter(|&i| self.values[i].1 >= mincount).collect();
        let limit = usize::try_from(spec.limit).unwrap_or(usize::MAX);
        if spec.sort == FacetSort::Count {
            // Highest count first; ties in index order (Solr packs the term number into the
            // priority so that smaller term numbers win ties).
            let order = |a: &usize, b: &usize| {
                self.values[*b]
                    .1
                    .cmp(&self.values[*a].1)
                    .then_with(|| a.cmp(b))
            };
            let wanted = spec.offset.saturating_add(limit);
            if wanted < candidates.len() {
                candidates.select_nth_unstable_by(wanted, order);
                candidates.truncate(wanted);
            }
            candidates.sort_unstable_by(order);
        }
        candidates
            .into_iter()
            .skip(spec.offset)
            .take(limit)
            .map(|i| self.values[i].clone())
            .collect()
    }
}

/// The positions of the values starting with `prefix` (a contiguous run, since the values
/// are in byte order).
fn prefix_range(values: &[(String, u64)], prefix: &str) -> std::ops::Range<usize> {
    let start = values.partition_point(|(v, _)| v.as_str() < prefix);
    let len = values[start..]
        .iter()
        .take_while(|(v, _)| v.starts_with(prefix))
        .count();
    start..start + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(limit: i64, offset: usize, sort: FacetSort, prefix: Option<&str>) -> FacetField {
        FacetField {
            field: "tags".into(),
            key: "tags".into(),
            limit,
            offset,
            mincount: 0,
            sort,
            prefix: prefix.map(str::to_string),
            missing: false,
            exclude_tags: Vec::new(),
        }
    }

    fn table() -> FieldTable {
        let values = [("a", 1), ("b", 3), ("ba", 0), ("bb", 3), ("c", 5), ("d", 1)];
        FieldTable {
            values: values.iter().map(|(v, c)| (v.to_string(), *c)).collect(),
            missing: Some(2),
        }
    }

    fn names(counts: &FieldCounts) -> Vec<(&str, u64)> {
        counts
            .values
            .iter()
            .map(|(v, c)| (v.as_str(), *c))
            .collect()
    }

    #[test]
    fn count_sort_breaks_ties_in_index_order_then_pages() {
        let t = table();
        let all = t.select(&spec(-1, 0, FacetSort::Count, None), 1);
        assert_eq!(
            names(&all),
            vec![("c", 5), ("b", 3), ("bb", 3), ("a", 1), ("d", 1)]
        );
        let page = t.select(&spec(2, 1, FacetSort::Count, None), 1);
        assert_eq!(names(&page), vec![("b", 3), ("bb", 3)]);
        let zeros = t.select(&spec(-1, 0, FacetSort::Count, None), 0);
        assert_eq!(zeros.values.last(), Some(&("ba".to_string(), 0)));
    }

    #[test]
    fn index_sort_prefix_mincount_and_limit_zero() {
        let t = table();
        let idx = t.select(&spec(3, 1, FacetSort::Index, None), 1);
        assert_eq!(names(&idx), vec![("b", 3), ("bb", 3), ("c", 5)]);
        let pre = t.select(&spec(-1, 0, FacetSort::Index, Some("b")), 0);
        assert_eq!(names(&pre), vec![("b", 3), ("ba", 0), ("bb", 3)]);
        let mut none = spec(0, 0, FacetSort::Count, None);
        none.missing = true;
        let zero = t.select(&none, 1);
        assert!(zero.values.is_empty());
        assert_eq!(zero.missing, Some(2));
        assert!(t
            .select(&spec(10, 50, FacetSort::Count, None), 1)
            .values
            .is_empty());
    }
}
