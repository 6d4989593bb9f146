//! A minimal JSON tree for assembling package dicts cheaply, and its compact writer.
//!
//! `serde_json::Value` costs an allocated `String` and a SipHash insert per key; a package
//! dict has a few hundred keys, which made `Value` assembly the generator's bottleneck. Here
//! keys are `&'static str`, strings may borrow from the catalogue (organisation titles,
//! word lists), and objects are plain vectors kept in the order built. [`Node::write`]
//! produces exactly the bytes `serde_json::to_writer` gives for the equivalent `Value`
//! (same escaping, no spaces), which a test checks, so [`crate::generate`] can skip `Value`
//! while [`crate::packages`] still yields one.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// A JSON value whose object keys are static and whose strings may be borrowed.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer (the only numbers a package dict has).
    UInt(u64),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Node<'a>>),
    /// An object, in insertion order.
    Obj(Vec<(&'static str, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// A borrowed string.
    pub fn s(s: &'a str) -> Self {
        Node::Str(Cow::Borrowed(s))
    }

    /// An owned string.
    pub fn owned(s: String) -> Self {
        Node::Str(Cow::Owned(s))
    }

    /// A borrowed string, or `null` for `None`.
    pub fn opt(s: Option<&'a str>) -> Self {
        s.map_or(Node::Null, Node::s)
    }

    /// An empty array.
    pub fn empty() -> Self {
        Node::Arr(Vec::new())
    }

    /// The array's length, or 0 if this is not an array.
    pub fn len(&self) -> usize {
        match self {
            Node::Arr(items) => items.len(),
            _ => 0,
        }
    }

    /// Whether this is an empty array (or not an array at all).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The equivalent `serde_json::Value` (key order preserved).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::UInt(n) => Value::from(*n),
            Node::Str(s) => Value::String(s.as_ref().to_owned()),
            Node::Arr(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Obj(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (k, v) in fields {
                    map.insert((*k).to_owned(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }

    /// Appends compact JSON, byte-identical to `serde_json::to_writer` on [`Node::to_value`].
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(true) => out.extend_from_slice(b"true"),
            Node::Bool(false) => out.extend_from_slice(b"false"),
            Node::UInt(n) => write_u64(out, *n),
            Node::Str(s) => write_str(out, s),
            Node::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            Node::Obj(fields) => {
                out.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(out, k);
                    out.push(b':');
                    v.write(out);
                }
                out.push(b'}');
            }
        }
    }
}

fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Whether any of the 8 bytes in `x` needs escaping (a control character, `"` or `\`).
/// Exact as a yes/no answer (the classic SWAR zero-byte test), so clean runs of text — by
/// far the common case — are skipped 8 bytes at a time.
fn chunk_needs_escape(x: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let control = x.wrapping_sub(LO * 0x20) & !x & HI;
    let q = x ^ (LO * u64::from(b'"'));
    let quote = q.wrapping_sub(LO) & !q & HI;
    let b = x ^ (LO * u64::from(b'\\'));
    let backslash = b.wrapping_sub(LO) & !b & HI;
    (control | quote | backslash) != 0
}

/// The escape for byte `b`, if it needs one: serde_json's short forms for `"` `\` and
/// `\b \t \n \f \r`, an empty slice for the other control characters (written `\u00xx`).
fn escape(b: u8) -> Option<&'static [u8]> {
    match b {
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        b'\n' => Some(b"\\n"),
        b'\r' => Some(b"\\r"),
        b'\t' => Some(b"\\t"),
        0x08 => Some(b"\\b"),
        0x0C => Some(b"\\f"),
        0x00..=0x1F => Some(b""),
        _ => None,
    }
}

/// A JSON string literal with serde_json's escaping: `"` and `\` backslashed, the control
/// characters with short forms (`\b \t \n \f \r`) so, other controls as `\u00xx` (lower-case
/// hex), everything else (including non-ASCII and `/`) verbatim.
fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !chunk_needs_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        for (k, &b) in bytes[i..end].iter().enumerate() {
            if let Some(short) = escape(b) {
                let at = i + k;
                out.extend_from_slice(&bytes[start..at]);
                if short.is_empty() {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(b >> 4)]);
                    out.push(HEX[usize::from(b & 0xF)]);
                } else {
                    out.extend_from_slice(short);
                }
                start = at + 1;
            }
        }
        i = end;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_byte_like_serde_json() {
        // Every ASCII byte at every offset within and across 8-byte chunks.
        for b in 0u8..0x80 {
            for pad in 0..10 {
                let s = format!("{}{}{}", "x".repeat(pad), char::from(b), "y".repeat(9));
                let mut ours = Vec::new();
                write_str(&mut ours, &s);
                assert_eq!(
                    Some(ours),
                    serde_json::to_vec(&s).ok(),
                    "byte {b:#x} at {pad}"
                );
            }
        }
    }

    #[test]
    fn writes_like_serde_json() {
        let tricky = "quote \" back \\ nl \n cr \r tab \t bs \u{8} ff \u{c} nul \u{0} us \u{1f} \
                      del \u{7f} slash / café ü € 😀";
        let node = Node::Obj(vec![
            ("a", Node::Null),
            ("b", Node::Bool(true)),
            ("c", Node::Bool(false)),
            ("d", Node::UInt(0)),
            ("e", Node::UInt(u64::MAX)),
            ("f", Node::s(tricky)),
            (
                "g",
                Node::Arr(vec![
                    Node::empty(),
                    Node::Obj(vec![]),
                    Node::owned("x".into()),
                ]),
            ),
        ]);
        let mut ours = Vec::new();
        node.write(&mut ours);
        let theirs = serde_json::to_vec(&node.to_value()).ok();
        assert_eq!(Some(ours), theirs);
    }
}
