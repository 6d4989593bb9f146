//! How does a query literal become an indexed term of its field? Dates go through Solr date
//! math, numbers through Java's parsing (as Solr's point fields read them), strings stay as
//! they are; the term is built for an explicit tantivy field or for the field's key inside
//! a dynamic JSON field.

use ckan_search_indexer::document::value::parse_solr_bool;
use ckan_search_indexer::schema::FieldKind;
use tantivy::schema::Type;
use tantivy::Term;

use super::{BuildContext, Target};
use crate::{QueryError, Result};

/// A literal typed for its field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'t> {
    /// Strings and (already analysed) text tokens.
    Str(&'t str),
    /// Ints, and dates as epoch milliseconds.
    I64(i64),
    /// Floats.
    F64(f64),
    /// Booleans.
    Bool(bool),
}

/// Types `text` for `target`: `NOW-1DAY` on a date field, `12` on an int field, …
/// A value the field's type cannot read is a 400 with Solr's message.
pub(crate) fn parse_value<'t>(
    ctx: &BuildContext,
    target: &Target,
    text: &'t str,
) -> Result<Value<'t>> {
    Ok(match target.kind() {
        FieldKind::String | FieldKind::Text(_) => Value::Str(text),
        FieldKind::Date => Value::I64(ctx.date_math(text)?),
        FieldKind::Int => Value::I64(parse_int(target, text)?),
        FieldKind::Float => Value::F64(parse_float(target, text)?),
        FieldKind::Boolean => Value::Bool(parse_solr_bool(text)),
    })
}

fn invalid_number(target: &Target, text: &str) -> QueryError {
    QueryError::BadParam(format!("Invalid Number: {text} for field {}", target.name))
}

/// Java's `Integer.parseInt`, as `IntPointField` reads query values (32-bit, no fraction).
fn parse_int(target: &Target, text: &str) -> Result<i64> {
    text.parse::<i32>()
        .map(i64::from)
        .map_err(|_| invalid_number(target, text))
}

/// Java's `Float.parseFloat` (surrounding blanks, `NaN`, `Infinity` and an `f`/`d` suffix
/// allowed), kept at the double precision the index stores.
fn parse_float(target: &Target, text: &str) -> Result<f64> {
    let t = text.trim_matches(|c: char| c <= ' ');
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let negative = t.starts_with('-');
    let value = match unsigned {
        "NaN" => Some(f64::NAN),
        "Infinity" if negative => Some(f64::NEG_INFINITY),
        "Infinity" => Some(f64::INFINITY),
        _ => {
            let body = t.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(t);
            let plain = body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
            if plain && body.bytes().any(|b| b.is_ascii_digit()) {
                body.parse::<f64>().ok()
            } else {
                None
            }
        }
    };
    value.ok_or_else(|| invalid_number(target, text))
}

/// The indexed term of `value` in `target`.
pub(crate) fn term(target: &Target, value: Value) -> Term {
    match &target.json_path {
        None => match value {
            Value::Str(s) => Term::from_field_text(target.field, s),
            Value::I64(v) => Term::from_field_i64(target.field, v),
            Value::F64(v) => Term::from_field_f64(target.field, v),
            Value::Bool(v) => Term::from_field_bool(target.field, v),
        },
        Some(path) => {
            let mut term = Term::from_field_json_path(target.field, path, false);
            match value {
                Value::Str(s) => term.append_type_and_str(s),
                Value::I64(v) => term.append_type_and_fast_value(v),
                Value::F64(v) => term.append_type_and_fast_value(v),
                Value::Bool(v) => term.append_type_and_fast_value(v),
            }
            term
        }
    }
}

/// The bytes every term-dictionary key of `target` starts with: nothing for an explicit
/// field; for a dynamic field its JSON path, the end-of-path marker and, if given, the
/// value type (so the keys of other fields sharing the JSON field are never visited).
pub(crate) fn key_prefix(target: &Target, typ: Option<Type>) -> Vec<u8> {
    match &target.json_path {
        None => Vec::new(),
        Some(path) => {
            let term = Term::from_field_json_path(target.field, path, false);
            let mut prefix = term.serialized_value_bytes().to_vec();
            if let Some(typ) = typ {
                prefix.push(typ.to_code());
            }
            prefix
        }
    }
}

/// The term-dictionary key of `value` in `target`, without its JSON prefix and type (what
/// a scan compares after [`key_prefix`] with the value's type).
pub(crate) fn key_suffix(target: &Target, value: Value) -> Vec<u8> {
    let term = term(target, value);
    let key = term.serialized_value_bytes();
    let skip = match &target.json_path {
        None => 0,
        Some(_) => key_prefix(target, Some(value_type(value))).len(),
    };
    key.get(skip..).unwrap_or_default().to_vec()
}

/// The tantivy type a value is indexed as.
pub(crate) fn value_type(value: Value) -> Type {
    match value {
        Value::Str(_) => Type::Str,
        Value::I64(_) => Type::I64,
        Value::F64(_) => Type::F64,
        Value::Bool(_) => Type::Bool,
    }
}
