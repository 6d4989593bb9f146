//! What do the six analysers produce for CKAN-like values? (end-to-end expectations)
use super::*;

#[test]
fn dump() {
    let m = TokenizerManager::default();
    register_ckan_analyzers(&m, &AnalysisConfig::default());
    for input in ["WiFi-Hotspots2019", "Ford's crossings", "café Müller", "E.ON", "CO2 emissions", "NHS111", "https://data.gov.uk/dataset/abc-123", "brown-field", "hospitals"] {
        for a in [TEXT, TEXT_QUERY, TEXT_GENERAL, TEXT_GENERAL_QUERY] {
            println!("{input:?} {a}: {:?}", analyze(&m, a, input));
        }
    }
}
