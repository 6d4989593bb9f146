//! Which commands does an XML `/update` body hold?
//!
//! The format of Solr's `XMLLoader` as pysolr writes it: `<add><doc><field name="k">v</field>
//! …</doc></add>`, `<delete><id>…</id><query>…</query></delete>`, `<commit/>`, `<optimize/>`,
//! optionally several inside `<update>…</update>`. The body is untrusted: any DOCTYPE is
//! refused, so no DTD is read and no entity beyond the five predefined ones and character
//! references is ever expanded; nesting is bounded.

use std::borrow::Cow;

use ckan_search_indexer::document::SolrDocument;
use quick_xml::escape::{resolve_predefined_entity, EscapeError};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use serde_json::{Map, Value};

use super::{line_column, UpdateBodyError, UpdateCommand};

/// The deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;

/// Reads an XML `/update` body. An all-space body holds no commands.
pub fn parse(body: &[u8]) -> Result<Vec<UpdateCommand>, UpdateBodyError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut parser = Parser {
        reader: Reader::from_reader(body),
        body,
        depth: 0,
        event_start: 0,
        commands: Vec::new(),
    };
    parser.document()?;
    Ok(parser.commands)
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    body: &'a [u8],
    depth: usize,
    /// Byte offset where the last event began, for error positions.
    event_start: usize,
    commands: Vec<UpdateCommand>,
}

/// An element's start: `empty` for `<x/>`.
struct Element<'a> {
    start: BytesStart<'a>,
    empty: bool,
}

impl<'a> Element<'a> {
    fn name(&self) -> String {
        String::from_utf8_lossy(self.start.local_name().as_ref()).into_owned()
    }
}

impl<'a> Parser<'a> {
    fn error_at(&self, offset: usize, message: impl Into<String>) -> UpdateBodyError {
        let (line, column) = line_column(self.body, offset);
        UpdateBodyError::Xml {
            message: message.into(),
            line,
            column,
        }
    }

    fn error(&self, message: impl Into<String>) -> UpdateBodyError {
        self.error_at(self.event_start, message)
    }

