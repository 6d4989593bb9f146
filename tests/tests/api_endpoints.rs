//! The rest of CKAN's read API served from the index: `package_show`, `organization_list`,
//! `organization_show`, `status_show`, the legacy `/api/1|2/search/dataset` of CKAN ≤ 2.8,
//! and the `ext_cursor` walk of `package_search`, over a generated catalogue (with
//! private, draft and deleted datasets) plus data.gov.uk organisation documents. Expected
//! dicts, counts, ids and orders are computed here from the package dicts and the
//! generator's publishers; key orders and messages are real CKAN's (2.12, and 2.8.12's
//! code for the legacy API), never the server's.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use ckan_search_data::{Generator, GeneratorConfig, Organisation};
use ckan_search_indexer::document::package::{
    index_id, package_to_solr, python_json_dumps, PackageAction, PackageOptions,
};
use ckan_search_tests::catalogue::{
    each_str, millis, public_active, s, with_people, without_pii, Catalogue,
};
use ckan_search_tests::http::{client, commit_json, get, get_as, post, send, Reply};
use ckan_search_tests::{indexable, open_store, CkanApiServers, TestServer};
use serde_json::{json, Map, Value};

const DATASETS: usize = 1_500;
const SEED: u64 = 4242;
const ORGANISATIONS: usize = 30;
/// Every this-many-th dataset gets an author and a maintainer, for PII stripping.
const WITH_PEOPLE_EVERY: usize = 37;
const TOKEN: &str = "sysadmin-token-for-api-endpoint-tests";
const SITE_URL: &str = "https://ckan.example.gov.uk";
/// data.gov.uk's organisation documents' site id.
const ORG_SITE: &str = "dgu_organisations_2";
/// An organisation known only from its organisation document.
const DOC_ONLY_ID: &str = "0f5b8c1e-0000-4000-8000-00000000d0c0";
const DOC_ONLY_NAME: &str = "aardvark-records-office";
const DOC_ONLY_TITLE: &str = "Aardvark Records Office";

struct Fixture {
    /// The catalogue, served with CKAN's defaults and with data.gov.uk's settings.
    api: CkanApiServers,
    /// The publishers.
    orgs: Vec<Organisation>,
    /// The publisher whose organisation document adds extras.
    documented: Organisation,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let config = GeneratorConfig {
            organisations: ORGANISATIONS,
            ..GeneratorConfig::new(DATASETS, SEED)
        };
        let generator = Generator::new(&config);
        let catalogue = Catalogue::publish(with_people(
            generator.packages(),
            WITH_PEOPLE_EVERY,
            "ada@example.gov.uk",
        ));
        let api = CkanApiServers::start(catalogue, SITE_URL, TOKEN);

        let orgs = generator.organisations().to_vec();
        let owners: HashSet<&str> = api
            .all
            .iter()
            .filter(|p| indexable(p))
            .map(|p| s(p, "owner_org"))
            .collect();
        let documented = orgs
            .iter()
            .find(|o| owners.contains(o.id.as_str()))
            .expect("a publisher with datasets")
            .clone();
        // What `ckan datagovuk reindex-organisations` adds (no index_id).
        let docs = json!([
            {"site_id": ORG_SITE, "id": documented.id, "name": documented.name,
             "title": documented.title, "extras_contact-email": documented.contact_email,
             "extras_foi-name": documented.foi_name},
            {"site_id": ORG_SITE, "id": DOC_ONLY_ID, "name": DOC_ONLY_NAME,
             "title": DOC_ONLY_TITLE, "extras_contact-email": "records@aardvark.example.gov.uk"},
        ]);
        commit_json(&api.plain, &docs);
        // The second server's reader follows the commit on its own schedule.
        for server in [&api.plain, &api.dgu] {
            while server
                .select(&[
                    ("q", "*:*"),
                    ("fq", "site_id:dgu_organisations*"),
                    ("rows", "0"),
                ])
                .1["response"]["numFound"]
                != 2
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        Fixture {
            api,
            orgs,
            documented,
        }
    })
}

// ---- HTTP ------------------------------------------------------------------------------

fn action(name: &str) -> String {
    format!("/api/3/action/{name}")
}

fn help(server: &TestServer, name: &str) -> String {
    let base = if std::ptr::eq(server, &fixture().api.dgu) {
        SITE_URL.to_string()
    } else {
        server.base.clone()
    };
    format!("{base}/api/3/action/help_show?name={name}")
}

/// CKAN's failure envelope for `name`, as the exact text CKAN writes.
fn failure_text(server: &TestServer, name: &str, error: Value) -> String {
    python_json_dumps(&json!({"help": help(server, name), "error": error, "success": false}))
}

fn assert_failure(reply: &Reply, status: u16, server: &TestServer, name: &str, error: Value) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    assert_eq!(reply.text, failure_text(server, name, error));
}

/// A GET of action `name` with `params` on the plain server fails with `status` and `error`.
fn assert_get_fails(name: &str, params: &[(&str, &str)], status: u16, error: Value) {
    let plain = &fixture().api.plain;
    assert_failure(
        &get(plain, &action(name), params),
        status,
        plain,
        name,
        error,
    );
}

/// The exact text of a successful envelope holding `result`.
fn success_text(server: &TestServer, name: &str, result: &Value) -> String {
    python_json_dumps(&json!({"help": help(server, name), "success": true, "result": result}))
}

// ---- what the package dicts say ----------------------------------------------------------

fn active(p: &Value) -> bool {
    s(p, "state") == "active"
}

