//! What do the registered analysers produce, end to end, for CKAN-like values?
//!
//! Expected token lists are derived from Lucene's rules (see the sibling modules) and the
//! Porter2 stems of the words involved.

use std::io::Write;

use super::*;

fn manager(config: &AnalysisConfig) -> TokenizerManager {
    let manager = TokenizerManager::new();
    register_ckan_analyzers(&manager, config);
    manager
}

fn default_manager() -> TokenizerManager {
    manager(&AnalysisConfig::default())
}

fn tp(tokens: &[(&str, usize)]) -> Vec<(String, usize)> {
    tokens.iter().map(|&(t, p)| (t.to_string(), p)).collect()
}

/// Asserts index and query tokens of `text` for one analyser pair.
fn check(
    m: &TokenizerManager,
    (index, query): (&str, &str),
    text: &str,
    want_index: &[(&str, usize)],
    want_query: &[(&str, usize)],
) {
    assert_eq!(analyze(m, index, text), tp(want_index), "{index} {text:?}");
    assert_eq!(analyze(m, query, text), tp(want_query), "{query} {text:?}");
}

const TEXT_PAIR: (&str, &str) = (TEXT, TEXT_QUERY);
const GENERAL_PAIR: (&str, &str) = (TEXT_GENERAL, TEXT_GENERAL_QUERY);

#[test]
fn wifi_hotspots_2019() {
    let m = default_manager();
    // Wi|Fi (case change) - Hotspots|2019 (letter→digit); index adds the word run "WiFiHotspots"
    // at the first part's position; "2019" is a run of one number part, so no catenation.
    check(
        &m,
        TEXT_PAIR,
        "WiFi-Hotspots2019",
        &[
            ("wifihotspot", 0),
            ("wi", 0),
            ("fi", 1),
            ("hotspot", 2),
            ("2019", 3),
        ],
        &[("wi", 0), ("fi", 1), ("hotspot", 2), ("2019", 3)],
    );
    // text_general: no case split, no stemming.
    check(
        &m,
        GENERAL_PAIR,
        "WiFi-Hotspots2019",
        &[
            ("wifihotspots", 0),
            ("wifi", 0),
            ("hotspots", 1),
            ("2019", 2),
        ],
        &[("wifi", 0), ("hotspots", 1), ("2019", 2)],
    );
}

#[test]
fn fords_crossings() {
    let m = default_manager();
    // "'s" is a possessive (removed), "crossings" → Porter2 "cross".
    check(
        &m,
        TEXT_PAIR,
        "Ford's crossings",
        &[("ford", 0), ("cross", 1)],
        &[("ford", 0), ("cross", 1)],
    );
    check(
        &m,
        GENERAL_PAIR,
        "Ford's crossings",
        &[("ford", 0), ("crossings", 1)],
        &[("ford", 0), ("crossings", 1)],
    );
}

#[test]
fn cafe_mueller() {
    let m = default_manager();
    // Accented letters are letters; stemmed with accents (no change), then folded.
    check(
        &m,
        TEXT_PAIR,
        "café Müller",
        &[("cafe", 0), ("muller", 1)],
        &[("cafe", 0), ("muller", 1)],
    );
    // text_general has no ASCIIFolding.
    check(
        &m,
        GENERAL_PAIR,
        "café Müller",
        &[("café", 0), ("müller", 1)],
        &[("café", 0), ("müller", 1)],
    );
}

#[test]
fn e_on() {
    let m = default_manager();
    check(
        &m,
        TEXT_PAIR,
        "E.ON",
        &[("eon", 0), ("e", 0), ("on", 1)],
        &[("e", 0), ("on", 1)],
    );
    check(
        &m,
        GENERAL_PAIR,
        "E.ON",
        &[("eon", 0), ("e", 0), ("on", 1)],
        &[("e", 0), ("on", 1)],
    );
}

#[test]
fn co2_emissions() {
    let m = default_manager();
    // CO|2 split on the letter→digit change; single-part runs are not catenated.
    check(
        &m,
        TEXT_PAIR,
        "CO2 emissions",
        &[("co", 0), ("2", 1), ("emiss", 2)],
        &[("co", 0), ("2", 1), ("emiss", 2)],
    );
    check(
        &m,
        GENERAL_PAIR,
        "CO2 emissions",
        &[("co", 0), ("2", 1), ("emissions", 2)],
        &[("co", 0), ("2", 1), ("emissions", 2)],
    );
}

