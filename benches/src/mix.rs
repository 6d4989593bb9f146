//! The fixed query mix every benchmark and the load test run: CKAN's requests (package_search
//! as CKAN sends it to Solr, the home page), Find's, and the GOV.UK manual's.

/// 2026-11-25T12:00:00Z, the generator's reference time.
pub const NOW_MS: i64 = 1_795_608_000_000;

const CKAN_FACETS: &[(&str, &str)] = &[
    ("facet", "true"),
    ("facet.field", "organization"),
    ("facet.field", "groups"),
    ("facet.field", "tags"),
    ("facet.field", "res_format"),
    ("facet.field", "license_id"),
    ("facet.limit", "50"),
    ("facet.mincount", "1"),
];

const CKAN_FQ: &[(&str, &str)] = &[
    ("fq", "+capacity:public +state:(active)"),
    ("fq", "+site_id:\"default\""),
    ("fq", "+permission_labels:(\"public\")"),
    ("df", "text"),
    ("q.op", "AND"),
];

/// The mix: (name, Solr `select` parameters) — what CKAN, Find and the GOV.UK manual send.
pub fn query_mix() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let dismax: Vec<(&str, &str)> = vec![
        ("defType", "dismax"),
        ("qf", "name^4 title^4 tags^2 groups^2 text"),
        ("mm", "2<-1 5<80%"),
        ("tie", "0.1"),
        ("sort", "score desc, metadata_modified desc"),
        ("rows", "11"),
        ("fl", "id validated_data_dict"),
    ];
    let with = |base: &[(&'static str, &'static str)], more: &[&[(&'static str, &'static str)]]| {
        let mut v = base.to_vec();
        for m in more {
            v.extend_from_slice(m);
        }
        v
    };
    vec![
        ("match_all_count", vec![("q", "*:*"), ("rows", "0")]),
        ("ckan_package_search", with(&[("q", "flood risk")], &[&dismax, CKAN_FQ, CKAN_FACETS])),
        (
            "ckan_home_page",
            with(&[("q", "*:*"), ("fq", "capacity:\"public\""), ("rows", "4"), ("sort", "view_recent desc")], &[CKAN_FACETS]),
        ),
        (
            "find_keyword_3_facets",
            vec![
                ("q", "(title:(transport data)^2 OR notes:(transport data)) AND NOT site_id:dgu_organisations.*"),
                ("fq", "state:active"),
                ("fq", "type:dataset"),
                ("q.op", "OR"),
                ("sow", "true"),
                ("rows", "20"),
                ("facet", "true"),
                ("facet.field", "organization"),
                ("facet.field", "extras_theme-primary"),
                ("facet.field", "res_format"),
                ("f.organization.facet.limit", "3000"),
                ("facet.mincount", "1"),
            ],
        ),
        ("name_lookup", with(&[("q", "name:\"river-levels\" OR id:\"river-levels\""), ("rows", "1")], &[CKAN_FQ])),
        ("modified_last_week", with(&[("q", "metadata_modified:[NOW-7DAY/DAY TO NOW]"), ("rows", "20")], &[CKAN_FQ])),
        (
            "manual_harvested",
            with(&[("q", "state:active and extras_harvest_object_id:[\"\" TO *] and dataset_type:dataset"), ("rows", "20")], &[CKAN_FQ]),
        ),
        ("manual_not_harvested", with(&[("q", "-extras_harvest_object_id:*"), ("rows", "20")], &[CKAN_FQ])),
        ("find_csv_filter", vec![("q", "*:*"), ("fq", "res_format:\"CSV\"OR res_format:\".csv\""), ("rows", "20")]),
        ("find_ogl_filter", vec![("q", "*:*"), ("fq", "license_id:(uk-ogl OGL-UK-* ogl)"), ("rows", "20")]),
    ]
}