fn indexed() -> impl Iterator<Item = &'static Value> {
    fixture().api.all.iter().filter(|p| indexable(p))
}

fn first(filter: impl Fn(&Value) -> bool) -> &'static Value {
    fixture()
        .api
        .all
        .iter()
        .find(|p| filter(p))
        .expect("a dataset of that kind")
}

/// The publishers the index shows: owners of indexed datasets, plus the document-only one.
struct OrgRow {
    id: String,
    name: String,
    title: String,
    /// The `organization` object the datasets carry (None for the document-only one).
    dict: Option<Value>,
    active: u64,
    public: u64,
}

fn visible_orgs() -> Vec<OrgRow> {
    let f = fixture();
    let mut rows: Vec<OrgRow> = f
        .orgs
        .iter()
        .filter(|o| indexed().any(|p| s(p, "owner_org") == o.id))
        .map(|o| {
            let owned = || indexed().filter(|p| s(p, "owner_org") == o.id);
            OrgRow {
                id: o.id.clone(),
                name: o.name.clone(),
                title: o.title.clone(),
                dict: Some(o.package_show_dict()),
                active: owned().filter(|p| active(p)).count() as u64,
                public: owned().filter(|p| public_active(p)).count() as u64,
            }
        })
        .collect();
    rows.push(OrgRow {
        id: DOC_ONLY_ID.into(),
        name: DOC_ONLY_NAME.into(),
        title: DOC_ONLY_TITLE.into(),
        dict: None,
        active: 0,
        public: 0,
    });
    rows
}

fn names_by<K: Ord>(mut rows: Vec<OrgRow>, key: impl Fn(&OrgRow) -> K) -> Vec<String> {
    rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name)));
    rows.into_iter().map(|r| r.name).collect()
}

/// An organisation as CKAN 2.12's `organization_show` / `all_fields` lays it out: plain
/// keys sorted, then non-empty lists, then empty ones (observed on a real CKAN).
fn shown_org(
    row: &OrgRow,
    count: Option<u64>,
    extras: Option<Vec<Value>>,
    lists: &[&str],
) -> Value {
    let dict = row.dict.clone().unwrap_or_else(|| {
        json!({"id": row.id, "name": row.name, "title": row.title, "type": "organization",
               "description": "", "image_url": "", "created": null, "is_organization": true,
               "approval_status": "approved", "state": "active"})
    });
    let mut plain: Vec<(String, Value)> = dict.as_object().unwrap().clone().into_iter().collect();
    plain.push(("display_name".into(), json!(row.title)));
    plain.push(("image_display_url".into(), json!("")));
    plain.push(("num_followers".into(), json!(0)));
    if let Some(n) = count {
        plain.push(("package_count".into(), json!(n)));
    }
    plain.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Map<String, Value> = plain.into_iter().collect();
    let mut empty: Vec<&str> = Vec::new();
    if let Some(extras) = extras {
        if extras.is_empty() {
            empty.push("extras");
        } else {
            out.insert("extras".into(), Value::Array(extras));
        }
    }
    empty.extend(lists);
    for key in empty {
        out.insert(key.into(), json!([]));
    }
    Value::Object(out)
}

fn documented_extras() -> Vec<Value> {
    let d = &fixture().documented;
    vec![
        json!({"key": "contact-email", "value": d.contact_email}),
        json!({"key": "foi-name", "value": d.foi_name}),
    ]
}

fn row_named(name: &str) -> OrgRow {
    visible_orgs().into_iter().find(|r| r.name == name).unwrap()
}

// ---- package_show ------------------------------------------------------------------------

#[test]
fn package_show_returns_the_stored_dict_by_id_or_name() {
    let f = fixture();
    let pkg = first(|p| public_active(p) && p["author"] == "Ada Lovelace");
    for (path, reference) in [
        ("/api/3/action/package_show", s(pkg, "id")),
        ("/api/3/action/package_show", s(pkg, "name")),
        ("/api/action/package_show", s(pkg, "name")),
    ] {
        let reply = get(&f.api.plain, path, &[("id", reference)]);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.text, success_text(&f.api.plain, "package_show", pkg));
    }
    // POST with a JSON body, as ckanapi and Publish's workers send it.
    let reply = post(
        &f.api.plain,
        &action("package_show"),
        "application/json",
        &json!({"id": s(pkg, "id")}).to_string(),
    );
    assert_eq!(reply.text, success_text(&f.api.plain, "package_show", pkg));
    // data.gov.uk strips the top-level PII keys (extras stay as they are).
    let reply = get(
        &f.api.dgu,
        &action("package_show"),
        &[("id", s(pkg, "name"))],
    );
    assert_eq!(
        reply.text,
        success_text(&f.api.dgu, "package_show", &without_pii(pkg))
    );
    // use_default_schema: the default-schema dict CKAN stores as `data_dict`.
    let PackageAction::Index(doc) = package_to_solr(pkg, &PackageOptions::default()).unwrap()
    else {
        panic!("indexed");
    };
    let default_schema: Value = serde_json::from_str(doc.0["data_dict"].as_str().unwrap()).unwrap();
    assert_ne!(
        default_schema, *pkg,
        "the catalogue has data.gov.uk's promoted extras"
    );
    let reply = get(
        &f.api.plain,
        &action("package_show"),
        &[("id", s(pkg, "id")), ("use_default_schema", "true")],
    );
    assert_eq!(
        reply.text,
        success_text(&f.api.plain, "package_show", &default_schema)
    );
    // JSONP.
    let reply = get(
        &f.api.plain,
        &action("package_show"),
        &[("id", s(pkg, "id")), ("callback", "show")],
    );
    assert_eq!(reply.content_type, "application/javascript;charset=utf-8");
    assert_eq!(
        reply.text,
        format!("show({});", success_text(&f.api.plain, "package_show", pkg))
    );
}