#[test]
fn nhs111() {
    let m = default_manager();
    // Porter2 keeps the "s" of "nhs" (no vowel before it).
    check(
        &m,
        TEXT_PAIR,
        "NHS111",
        &[("nhs", 0), ("111", 1)],
        &[("nhs", 0), ("111", 1)],
    );
    check(
        &m,
        GENERAL_PAIR,
        "NHS111",
        &[("nhs", 0), ("111", 1)],
        &[("nhs", 0), ("111", 1)],
    );
}

#[test]
fn url() {
    let m = default_manager();
    let url = "https://data.gov.uk/dataset/abc-123";
    let parts = [
        ("https", 0),
        ("data", 1),
        ("gov", 2),
        ("uk", 3),
        ("dataset", 4),
        ("abc", 5),
        ("123", 6),
    ];
    let mut index = vec![("httpsdatagovukdatasetabc", 0)];
    index.extend(parts);
    check(&m, TEXT_PAIR, url, &index, &parts);
    check(&m, GENERAL_PAIR, url, &index, &parts);
}

#[test]
fn brown_field() {
    let m = default_manager();
    check(
        &m,
        TEXT_PAIR,
        "brown-field",
        &[("brownfield", 0), ("brown", 0), ("field", 1)],
        &[("brown", 0), ("field", 1)],
    );
    // So the query "brownfield" matches a document saying "brown-field".
    assert_eq!(
        analyze(&m, TEXT_QUERY, "brownfield"),
        tp(&[("brownfield", 0)])
    );
}

#[test]
fn hospitals() {
    let m = default_manager();
    check(
        &m,
        TEXT_PAIR,
        "hospitals",
        &[("hospit", 0)],
        &[("hospit", 0)],
    );
    check(
        &m,
        GENERAL_PAIR,
        "hospitals",
        &[("hospitals", 0)],
        &[("hospitals", 0)],
    );
}

#[test]
fn dropped_punctuation_leaves_one_position_at_index_time() {
    let m = default_manager();
    // FlattenGraph collapses the hole to one position; the query side keeps the full gap.
    assert_eq!(
        analyze(&m, TEXT, "roads - -- & rail"),
        tp(&[("road", 0), ("rail", 2)])
    );
    assert_eq!(
        analyze(&m, TEXT_QUERY, "roads - -- & rail"),
        tp(&[("road", 0), ("rail", 4)])
    );
}

#[test]
fn ngram_whole_value() {
    let m = default_manager();
    assert_eq!(
        analyze(&m, TEXT_NGRAM, "River"),
        tp(&[
            ("ri", 0),
            ("riv", 1),
            ("rive", 2),
            ("river", 3),
            ("iv", 4),
            ("ive", 5),
            ("iver", 6),
            ("ve", 7),
            ("ver", 8),
            ("er", 9),
        ])
    );
    // Spaces are part of the grams.
    let grams: Vec<String> = analyze(&m, TEXT_NGRAM, "A Bc")
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(grams, ["a ", "a b", "a bc", " b", " bc", "bc"]);
    // Never longer than 10 code points.
    let grams = analyze(&m, TEXT_NGRAM, "abcdefghijkl");
    assert_eq!(grams.len(), 63);
    assert!(grams
        .iter()
        .all(|(g, _)| (2..=10).contains(&g.chars().count())));
    assert!(!grams.iter().any(|(g, _)| g == "abcdefghijk"));
    // Query side: whitespace + lowercase only.
    assert_eq!(
        analyze(&m, TEXT_NGRAM_QUERY, "RIVER Thames-side"),
        tp(&[("river", 0), ("thames-side", 1)])
    );
}

const GB_SYNONYMS: &str = "# Solr _default example\nGB,gib,gigabyte,gigabytes\n";

#[test]
fn synonyms_expand_at_query_time_only() {
    let config = AnalysisConfig::from_strs(GB_SYNONYMS, "").unwrap();
    let m = manager(&config);
    // Alternatives first, then the original, all on one position; then stemmed.
    assert_eq!(
        analyze(&m, TEXT_QUERY, "GB"),
        tp(&[("gib", 0), ("gigabyt", 0), ("gigabyt", 0), ("gb", 0)])
    );
    assert_eq!(
        analyze(&m, TEXT_QUERY, "10 Gigabyte disk"),
        tp(&[
            ("10", 0),
            ("gb", 1),
            ("gib", 1),
            ("gigabyt", 1),
            ("gigabyt", 1),
            ("disk", 2),
        ])
    );
    assert_eq!(
        analyze(&m, TEXT_GENERAL_QUERY, "gib"),
        tp(&[("gb", 0), ("gigabyte", 0), ("gigabytes", 0), ("gib", 0)])
    );
    // Never at index time.
    assert_eq!(analyze(&m, TEXT, "GB"), tp(&[("gb", 0)]));
    assert_eq!(analyze(&m, TEXT_GENERAL, "GB"), tp(&[("gb", 0)]));
}

