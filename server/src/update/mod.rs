//! Solr's `/update`: request bodies (JSON and XML) become [`UpdateCommand`]s, which the
//! live writer applies in order.

use ckan_search_indexer::document::SolrDocument;

/// One instruction of an `/update` request, in the order it appeared.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateCommand {
    /// Add (or replace, by `index_id`) a document.
    Add {
        /// The document as sent.
        doc: SolrDocument,
        /// `overwrite` (default true): replace a document with the same uniqueKey.
        overwrite: bool,
        /// `commitWithin` in milliseconds, if given.
        commit_within_ms: Option<u64>,
    },
    /// Delete by uniqueKey (`index_id`).
    DeleteById(String),
    /// Delete every document matching a query (standard syntax).
    DeleteByQuery(String),
    /// Make everything so far visible (`<commit/>`, `{"commit":{}}`).
    Commit {
        /// `softCommit`.
        soft: bool,
    },
    /// `<optimize/>`: a commit that also merges segments.
    Optimize,
}

pub mod json;
pub mod xml;

/// Why an `/update` body could not be read. Nothing of a body that fails is applied. The
/// messages follow Solr's (noggit for JSON, Woodstox for XML), as clients log them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpdateBodyError {
    /// Malformed JSON, or JSON of the wrong shape; `position` counts characters, as noggit.
    #[error("{message} at [{position}]")]
    Json {
        /// What is wrong.
        message: String,
        /// Characters read when the problem was found.
        position: usize,
    },
    /// A document field whose value is not a scalar or an array of scalars.
    #[error("Error parsing JSON field value. Unexpected {event} at [{position}], field={field}")]
    JsonFieldValue {
        /// noggit's event name (`OBJECT_START`, `ARRAY_START`).
        event: &'static str,
        /// Characters read when the problem was found.
        position: usize,
        /// The field.
        field: String,
    },
    /// A top-level key of a JSON command object that is no Solr command.
    #[error("Unknown command '{command}' at [{position}]")]
    UnknownCommand {
        /// The key.
        command: String,
        /// Characters read when the problem was found.
        position: usize,
    },
    /// An atomic (partial) update: `{"set": …}` or `<field update="set">`. CKAN always sends
    /// whole documents, so partial updates are refused rather than half-applied.
    #[error("atomic updates are not supported: field={field}, operation={operation}")]
    AtomicUpdate {
        /// The field.
        field: String,
        /// `set`, `add`, `remove`, `inc`, …
        operation: String,
    },
    /// Nested child documents (`_childDocuments_`, a `<doc>` inside a `<doc>`).
    #[error("child documents are not supported")]
    ChildDocuments,
    /// A Solr command this server does not implement (`rollback`).
    #[error("{0} is not supported")]
    UnsupportedCommand(String),
    /// Malformed XML, or XML of the wrong shape.
    #[error("{message}\n at [row,col]: [{line},{column}]")]
    Xml {
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
    },
    /// A document type declaration: refused outright, so no DTD, external entity or entity
    /// expansion (billion laughs) can ever be processed.
    #[error("DOCTYPE is not allowed")]
    DocType,
    /// Elements nested deeper than [`xml::MAX_DEPTH`].
    #[error("XML elements nested deeper than {0}")]
    TooDeep(usize),
}

/// Reads an `/update` body into commands, in order. `content_type` picks the format as
/// Solr's `UpdateRequestHandler` does (`application/json`, `text/json`, `…+json` → JSON;
/// `application/xml`, `text/xml`, `…+xml` → XML); otherwise (absent or anything else, e.g.
/// curl's form default) the first non-space byte decides: `[`/`{` → JSON, else XML. An
/// empty (or all-space) body holds no commands: Solr accepts it with `commit=true` in the URL.
pub fn parse_body(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<UpdateCommand>, UpdateBodyError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Some(first) = body.iter().copied().find(|b| !b.is_ascii_whitespace()) else {
        return Ok(Vec::new());
    };
    let mime = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let is_json = match mime.as_str() {
        "application/json" | "text/json" => true,
        "application/xml" | "text/xml" => false,
        m if m.ends_with("+json") => true,
        m if m.ends_with("+xml") => false,
        _ => first == b'[' || first == b'{',
    };
    if is_json {
        json::parse(body)
    } else {
        xml::parse(body)
    }
}

/// 1-based line and column (in characters) of byte `offset` of `body`, for error messages.
pub(crate) fn line_column(body: &[u8], offset: usize) -> (usize, usize) {
    let before = &body[..offset.min(body.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, column)
}

/// Deterministic random request bodies for the parsers' no-panic tests: `count` bodies of
/// up to `max_len - 1` bytes, mostly from `alphabet` (syntax pieces), one in five a raw
/// byte. xorshift64, so the run is the same everywhere and needs no dependency.
#[cfg(test)]
pub(crate) fn random_bodies(
    seed: u64,
    alphabet: &'static [u8],
    max_len: u64,
    count: usize,
) -> impl Iterator<Item = Vec<u8>> {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count).map(move |_| {
        let len = next() % max_len;
        (0..len)
            .map(|_| {
                let r = next();
                if r.is_multiple_of(5) {
                    (r >> 8) as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_then_first_byte_picks_the_format() {
        let json = br#"[{"id":"1"}]"#;
        let xml = b"<add><doc><field name=\"id\">1</field></doc></add>";
        let expected = json::parse(json).unwrap();
        assert_eq!(expected.len(), 1);
        for ct in [
            Some("application/json; charset=utf-8"),
            Some("text/json"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            assert_eq!(parse_body(ct, json).unwrap(), expected, "{ct:?}");
        }
        for ct in [
            Some("text/xml; charset=utf-8"),
            Some("Application/XML"),
            Some("application/octet-stream"),
            None,
        ] {
            assert_eq!(parse_body(ct, xml).unwrap(), expected, "{ct:?}");
        }
        // The declared type wins over the first byte.
        assert!(matches!(
            parse_body(Some("text/xml"), json),
            Err(UpdateBodyError::Xml { .. })
        ));
        assert!(matches!(
            parse_body(Some("application/json"), xml),
            Err(UpdateBodyError::Json { .. })
        ));
        // A byte-order mark and leading space are skipped; empty bodies hold nothing.
        assert_eq!(
            parse_body(None, b"\xEF\xBB\xBF \n[{\"id\":\"1\"}]").unwrap(),
            expected
        );
        assert_eq!(parse_body(Some("text/xml"), b"").unwrap(), vec![]);
        assert_eq!(parse_body(None, b"  \r\n").unwrap(), vec![]);
        assert_eq!(
            parse_body(None, b"<!doctype add><add/>"),
            Err(UpdateBodyError::DocType)
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column(b"ab\ncd", 0), (1, 1));
        assert_eq!(line_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\né".as_bytes(), 5), (2, 2));
        assert_eq!(line_column(b"ab", 99), (1, 3));
    }
}
