//! Progress bars for long CLI work, fed by the indexer's progress events. Drawn only when
//! standard error is a terminal; the summary line is printed either way.

use std::io::IsTerminal;

use ckan_search_indexer::rebuild::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// An indicatif bar with rate and ETA.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar if stderr is a terminal, else a silent sink.
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(ProgressBar::hidden);
        Self { bar }
    }
}

impl Progress for Bar {
    fn start(&self, phase: &str, total: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        let template = match total {
            Some(_) => "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, ETA {eta})",
            None => "{msg} [{elapsed_precise}] {pos} ({per_sec})",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_length(total.unwrap_or(0));
        bar.set_position(0);
        bar.set_message(phase.to_string());
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
