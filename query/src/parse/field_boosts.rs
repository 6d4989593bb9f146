//! Which fields (or functions) and boosts a `qf` / `pf` / `bf` value names
//! (`name^4 title^4 tags^2 groups^2 text`): Solr's `SolrPluginUtils.parseFieldBoosts`.

use super::java;
use crate::{QueryError, Result};

/// Splits `spec` on whitespace into `name^boost` entries; an entry without `^` has
/// boost 1. A name given twice keeps its first position and its last boost (Solr keeps a
/// map). Empty names (`^2`) are skipped.
pub fn parse_field_boosts(spec: &str) -> Result<Vec<(String, f32)>> {
    let mut out: Vec<(String, f32)> = Vec::new();
    for entry in spec.split(java::is_regex_space).filter(|s| !s.is_empty()) {
        // Java's split on `^` drops trailing empty pieces: `name^` has no boost.
        let mut pieces = entry.split('^');
        let name = pieces.next().unwrap_or_default();
        let boost = match pieces.next() {
            None | Some("") => 1.0,
            Some(b) => java::trim(b)
                .parse::<f32>()
                .map_err(|_| QueryError::BadParam(format!("For input string: \"{b}\"")))?,
        };
        if name.is_empty() {
            continue;
        }
        match out.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1 = boost,
            None => out.push((name.to_string(), boost)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ckan_query_fields() {
        assert_eq!(
            parse_field_boosts("name^4 title^4 tags^2 groups^2 text").unwrap(),
            vec![
                ("name".to_string(), 4.0),
                ("title".to_string(), 4.0),
                ("tags".to_string(), 2.0),
                ("groups".to_string(), 2.0),
                ("text".to_string(), 1.0),
            ]
        );
        assert_eq!(
            parse_field_boosts("  title^1.5\tnotes  title^3 name^ ").unwrap(),
            vec![
                ("title".to_string(), 3.0),
                ("notes".to_string(), 1.0),
                ("name".to_string(), 1.0),
            ]
        );
        assert_eq!(parse_field_boosts("").unwrap(), vec![]);
        assert_eq!(
            parse_field_boosts("title^x"),
            Err(QueryError::BadParam("For input string: \"x\"".into()))
        );
    }
}
