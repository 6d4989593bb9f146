//! Which commands does a JSON `/update` body hold?
//!
//! Two shapes, as Solr's `JsonLoader`: an array of documents (each an add), or a command
//! object `{"add": {"doc": …}, "delete": …, "commit": {}, …}`. Solr applies the keys of a
//! command object in order and allows the same key several times, so the object is read as
//! a stream of entries (serde's `MapAccess`), never collapsed into a map.

use std::cell::RefCell;
use std::fmt;

use ckan_search_indexer::document::SolrDocument;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{UpdateBodyError, UpdateCommand};

/// Keys of a field-value object that make it a Solr atomic update.
const ATOMIC_OPS: &[&str] = &["set", "add", "add-distinct", "remove", "removeregex", "inc"];

/// Reads a JSON `/update` body. An all-space body holds no commands.
pub fn parse(body: &[u8]) -> Result<Vec<UpdateCommand>, UpdateBodyError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let ctx = Ctx::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = (&mut de)
        .deserialize_any(TopVisitor { ctx: &ctx })
        .and_then(|commands| de.end().map(|()| commands));
    parsed.map_err(|e| ctx.finish(&e, body))
}

/// A problem found inside a visitor, completed with the position when the parse unwinds
/// (visitors cannot see the parser's offset; serde_json attaches it to the error).
enum Pending {
    FieldValue { event: &'static str, field: String },
    UnknownCommand(String),
    Message(String),
    Ready(UpdateBodyError),
}

#[derive(Default)]
struct Ctx {
    pending: RefCell<Option<Pending>>,
}

impl Ctx {
    fn fail<E: de::Error>(&self, pending: Pending) -> E {
        *self.pending.borrow_mut() = Some(pending);
        E::custom("update body error")
    }

    fn finish(&self, err: &serde_json::Error, body: &[u8]) -> UpdateBodyError {
        let offset = byte_offset(body, err.line(), err.column());
        let position = String::from_utf8_lossy(&body[..offset]).chars().count();
        match self.pending.borrow_mut().take() {
            Some(Pending::Ready(e)) => e,
            Some(Pending::FieldValue { event, field }) => {
                // serde_json stops right after the `{`: its first key tells an atomic
                // update (`{"set": …}`) from a would-be child document.
                if event == "OBJECT_START" {
                    if let Some(op) = first_key(&body[offset..]) {
                        if ATOMIC_OPS.contains(&op.as_str()) {
                            return UpdateBodyError::AtomicUpdate {
                                field,
                                operation: op,
                            };
                        }
                    }
                }
                UpdateBodyError::JsonFieldValue {
                    event,
                    position,
                    field,
                }
            }
            Some(Pending::UnknownCommand(command)) => {
                UpdateBodyError::UnknownCommand { command, position }
            }
            Some(Pending::Message(message)) => UpdateBodyError::Json { message, position },
            None => {
                let text = err.to_string();
                let suffix = format!(" at line {} column {}", err.line(), err.column());
                let text = text.strip_suffix(&suffix).unwrap_or(&text);
                let message = match err.classify() {
                    serde_json::error::Category::Data => text.to_string(),
                    _ => format!("Cannot parse provided JSON: {text}"),
                };
                UpdateBodyError::Json { message, position }
            }
        }
    }
}

/// The byte offset of serde_json's (1-based line, 0-based byte column) position.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column).min(body.len())
}

/// The first key of an object whose `{` was just read, if it starts with one.
fn first_key(rest: &[u8]) -> Option<String> {
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[start] != b'"' {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(&rest[start..]);
    serde::Deserialize::deserialize(&mut de).ok()
}

/// The whole body: an array of documents or a command object.
struct TopVisitor<'c> {
    ctx: &'c Ctx,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Vec<UpdateCommand>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of documents or an object of update commands")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut commands = Vec::new();
        while let Some(doc) = seq.next_element_seed(DocSeed { ctx: self.ctx })? {
            commands.push(add(doc));
        }
        Ok(commands)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut commands = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "add" => commands.push(map.next_value_seed(AddSeed { ctx: self.ctx })?),
                "delete" => commands.extend(map.next_value_seed(DeleteSeed { ctx: self.ctx })?),
                "commit" => {
                    let soft = map.next_value_seed(CommitSeed { ctx: self.ctx })?;
                    commands.push(UpdateCommand::Commit { soft });
                }
                "optimize" => {
                    map.next_value_seed(CommitSeed { ctx: self.ctx })?;
                    commands.push(UpdateCommand::Optimize);
                }
                "rollback" => {
                    return Err(self
                        .ctx
                        .fail(Pending::Ready(UpdateBodyError::UnsupportedCommand(
                            "rollback".into(),
                        ))))
                }
                _ => return Err(self.ctx.fail(Pending::UnknownCommand(key))),
            }
        }
        Ok(commands)
    }
}

