//! Shared pieces of the benchmarks: the query mix (used by the criterion benches and by
//! the HTTP load generator, `ckan-search-load`), the PostgreSQL full-text baseline that
//! answers the same mix, and the latency statistics both are reported with.

pub mod mix;
pub mod pg_baseline;
pub mod stats;
