//! `cursorMark` deep paging: when a cursor may be used (Solr's `CursorMark` rules, with their
//! 400 texts), and the opaque mark itself — base64 of a JSON array holding the last hit's
//! sort keys, one per sort key: a number for order-encoded keys, a string or `null` for
//! string keys. The next page holds the hits strictly after it.

use serde_json::Value;

use super::sort::{KeyKind, KeyValue, SortPlan};
use crate::{QueryError, Result};

/// The mark that starts a walk.
pub(crate) const START: &str = "*";

/// Checks that a cursor can be used with this sort and offset.
pub(crate) fn check(plan: &SortPlan, start: usize) -> Result<()> {
    if !plan.has_unique_key() {
        return Err(QueryError::BadParam(
            "Cursor functionality requires a sort containing a uniqueKey field tie breaker".into(),
        ));
    }
    if start != 0 {
        return Err(QueryError::BadParam(
            "Cursor functionality requires start=0".into(),
        ));
    }
    if plan.has_docid() {
        return Err(QueryError::BadParam(
            "Cursor functionality can not be used with internal doc ordering sort: _docid_".into(),
        ));
    }
    Ok(())
}

/// Reads a mark: `None` for [`START`], else the keys to search after.
pub(crate) fn decode(mark: &str, plan: &SortPlan) -> Result<Option<Vec<KeyValue>>> {
    if mark == START {
        return Ok(None);
    }
    let unreadable = || {
        QueryError::BadParam(format!(
            "Unable to parse 'cursorMark' after totem: value must either be '*' or the 'nextCursorMark' returned by a previous search: {mark}"
        ))
    };
    let bytes = base64_decode(mark.trim()).ok_or_else(unreadable)?;
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(unreadable());
    };
    if items.len() != plan.keys.len() {
        return Err(QueryError::BadParam(format!(
            "cursorMark does not work with current sort (wrong size): {mark}"
        )));
    }
    plan.keys
        .iter()
        .zip(items)
        .map(|(key, item)| match (key.kind, item) {
            (KeyKind::Str, Value::Null) => Ok(KeyValue::Str(None)),
            (KeyKind::Str, Value::String(s)) => Ok(KeyValue::Str(Some(s))),
            (KeyKind::Str, _) => Err(unreadable()),
            (_, Value::Number(n)) => n.as_u64().map(KeyValue::Ord).ok_or_else(unreadable),
            (_, _) => Err(unreadable()),
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Writes the mark for a hit's keys.
pub(crate) fn encode(key: &[KeyValue]) -> String {
    let items: Vec<Value> = key
        .iter()
        .map(|k| match k {
            KeyValue::Ord(v) => Value::from(*v),
            KeyValue::Str(Some(s)) => Value::String(s.clone()),
            KeyValue::Str(None) => Value::Null,
        })
        .collect();
    base64_encode(Value::Array(items).to_string().as_bytes())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Solr's marks (clients URL-encode them).
fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes [`base64_encode`]'s output; `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index == bytes.len() / 4 - 1;
        let padding = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - padding] {
            let v = ALPHABET.iter().position(|&a| a == c)?;
            n = (n << 6) | v as u32;
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::sort::parse_sort;
    use ckan_search_indexer::schema::CkanSchema;

    fn plan(spec: &str) -> SortPlan {
        SortPlan::new(&parse_sort(spec).unwrap(), &CkanSchema::new()).unwrap()
    }

    #[test]
    fn base64_round_trips() {
        for text in ["", "a", "ab", "abc", "abcd", "[1,\"x\",null]", "ünïcødé"] {
            let encoded = base64_encode(text.as_bytes());
            if !text.is_empty() {
                assert_eq!(base64_decode(&encoded).unwrap(), text.as_bytes());
            }
        }
        assert_eq!(
            base64_encode(b"any carnal pleas"),
            "YW55IGNhcm5hbCBwbGVhcw=="
        );
        assert_eq!(
            base64_decode("YW55IGNhcm5hbCBwbGVhc3U="),
            Some(b"any carnal pleasu".to_vec())
        );
        assert_eq!(base64_decode("YW5=IGNh"), None);
        assert_eq!(base64_decode("abc"), None);
        assert_eq!(base64_decode("ab!d"), None);
    }

    #[test]
    fn marks_round_trip_and_bad_ones_are_refused() {
        let p = plan("metadata_modified desc, index_id asc");
        assert_eq!(decode("*", &p).unwrap(), None);
        let key = vec![KeyValue::Ord(42), KeyValue::Str(Some("abc".into()))];
        assert_eq!(decode(&encode(&key), &p).unwrap(), Some(key));
        let key = vec![KeyValue::Ord(u64::MAX), KeyValue::Str(None)];
        assert_eq!(decode(&encode(&key), &p).unwrap(), Some(key));
        let err = decode("true", &p).unwrap_err().to_string();
        assert_eq!(err, "Unable to parse 'cursorMark' after totem: value must either be '*' or the 'nextCursorMark' returned by a previous search: true");
        let wrong_shape = encode(&[KeyValue::Str(Some("x".into())), KeyValue::Ord(1)]);
        assert!(decode(&wrong_shape, &p)
            .unwrap_err()
            .to_string()
            .starts_with("Unable to parse"));
        let short = encode(&[KeyValue::Ord(1)]);
        assert_eq!(
            decode(&short, &p).unwrap_err().to_string(),
            format!("cursorMark does not work with current sort (wrong size): {short}")
        );
    }

    #[test]
    fn a_cursor_needs_the_unique_key_and_start_zero() {
        let msg = |spec: &str, start| check(&plan(spec), start).unwrap_err().to_string();
        assert_eq!(
            msg("metadata_modified desc, id asc", 0),
            "Cursor functionality requires a sort containing a uniqueKey field tie breaker"
        );
        assert_eq!(
            msg("score desc", 0),
            "Cursor functionality requires a sort containing a uniqueKey field tie breaker"
        );
        assert_eq!(
            msg("index_id asc", 10),
            "Cursor functionality requires start=0"
        );
        assert!(msg("_docid_ asc, index_id asc", 0).contains("_docid_"));
        assert!(check(&plan("score desc, index_id asc"), 0).is_ok());
    }
}