#[test]
fn multi_word_synonyms_keep_lucene_positions_and_lengths() {
    let config = AnalysisConfig::from_strs("uk, united kingdom\n", "").unwrap();
    let m = manager(&config);
    assert_eq!(
        analyze(&m, TEXT_QUERY, "UK data"),
        tp(&[("unit", 0), ("uk", 0), ("kingdom", 1), ("data", 2)])
    );
    let lengths: Vec<(String, usize)> = analyze_tokens(&m, TEXT_QUERY, "UK data")
        .into_iter()
        .map(|t| (t.text, t.position_length))
        .collect();
    assert_eq!(
        lengths,
        tp(&[("unit", 1), ("uk", 2), ("kingdom", 1), ("data", 1)])
    );
}

#[test]
fn protected_words_are_not_stemmed() {
    let config = AnalysisConfig::from_strs("", "# protwords\nhospitals\n  crossings  \n").unwrap();
    let m = manager(&config);
    assert_eq!(analyze(&m, TEXT, "Hospitals"), tp(&[("hospitals", 0)]));
    assert_eq!(
        analyze(&m, TEXT_QUERY, "hospitals"),
        tp(&[("hospitals", 0)])
    );
    assert_eq!(analyze(&m, TEXT, "crossings"), tp(&[("crossings", 0)]));
    assert_eq!(analyze(&m, TEXT, "emissions"), tp(&[("emiss", 0)]));
    // Solr compares protected words case-sensitively with the lowercased token.
    let config = AnalysisConfig::from_strs("", "Hospitals\n").unwrap();
    assert_eq!(
        analyze(&manager(&config), TEXT, "Hospitals"),
        tp(&[("hospit", 0)])
    );
}

#[test]
fn config_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let syn_path = dir.path().join("synonyms.txt");
    let prot_path = dir.path().join("protwords.txt");
    std::fs::File::create(&syn_path)
        .and_then(|mut f| f.write_all(GB_SYNONYMS.as_bytes()))
        .unwrap();
    std::fs::File::create(&prot_path)
        .and_then(|mut f| f.write_all(b"hospitals\n"))
        .unwrap();
    let config = AnalysisConfig::from_files(Some(&syn_path), Some(&prot_path)).unwrap();
    assert_eq!(config.synonyms().len(), 4);
    assert!(config.protected_words().contains("hospitals"));
    let none = AnalysisConfig::from_files(None, None).unwrap();
    assert!(none.synonyms().is_empty() && none.protected_words().is_empty());

    let missing = dir.path().join("nope.txt");
    let err = AnalysisConfig::from_files(Some(&missing), None).unwrap_err();
    assert!(matches!(err, AnalysisError::Read { .. }), "{err}");

    std::fs::write(&syn_path, "a, b\n\nx => y => z\n").unwrap();
    match AnalysisConfig::from_files(Some(&syn_path), None) {
        Err(AnalysisError::BadLine { line, file, .. }) => {
            assert_eq!(line, 3);
            assert!(file.ends_with("synonyms.txt"));
        }
        other => panic!("expected a bad line, got {other:?}"),
    }
}

#[test]
fn multiterm_normalisation() {
    assert_eq!(normalize_multiterm("Café-MÜLLER*"), "cafe-muller*");
    assert_eq!(normalize_multiterm(""), "");
    assert_eq!(normalize_multiterm_for(TEXT_QUERY, "Crème"), "creme");
    assert_eq!(normalize_multiterm_for(TEXT_GENERAL, "Crème"), "crème");
    assert_eq!(normalize_multiterm_for(STRING, "Crème"), "Crème");
}

#[test]
fn registers_raw_without_replacing_it() {
    let m = TokenizerManager::new();
    register_ckan_analyzers(&m, &AnalysisConfig::default());
    assert_eq!(analyze(&m, STRING, "Big Data"), tp(&[("Big Data", 0)]));
    assert!(analyze(&m, "no-such-analyser", "x").is_empty());
}