fn add(doc: SolrDocument) -> UpdateCommand {
    UpdateCommand::Add {
        doc,
        overwrite: true,
        commit_within_ms: None,
    }
}

/// One document: a JSON object of fields.
#[derive(Clone, Copy)]
struct DocSeed<'c> {
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = SolrDocument;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = SolrDocument;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Map::new();
        while let Some(field) = map.next_key::<String>()? {
            if field == "_childDocuments_" {
                return Err(self
                    .ctx
                    .fail(Pending::Ready(UpdateBodyError::ChildDocuments)));
            }
            let value = map.next_value_seed(FieldValueSeed {
                ctx: self.ctx,
                field: &field,
            })?;
            // A repeated field adds values, as Solr's `addField`.
            match fields.get_mut(&field) {
                Some(Value::Array(values)) => push_values(values, value),
                Some(previous) => {
                    let mut values = vec![previous.take()];
                    push_values(&mut values, value);
                    *previous = Value::Array(values);
                }
                None => {
                    fields.insert(field, value);
                }
            }
        }
        Ok(SolrDocument(fields))
    }
}

fn push_values(values: &mut Vec<Value>, value: Value) {
    match value {
        Value::Array(more) => values.extend(more),
        one => values.push(one),
    }
}

/// A field's value: a scalar, null, or an array of those.
struct FieldValueSeed<'c, 'f> {
    ctx: &'c Ctx,
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for FieldValueSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(FieldValueVisitor {
            ctx: self.ctx,
            field: self.field,
            in_array: false,
        })
    }
}

struct FieldValueVisitor<'c, 'f> {
    ctx: &'c Ctx,
    field: &'f str,
    in_array: bool,
}

impl<'de> Visitor<'de> for FieldValueVisitor<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.in_array {
            return Err(self.ctx.fail(Pending::FieldValue {
                event: "ARRAY_START",
                field: self.field.to_string(),
            }));
        }
        let mut values = Vec::new();
        while let Some(v) = seq.next_element_seed(ElementSeed {
            ctx: self.ctx,
            field: self.field,
        })? {
            values.push(v);
        }
        Ok(Value::Array(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Value, A::Error> {
        // Solr reads an object value as an atomic update or a child document; neither is
        // something CKAN sends. Stop at once so the position is that of the `{`.
        Err(self.ctx.fail(Pending::FieldValue {
            event: "OBJECT_START",
            field: self.field.to_string(),
        }))
    }
}

/// One element of a multi-valued field.
struct ElementSeed<'c, 'f> {
    ctx: &'c Ctx,
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(FieldValueVisitor {
            ctx: self.ctx,
            field: self.field,
            in_array: true,
        })
    }
}

/// `"add": {"doc": {…}, "overwrite": bool, "commitWithin": ms}`.
struct AddSeed<'c> {
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for AddSeed<'_> {
    type Value = UpdateCommand;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AddSeed<'_> {
    type Value = UpdateCommand;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an add command object {\"doc\": {…}}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut doc = None;
        let mut overwrite = true;
        let mut commit_within_ms = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "doc" => doc = Some(map.next_value_seed(DocSeed { ctx: self.ctx })?),
                "overwrite" => overwrite = map.next_value::<bool>()?,
                // Solr: a negative commitWithin means none.
                "commitWithin" => commit_within_ms = u64::try_from(map.next_value::<i64>()?).ok(),
                "boost" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    return Err(self
                        .ctx
                        .fail(Pending::Message(format!("Unknown key '{key}'"))))
                }
            }
        }
        match doc {
            Some(doc) => Ok(UpdateCommand::Add {
                doc,
                overwrite,
                commit_within_ms,
            }),
            None => Err(self
                .ctx
                .fail(Pending::Message("missing solr document.".into()))),
        }
    }
}

