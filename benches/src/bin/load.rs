//! `ckan-search-load`: a small HTTP load generator for ckan-search (or any Solr with CKAN's
//! schema). It replays the fixed query mix (`ckan_search_benches::mix`) plus CKAN API calls
//! at each concurrency level, bounded in requests and seconds, and prints throughput and
//! latency percentiles as a Markdown table. With `--during CMD` it starts CMD (e.g. a full
//! rebuild) first and measures while it runs.
//!
//! ```sh
//! ckan-search-load --base http://127.0.0.1:8983 --concurrency 1,8,64 --requests 2000
//! ckan-search-load --during "ckan-search search-index rebuild --source jsonl:100k.jsonl"
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "ckan-search-load",
    about = "HTTP load test with CKAN's and Find's query mix"
)]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8983")]
    base: String,
    /// Solr core name.
    #[arg(long, default_value = "ckan")]
    core: String,
    /// Concurrency levels, each run in turn.
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    concurrency: Vec<usize>,
    /// Requests per level (the level also stops after `--seconds`).
    #[arg(long, default_value = "2000")]
    requests: usize,
    /// Time limit per level.
    #[arg(long, default_value = "60")]
    seconds: u64,
    /// A shell command to run alongside (started before the first level).
    #[arg(long)]
    during: Option<String>,
    /// Also print each query's p50/p99 at the highest level.
    #[arg(long)]
    per_query: bool,
}

/// One request of the mix: a name and a path with its query string.
struct Call {
    name: String,
    path: String,
}

fn calls(core: &str) -> Vec<Call> {
    let encode = |params: &[(&str, &str)]| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish()
    };
    let mut out: Vec<Call> = ckan_search_benches::mix::query_mix()
        .into_iter()
        .map(|(name, params)| Call {
            name: name.to_string(),
            path: format!("/solr/{core}/select?{}&wt=json", encode(&params)),
        })
        .collect();
    // The same CKAN questions through ckan-search's own CKAN API.
    out.push(Call {
        name: "api_package_search_default".into(),
        path: format!(
            "/api/3/action/package_search?{}",
            encode(&[
                ("q", "flood risk"),
                (
                    "facet.field",
                    r#"["organization","groups","tags","res_format","license_id"]"#
                ),
            ])
        ),
    });
    out.push(Call {
        name: "api_manual_harvested_count".into(),
        path: format!(
            "/api/search/dataset?{}",
            encode(&[
                ("fl", "id,name,title,extras_harvest_object_id"),
                (
                    "q",
                    r#"state:active and extras_harvest_object_id:["" TO *] and dataset_type:dataset"#
                ),
                ("rows", "20"),
            ])
        ),
    });
    out
}

/// What one level measured.
struct Level {
    concurrency: usize,
    wall: Duration,
    /// (call index, latency, ok)
    samples: Vec<(usize, Duration, bool)>,
}

async fn run_level(
    client: reqwest::Client,
    base: Arc<str>,
    calls: Arc<Vec<Call>>,
    concurrency: usize,
    requests: usize,
    limit: Duration,
) -> Level {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (client, base, calls, next) =
            (client.clone(), base.clone(), calls.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests || started.elapsed() >= limit {
                    break;
                }
                let which = i % calls.len();
                let url = format!("{base}{}", calls[which].path);
                let t = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) => {
                        let status = r.status();
                        // Read the whole body: the client pays for it too.
                        r.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn report(level: &Level) {
    let mut latencies: Vec<Duration> = level.samples.iter().map(|s| s.1).collect();
    latencies.sort();
    let errors = level.samples.iter().filter(|s| !s.2).count();
    println!(
        "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
        level.concurrency,
        level.samples.len(),
        errors,
        level.samples.len() as f64 / level.wall.as_secs_f64(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        latencies
            .last()
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0),
    );
}

fn report_per_query(level: &Level, calls: &[Call]) {
    println!(
        "\n| query (concurrency {}) | n | p50 ms | p99 ms |",
        level.concurrency
    );
    println!("|---|---|---|---|");
    for (i, call) in calls.iter().enumerate() {
        let mut l: Vec<Duration> = level
            .samples
            .iter()
            .filter(|s| s.0 == i)
            .map(|s| s.1)
            .collect();
        l.sort();
        println!(
            "| {} | {} | {:.2} | {:.2} |",
            call.name,
            l.len(),
            percentile(&l, 50.0),
            percentile(&l, 99.0)
        );
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let calls = Arc::new(calls(&args.core));
    let base: Arc<str> = args.base.trim_end_matches('/').into();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(60))
        .build()?;

    let mut during = match &args.during {
        Some(cmd) => {
            eprintln!("starting alongside: {cmd}");
            Some((
                std::process::Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .spawn()?,
                Instant::now(),
            ))
        }
        None => None,
    };
    println!("| concurrency | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut last = None;
    let mut errors = 0;
    for &c in &args.concurrency {
        let level = runtime.block_on(run_level(
            client.clone(),
            base.clone(),
            calls.clone(),
            c.max(1),
            args.requests,
            Duration::from_secs(args.seconds),
        ));
        report(&level);
        errors += level.samples.iter().filter(|s| !s.2).count();
        last = Some(level);
    }
    if args.per_query {
        if let Some(level) = &last {
            report_per_query(level, &calls);
        }
    }
    if let Some((mut child, started)) = during.take() {
        match child.try_wait()? {
            Some(status) => eprintln!(
                "warning: the command alongside ended ({status}) before the load did; it overlapped only the first {:.1} s",
                started.elapsed().as_secs_f64()
            ),
            None => {
                let status = child.wait()?;
                eprintln!(
                    "command alongside finished ({status}) after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    if errors > 0 {
        anyhow::bail!("{errors} requests failed");
    }
    Ok(())
}