#[test]
fn package_show_answers_private_and_draft_datasets_as_ckan_does() {
    let f = fixture();
    let private = first(|p| active(p) && p["private"] == true);
    let draft = first(|p| s(p, "state") == "draft");
    for pkg in [private, draft] {
        let denied = json!({"__type": "Authorization Error",
            "message": format!("Access denied: User  not authorized to read package {}", s(pkg, "id"))});
        for reference in [s(pkg, "id"), s(pkg, "name")] {
            let reply = get(&f.api.plain, &action("package_show"), &[("id", reference)]);
            assert_failure(&reply, 403, &f.api.plain, "package_show", denied.clone());
        }
        // The sysadmin token sees it (PII stripped on data.gov.uk).
        let reply = get_as(
            &f.api.dgu,
            &action("package_show"),
            &[("id", s(pkg, "name"))],
            Some(TOKEN),
        );
        assert_eq!(
            reply.text,
            success_text(&f.api.dgu, "package_show", &without_pii(pkg))
        );
        // With `callback` CKAN runs the action anonymously, token or not.
        let reply = get_as(
            &f.api.dgu,
            &action("package_show"),
            &[("id", s(pkg, "name")), ("callback", "cb")],
            Some(TOKEN),
        );
        assert_failure(&reply, 403, &f.api.dgu, "package_show", denied);
    }
    // `name_or_id` finds the dataset, but CKAN's auth function wants `id`.
    let public = first(public_active);
    let reply = get(
        &f.api.plain,
        &action("package_show"),
        &[("name_or_id", s(public, "name"))],
    );
    assert_failure(
        &reply,
        409,
        &f.api.plain,
        "package_show",
        json!({"message": "Missing id, can not get Package object", "__type": "Validation Error"}),
    );
    // A sysadmin skips the auth function.
    let reply = get_as(
        &f.api.dgu,
        &action("package_show"),
        &[("name_or_id", s(private, "name"))],
        Some(TOKEN),
    );
    assert_eq!(
        reply.text,
        success_text(&f.api.dgu, "package_show", &without_pii(private))
    );
}

#[test]
fn package_show_errors_are_ckans() {
    let f = fixture();
    let missing = json!({"name_or_id": ["Missing value"], "__type": "Validation Error"});
    let not_found = json!({"__type": "Not Found Error", "message": "Not found"});
    let internal = json!({"__type": "Internal Server Error", "message": "Internal Server Error"});
    let show = action("package_show");
    assert_get_fails("package_show", &[], 409, missing.clone());
    assert_get_fails("package_show", &[("id", "")], 409, missing);
    assert_get_fails(
        "package_show",
        &[("id", "no-such-dataset")],
        404,
        not_found.clone(),
    );
    // A deleted dataset is not in the index.
    let deleted = first(|p| s(p, "state") == "deleted");
    assert_get_fails(
        "package_show",
        &[("id", s(deleted, "id"))],
        404,
        not_found.clone(),
    );
    let public = first(public_active);
    assert_get_fails(
        "package_show",
        &[("id", s(public, "id")), ("use_default_schema", "maybe")],
        500,
        internal.clone(),
    );
    let post_json = |body: Value| post(&f.api.plain, &show, "application/json", &body.to_string());
    assert_failure(
        &post_json(json!({"id": 5})),
        500,
        &f.api.plain,
        "package_show",
        internal,
    );
    assert_failure(
        &post_json(json!({"name_or_id": null})),
        404,
        &f.api.plain,
        "package_show",
        not_found,
    );
    // Unknown actions and versions are CKAN's too.
    let reply = get(&f.api.plain, "/api/3/action/package_shows", &[]);
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (400, "\"Bad request: Action name not known: package_shows\"")
    );
    assert_eq!(
        get(&f.api.plain, "/api/2/action/package_show", &[]).status,
        404
    );
}

// ---- organization_list -------------------------------------------------------------------

