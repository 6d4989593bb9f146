//! Shared pieces of the benchmarks: the query mix (used by the criterion benches and by
//! the HTTP load generator, `ckan-search-load`), the PostgreSQL full-text baseline that
//! answers the same mix, the latency statistics both are reported with, and generated
//! catalogues on disk.

pub mod catalogue;
pub mod mix;
pub mod pg_baseline;
pub mod stats;
