//! What kind of values a Solr field holds, and so how tantivy indexes it.

use crate::analysis;

/// The Solr field types CKAN's schema uses, reduced to what changes indexing and querying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `StrField`: the whole value is one exact, case-sensitive term.
    String,
    /// `TextField` with one of CKAN's analysers.
    Text(TextType),
    /// `DatePointField`: indexed as milliseconds since the Unix epoch, UTC.
    Date,
    /// `IntPointField` / `LongPointField`.
    Int,
    /// `FloatPointField` / `DoublePointField`.
    Float,
    /// `BoolField`.
    Boolean,
}

/// CKAN's three analysed field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextType {
    /// `text`: English, stemmed, word-delimiter split.
    Text,
    /// `text_general`: word-delimiter split, lowercased, not stemmed.
    TextGeneral,
    /// `text_ngram`: 2–10 character n-grams of the whole value.
    TextNgram,
}

impl TextType {
    /// The tokenizer used when documents are indexed.
    pub fn index_analyzer(self) -> &'static str {
        match self {
            TextType::Text => analysis::TEXT,
            TextType::TextGeneral => analysis::TEXT_GENERAL,
            TextType::TextNgram => analysis::TEXT_NGRAM,
        }
    }

    /// The tokenizer used on query text (Solr's `<analyzer type="query">`).
    pub fn query_analyzer(self) -> &'static str {
        match self {
            TextType::Text => analysis::TEXT_QUERY,
            TextType::TextGeneral => analysis::TEXT_GENERAL_QUERY,
            TextType::TextNgram => analysis::TEXT_NGRAM_QUERY,
        }
    }

    /// The Solr type name, as schema.xml spells it.
    pub fn solr_name(self) -> &'static str {
        match self {
            TextType::Text => "text",
            TextType::TextGeneral => "text_general",
            TextType::TextNgram => "text_ngram",
        }
    }
}

impl FieldKind {
    /// The Solr type name, as schema.xml spells it.
    pub fn solr_name(self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Text(t) => t.solr_name(),
            FieldKind::Date => "date",
            FieldKind::Int => "int",
            FieldKind::Float => "float",
            FieldKind::Boolean => "boolean",
        }
    }
}
