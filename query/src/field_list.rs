//! `fl`: which fields a hit returns. Solr's `SolrReturnFields` rules: names separated by
//! commas and/or whitespace, `*` (every stored field), globs (`extras_*`, `?` too), `score`,
//! and `alias:field` renames; `[transformer …]` and function values are pseudo-fields we do
//! not compute, so they are skipped rather than refused (Solr itself ignores an unknown
//! transformer). No `fl` at all means every stored field.

/// A parsed `fl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldList {
    all: bool,
    names: Vec<String>,
    globs: Vec<String>,
    renames: Vec<(String, String)>,
    /// Whether `score` was asked for.
    pub score: bool,
}

impl Default for FieldList {
    /// No `fl`: every stored field, no score.
    fn default() -> Self {
        Self {
            all: true,
            names: Vec::new(),
            globs: Vec::new(),
            renames: Vec::new(),
            score: false,
        }
    }
}

impl FieldList {
    /// Parses every `fl` value. No value, or only empty ones, means every stored field (as
    /// Solr, which only reads an empty `fl` as "all").
    pub fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut fl = Self {
            all: false,
            ..Self::default()
        };
        let mut any_entry = false;
        for value in values {
            for entry in split_entries(value) {
                any_entry = true;
                fl.add(entry);
            }
        }
        if !any_entry {
            fl.all = true;
        }
        fl
    }

    fn add(&mut self, entry: &str) {
        if entry.starts_with('[') || entry.starts_with('{') || entry.contains('(') {
            // A transformer (`[docid]`, `[child …]`) or a function value: pseudo-fields.
            return;
        }
        if let Some((alias, source)) = entry.split_once(':') {
            if is_field_name(alias) && is_field_name(source) {
                self.renames.push((alias.to_string(), source.to_string()));
            }
            // `alias:[transformer]`, `alias:func(…)`: pseudo-fields as above.
            return;
        }
        match entry {
            "score" => self.score = true,
            "*" => self.all = true,
            glob if glob.contains(['*', '?']) => self.globs.push(glob.to_string()),
            name => self.names.push(name.to_string()),
        }
    }

    /// Whether a stored field is returned under its own name.
    pub fn includes(&self, field: &str) -> bool {
        if self.names.iter().any(|n| n == field) {
            return true;
        }
        if self.renames.iter().any(|(_, source)| source == field) {
            // Solr moves a renamed field unless it was also asked for by name.
            return false;
        }
        self.all || self.globs.iter().any(|g| glob_matches(g, field))
    }

    /// `alias:field` pairs, in request order: the field's value is also returned as `alias`.
    pub fn renames(&self) -> &[(String, String)] {
        &self.renames
    }

    /// Whether any stored field can be returned (otherwise only `score` is, and documents
    /// need not be read).
    pub fn wants_stored(&self) -> bool {
        self.all || !self.names.is_empty() || !self.globs.is_empty() || !self.renames.is_empty()
    }

    /// How many distinct stored fields can be returned, when that is known up front (only
    /// plain names and renames, no `*` or globs): a reader may stop once it has seen them.
    pub fn exact_field_count(&self) -> Option<usize> {
        if self.all || !self.globs.is_empty() {
            return None;
        }
        let mut fields: Vec<&str> = self.names.iter().map(String::as_str).collect();
        fields.extend(self.renames.iter().map(|(_, source)| source.as_str()));
        fields.sort_unstable();
        fields.dedup();
        Some(fields.len())
    }

    /// The one stored field `fl` returns, when it names exactly one under its own name (with
    /// or without `score`; no `*`, globs or renames): such a page can be read from a column.
    pub fn single_field(&self) -> Option<&str> {
        if self.all || !self.globs.is_empty() || !self.renames.is_empty() {
            return None;
        }
        let first = self.names.first()?;
        self.names
            .iter()
            .all(|name| name == first)
            .then_some(first.as_str())
    }

    /// Whether a stored field is returned, under its own name or an alias.
    pub fn reads(&self, field: &str) -> bool {
        self.includes(field) || self.renames.iter().any(|(_, source)| source == field)
    }
}

