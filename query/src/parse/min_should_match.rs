//! How many optional clauses must match, given an `mm` spec (`3`, `-2`, `75%`, `-25%`,
//! `3<90%`, `2<-25% 9<-3`): Solr's `SolrPluginUtils.calculateMinShouldMatch`, including its
//! integer arithmetic and its error messages.

use super::java;
use crate::{QueryError, Result};

/// The number of the `optional_clauses` that must match under `spec`, between 0 and
/// `optional_clauses`. A malformed spec is a 400 naming `mm`, as in Solr.
pub fn min_should_match(spec: &str, optional_clauses: usize) -> Result<usize> {
    let n = i32::try_from(optional_clauses).unwrap_or(i32::MAX);
    let result = calculate(n, spec)?;
    Ok(usize::try_from(result.max(0)).unwrap_or(0))
}

fn calculate(optional: i32, spec: &str) -> Result<i32> {
    let mut result = optional;
    let spec = java::trim(spec);
    if spec.contains('<') {
        // Conditional specs: each `n<spec` applies only above n clauses, in order.
        let normalised = normalise_less_than(spec);
        for part in split_keep_leading(&normalised, ' ') {
            let pieces = split_keep_leading(part, '<');
            if pieces.len() < 2 {
                return Err(QueryError::BadParam(format!(
                    "Invalid 'mm' spec: '{part}'. Expecting values before and after '<'"
                )));
            }
            let upper_bound = checked_parse_int(pieces[0])?;
            if optional <= upper_bound {
                return Ok(result);
            }
            result = calculate(optional, pieces[1])?;
        }
        return Ok(result);
    }
    if spec.contains('%') {
        // Solr assumes the `%` is the last character and lets the parse fail otherwise.
        let mut chars = spec.chars();
        chars.next_back();
        let percent = checked_parse_int(chars.as_str())?;
        let calc = (result.wrapping_mul(percent) as f32) * (1.0 / 100.0);
        result = if calc < 0.0 {
            result.wrapping_add(calc as i32)
        } else {
            calc as i32
        };
    } else {
        let calc = checked_parse_int(spec)?;
        result = if calc < 0 {
            result.wrapping_add(calc)
        } else {
            calc
        };
    }
    Ok(if optional < result {
        optional
    } else {
        result.max(0)
    })
}

/// `Integer.parseInt` with Solr's 400 message.
fn checked_parse_int(input: &str) -> Result<i32> {
    input
        .parse::<i32>()
        .map_err(|_| QueryError::BadParam("Invalid 'mm' spec. Expecting an integer.".into()))
}

/// Solr's `(\s+<\s*)|(\s*<\s+)` → `<`: whitespace around `<` is dropped.
fn normalise_less_than(spec: &str) -> String {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::with_capacity(spec.len());
    let mut i = 0;
    while i < chars.len() {
        if java::is_regex_space(chars[i]) || chars[i] == '<' {
            let mut j = i;
            while j < chars.len() && java::is_regex_space(chars[j]) {
                j += 1;
            }
            if j < chars.len() && chars[j] == '<' {
                let mut k = j + 1;
                while k < chars.len() && java::is_regex_space(chars[k]) {
                    k += 1;
                }
                if j > i || k > j + 1 {
                    out.push('<');
                    i = k;
                    continue;
                }
            }
            if j > i {
                // A whitespace run not before `<`: kept as it is.
                out.extend(&chars[i..j]);
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Java's `String.split(regex)` for a one-character literal: leading empty strings are
/// kept, trailing ones dropped.
fn split_keep_leading(s: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(sep).collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts == [""] && !s.is_empty() {
        parts.clear();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mm(spec: &str, n: usize) -> usize {
        min_should_match(spec, n).unwrap()
    }

    #[test]
    fn simple_specs() {
        assert_eq!(mm("3", 5), 3);
        assert_eq!(mm("3", 2), 2, "never more than the clauses");
        assert_eq!(mm("-2", 5), 3);
        assert_eq!(mm("-7", 5), 0, "never below zero");
        assert_eq!(mm("75%", 5), 3, "3.75 rounds down");
        assert_eq!(mm("-25%", 5), 4, "1.25 missing rounds down to 1");
        assert_eq!(mm("100%", 4), 4);
        assert_eq!(mm("0%", 4), 0);
        assert_eq!(mm(" 2 ", 4), 2);
    }

    #[test]
    fn conditional_specs() {
        assert_eq!(mm("3<90%", 3), 3);
        assert_eq!(mm("3<90%", 10), 9);
        assert_eq!(mm("2<-25% 9<-3", 2), 2);
        assert_eq!(mm("2<-25% 9<-3", 8), 6);
        assert_eq!(mm("2<-25% 9<-3", 12), 9);
        assert_eq!(mm("2 < -25% 9<-3", 12), 9, "spaces around < are dropped");
        // CKAN's default: 1–2 clauses all, 3–5 all but one, 6+ 80 % rounded down.
        let ckan = "2<-1 5<80%";
        let expected = [0, 1, 2, 2, 3, 4, 4, 5, 6, 7];
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(mm(ckan, n), *want, "{n} clauses");
        }
    }

    #[test]
    fn bad_specs_are_400s_naming_mm() {
        let int = QueryError::BadParam("Invalid 'mm' spec. Expecting an integer.".into());
        assert_eq!(min_should_match("abc", 3), Err(int.clone()));
        assert_eq!(min_should_match("", 3), Err(int.clone()));
        assert_eq!(min_should_match("7%5", 3), Err(int.clone()));
        assert_eq!(min_should_match("<3", 3), Err(int));
        assert_eq!(
            min_should_match("2<-1  5<80%", 3),
            Err(QueryError::BadParam(
                "Invalid 'mm' spec: ''. Expecting values before and after '<'".into()
            )),
            "Solr splits conditions on single spaces"
        );
        assert_eq!(
            min_should_match("3<", 5),
            Err(QueryError::BadParam(
                "Invalid 'mm' spec: '3<'. Expecting values before and after '<'".into()
            ))
        );
    }
}
