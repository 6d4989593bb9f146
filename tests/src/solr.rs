//! Solr's JSON answers read back, and the parameters data.gov.uk's Find sends
//! (clients-and-scale.md §1.2).

use serde_json::Value;

/// What Find's dataset search sends after `q` and its filters, before `wt`.
pub const FIND_SEARCH: [(&str, &str); 4] = [
    ("q.op", "OR"),
    ("sow", "true"),
    ("rows", "20"),
    ("fl", "id name title organization notes metadata_modified metadata_created extras_theme-primary res_format validated_data_dict extras_licence"),
];

/// Find's three facets: publishers (all of them), topic and format, most first.
pub const FIND_FACETS: [(&str, &str); 7] = [
    ("facet", "true"),
    ("facet.field", "organization"),
    ("facet.field", "extras_theme-primary"),
    ("facet.field", "res_format"),
    ("f.organization.facet.limit", "3000"),
    ("facet.sort", "count"),
    ("facet.mincount", "1"),
];

/// `response.numFound` of a select answer.
pub fn num_found(body: &Value) -> u64 {
    body["response"]["numFound"].as_u64().expect("numFound")
}

/// A facet field's flat `[value, count, value, count, …]` list as pairs, in its order.
pub fn flat_counts(list: &Value) -> Vec<(String, u64)> {
    list.as_array()
        .expect("flat facet list")
        .chunks(2)
        .map(|pair| {
            (
                pair[0].as_str().expect("facet value").to_string(),
                pair[1].as_u64().expect("facet count"),
            )
        })
        .collect()
}
