//! `ckan-search-load`: a small HTTP load generator for ckan-search (or any Solr with CKAN's
//! schema). It replays the fixed query mix (`ckan_search_benches::mix`) plus CKAN API calls
//! at each concurrency level, bounded in requests and seconds, and prints throughput and
//! latency percentiles as a Markdown table. With `--during CMD` it starts CMD (e.g. a full
//! rebuild) first and measures while it runs. With `--pg URL` it then runs the same mix as
//! SQL against PostgreSQL full-text search over CKAN's tables (`pg_baseline`) at the same
//! levels and prints the per-query ratios.
//!
//! ```sh
//! ckan-search-load --base http://127.0.0.1:8983 --concurrency 1,8,64 --requests 2000
//! ckan-search-load --during "ckan-search search-index rebuild --source jsonl:100k.jsonl"
//! ckan-search-load --concurrency 1,8 --pg postgres://postgres@127.0.0.1/ckan_bench_100000 --pg-setup
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use ckan_search_benches::pg_baseline;
use ckan_search_benches::stats::{level_row, percentile_ms, run_level, Level, LEVEL_HEADER};
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
    /// Also run the PostgreSQL full-text baseline against this CKAN database
    /// (`postgres://…`) at the same levels, and print the per-query comparison.
    #[arg(long)]
    pg: Option<String>,
    /// (Re)build the baseline's table and indexes first (`fts_package`).
    #[arg(long, requires = "pg")]
    pg_setup: bool,
    /// Requests per level for the baseline (default: `--requests`).
    #[arg(long)]
    pg_requests: Option<usize>,
    /// Skip the HTTP run (baseline only).
    #[arg(long)]
    no_http: bool,
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

/// The per-query comparison at one concurrency: ckan-search against the baseline.
fn report_comparison(http: &Level, http_calls: &[Call], pg: &Level, pg_mix: &[(&str, String)]) {
    println!(
        "\n| query (concurrency {}) | ckan-search p50 ms | p99 ms | PostgreSQL FTS p50 ms | p99 ms | p50 ratio |",
        http.concurrency
    );
    println!("|---|---|---|---|---|---|");
    for (j, (name, _)) in pg_mix.iter().enumerate() {
        let Some(i) = http_calls.iter().position(|c| c.name == *name) else {
            continue;
        };
        let (h, p) = (http.latencies(Some(i)), pg.latencies(Some(j)));
        let (h50, p50) = (percentile_ms(&h, 50.0), percentile_ms(&p, 50.0));
        let ratio = p50 / h50.max(1e-6);
        // Two decimals below 10×, so a query PostgreSQL answers faster shows as 0.13×,
        // not 0×.
        let ratio = if ratio < 10.0 {
            format!("{ratio:.2}")
        } else {
            format!("{ratio:.0}")
        };
        println!(
            "| {name} | {h50:.2} | {:.2} | {p50:.2} | {:.2} | {ratio}× |",
            percentile_ms(&h, 99.0),
            percentile_ms(&p, 99.0),
        );
    }
}

fn report_per_query(level: &Level, calls: &[Call]) {
    println!(
        "\n| query (concurrency {}) | n | p50 ms | p99 ms |",
        level.concurrency
    );
    println!("|---|---|---|---|");
    for (i, call) in calls.iter().enumerate() {
        let l = level.latencies(Some(i));
        println!(
            "| {} | {} | {:.2} | {:.2} |",
            call.name,
            l.len(),
            percentile_ms(&l, 50.0),
            percentile_ms(&l, 99.0)
        );
    }
}

/// Runs the PostgreSQL full-text baseline at every level (building its table first with
/// `setup`); returns the levels.
fn run_baseline(
    runtime: &tokio::runtime::Runtime,
    args: &Args,
    url: &str,
) -> anyhow::Result<Vec<Level>> {
    let max = args.concurrency.iter().copied().max().unwrap_or(1).max(1);
    let pool = runtime.block_on(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(max as u32)
            .connect(url),
    )?;
    if args.pg_setup {
        let started = Instant::now();
        for statement in pg_baseline::SETUP {
            runtime.block_on(sqlx::query(statement).execute(&pool))?;
        }
        let rows: i64 = runtime
            .block_on(sqlx::query_scalar("SELECT count(*) FROM fts_package").fetch_one(&pool))?;
        let bytes: i64 = runtime.block_on(
            sqlx::query_scalar("SELECT pg_total_relation_size('fts_package')").fetch_one(&pool),
        )?;
        println!(
            "\nPostgreSQL FTS baseline built: {rows} rows, {:.0} MB with indexes, in {:.1} s\n",
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    let mix: Arc<Vec<String>> = Arc::new(
        pg_baseline::baseline_mix()
            .into_iter()
            .map(|(_, sql)| sql)
            .collect(),
    );
    let n = mix.len();
    let send = Arc::new(move |i: usize| {
        let (pool, mix) = (pool.clone(), mix.clone());
        async move {
            match sqlx::raw_sql(&mix[i]).fetch_all(&pool).await {
                Ok(_) => true,
                Err(e) => {
                    eprintln!("baseline query {i} failed: {e}");
                    false
                }
            }
        }
    });
    println!("\nPostgreSQL FTS baseline, same mix:\n\n{LEVEL_HEADER}");
    let mut levels = Vec::new();
    for &c in &args.concurrency {
        let level = runtime.block_on(run_level(
            send.clone(),
            n,
            c.max(1),
            args.pg_requests.unwrap_or(args.requests),
            Duration::from_secs(args.seconds),
        ));
        println!("{}", level_row(&level));
        levels.push(level);
    }
    Ok(levels)
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
    let send = {
        let calls = calls.clone();
        Arc::new(move |which: usize| {
            let url = format!("{base}{}", calls[which].path);
            let client = client.clone();
            async move {
                match client.get(&url).send().await {
                    Ok(r) => {
                        let status = r.status();
                        // Read the whole body: the client pays for it too.
                        r.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                }
            }
        })
    };
    let mut levels = Vec::new();
    let mut errors = 0;
    if !args.no_http {
        println!("ckan-search over HTTP:\n\n{LEVEL_HEADER}");
        for &c in &args.concurrency {
            let level = runtime.block_on(run_level(
                send.clone(),
                calls.len(),
                c.max(1),
                args.requests,
                Duration::from_secs(args.seconds),
            ));
            println!("{}", level_row(&level));
            errors += level.errors();
            levels.push(level);
        }
        if args.per_query {
            if let Some(level) = levels.last() {
                report_per_query(level, &calls);
            }
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
    if let Some(url) = &args.pg {
        let baseline = run_baseline(&runtime, &args, url)?;
        errors += baseline.iter().map(Level::errors).sum::<usize>();
        let pg_mix = pg_baseline::baseline_mix();
        for (http, pg) in levels.iter().zip(&baseline) {
            report_comparison(http, &calls, pg, &pg_mix);
        }
    }
    if errors > 0 {
        anyhow::bail!("{errors} requests failed");
    }
    Ok(())
}