#[test]
fn organization_list_names_sort_filter_and_page_as_ckan() {
    let f = fixture();
    let list =
        |params: &[(&str, &str)]| get(&f.api.plain, &action("organization_list"), params).result();
    let by_title = names_by(visible_orgs(), |r| r.title.clone());
    assert_eq!(list(&[]), json!(by_title));
    assert_eq!(list(&[("sort", "title asc")]), json!(by_title));
    let mut reversed = names_by(visible_orgs(), |r| std::cmp::Reverse(r.title.clone()));
    assert_eq!(list(&[("sort", "title desc")]), json!(reversed));
    reversed = names_by(visible_orgs(), |r| std::cmp::Reverse(r.name.clone()));
    assert_eq!(list(&[("sort", "name desc")]), json!(reversed));
    assert_eq!(
        list(&[("order_by", "name")]),
        json!(names_by(visible_orgs(), |r| r.name.clone()))
    );
    // package_count: organisations with active datasets only (CKAN's SQL join), most first.
    let counted = || {
        visible_orgs()
            .into_iter()
            .filter(|r| r.active > 0)
            .collect::<Vec<_>>()
    };
    let most_first = names_by(counted(), |r| std::cmp::Reverse(r.active));
    assert_eq!(list(&[("sort", "package_count")]), json!(most_first));
    assert_eq!(list(&[("sort", "packages")]), json!(most_first));
    assert_eq!(
        list(&[("sort", "package_count asc")]),
        json!(names_by(counted(), |r| r.active))
    );
    // Paging: limit and offset after the sort; a "0" limit is a LIMIT 0, a JSON 0 none.
    assert_eq!(
        list(&[("limit", "3"), ("offset", "2")]),
        json!(by_title[2..5])
    );
    assert_eq!(list(&[("offset", "4")]), json!(by_title[4..]));
    assert_eq!(list(&[("limit", " 2 ")]), json!(by_title[..2]));
    assert_eq!(list(&[("limit", "0")]), json!([]));
    let posted = post(
        &f.api.plain,
        &action("organization_list"),
        "application/json",
        r#"{"limit": 0}"#,
    );
    assert_eq!(posted.result(), json!(by_title));
    // organizations=… (comma-separated or repeated) and q (ILIKE on name, title, description).
    let (a, b) = (&by_title[1], &by_title[3]);
    let both = format!("{b},{a}");
    assert_eq!(list(&[("organizations", &both)]), json!([a, b]));
    assert_eq!(
        list(&[("organizations", b), ("organizations", a)]),
        json!([a, b])
    );
    // The longest word of one title, in capitals: ILIKE ignores case.
    let needle = row_named(&by_title[2])
        .title
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .to_uppercase();
    let needle = needle.as_str();
    let matching: Vec<String> = by_title
        .iter()
        .filter(|name| {
            let row = row_named(name);
            let description = row
                .dict
                .as_ref()
                .map(|d| s(d, "description").to_string())
                .unwrap_or_default();
            [row.name.as_str(), row.title.as_str(), description.as_str()]
                .iter()
                .any(|t| t.to_lowercase().contains(&needle.to_lowercase()))
        })
        .cloned()
        .collect();
    assert!(
        !matching.is_empty() && matching.len() < by_title.len(),
        "{matching:?}"
    );
    assert_eq!(list(&[("q", needle)]), json!(matching));
    assert_eq!(list(&[("type", "group")]), json!([]));
    // The organisation known only from its document is listed.
    assert!(by_title.contains(&DOC_ONLY_NAME.to_string()));
}

#[test]
fn organization_list_all_fields_shows_each_organisation() {
    let f = fixture();
    let rows = {
        let mut rows = visible_orgs();
        rows.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.name.cmp(&b.name)));
        rows
    };
    // At most ckan.group_and_organization_list_all_fields_max (25), anonymous counts.
    let expected: Vec<Value> = rows
        .iter()
        .take(25)
        .map(|r| shown_org(r, Some(r.public), None, &[]))
        .collect();
    let reply = get(
        &f.api.plain,
        &action("organization_list"),
        &[("all_fields", "true")],
    );
    assert_eq!(
        reply.text,
        success_text(&f.api.plain, "organization_list", &json!(expected))
    );
    // A sysadmin's counts include private datasets; include_extras adds the extras.
    let documented = rows.iter().find(|r| r.id == f.documented.id).unwrap();
    let doc_only = rows.iter().find(|r| r.id == DOC_ONLY_ID).unwrap();
    let names = format!("{},{}", documented.name, doc_only.name);
    let reply = get_as(
        &f.api.dgu,
        &action("organization_list"),
        &[
            ("all_fields", "1"),
            ("include_extras", "true"),
            ("organizations", &names),
        ],
        Some(TOKEN),
    );
    let mut expected = vec![
        shown_org(
            documented,
            Some(documented.active),
            Some(documented_extras()),
            &[],
        ),
        shown_org(
            doc_only,
            Some(0),
            Some(vec![
                json!({"key": "contact-email", "value": "records@aardvark.example.gov.uk"}),
            ]),
            &[],
        ),
    ];
    if doc_only.title < documented.title {
        expected.reverse();
    }
    assert_eq!(
        reply.text,
        success_text(&f.api.dgu, "organization_list", &json!(expected))
    );
    // include_dataset_count=false drops package_count.
    let reply = get(
        &f.api.plain,
        &action("organization_list"),
        &[
            ("all_fields", "true"),
            ("limit", "1"),
            ("include_dataset_count", "false"),
        ],
    );
    assert_eq!(
        reply.result(),
        json!([shown_org(&rows[0], None, None, &[])])
    );
}

#[test]
fn organization_list_errors_are_ckans() {
    let check = |params: &[(&str, &str)], status: u16, error: Value| {
        assert_get_fails("organization_list", params, status, error);
    };
    let message = |m: &str| json!({"message": m, "__type": "Validation Error"});
    let internal = json!({"__type": "Internal Server Error", "message": "Internal Server Error"});
    check(
        &[("sort", "foo")],
        409,
        message("Cannot sort by field `foo`"),
    );
    check(
        &[("sort", "name up")],
        409,
        message("Invalid sort direction `up`"),
    );
    check(
        &[("sort", "name,title")],
        409,
        message("Too many sort criteria provided only 1 allowed"),
    );
    check(
        &[("limit", "x"), ("offset", "-1")],
        409,
        json!({"limit": ["Invalid integer"], "offset": ["Must be a natural number"], "__type": "Validation Error"}),
    );
    check(
        &[("limit", "1.5")],
        409,
        json!({"limit": ["Invalid integer"], "__type": "Validation Error"}),
    );
    check(&[("limit", "")], 500, internal.clone());
    check(&[("all_fields", "maybe")], 500, internal.clone());
    check(&[("sort", "packages asc")], 500, internal);
    check(
        &[("all_fields", "true"), ("include_extras", "maybe")],
        409,
        message("Parameter is not an bool"),
    );
}