    /// The next event, with DOCTYPE refused and depth tracked.
    fn next(&mut self) -> Result<Event<'a>, UpdateBodyError> {
        self.event_start = pos(self.reader.buffer_position());
        let event = match self.reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = pos(self.reader.error_position());
                return Err(self.error_at(at, e.to_string()));
            }
        };
        match &event {
            Event::DocType(_) => return Err(UpdateBodyError::DocType),
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(UpdateBodyError::TooDeep(MAX_DEPTH));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Ok(event)
    }

    /// Prolog, root element(s), epilog.
    fn document(&mut self) -> Result<(), UpdateBodyError> {
        let mut seen_root = false;
        loop {
            match self.next()? {
                Event::Eof => return Ok(()),
                Event::Start(start) => {
                    seen_root = true;
                    self.command(Element {
                        start,
                        empty: false,
                    })?;
                }
                Event::Empty(start) => {
                    seen_root = true;
                    self.command(Element { start, empty: true })?;
                }
                Event::Text(t) => {
                    let text = decode(t.xml10_content()).map_err(|m| self.error(m))?;
                    if let Some(c) = text.chars().find(|c| !c.is_whitespace()) {
                        let place = if seen_root { "epilog" } else { "prolog" };
                        return Err(self.error(format!(
                            "Unexpected character '{c}' (code {}) in {place}; expected '<'",
                            u32::from(c)
                        )));
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    let place = if seen_root { "epilog" } else { "prolog" };
                    return Err(self.error(format!("Unexpected content in {place}")));
                }
                Event::End(_) => return Err(self.error("Unexpected end tag")),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
    }

    /// The children of an element until its end tag, each handed to `child`; text between
    /// them (indentation) is ignored, as Solr's loader does.
    fn children(
        &mut self,
        parent: &Element<'_>,
        mut child: impl FnMut(&mut Self, Element<'a>) -> Result<(), UpdateBodyError>,
    ) -> Result<(), UpdateBodyError> {
        if parent.empty {
            return Ok(());
        }
        loop {
            match self.next()? {
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    return Err(self.error(format!(
                        "Unexpected EOF; was expecting a close tag for element <{}>",
                        parent.name()
                    )))
                }
                Event::Start(start) => child(
                    self,
                    Element {
                        start,
                        empty: false,
                    },
                )?,
                Event::Empty(start) => child(self, Element { start, empty: true })?,
                Event::GeneralRef(r) => {
                    // Still refuse undeclared entities, even where text is ignored.
                    resolve_ref(&r).map_err(|m| self.error(m))?;
                }
                _ => {}
            }
        }
    }

    /// One command element (or an `<update>` wrapper of several).
    fn command(&mut self, el: Element<'a>) -> Result<(), UpdateBodyError> {
        match el.name().as_str() {
            "update" => self.children(&el, |p, child| p.command(child)),
            "add" => self.add(&el),
            "delete" => self.children(&el, |p, child| p.delete_item(child)),
            "commit" => {
                let soft = self.attr(&el, "softCommit")?.is_some_and(|v| v == "true");
                self.children(&el, |p, child| Err(p.unexpected(&child, "commit")))?;
                self.commands.push(UpdateCommand::Commit { soft });
                Ok(())
            }
            "optimize" => {
                self.children(&el, |p, child| Err(p.unexpected(&child, "optimize")))?;
                self.commands.push(UpdateCommand::Optimize);
                Ok(())
            }
            "rollback" => Err(UpdateBodyError::UnsupportedCommand("rollback".into())),
            other => Err(self.error(format!("Unknown update command <{other}>"))),
        }
    }

    fn unexpected(&self, el: &Element<'_>, parent: &str) -> UpdateBodyError {
        self.error(format!("Unexpected <{}> inside <{parent}>", el.name()))
    }

    /// `<add [overwrite] [commitWithin]>` with `<doc>` children.
    fn add(&mut self, el: &Element<'a>) -> Result<(), UpdateBodyError> {
        // Solr: `Boolean.parseBoolean`, and a negative commitWithin means none.
        let overwrite = self.attr(el, "overwrite")?.is_none_or(|v| v == "true");
        let commit_within_ms = match self.attr(el, "commitWithin")? {
            Some(v) => match v.trim().parse::<i64>() {
                Ok(ms) => u64::try_from(ms).ok(),
                Err(_) => return Err(self.error(format!("Invalid commitWithin: '{v}'"))),
            },
            None => None,
        };
        self.children(el, |p, child| {
            if child.name() != "doc" {
                return Err(p.unexpected(&child, "add"));
            }
            let doc = p.doc(&child)?;
            p.commands.push(UpdateCommand::Add {
                doc,
                overwrite,
                commit_within_ms,
            });
            Ok(())
        })
    }

    /// `<doc>` with `<field name="k">` children; a repeated name makes an array.
    fn doc(&mut self, el: &Element<'a>) -> Result<SolrDocument, UpdateBodyError> {
        let mut fields = Map::new();
        self.children(el, |p, child| {
            match child.name().as_str() {
                "field" => {}
                "doc" => return Err(UpdateBodyError::ChildDocuments),
                _ => return Err(p.unexpected(&child, "doc")),
            }
            let Some(name) = p.attr(&child, "name")? else {
                return Err(p.error("<field> without a name attribute"));
            };
            if let Some(operation) = p.attr(&child, "update")? {
                return Err(UpdateBodyError::AtomicUpdate {
                    field: name,
                    operation,
                });
            }
            let is_null = p.attr(&child, "null")?.is_some_and(|v| v == "true");
            let text = p.text(&child)?;
            if is_null {
                return Ok(());
            }
            match fields.get_mut(&name) {
                Some(Value::Array(values)) => values.push(Value::String(text)),
                Some(previous) => {
                    *previous = Value::Array(vec![previous.take(), Value::String(text)]);
                }
                None => {
                    fields.insert(name, Value::String(text));
                }
            }
            Ok(())
        })?;
        Ok(SolrDocument(fields))
    }

    /// One `<id>` or `<query>` of a `<delete>`.
    fn delete_item(&mut self, el: Element<'a>) -> Result<(), UpdateBodyError> {
        let command = match el.name().as_str() {
            "id" => UpdateCommand::DeleteById(self.text(&el)?),
            "query" => UpdateCommand::DeleteByQuery(self.text(&el)?),
            _ => return Err(self.unexpected(&el, "delete")),
        };
        self.commands.push(command);
        Ok(())
    }

    /// The text of an element with no element children: text, CDATA and references.
    fn text(&mut self, el: &Element<'a>) -> Result<String, UpdateBodyError> {
        let mut text = String::new();
        if el.empty {
            return Ok(text);
        }
        loop {
            match self.next()? {
                Event::End(_) => return Ok(text),
                Event::Text(t) => {
                    text.push_str(&decode(t.xml10_content()).map_err(|m| self.error(m))?)
                }
                Event::CData(c) => {
                    text.push_str(&decode(c.xml10_content()).map_err(|m| self.error(m))?)
                }
                Event::GeneralRef(r) => text.push_str(&resolve_ref(&r).map_err(|m| self.error(m))?),
                Event::Start(start) | Event::Empty(start) => {
                    let child = Element { start, empty: true };
                    return Err(self.unexpected(&child, &el.name()));
                }
                Event::Eof => {
                    return Err(self.error(format!(
                        "Unexpected EOF; was expecting a close tag for element <{}>",
                        el.name()
                    )))
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            }
        }
    }

    /// An attribute's unescaped value (only predefined entities and character references).
    fn attr(&self, el: &Element<'_>, name: &str) -> Result<Option<String>, UpdateBodyError> {
        for attr in el.start.attributes() {
            let attr = attr.map_err(|e| self.error(e.to_string()))?;
            if attr.key.local_name().as_ref() == name.as_bytes() {
                let value = attr.unescape_value().map_err(|e| match e {
                    quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
                        self.error(format!("Undeclared general entity \"{name}\""))
                    }
                    e => self.error(e.to_string()),
                })?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

fn pos(p: u64) -> usize {
    usize::try_from(p).unwrap_or(usize::MAX)
}

fn decode<E: std::fmt::Display>(r: Result<Cow<'_, str>, E>) -> Result<Cow<'_, str>, String> {
    r.map_err(|e| format!("Invalid UTF-8: {e}"))
}

/// `&name;` or `&#n;`: only the five predefined entities, never a declared one.
fn resolve_ref(r: &BytesRef<'_>) -> Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c.to_string()),
        Ok(None) => {}
        Err(e) => return Err(e.to_string()),
    }
    let name = r.decode().map_err(|e| format!("Invalid UTF-8: {e}"))?;
    resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("Undeclared general entity \"{name}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> SolrDocument {
        SolrDocument(v.as_object().cloned().unwrap_or_default())
    }

    fn add_doc(v: Value) -> UpdateCommand {
        UpdateCommand::Add {
            doc: doc(v),
            overwrite: true,
            commit_within_ms: None,
        }
    }

    fn err(body: &str) -> String {
        match parse(body.as_bytes()) {
            Ok(commands) => panic!("{body} parsed as {commands:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn pysolr_36_add() {
        // pysolr 3.6 (CKAN ≤2.9): declaration, repeated fields for lists, escaped text,
        // non-ASCII as UTF-8, None and "" already dropped by the client.
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<add commitWithin=\"1000\"><doc>\
            <field name=\"id\">7c93daae</field><field name=\"title\">Caf\u{e9} &amp; &lt;b&gt; \
            &quot;q&quot; &apos;a&apos; &#233;&#x1F600;</field><field name=\"tags\">climate</field>\
            <field name=\"tags\">weather</field><field name=\"isopen\">true</field>\
            <field name=\"num_tags\">2</field><field name=\"notes\">line1\r\nline2</field>\
            <field name=\"empty\"/><field name=\"n\" null=\"true\">x</field>\
            <field name=\"c\"><![CDATA[<raw> & ]]></field></doc>\
            <doc boost=\"2.0\"><field name=\"id\">two</field></doc></add>";
        assert_eq!(
            parse(body.as_bytes()).unwrap(),
            vec![
                UpdateCommand::Add {
                    doc: doc(json!({
                        "id": "7c93daae",
                        "title": "Caf\u{e9} & <b> \"q\" 'a' \u{e9}\u{1F600}",
                        "tags": ["climate", "weather"],
                        "isopen": "true",
                        "num_tags": "2",
                        "notes": "line1\nline2",
                        "empty": "",
                        "c": "<raw> & ",
                    })),
                    overwrite: true,
                    commit_within_ms: Some(1000),
                },
                UpdateCommand::Add {
                    doc: doc(json!({"id": "two"})),
                    overwrite: true,
                    commit_within_ms: Some(1000),
                },
            ]
        );
        assert_eq!(
            parse(b"<add overwrite=\"false\"><doc><field name=\"id\">1</field></doc></add>")
                .unwrap(),
            vec![UpdateCommand::Add {
                doc: doc(json!({"id": "1"})),
                overwrite: false,
                commit_within_ms: None,
            }]
        );
    }

    #[test]
    fn delete_commit_optimize_and_update_wrapper() {
        let q = r#"+entity_type:package AND +(id:"x" OR name:"x") AND +site_id:"default""#;
        let body = format!("<delete><query>{q}</query></delete>");
        assert_eq!(
            parse(body.as_bytes()).unwrap(),
            vec![UpdateCommand::DeleteByQuery(q.into())]
        );
        assert_eq!(
            parse(b"<?xml version='1.0' encoding='UTF-8'?>\n<delete><id>a</id><query>site_id:&quot;x&quot;</query><id>b</id></delete>").unwrap(),
            vec![
                UpdateCommand::DeleteById("a".into()),
                UpdateCommand::DeleteByQuery("site_id:\"x\"".into()),
                UpdateCommand::DeleteById("b".into()),
            ]
        );
        assert_eq!(
            parse(b"<commit />").unwrap(),
            vec![UpdateCommand::Commit { soft: false }]
        );
        assert_eq!(
            parse(b"<commit softCommit=\"true\" waitSearcher=\"false\" expungeDeletes=\"true\"></commit>").unwrap(),
            vec![UpdateCommand::Commit { soft: true }]
        );
        assert_eq!(
            parse(b"<optimize maxSegments=\"1\"/>").unwrap(),
            vec![UpdateCommand::Optimize]
        );
        assert_eq!(
            parse(b"<update>\n  <add><doc><field name=\"id\">1</field></doc></add>\n  <!-- c -->\n  <delete><id>2</id></delete>\n  <commit/>\n</update>\n").unwrap(),
            vec![
                add_doc(json!({"id": "1"})),
                UpdateCommand::DeleteById("2".into()),
                UpdateCommand::Commit { soft: false },
            ]
        );
        assert_eq!(parse(b"").unwrap(), vec![]);
        assert_eq!(
            parse(b"<?xml version=\"1.0\"?>\n<update/>").unwrap(),
            vec![]
        );
    }

    #[test]
    fn doctype_is_refused_and_entities_never_expand() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<add><doc><field name="id">&lol2;</field></doc></add>"#;
        assert_eq!(err(laughs), "DOCTYPE is not allowed");
        let xxe = r#"<!DOCTYPE add [<!ENTITY x SYSTEM "file:///etc/passwd">]><add><doc><field name="id">&x;</field></doc></add>"#;
        assert_eq!(err(xxe), "DOCTYPE is not allowed");
        // Without a DTD an entity is undeclared.
        assert_eq!(
            err("<add><doc><field name=\"id\">&x;</field></doc></add>"),
            "Undeclared general entity \"x\"\n at [row,col]: [1,28]"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("<add><doc><field name=\"title\" update=\"set\">x</field></doc></add>"),
            "atomic updates are not supported: field=title, operation=set"
        );
        assert_eq!(
            err("<add><doc><field name=\"id\">1</field><doc/></doc></add>"),
            "child documents are not supported"
        );
        assert_eq!(err("<rollback/>"), "rollback is not supported");
        assert_eq!(
            err("x<add/>"),
            "Unexpected character 'x' (code 120) in prolog; expected '<'\n at [row,col]: [1,1]"
        );
        assert_eq!(
            err("<add><doc><field name=\"id\">1</doc></add>"),
            "ill-formed document: expected `</field>`, but `</doc>` was found\n at [row,col]: [1,29]"
        );
        assert_eq!(
            err("<add><doc><field name=\"id\">1</field>"),
            "Unexpected EOF; was expecting a close tag for element <doc>\n at [row,col]: [1,37]"
        );
        assert_eq!(
            err("<foo/>"),
            "Unknown update command <foo>\n at [row,col]: [1,1]"
        );
        assert_eq!(
            err("<add><doc><field>1</field></doc></add>"),
            "<field> without a name attribute\n at [row,col]: [1,11]"
        );
        assert_eq!(
            err("<add><doc><field name=\"a\"><b/></field></doc></add>"),
            "Unexpected <b> inside <field>\n at [row,col]: [1,27]"
        );
        assert_eq!(
            err("<add>\n <doc>\n  <field name=\"id\">&#0;</field></doc></add>"),
            "invalid character reference: 0x0 character is not permitted in XML\n at [row,col]: [3,20]"
        );
        assert_eq!(
            err("<add><doc><field name=\"&x;\">1</field></doc></add>"),
            "Undeclared general entity \"x\"\n at [row,col]: [1,11]"
        );
        let bomb = "<update>".repeat(100_000);
        assert_eq!(err(&bomb), "XML elements nested deeper than 64");
        let deep = format!("{}{}", "<update>".repeat(65), "</update>".repeat(65));
        assert_eq!(err(&deep), "XML elements nested deeper than 64");
        let ok = format!("{}{}", "<update>".repeat(64), "</update>".repeat(64));
        assert_eq!(parse(ok.as_bytes()).unwrap(), vec![]);
    }

    #[test]
    fn random_bytes_never_panic() {
        let alphabet = br#"<>/="' !?-[]&;#x12amp<add><doc><field name="id">CDATA</delete>"#;
        for body in super::super::random_bodies(0x2545_F491_4F6C_DD1D, alphabet, 48, 5000) {
            let _ = parse(&body);
            let _ = parse(&[b"<add><doc><field name=\"a\">".as_slice(), &body].concat());
        }
    }
}
