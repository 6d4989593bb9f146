//! Retrying a dependency that went away (the database restarting, the server being
//! redeployed): exponential backoff up to a ceiling, and exactly one log line when an
//! outage starts and one when it ends, however many retries it takes.

use std::time::{Duration, Instant};

/// The outage state of one dependency.
#[derive(Debug)]
pub struct Outage {
    what: &'static str,
    first: Duration,
    max: Duration,
    delay: Duration,
    since: Option<Instant>,
    failures: u64,
}

impl Outage {
    /// `what` names the dependency in log lines ("database", "index").
    pub fn new(what: &'static str, first: Duration, max: Duration) -> Self {
        Self {
            what,
            first,
            max: max.max(first),
            delay: first,
            since: None,
            failures: 0,
        }
    }

    /// Records a failure and returns how long to wait before the next attempt: the first
    /// delay, then twice the previous one, up to the ceiling.
    pub fn failed(&mut self, error: &str) -> Duration {
        self.failures += 1;
        if self.since.is_none() {
            self.since = Some(Instant::now());
            self.delay = self.first;
            tracing::warn!(
                error,
                max_backoff_s = self.max.as_secs_f64(),
                "sync: the {} is unavailable; retrying with backoff",
                self.what
            );
        } else {
            self.delay = (self.delay * 2).min(self.max);
            tracing::debug!(
                error,
                retry_in_ms = self.delay.as_millis() as u64,
                "sync: {} still unavailable",
                self.what
            );
        }
        self.delay
    }

    /// Records a success; ends an outage with one log line.
    pub fn recovered(&mut self) {
        if let Some(since) = self.since.take() {
            tracing::info!(
                down_s = format!("{:.1}", since.elapsed().as_secs_f64()),
                failed_attempts = self.failures,
                "sync: the {} is available again",
                self.what
            );
        }
        self.delay = self.first;
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_ceiling_and_reset_on_recovery() {
        let mut o = Outage::new(
            "database",
            Duration::from_millis(500),
            Duration::from_secs(3),
        );
        let delays: Vec<u128> = (0..6).map(|_| o.failed("down").as_millis()).collect();
        assert_eq!(delays, vec![500, 1000, 2000, 3000, 3000, 3000]);
        assert!(o.since.is_some());
        o.recovered();
        assert!(o.since.is_none());
        assert_eq!(o.failed("down again").as_millis(), 500);
    }
}