// ---- organization_show -------------------------------------------------------------------

#[test]
fn organization_show_builds_ckans_dict_from_the_index() {
    let f = fixture();
    let documented = visible_orgs()
        .into_iter()
        .find(|r| r.id == f.documented.id)
        .unwrap();
    let show = action("organization_show");
    // Anonymous, by name and by id: extras from the organisation document; no members.
    let expected = shown_org(
        &documented,
        Some(documented.public),
        Some(documented_extras()),
        &["groups", "users"],
    );
    for reference in [&documented.name, &documented.id] {
        let reply = get(&f.api.plain, &show, &[("id", reference)]);
        assert_eq!(
            reply.text,
            success_text(&f.api.plain, "organization_show", &expected)
        );
    }
    // data.gov.uk turns users off; a sysadmin counts private datasets.
    let expected = shown_org(
        &documented,
        Some(documented.active),
        Some(documented_extras()),
        &["groups"],
    );
    let reply = get_as(&f.api.dgu, &show, &[("id", &documented.name)], Some(TOKEN));
    assert_eq!(
        reply.text,
        success_text(&f.api.dgu, "organization_show", &expected)
    );
    // An organisation without extras or datasets: empty lists go last, in CKAN's order.
    let bare = visible_orgs()
        .into_iter()
        .find(|r| r.id != f.documented.id && r.dict.is_some())
        .unwrap();
    let reply = get(
        &f.api.plain,
        &show,
        &[
            ("id", &bare.name),
            ("include_member_count", "true"),
            ("include_followers", "false"),
        ],
    );
    let mut expected = shown_org(
        &bare,
        Some(bare.public),
        Some(Vec::new()),
        &["groups", "users"],
    );
    let with_member_count = {
        let m = expected.as_object_mut().unwrap();
        let mut entries: Vec<(String, Value)> = m.clone().into_iter().collect();
        entries.insert(
            entries
                .iter()
                .position(|(k, _)| k.as_str() > "member_count")
                .unwrap(),
            ("member_count".into(), json!(0)),
        );
        Value::Object(entries.into_iter().collect())
    };
    assert_eq!(
        reply.text,
        success_text(&f.api.plain, "organization_show", &with_member_count)
    );
    // The document-only organisation.
    let doc_only = visible_orgs()
        .into_iter()
        .find(|r| r.id == DOC_ONLY_ID)
        .unwrap();
    let extras = vec![json!({"key": "contact-email", "value": "records@aardvark.example.gov.uk"})];
    expected = shown_org(&doc_only, Some(0), Some(extras), &["groups", "users"]);
    let reply = get(&f.api.plain, &show, &[("id", DOC_ONLY_NAME)]);
    assert_eq!(
        reply.text,
        success_text(&f.api.plain, "organization_show", &expected)
    );
}

#[test]
fn organization_show_include_datasets_lists_the_first_page() {
    let f = fixture();
    let row = visible_orgs().into_iter().max_by_key(|r| r.public).unwrap();
    assert!(row.public > 10);
    let reply = get(
        &f.api.plain,
        &action("organization_show"),
        &[("id", &row.name), ("include_datasets", "true")],
    );
    let shown = reply.result();
    assert_eq!(shown["package_count"], json!(row.public));
    // package_search's default sort; over `*:*` the scores tie, so newest first.
    let mut owned: Vec<&Value> = indexed()
        .filter(|p| s(p, "owner_org") == row.id && public_active(p))
        .collect();
    owned.sort_by_key(|p| std::cmp::Reverse(millis(s(p, "metadata_modified"))));
    let expected: Vec<&str> = owned.iter().take(10).map(|p| s(p, "name")).collect();
    let got = each_str(&shown["packages"], "name");
    assert_eq!(got, expected);
    // Each dataset's keys sorted, as CKAN's validation of the shown group leaves them.
    let package = &shown["packages"][0];
    let keys: Vec<&String> = package.as_object().unwrap().keys().collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort();
    assert_eq!(keys, sorted_keys);
    assert_eq!(package["resources"], owned[0]["resources"]);
    // Non-empty lists sorted, then the empty ones in the order CKAN added them.
    let top: Vec<&str> = shown
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let tail: &[&str] = if row.id == f.documented.id {
        &["extras", "packages", "groups", "users"]
    } else {
        &["packages", "extras", "groups", "users"]
    };
    assert_eq!(&top[top.len() - 4..], tail);
}

#[test]
fn organization_show_errors_are_ckans() {
    let f = fixture();
    let check = |params: &[(&str, &str)], status: u16, error: Value| {
        assert_get_fails("organization_show", params, status, error);
    };
    let documented = &f.documented.name;
    check(
        &[],
        409,
        json!({"id": ["Missing value"], "__type": "Validation Error"}),
    );
    check(
        &[("id", "")],
        404,
        json!({"__type": "Not Found Error", "message": "Not found"}),
    );
    check(
        &[("id", "no-such-org")],
        404,
        json!({"__type": "Not Found Error", "message": "Not found"}),
    );
    check(
        &[("id", documented), ("include_extras", "maybe")],
        409,
        json!({"message": "Parameter is not an bool", "__type": "Validation Error"}),
    );
    check(
        &[("id", documented), ("include_datasets", "maybe")],
        500,
        json!({"__type": "Internal Server Error", "message": "Internal Server Error"}),
    );
}

// ---- status_show -------------------------------------------------------------------------

