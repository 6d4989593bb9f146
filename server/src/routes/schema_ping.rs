//! `/schema?wt=schema.xml`, `/admin/file/?file=schema.xml`, `/admin/ping` and `/get`: what
//! CKAN checks at start-up, and Solr's real-time get.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ckan_search_indexer::schema::copy_field::COPY_FIELDS;
use ckan_search_indexer::schema::dynamic::DYNAMIC_FIELDS;
use ckan_search_indexer::schema::{fields, CkanSchema, FieldDef};
use serde_json::{json, Value};
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use crate::error::ApiError;
use crate::state::AppState;

/// The schema name CKAN reads its version from (`ckan-X.Y`): 2.9.5 and later accept it;
/// `version` is Solr's schema syntax version.
const SCHEMA_NAME: &str = "ckan-2.12";

fn check_core(state: &AppState, core: &str) -> Result<(), ApiError> {
    if core == &*state.core {
        Ok(())
    } else {
        Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!("no such core: {core}"),
        })
    }
}

/// `GET /solr/<core>/schema?wt=schema.xml` and `/admin/file/?file=schema.xml`.
pub async fn schema_xml(
    State(state): State<AppState>,
    Path(core): Path<String>,
) -> Result<Response, ApiError> {
    check_core(&state, &core)?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        render_schema(&state.schema),
    )
        .into_response())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn field_xml(tag: &str, def: &FieldDef) -> String {
    format!(
        "    <{tag} name=\"{}\" type=\"{}\" indexed=\"{}\" stored=\"{}\" multiValued=\"{}\"{}/>\n",
        xml_escape(def.name),
        def.kind.solr_name(),
        def.indexed,
        def.stored,
        def.multi_valued,
        if def.required {
            " required=\"true\""
        } else {
            ""
        }
    )
}

/// The schema this server implements, as Solr schema XML.
pub fn render_schema(schema: &CkanSchema) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<schema name=\"{SCHEMA_NAME}\" version=\"1.6\">\n  <types>\n"
    ));
    for (name, class) in [
        ("string", "solr.StrField"),
        ("boolean", "solr.BoolField"),
        ("int", "solr.IntPointField"),
        ("float", "solr.FloatPointField"),
        ("date", "solr.DatePointField"),
        ("text", "solr.TextField"),
        ("text_general", "solr.TextField"),
        ("text_ngram", "solr.TextField"),
    ] {
        out.push_str(&format!(
            "    <fieldType name=\"{name}\" class=\"{class}\"/>\n"
        ));
    }
    out.push_str("  </types>\n  <fields>\n");
    for def in schema.explicit_fields() {
        out.push_str(&field_xml("field", def));
    }
    for (_, def) in DYNAMIC_FIELDS {
        out.push_str(&field_xml("dynamicField", def));
    }
    out.push_str("  </fields>\n");
    out.push_str(&format!("  <uniqueKey>{}</uniqueKey>\n", fields::INDEX_ID));
    for (source, dest) in COPY_FIELDS {
        out.push_str(&format!(
            "  <copyField source=\"{source}\" dest=\"{dest}\"/>\n"
        ));
    }
    out.push_str("</schema>\n");
    out
}

/// `GET /solr/<core>/admin/ping`: Solr's health answer.
pub async fn ping(
    State(state): State<AppState>,
    Path(core): Path<String>,
) -> Result<Json<Value>, ApiError> {
    check_core(&state, &core)?;
    state.live.get().ok_or_else(ApiError::unavailable)?;
    Ok(Json(
        json!({"responseHeader": {"status": 0, "QTime": 0}, "status": "OK"}),
    ))
}

/// `GET /solr/<core>/get?id=…` (or `ids=a,b`): documents by uniqueKey, as stored.
pub async fn get(
    State(state): State<AppState>,
    Path(core): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    check_core(&state, &core)?;
    let generation = state.live.get().ok_or_else(ApiError::unavailable)?;
    let mut ids: Vec<String> = Vec::new();
    let mut single = false;
    for (k, v) in &params {
        match k.as_str() {
            "id" => {
                single = true;
                ids.push(v.clone());
            }
            "ids" => ids.extend(
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    let single = single && ids.len() == 1;
    let schema = state.schema.clone();
    let docs = tokio::task::spawn_blocking(move || -> Result<Vec<Value>, ApiError> {
        let searcher = generation.searcher();
        let field = schema
            .explicit_field(fields::INDEX_ID)
            .ok_or_else(|| ApiError::internal("schema has no index_id"))?;
        let mut docs = Vec::new();
        for id in &ids {
            let query = TermQuery::new(Term::from_field_text(field, id), IndexRecordOption::Basic);
            let top = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())
                .map_err(|e| ApiError::internal(e.to_string()))?;
            if let Some((_, address)) = top.first() {
                let doc: TantivyDocument = searcher
                    .doc(*address)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                docs.push(Value::Object(schema.stored_fields(&doc)));
            }
        }
        Ok(docs)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(Json(if single {
        json!({"doc": docs.into_iter().next().unwrap_or(Value::Null)})
    } else {
        let n = docs.len();
        json!({"response": {"numFound": n, "start": 0, "numFoundExact": true, "docs": docs}})
    }))
}
