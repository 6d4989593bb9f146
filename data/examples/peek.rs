fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let cfg = ckan_search_data::GeneratorConfig::new(n, 42);
    let t = std::time::Instant::now();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let s = ckan_search_data::generate(&cfg, &mut out).unwrap();
    drop(out);
    eprintln!("{:?} in {:?} = {:.0}/s", s, t.elapsed(), n as f64 / t.elapsed().as_secs_f64());
}