#[test]
fn status_show_reports_ckans_keys_and_the_live_generation() {
    let f = fixture();
    let result = get(&f.api.dgu, &action("status_show"), &[]).result();
    let live = f.api.plain.live.get().unwrap();
    let info = open_store(f.api.dir.path()).info(live.id).unwrap();
    let datasets = indexed().count() as u64;
    let index_bytes = &result["ckan_search"]["generation"]["index_bytes"];
    assert!(index_bytes.as_u64().is_some_and(|b| b > 0), "{result}");
    let expected = json!({
        "site_title": "CKAN", "site_description": "", "site_url": SITE_URL,
        "error_emails_to": "", "locale_default": "en", "extensions": [],
        "ckan_version": "2.12.0",
        "ckan_search": {
            "version": env!("CARGO_PKG_VERSION"), "core": "ckan", "site_id": "default",
            "generation": {
                "id": live.id.to_string(), "published": info.created, "source": info.source,
                "build_seconds": info.seconds, "documents_at_publish": datasets,
                "index_bytes": index_bytes,
            },
            // The site's datasets and the two organisation documents.
            "documents": datasets + 2,
            "datasets": datasets,
        }
    });
    assert_eq!(python_json_dumps(&result), python_json_dumps(&expected));
}

// ---- the legacy search API ---------------------------------------------------------------

fn legacy(server: &TestServer, version: u8, params: &[(&str, &str)]) -> Reply {
    get(server, &format!("/api/{version}/search/dataset"), params)
}

fn legacy_ok(version: u8, params: &[(&str, &str)]) -> Value {
    let reply = legacy(&fixture().api.plain, version, params);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    // Python 2's dict order for these two keys.
    assert!(reply.text.starts_with("{\"count\": "), "{}", reply.text);
    reply.json()
}

#[test]
fn legacy_search_folds_legacy_parameters_as_ckan_2_8() {
    let f = fixture();
    let org = visible_orgs().into_iter().max_by_key(|r| r.public).unwrap();
    let public_of_org = || indexed().filter(|p| public_active(p) && s(p, "owner_org") == org.id);
    let mut names: Vec<&str> = public_of_org().map(|p| s(p, "name")).collect();
    names.sort();
    let count = names.len();
    // field=value becomes organization:<name>; v1 lists names, v2 ids.
    let v1 = legacy_ok(
        1,
        &[
            ("organization", &org.name),
            ("order_by", "name"),
            ("limit", "5"),
            ("offset", "2"),
        ],
    );
    assert_eq!(v1, json!({"count": count, "results": names[2..7]}));
    let by_name: HashMap<&str, &str> = public_of_org()
        .map(|p| (s(p, "name"), s(p, "id")))
        .collect();
    let v2 = legacy_ok(
        2,
        &[
            ("organization", &org.name),
            ("order_by", "name"),
            ("limit", "3"),
        ],
    );
    let ids: Vec<&str> = names[..3].iter().map(|n| by_name[n]).collect();
    assert_eq!(v2, json!({"count": count, "results": ids}));
    // `package` is the same register; default rows is 10.
    let reply = get(
        &f.api.plain,
        "/api/1/search/package",
        &[("organization", &org.name)],
    );
    assert_eq!(
        reply.json()["results"].as_array().unwrap().len(),
        10.min(count)
    );
    // tags=… become tags:"…" terms (escaped), ANDed with q.
    let free_tags = |p: &'static Value| {
        p["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["vocabulary_id"].is_null())
            .map(|t| s(t, "name"))
    };
    let tag = public_of_org()
        .find_map(|p| free_tags(p).next())
        .expect("a tagged dataset")
        .to_string();
    let tagged: usize = indexed()
        .filter(|p| public_active(p) && free_tags(p).any(|t| t == tag))
        .count();
    assert_eq!(
        legacy_ok(1, &[("tags", &tag), ("limit", "0")])["count"],
        json!(tagged)
    );
    // fq is replaced by +capacity:public: private datasets stay out whatever is asked.
    let all_public = indexed().filter(|p| public_active(p)).count();
    assert_eq!(
        legacy_ok(1, &[("fq", "capacity:private"), ("limit", "0")])["count"],
        json!(all_public)
    );
    // At most 1000 rows (CKAN 2.8's run()).
    let page = legacy_ok(1, &[("limit", "5000")]);
    assert_eq!(
        page["results"].as_array().unwrap().len(),
        1000.min(all_public)
    );
    // all_fields: the stored fields, extras_* folded into extras.
    let pkg = public_of_org().min_by_key(|p| s(p, "name")).unwrap();
    let reply = legacy_ok(1, &[("name", s(pkg, "name")), ("all_fields", "1")]);
    let doc = &reply["results"][0];
    assert_eq!(reply["count"], json!(1));
    assert_eq!(doc["id"], pkg["id"]);
    assert_eq!(doc["index_id"], json!(index_id(s(pkg, "id"), "default")));
    assert_eq!(doc["validated_data_dict"], json!(python_json_dumps(pkg)));
    assert!(
        doc.as_object()
            .unwrap()
            .keys()
            .all(|k| !k.starts_with("extras_")),
        "{doc}"
    );
    // (pysolr drops empty values, so only the non-empty extras are stored.)
    let ckan_extras: Vec<&str> = pkg["extras"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !s(e, "value").is_empty())
        .map(|e| s(e, "key"))
        .collect();
    assert!(!ckan_extras.is_empty());
    for key in ckan_extras {
        assert!(doc["extras"].get(key).is_some(), "extra {key} in {doc}");
    }
    // data.gov.uk's PII stripping reaches the stored dicts too.
    let with_people = first(|p| public_active(p) && p["author"] == "Ada Lovelace");
    let reply = legacy(
        &f.api.dgu,
        1,
        &[("name", s(with_people, "name")), ("all_fields", "true")],
    )
    .json();
    let stored: Value =
        serde_json::from_str(reply["results"][0]["validated_data_dict"].as_str().unwrap()).unwrap();
    assert_eq!(stored.get("author"), None);
    assert_eq!(reply["results"][0].get("author"), None);
}

