//! How per-segment term counts become one list: each segment has its own dictionary and
//! ordinals, so segments are merged by term bytes (Solr's `OrdinalMap` does the same job
//! once per reader), summing the counts of equal terms.

/// `(term bytes, count)` in byte order, one run per segment.
pub type Run = Vec<(Vec<u8>, u64)>;

/// Merges byte-ordered runs into one byte-ordered run, summing the counts of equal terms.
/// Runs are merged pairwise in rounds, so the cost is O(N log k) for N entries in k runs.
pub fn merge_runs(mut runs: Vec<Run>) -> Run {
    runs.retain(|r| !r.is_empty());
    while runs.len() > 1 {
        let mut next = Vec::with_capacity(runs.len().div_ceil(2));
        let mut it = runs.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(merge_two(a, b)),
                None => next.push(a),
            }
        }
        runs = next;
    }
    runs.pop().unwrap_or_default()
}

fn merge_two(a: Run, b: Run) -> Run {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => Some(true),
                std::cmp::Ordering::Greater => Some(false),
                std::cmp::Ordering::Equal => None,
            },
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => break,
        };
        match take_a {
            Some(true) => out.extend(a.next()),
            Some(false) => out.extend(b.next()),
            None => {
                if let (Some((k, ca)), Some((_, cb))) = (a.next(), b.next()) {
                    out.push((k, ca + cb));
                }
            }
        }
    }
    out
}

/// The run with its terms as text (terms are UTF-8: they come from strings).
pub fn into_strings(run: Run) -> Vec<(String, u64)> {
    run.into_iter()
        .map(|(k, c)| {
            let text = String::from_utf8(k)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            (text, c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(items: &[(&str, u64)]) -> Run {
        items
            .iter()
            .map(|(k, c)| (k.as_bytes().to_vec(), *c))
            .collect()
    }

    #[test]
    fn merges_by_bytes_and_sums_equal_terms() {
        let merged = merge_runs(vec![
            run(&[("CSV", 1), ("csv", 2)]),
            run(&[]),
            run(&[(".csv", 1), ("csv", 1), ("xls", 0)]),
            run(&[("CSV", 4)]),
        ]);
        assert_eq!(
            into_strings(merged),
            vec![
                (".csv".to_string(), 1),
                ("CSV".to_string(), 5),
                ("csv".to_string(), 3),
                ("xls".to_string(), 0)
            ]
        );
        assert!(merge_runs(Vec::new()).is_empty());
    }
}
