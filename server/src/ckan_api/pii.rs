//! data.gov.uk's removal of personal data from search answers
//! (`ckanext-datagovuk` `pii_helpers`): author and maintainer names and e-mails go from
//! every result, from its `extras`, and from the dataset dicts stored inside it.

use serde_json::Value;

use super::python::json_dumps;

/// The keys removed.
pub const PII_KEYS: [&str; 4] = ["author", "author_email", "maintainer", "maintainer_email"];

/// Strips every result of a `package_search` result object.
pub fn strip_search_result(result: &mut Value) {
    let Some(results) = result.get_mut("results").and_then(Value::as_array_mut) else {
        return;
    };
    for element in results {
        strip_result(element);
    }
}

fn strip_result(element: &mut Value) {
    let Some(map) = element.as_object_mut() else {
        return;
    };
    for key in ["data_dict", "validated_data_dict"] {
        if let Some(Value::String(text)) = map.get_mut(key) {
            if let Ok(mut dict) = serde_json::from_str::<Value>(text) {
                strip_dict_block(&mut dict);
                *text = json_dumps(&dict);
            }
        }
    }
    if let Some(Value::Object(extras)) = map.get_mut("extras") {
        extras.retain(|k, _| !PII_KEYS.contains(&k.as_str()));
    }
    // A full dataset dict (no `fl`) has its `extras` as a list of key/value pairs.
    strip_dict_block(element);
}

/// A dataset dict: PII keys at the top and PII entries of its `extras` list.
fn strip_dict_block(dict: &mut Value) {
    let Some(map) = dict.as_object_mut() else {
        return;
    };
    map.retain(|k, _| !PII_KEYS.contains(&k.as_str()));
    if let Some(Value::Array(extras)) = map.get_mut("extras") {
        extras.retain(|e| {
            e.get("key")
                .and_then(Value::as_str)
                .is_none_or(|k| !PII_KEYS.contains(&k))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_top_level_extras_and_stored_dicts() {
        let stored = json!({"name": "a", "author": "x", "extras": [{"key": "maintainer", "value": "m"}, {"key": "k", "value": "v"}]});
        let mut result = json!({"results": [
            {"name": "a", "author": "A", "maintainer_email": "m@x", "extras": [{"key": "author_email", "value": "e"}, {"key": "theme", "value": "t"}]},
            {"id": "1", "extras": {"author": "x", "theme": "t"}, "validated_data_dict": stored.to_string()},
        ]});
        strip_search_result(&mut result);
        assert_eq!(
            result["results"][0],
            json!({"name": "a", "extras": [{"key": "theme", "value": "t"}]})
        );
        assert_eq!(result["results"][1]["extras"], json!({"theme": "t"}));
        assert_eq!(
            result["results"][1]["validated_data_dict"],
            json!("{\"name\": \"a\", \"extras\": [{\"key\": \"k\", \"value\": \"v\"}]}")
        );
    }
}