/// `"delete"`: an id, an array of ids (or delete objects), or `{"id": …}` / `{"query": …}`.
struct DeleteSeed<'c> {
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for DeleteSeed<'_> {
    type Value = Vec<UpdateCommand>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DeleteSeed<'_> {
    type Value = Vec<UpdateCommand>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id, an array of ids or {\"id\": …} / {\"query\": …}")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(vec![UpdateCommand::DeleteById(v.to_string())])
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(vec![UpdateCommand::DeleteById(v.to_string())])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(vec![UpdateCommand::DeleteById(v.to_string())])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut commands = Vec::new();
        while let Some(more) = seq.next_element_seed(DeleteSeed { ctx: self.ctx })? {
            commands.extend(more);
        }
        Ok(commands)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        let mut query = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value_seed(IdSeed)?),
                "query" => query = Some(map.next_value::<String>()?),
                "_version_" | "_route_" | "commitWithin" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    return Err(self
                        .ctx
                        .fail(Pending::Message(format!("Unknown key '{key}'"))))
                }
            }
        }
        // Solr: a delete with a query is a delete by query (its id is ignored).
        match (query, id) {
            (Some(q), _) => Ok(vec![UpdateCommand::DeleteByQuery(q)]),
            (None, Some(id)) => Ok(vec![UpdateCommand::DeleteById(id)]),
            (None, None) => Err(self
                .ctx
                .fail(Pending::Message("Missing id or query for delete".into()))),
        }
    }
}

/// An id: a string or a number, as text.
struct IdSeed;

impl<'de> DeserializeSeed<'de> for IdSeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IdSeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// `"commit"` / `"optimize"` options; yields `softCommit`.
struct CommitSeed<'c> {
    ctx: &'c Ctx,
}

