//! Just enough Python 2 to say what CKAN 2.8 (the last CKAN with the legacy search API,
//! which ran on Python 2.7) said: its values (`unicode` from the request, `str` from its
//! own literals), their `repr()`, which its error messages quote, and paste's `MultiDict`,
//! which holds the search parameters while CKAN rewrites them (the order of its items is
//! what the error messages print).

use serde_json::Value;

/// A Python 2 value.
#[derive(Debug, Clone, PartialEq)]
pub enum Py {
    /// `unicode`: everything read from a request or from JSON.
    Unicode(String),
    /// `str` (bytes): CKAN's own literals; always ASCII here.
    Str(String),
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// `None`.
    None,
    /// `list`.
    List(Vec<Py>),
    /// `dict` (in the order given).
    Dict(Vec<(Py, Py)>),
}

impl Py {
    /// A JSON value as `json.loads` gives it on Python 2.
    pub fn from_json(v: &Value) -> Py {
        match v {
            Value::Null => Py::None,
            Value::Bool(b) => Py::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Py::Int(i),
                None => Py::Float(n.as_f64().unwrap_or(f64::MAX)),
            },
            Value::String(s) => Py::Unicode(s.clone()),
            Value::Array(items) => Py::List(items.iter().map(Py::from_json).collect()),
            Value::Object(m) => Py::Dict(
                m.iter()
                    .map(|(k, v)| (Py::Unicode(k.clone()), Py::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The text of a `str` or `unicode`.
    pub fn text(&self) -> Option<&str> {
        match self {
            Py::Unicode(s) | Py::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `bool(value)`.
    pub fn truthy(&self) -> bool {
        match self {
            Py::Unicode(s) | Py::Str(s) => !s.is_empty(),
            Py::Int(i) => *i != 0,
            Py::Float(f) => *f != 0.0,
            Py::Bool(b) => *b,
            Py::None => false,
            Py::List(items) => !items.is_empty(),
            Py::Dict(items) => !items.is_empty(),
        }
    }

    /// `repr(value)` as Python 2.7 writes it.
    pub fn repr(&self) -> String {
        match self {
            Py::Unicode(s) => format!("u{}", quote(s)),
            Py::Str(s) => quote(s),
            Py::Int(i) => i.to_string(),
            Py::Float(f) => float_repr(*f),
            Py::Bool(true) => "True".into(),
            Py::Bool(false) => "False".into(),
            Py::None => "None".into(),
            Py::List(items) => {
                let parts: Vec<String> = items.iter().map(Py::repr).collect();
                format!("[{}]", parts.join(", "))
            }
            Py::Dict(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.repr(), v.repr()))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// `str(value)` / `unicode(value)`: text as it is, anything else as its repr (what
    /// `'%s' % value` and pysolr's URL encoding write).
    pub fn to_text(&self) -> String {
        match self {
            Py::Unicode(s) | Py::Str(s) => s.clone(),
            other => other.repr(),
        }
    }
}

/// `repr(SomeError(message,))`: how Python 2 prints an exception with one argument.
pub fn exception_repr(class: &str, message: &Py) -> String {
    format!("{class}({},)", message.repr())
}

/// A string literal as Python 2's repr quotes it: single quotes unless the text has a
/// single quote and no double quote; non-ASCII as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
fn quote(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0x100).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x7f => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(q);
    out
}

/// `repr(float)` (Python 2.7: the shortest text that reads back, `.0` on whole numbers).
fn float_repr(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// A key of a [`MultiDict`]: its text and whether it is `unicode` (from the request) or
/// `str` (set by CKAN's code).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The name.
    pub name: String,
    /// `unicode` rather than `str`.
    pub unicode: bool,
}

impl Key {
    /// A key that came from the request.
    pub fn unicode(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unicode: true,
        }
    }

    /// A key CKAN's code wrote.
    pub fn str(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unicode: false,
        }
    }

    fn repr(&self) -> String {
        if self.unicode {
            Py::Unicode(self.name.clone()).repr()
        } else {
            Py::Str(self.name.clone()).repr()
        }
    }
}

/// paste's `MultiDict`: items in order; a lookup finds the first, an assignment removes
/// every item of the key and appends one, a deletion removes them all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MultiDict {
    /// The items.
    pub items: Vec<(Key, Py)>,
}

impl MultiDict {
    /// `d[name]` / `d.get(name)`.
    pub fn get(&self, name: &str) -> Option<&Py> {
        self.items
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
    }

    /// `name in d`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `d[key] = value`.
    pub fn set(&mut self, key: Key, value: Py) {
        self.remove(&key.name);
        self.items.push((key, value));
    }

    /// `del d[name]` (nothing when absent).
    pub fn remove(&mut self, name: &str) {
        self.items.retain(|(k, _)| k.name != name);
    }

    /// The distinct keys, in the order they first appear.
    pub fn keys(&self) -> Vec<Key> {
        let mut out: Vec<Key> = Vec::new();
        for (k, _) in &self.items {
            if !out.iter().any(|seen| seen.name == k.name) {
                out.push(k.clone());
            }
        }
        out
    }

    /// `**d`: one value per key (the first), in order.
    pub fn flattened(&self) -> Vec<(String, Py)> {
        self.keys()
            .into_iter()
            .filter_map(|k| self.get(&k.name).map(|v| (k.name.clone(), v.clone())))
            .collect()
    }

    /// `repr(d)`: `MultiDict([(key, value), …])`.
    pub fn repr(&self) -> String {
        let parts: Vec<String> = self
            .items
            .iter()
            .map(|(k, v)| format!("({}, {})", k.repr(), v.repr()))
            .collect();
        format!("MultiDict([{}])", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reprs_are_python_2s() {
        assert_eq!(Py::Unicode("abc".into()).repr(), "u'abc'");
        assert_eq!(Py::Unicode("it's".into()).repr(), "u\"it's\"");
        assert_eq!(Py::Unicode("a'b\"c".into()).repr(), "u'a\\'b\"c'");
        assert_eq!(
            Py::Unicode("é☃😀\n".into()).repr(),
            "u'\\xe9\\u2603\\U0001f600\\n'"
        );
        assert_eq!(Py::Str("x\\y".into()).repr(), "'x\\\\y'");
        assert_eq!(
            Py::from_json(&json!({"a": [1, 2.5, true, null, 3.0]})).repr(),
            "{u'a': [1, 2.5, True, None, 3.0]}"
        );
        assert_eq!(
            exception_repr("ValueError", &Py::Unicode("Bad 'x'".into())),
            "ValueError(u\"Bad 'x'\",)"
        );
    }

    #[test]
    fn multidict_keeps_pastes_order() {
        let mut d = MultiDict::default();
        d.items.push((Key::unicode("q"), Py::Unicode("a".into())));
        d.items.push((Key::unicode("fl"), Py::Unicode("x".into())));
        d.items.push((Key::unicode("q"), Py::Unicode("b".into())));
        assert_eq!(d.get("q"), Some(&Py::Unicode("a".into())));
        d.set(Key::str("rows"), Py::Int(6));
        d.set(Key::str("q"), Py::Str("*:*".into()));
        assert_eq!(
            d.repr(),
            "MultiDict([(u'fl', u'x'), ('rows', 6), ('q', '*:*')])"
        );
        assert_eq!(
            d.flattened(),
            vec![
                ("fl".to_string(), Py::Unicode("x".into())),
                ("rows".to_string(), Py::Int(6)),
                ("q".to_string(), Py::Str("*:*".into())),
            ]
        );
        d.remove("fl");
        assert!(!d.contains("fl"));
    }
}