/// Deterministic xorshift, so the junk test needs no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PALETTE: &[char] = &[
    'a', 'Z', 'e', 's', 'S', '0', '9', '\'', '’', '-', '.', '/', ':', ' ', '\t', '\n', '\u{3000}',
    '\u{00A0}', '\u{0}', 'é', 'Ü', 'ß', 'İ', 'ǅ', 'ʰ', '\u{301}', '\u{94D}', '中', '٣', 'Ⅻ', '²',
    'Ⓐ', '😀', '𝔘', '\u{FEFF}', '\u{200D}', '#', ',', '=', '>', '\\',
];

fn junk(rng: &mut Rng, max_len: usize) -> String {
    let len = rng.below(max_len + 1);
    (0..len)
        .map(|_| {
            if rng.below(4) == 0 {
                // Any scalar value.
                char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?')
            } else {
                PALETTE[rng.below(PALETTE.len())]
            }
        })
        .collect()
}

#[test]
fn random_unicode_junk_never_panics_and_stays_well_formed() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let config = AnalysisConfig::from_strs("a, b c, é\nS => s s s\n中, 😀\n", "a\nss\n").unwrap();
    let managers = [default_manager(), manager(&config)];
    let analyzers = [
        TEXT,
        TEXT_QUERY,
        TEXT_GENERAL,
        TEXT_GENERAL_QUERY,
        TEXT_NGRAM,
        TEXT_NGRAM_QUERY,
        STRING,
    ];
    let mut inputs: Vec<String> = (0..1500).map(|_| junk(&mut rng, 40)).collect();
    inputs.extend((0..5).map(|_| junk(&mut rng, 3000)));
    inputs.extend([
        String::new(),
        "'s".into(),
        "''''ss''s's".into(),
        "- -- ... !!!".into(),
        "a".repeat(100_000),
        "Ab1-".repeat(2000),
    ]);
    for text in &inputs {
        for m in &managers {
            for analyzer in analyzers {
                let tokens = analyze_tokens(m, analyzer, text);
                let mut last = 0;
                for t in &tokens {
                    // tantivy needs positions that never go back within a value.
                    assert!(t.position >= last, "{analyzer} {text:?}: {tokens:?}");
                    last = t.position;
                    assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len());
                    assert!(text.is_char_boundary(t.offset_from));
                    assert!(text.is_char_boundary(t.offset_to));
                    if analyzer != STRING {
                        assert!(!t.text.is_empty(), "{analyzer} {text:?}");
                    }
                }
            }
        }
        let _ = normalize_multiterm(text);
    }
}

#[test]
fn tantivy_indexes_and_finds_analysed_text() {
    use tantivy::collector::Count;
    use tantivy::query::{PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, Index, Term};

    let mut builder = Schema::builder();
    let options = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let text = builder.add_text_field("text", options(TEXT));
    let ngram = builder.add_text_field("title_ngram", options(TEXT_NGRAM));
    let index = Index::create_in_ram(builder.build());
    register_ckan_analyzers(index.tokenizers(), &AnalysisConfig::default());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    writer
        .add_document(doc!(text => "Wi-Fi hotspots near NHS hospitals", ngram => "River Thames"))
        .unwrap();
    // Junk must index without tripping tantivy's position bookkeeping.
    let mut rng = Rng(42);
    for _ in 0..300 {
        let value = junk(&mut rng, 60);
        writer
            .add_document(doc!(text => value.clone(), ngram => value))
            .unwrap();
    }
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    let count = |query: &dyn tantivy::query::Query| searcher.search(query, &Count).unwrap();
    let term = |field, word: &str| Term::from_field_text(field, word);

    let by_term = TermQuery::new(term(text, "hospit"), IndexRecordOption::Basic);
    assert_eq!(count(&by_term), 1);
    let catenated = TermQuery::new(term(text, "wifi"), IndexRecordOption::Basic);
    assert_eq!(count(&catenated), 1);
    // "wi fi hotspot" as a phrase: parts sit on consecutive positions.
    let phrase = PhraseQuery::new(vec![
        term(text, "wi"),
        term(text, "fi"),
        term(text, "hotspot"),
    ]);
    assert_eq!(count(&phrase), 1);
    let gram = TermQuery::new(term(ngram, "r tha"), IndexRecordOption::Basic);
    assert_eq!(count(&gram), 1);
}
