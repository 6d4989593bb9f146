//! Per-field index size of one generation (term dictionary, postings, positions, fast
//! fields), largest first: where an index's bytes go (BENCHMARKS.md, "Index size").
//!
//! `cargo run --release -p ckan-search-benches --example space -- DATA_DIR/generations/00000001`

fn main() {
    let dir = std::env::args().nth(1).expect("reading the index");
    let index = tantivy::Index::open_in_dir(&dir).expect("reading the index");
    let reader = index.reader().expect("reading the index");
    let usage = reader.searcher().space_usage().expect("reading the index");
    let mut per: std::collections::BTreeMap<String, [usize; 4]> = Default::default();
    for seg in usage.segments() {
        for (i, part) in [
            seg.termdict(),
            seg.postings(),
            seg.positions(),
            seg.fast_fields(),
        ]
        .iter()
        .enumerate()
        {
            for fu in part.fields() {
                per.entry(fu.field_name().to_string()).or_default()[i] +=
                    fu.total().get_bytes() as usize;
            }
        }
    }
    let mut v: Vec<_> = per.into_iter().collect();
    v.sort_by_key(|(_, a)| std::cmp::Reverse(a.iter().sum::<usize>()));
    for (name, a) in v.iter().take(25) {
        println!(
            "{name:30} term {:6.1} post {:6.1} pos {:6.1} fast {:6.1} MB",
            a[0] as f64 / 1e6,
            a[1] as f64 / 1e6,
            a[2] as f64 / 1e6,
            a[3] as f64 / 1e6
        );
    }
}