#[test]
fn legacy_search_reads_qjson_json_keys_forms_and_wraps_jsonp() {
    let f = fixture();
    let org = visible_orgs().into_iter().max_by_key(|r| r.public).unwrap();
    let mut owned: Vec<(&str, &str)> = indexed()
        .filter(|p| public_active(p) && s(p, "owner_org") == org.id)
        .map(|p| (s(p, "name"), s(p, "id")))
        .collect();
    owned.sort();
    let count = owned.len();
    let expected = |n: usize| -> Value {
        let results: Vec<Value> = owned[..n]
            .iter()
            .map(|(name, id)| json!({"id": id, "name": name}))
            .collect();
        json!({"count": count, "results": results})
    };
    let qjson = json!({"q": format!("organization:{}", org.name), "fl": "id,name", "limit": 4, "order_by": "name"});
    // qjson wins over the other parameters; callback still wraps the answer.
    let reply = legacy(
        &f.api.plain,
        1,
        &[
            ("qjson", &qjson.to_string()),
            ("q", "ignored"),
            ("callback", "got<it>"),
        ],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/javascript;charset=utf-8");
    assert_eq!(
        reply.text,
        format!("got&lt;it&gt;({});", python_json_dumps(&expected(4)))
    );
    // A lone JSON key, and a form POST.
    let lone = format!(
        "{}={}",
        form_urlencoded::byte_serialize(qjson.to_string().as_bytes()).collect::<String>(),
        "1"
    );
    let reply = send(client().get(format!("{}/api/2/search/dataset?{lone}", f.api.plain.base)));
    assert_eq!(reply.json(), expected(4));
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("organization", org.name.as_str()),
            ("fl", "id,name"),
            ("limit", "2"),
            ("order_by", "name"),
        ])
        .finish();
    let reply = post(
        &f.api.plain,
        "/api/1/search/dataset",
        "application/x-www-form-urlencoded",
        &form,
    );
    assert_eq!(reply.json(), expected(2));
    // CKAN 2.8 folds `callback` itself into q: a plain JSONP search matches nothing.
    let reply = legacy(
        &f.api.plain,
        1,
        &[("organization", &org.name), ("callback", "cb")],
    );
    assert_eq!(reply.text, "cb({\"count\": 0, \"results\": []});");
}