impl<'de> DeserializeSeed<'de> for CommitSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CommitSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of commit options")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut soft = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "softCommit" => soft = map.next_value::<bool>()?,
                // Visibility is immediate on commit; these only tune Solr's own work.
                "waitSearcher" | "waitFlush" | "openSearcher" | "expungeDeletes"
                | "maxSegments" | "prepareCommit" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    return Err(self
                        .ctx
                        .fail(Pending::Message(format!("Unknown key '{key}'"))))
                }
            }
        }
        Ok(soft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> SolrDocument {
        SolrDocument(v.as_object().cloned().unwrap_or_default())
    }

    fn add_doc(v: Value) -> UpdateCommand {
        add(doc(v))
    }

    fn err(body: &str) -> String {
        match parse(body.as_bytes()) {
            Ok(commands) => panic!("{body} parsed as {commands:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn ckan_212_document_array_is_kept_as_sent() {
        let fixture: Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../indexer/tests/fixtures/ckan212_k3_ds1_update.json"
        )))
        .unwrap();
        let body = fixture["body"].as_str().unwrap();
        let commands = parse(body.as_bytes()).unwrap();
        let expected: Value = serde_json::from_str(body).unwrap();
        assert_eq!(commands, vec![add_doc(expected[0].clone())]);
        let UpdateCommand::Add { doc, .. } = &commands[0] else {
            unreachable!()
        };
        // Order, nulls inside arrays, booleans and integers survive.
        let keys: Vec<&str> = doc.iter().map(|(k, _)| k.as_str()).take(3).collect();
        assert_eq!(keys, ["author", "author_email", "creator_user_id"]);
        assert_eq!(doc.get("res_description"), Some(&json!(["the csv", null])));
        assert_eq!(doc.get("isopen"), Some(&json!(true)));
        assert_eq!(doc.get("private"), Some(&json!(false)));
        assert_eq!(doc.get("num_resources"), Some(&json!(2)));
        assert_eq!(
            doc.get_str("index_id"),
            Some("279e1c7242006641001f69f9e15fa1d1")
        );
    }

    #[test]
    fn documents_and_empty_bodies() {
        assert_eq!(parse(b"").unwrap(), vec![]);
        assert_eq!(parse(b" \n ").unwrap(), vec![]);
        assert_eq!(parse(b"[]").unwrap(), vec![]);
        assert_eq!(parse(b"{}").unwrap(), vec![]);
        assert_eq!(
            parse(br#"[{"id":"a","x":null,"f":1.5},{"id":"b"}]"#).unwrap(),
            vec![
                add_doc(json!({"id":"a","x":null,"f":1.5})),
                add_doc(json!({"id":"b"}))
            ]
        );
        // A repeated field adds values, as Solr's addField.
        assert_eq!(
            parse(br#"[{"t":"a","t":["b","c"],"u":[1],"u":2}]"#).unwrap(),
            vec![add_doc(json!({"t":["a","b","c"],"u":[1,2]}))]
        );
        // \u escapes (pysolr 3.9 json.dumps is ASCII-only), with a surrogate pair.
        assert_eq!(
            parse(br#"[{"t":"caf\u00e9 \ud83d\ude00"}]"#).unwrap(),
            vec![add_doc(json!({"t":"caf\u{e9} \u{1f600}"}))]
        );
    }

    #[test]
    fn command_object_keeps_duplicate_keys_in_order() {
        let body = r#"{
            "add": {"doc": {"id": "1"}},
            "delete": "1",
            "add": {"doc": {"id": "2"}, "overwrite": false, "commitWithin": 500, "boost": 2},
            "delete": {"id": "2"},
            "delete": ["3", 4, {"query": "*:*"}],
            "delete": {"query": "site_id:\"default\""},
            "commit": {},
            "commit": {"softCommit": true, "waitSearcher": false},
            "optimize": {"waitSearcher": false},
            "add": {"doc": {"id": "3"}, "commitWithin": -1}
        }"#;
        assert_eq!(
            parse(body.as_bytes()).unwrap(),
            vec![
                add_doc(json!({"id":"1"})),
                UpdateCommand::DeleteById("1".into()),
                UpdateCommand::Add {
                    doc: doc(json!({"id":"2"})),
                    overwrite: false,
                    commit_within_ms: Some(500)
                },
                UpdateCommand::DeleteById("2".into()),
                UpdateCommand::DeleteById("3".into()),
                UpdateCommand::DeleteById("4".into()),
                UpdateCommand::DeleteByQuery("*:*".into()),
                UpdateCommand::DeleteByQuery("site_id:\"default\"".into()),
                UpdateCommand::Commit { soft: false },
                UpdateCommand::Commit { soft: true },
                UpdateCommand::Optimize,
                add_doc(json!({"id":"3"})),
            ]
        );
    }

    #[test]
    fn errors_read_like_solr() {
        assert_eq!(
            err(r#"[{"id":"1","title":{"x":1}}]"#),
            "Error parsing JSON field value. Unexpected OBJECT_START at [20], field=title"
        );
        assert_eq!(
            err(r#"[{"id":"1","tags":[["a"]]}]"#),
            "Error parsing JSON field value. Unexpected ARRAY_START at [20], field=tags"
        );
        assert_eq!(
            err(r#"[{"id":"1","tags":[{"a":1}]}]"#),
            "Error parsing JSON field value. Unexpected OBJECT_START at [20], field=tags"
        );
        for op in ["set", "add", "remove", "inc"] {
            assert_eq!(
                err(&format!(r#"[{{"id":"1","title":{{ "{op}":"x"}}}}]"#)),
                format!("atomic updates are not supported: field=title, operation={op}")
            );
        }
        assert_eq!(
            err(r#"{"add":{"doc":{"id":"1","_childDocuments_":[]}}}"#),
            "child documents are not supported"
        );
        assert_eq!(err(r#"{"id":"1"}"#), "Unknown command 'id' at [5]");
        assert_eq!(err(r#"{"rollback":{}}"#), "rollback is not supported");
        assert_eq!(err(r#"{"add":{"id":"1"}}"#), "Unknown key 'id' at [12]");
        assert_eq!(err(r#"{"add":{}}"#), "missing solr document. at [9]");
        assert_eq!(
            err(r#"{"delete":{}}"#),
            "Missing id or query for delete at [12]"
        );
        assert_eq!(err(r#"{"commit":{"x":1}}"#), "Unknown key 'x' at [14]");
        assert_eq!(
            err(r#"[1]"#),
            "invalid type: integer `1`, expected a document (a JSON object) at [2]"
        );
        assert_eq!(
            err(r#"{"add":[{"doc":{}}]}"#),
            "invalid type: sequence, expected an add command object {\"doc\": {…}} at [8]"
        );
        assert_eq!(
            err("[{\"id\":\"1\"}"),
            "Cannot parse provided JSON: EOF while parsing a list at [11]"
        );
        assert_eq!(
            err("[{\"id\":\"1\",}]"),
            "Cannot parse provided JSON: trailing comma at [12]"
        );
        // Positions count characters (noggit), over several lines.
        assert_eq!(
            err("[\n{\"t\":\"é\",\n\"x\" 1}]"),
            "Cannot parse provided JSON: expected `:` at [17]"
        );
        assert_eq!(
            err("[] x"),
            "Cannot parse provided JSON: trailing characters at [4]"
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        let alphabet = br#"[]{}",:0123456789.-eE truefalsenull\u"add"doc"delete"id"#;
        for body in super::super::random_bodies(0x9E37_79B9_7F4A_7C15, alphabet, 40, 5000) {
            let _ = parse(&body);
            let _ = parse(&[b"{\"add\":{\"doc\":".as_slice(), &body].concat());
            let _ = parse(&[b"[{\"a\":".as_slice(), &body].concat());
        }
    }
}
