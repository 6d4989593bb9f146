//! Running a request mix at a fixed concurrency and summarising latencies: shared by the
//! HTTP load test and the PostgreSQL full-text baseline, so both are measured the same way.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one concurrency level measured.
pub struct Level {
    /// Concurrent workers.
    pub concurrency: usize,
    /// Wall time of the level.
    pub wall: Duration,
    /// (request index in the mix, latency, succeeded)
    pub samples: Vec<(usize, Duration, bool)>,
}

impl Level {
    /// Failed requests.
    pub fn errors(&self) -> usize {
        self.samples.iter().filter(|s| !s.2).count()
    }

    /// Requests per second.
    pub fn throughput(&self) -> f64 {
        self.samples.len() as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Sorted latencies of every request, or of mix entry `which`.
    pub fn latencies(&self, which: Option<usize>) -> Vec<Duration> {
        let mut l: Vec<Duration> = self
            .samples
            .iter()
            .filter(|s| which.is_none_or(|w| s.0 == w))
            .map(|s| s.1)
            .collect();
        l.sort();
        l
    }
}

/// Runs `mix_len` kinds of request round robin on `concurrency` workers until `requests`
/// have been sent or `limit` has passed. `send(i)` performs request kind `i` and says
/// whether it succeeded.
pub async fn run_level<F, Fut>(
    send: Arc<F>,
    mix_len: usize,
    concurrency: usize,
    requests: usize,
    limit: Duration,
) -> Level
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (send, next) = (send.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests || started.elapsed() >= limit {
                    break;
                }
                let which = i % mix_len.max(1);
                let t = Instant::now();
                let ok = send(which).await;
                samples.push((which, t.elapsed(), ok));
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        if let Ok(s) = task.await {
            samples.extend(s);
        }
    }
    Level {
        concurrency,
        wall: started.elapsed(),
        samples,
    }
}

/// The `p`th percentile of sorted latencies, in milliseconds (nearest rank).
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// The header of [`level_row`]'s table.
pub const LEVEL_HEADER: &str = "| concurrency | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|";

/// One Markdown row: throughput and latency percentiles of a level.
pub fn level_row(level: &Level) -> String {
    let all = level.latencies(None);
    format!(
        "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
        level.concurrency,
        level.samples.len(),
        level.errors(),
        level.throughput(),
        percentile_ms(&all, 50.0),
        percentile_ms(&all, 90.0),
        percentile_ms(&all, 99.0),
        all.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        let l = ms(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(percentile_ms(&l, 50.0), 5.0);
        assert_eq!(percentile_ms(&l, 99.0), 10.0);
        assert_eq!(percentile_ms(&l, 0.0), 1.0);
        assert_eq!(percentile_ms(&[], 50.0), 0.0);
    }
}
