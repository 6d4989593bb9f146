//! Shared pieces of the benchmarks: the query mix (used by the criterion benches and by
//! the HTTP load generator, `ckan-search-load`).

pub mod mix;