/// Splits one `fl` value into entries at commas and whitespace outside brackets,
/// parentheses, braces and quotes (so `[child parentFilter="a b"]` and `sum(a, b)` stay
/// whole).
fn split_entries(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in value.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' if depth > 0 => quote = Some(c),
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(&value[s..i]);
                }
                continue;
            }
            c if c.is_whitespace() && depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(&value[s..i]);
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&value[s..]);
    }
    out
}

/// Solr's field-name rule for `fl` (a Java identifier, plus `.` and `-`).
fn is_field_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '-'))
}

/// Glob matching as Solr's `GlobPatternUtil`: `*` any run of characters, `?` exactly one.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fl(values: &[&str]) -> FieldList {
        FieldList::parse(values.iter().copied())
    }

    #[test]
    fn parses_space_and_comma_lists_and_globs() {
        let f = fl(&["id validated_data_dict", "name,extras_*"]);
        assert!(f.includes("id") && f.includes("name") && f.includes("validated_data_dict"));
        assert!(f.includes("extras_theme-primary"));
        assert!(!f.includes("title") && !f.score);
        let f = fl(&["id, metadata_modified ,,  score"]);
        assert!(f.includes("id") && f.includes("metadata_modified") && f.score);
        assert!(!f.includes("name"));
    }

    #[test]
    fn absent_or_empty_fl_is_every_stored_field() {
        for f in [fl(&[]), fl(&[""]), FieldList::default()] {
            assert!(f.includes("title") && f.includes("data_dict") && !f.score);
            assert!(f.wants_stored());
        }
    }

    #[test]
    fn the_number_of_fields_to_read_is_known_only_without_star_or_globs() {
        assert_eq!(fl(&["id"]).exact_field_count(), Some(1));
        assert_eq!(fl(&["id name,id score"]).exact_field_count(), Some(2));
        assert_eq!(fl(&["id,n:name,name"]).exact_field_count(), Some(2));
        assert_eq!(fl(&["id,extras_*"]).exact_field_count(), None);
        assert_eq!(fl(&["id,*"]).exact_field_count(), None);
        assert_eq!(fl(&[]).exact_field_count(), None);
    }

    #[test]
    fn a_single_field_is_one_name_and_nothing_else() {
        assert_eq!(fl(&["id"]).single_field(), Some("id"));
        assert_eq!(fl(&["id score,id"]).single_field(), Some("id"));
        for other in [
            &["id,name"][..],
            &["id,extras_*"],
            &["ident:id"],
            &["*"],
            &[],
            &["score"],
        ] {
            assert_eq!(fl(other).single_field(), None, "{other:?}");
        }
    }

    #[test]
    fn score_alone_returns_only_the_score() {
        // SolrReturnFields: `fl=score` does not ask for all fields.
        let f = fl(&["score"]);
        assert!(f.score && !f.includes("title") && !f.wants_stored());
        let f = fl(&["*,score"]);
        assert!(f.score && f.includes("title"));
    }

    #[test]
    fn globs_match_anywhere() {
        let f = fl(&["*_date", "res_?xtras_*", "extras_*"]);
        assert!(f.includes("issued_date") && !f.includes("date"));
        assert!(f.includes("res_extras_size") && f.includes("extras_a"));
        // `*` matches an empty run too (GlobPatternUtil).
        assert!(f.includes("extras_"));
        assert!(glob_matches("a*b*c", "axxbyyc") && !glob_matches("a*b*c", "axxbyy"));
    }

    #[test]
    fn transformers_and_functions_are_skipped() {
        let f = fl(&["id,[docid] [child parentFilter=\"a b\" limit=2],sum(1, 2) x:[explain]"]);
        assert!(f.includes("id") && !f.includes("[docid]"));
        assert!(!f.includes("title") && !f.score && f.renames().is_empty());
    }

    #[test]
    fn renames_move_unless_also_asked_by_name() {
        let f = fl(&["ident:id name"]);
        assert_eq!(f.renames(), &[("ident".to_string(), "id".to_string())]);
        assert!(!f.includes("id") && f.reads("id") && f.includes("name"));
        let f = fl(&["ident:id id"]);
        assert!(f.includes("id"));
    }
}