#[test]
fn legacy_search_errors_are_ckan_2_8s() {
    let f = fixture();
    let bad = |version: u8, params: &[(&str, &str)], status: u16, message: &str| {
        let reply = legacy(&f.api.plain, version, params);
        assert_eq!(reply.status, status, "{}", reply.text);
        assert_eq!(reply.content_type, "application/json;charset=utf-8");
        assert_eq!(reply.text, python_json_dumps(&json!(message)));
    };
    bad(
        1,
        &[("filter_by_openness", "1")],
        400,
        "Bad request - Bad search option: Search option u'filter_by_openness' is not supported",
    );
    bad(
        2,
        &[("filter_by_downloadable", "true")],
        400,
        "Bad request - Bad search option: Search option u'filter_by_downloadable' is not supported",
    );
    bad(1, &[("limit", "ten")], 400,
        "Bad request - Bad search option: Value for search option u'limit' must be an integer but received u'ten'");
    bad(1, &[("offset", "1.5")], 400,
        "Bad request - Bad search option: Value for search option u'offset' must be an integer but received u'1.5'");
    bad(1, &[("all_fields", "perhaps")], 400,
        "Bad request - Bad search option: Value for search option u'all_fields' must be True or False (1 or 0) but received u'perhaps'");
    bad(1, &[("qjson", r#"{"tags": 5}"#)], 400,
        "Bad request - Bad search option: Was expecting either a string or JSON list for the tags parameter: 5");
    bad(
        1,
        &[("q", "{!lucene}name:x")],
        400,
        "Bad request - Bad search option: Local parameters are not supported.",
    );
    bad(1, &[("qjson", "[1, 2]")], 400,
        "Bad request - Could not read parameters: ValueError(u'Request params must be in form of a json encoded dictionary.',)");
    bad(1, &[("qjson", "{\"q\": }")], 400,
        "Bad request - Could not read parameters: ValueError(u\"Malformed qjson value: JSONDecodeError('Expecting value: line 1 column 7 (char 6)',)\",)");
    // A Solr error quotes the parameters as CKAN 2.8 held them (a paste MultiDict).
    bad(
        1,
        &[("q", "x"), ("sort", "bogus")],
        400,
        concat!(
        "Bad request - Bad search option: SOLR returned an error running query: ",
        "MultiDict([(u'sort', u'bogus'), ('q', u'x'), ('rows', 11), ('fq', ['+capacity:public', ",
        "u'+site_id:\"default\"', '+state:active']), ('facet', 'true'), ('facet.limit', '50'), ",
        "('facet.mincount', 1), ('fl', 'name'), ('wt', 'json'), ('defType', 'dismax'), ",
        "('tie', '0.1'), ('mm', '2<-1 5<80%'), ('qf', 'name^4 title^4 tags^2 groups^2 text')]) ",
        "Error: SolrError(u\"Solr responded with an error (HTTP 400): [Reason: Can't determine a ",
        "Sort Order (asc or desc) in sort spec 'bogus', pos=5]\",)"),
    );
}

#[test]
fn legacy_search_registers_and_versions() {
    let f = fixture();
    for register in ["resource", "revision", "group"] {
        let reply = get(&f.api.plain, &format!("/api/1/search/{register}"), &[]);
        assert_eq!(reply.status, 404);
        assert_eq!(
            reply.text,
            format!("\"Not found - Unknown register: {register}\"")
        );
    }
    assert_eq!(get(&f.api.plain, "/api/4/search/dataset", &[]).status, 404);
    assert_eq!(get(&f.api.plain, "/api/3/search/package", &[]).status, 404);
}

// ---- ext_cursor ----------------------------------------------------------------------------

/// Walks `path` with `params` plus `ext_cursor`, returning each page's (count, ids).
fn walk(
    server: &TestServer,
    path: &str,
    params: &[(&str, &str)],
    token: Option<&str>,
    bare: bool,
) -> Vec<(u64, Vec<String>)> {
    let mut pages = Vec::new();
    let mut cursor = "*".to_string();
    loop {
        let mut all = params.to_vec();
        all.push(("ext_cursor", &cursor));
        let reply = get_as(server, path, &all, token);
        let result = if bare { reply.json() } else { reply.result() };
        let ids: Vec<String> = result["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(r, "id").to_string())
            .collect();
        pages.push((result["count"].as_u64().unwrap(), ids));
        let next = result["next_cursor"].as_str().unwrap().to_string();
        if next == cursor {
            return pages;
        }
        cursor = next;
        assert!(pages.len() <= DATASETS, "the walk does not end");
    }
}

#[test]
fn a_cursor_walk_returns_every_dataset_once_with_the_same_count() {
    let f = fixture();
    let public: BTreeSet<&str> = indexed()
        .filter(|p| public_active(p))
        .map(|p| s(p, "id"))
        .collect();
    let pages = walk(
        &f.api.plain,
        &action("package_search"),
        &[("q", "*:*"), ("rows", "200"), ("fl", "id")],
        None,
        false,
    );
    assert!(
        pages.iter().all(|(count, _)| *count == public.len() as u64),
        "{:?}",
        pages.iter().map(|p| p.0).collect::<Vec<_>>()
    );
    assert_eq!(pages.len(), public.len().div_ceil(200) + 1);
    assert!(pages.last().unwrap().1.is_empty());
    let seen: Vec<String> = pages.into_iter().flat_map(|(_, ids)| ids).collect();
    let unique: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    assert_eq!(seen.len(), unique.len(), "a dataset came twice");
    assert_eq!(unique, public);

    // A sysadmin walk of every indexed dataset in a given order: the sort, then index_id.
    let mut everything: Vec<&Value> = indexed().collect();
    everything.sort_by(|a, b| {
        millis(s(b, "metadata_modified"))
            .cmp(&millis(s(a, "metadata_modified")))
            .then_with(|| index_id(s(a, "id"), "default").cmp(&index_id(s(b, "id"), "default")))
    });
    let expected: Vec<&str> = everything.iter().map(|p| s(p, "id")).collect();
    let pages = walk(
        &f.api.dgu,
        &action("package_search"),
        &[
            ("rows", "333"),
            ("fl", "id"),
            ("sort", "metadata_modified desc"),
            ("include_private", "true"),
            ("include_drafts", "true"),
        ],
        Some(TOKEN),
        false,
    );
    assert!(pages
        .iter()
        .all(|(count, _)| *count == expected.len() as u64));
    let seen: Vec<String> = pages.into_iter().flat_map(|(_, ids)| ids).collect();
    assert_eq!(seen, expected);

    // Publish's sync request on data.gov.uk's /api/3/search/dataset (and the bare
    // /api/search/dataset), walked with the cursor.
    let datasets: BTreeSet<&str> = indexed()
        .filter(|p| public_active(p) && s(p, "type") == "dataset")
        .map(|p| s(p, "id"))
        .collect();
    let publish = [
        ("q", "type:dataset"),
        ("rows", "1000"),
        ("fl", "id,metadata_modified,organization"),
    ];
    for (path, bare) in [
        ("/api/3/search/dataset", false),
        ("/api/search/dataset", true),
    ] {
        let pages = walk(&f.api.plain, path, &publish, None, bare);
        assert!(pages
            .iter()
            .all(|(count, _)| *count == datasets.len() as u64));
        let seen: BTreeSet<String> = pages.into_iter().flat_map(|(_, ids)| ids).collect();
        assert_eq!(
            seen.iter().map(String::as_str).collect::<BTreeSet<_>>(),
            datasets
        );
    }
}

#[test]
fn cursor_errors_name_the_parameter() {
    let f = fixture();
    let search = action("package_search");
    let check = |params: &[(&str, &str)], field: &str, message: &str| {
        let error = json!({field: [message], "__type": "Validation Error"});
        assert_get_fails("package_search", params, 409, error);
    };
    let must = "Must be * or the next_cursor of the previous page";
    check(&[("ext_cursor", "")], "ext_cursor", must);
    check(&[("ext_cursor", "not-a-cursor")], "ext_cursor", must);
    check(
        &[("ext_cursor", "*"), ("start", "10")],
        "start",
        "Must be 0 (or left out) with ext_cursor",
    );
    // Without ext_cursor package_search is CKAN's: no next_cursor.
    let result = get(&f.api.plain, &search, &[("rows", "1")]).result();
    assert_eq!(result.get("next_cursor"), None);
}
