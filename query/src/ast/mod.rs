//! The query AST: what a query means, independent of both the Solr syntax it was written
//! in and of tantivy. Parsers (`crate::parse`) produce it; `crate::build` compiles it
//! against CKAN's schema.
//!
//! Values are kept as the user wrote them (unescaped): analysis, typing (dates, numbers)
//! and date-math evaluation happen at build time, when the field's type is known.

pub mod function;

pub use function::FuncExpr;

/// A query node.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryAst {
    /// Every document (`*:*`).
    MatchAll,
    /// No document.
    MatchNone,
    /// Boolean combination.
    Bool(BoolQuery),
    /// A single value searched in a field (`field:value`). Analysed by the field's query
    /// analyser: several tokens combine with the default operator (or the dismax `mm`).
    Term(TermQuery),
    /// A quoted phrase (`field:"a b"~slop`). On a string field, the exact whole value.
    Phrase(PhraseQuery),
    /// A range (`field:[a TO b}`).
    Range(RangeQuery),
    /// A wildcard or prefix pattern with `*` and `?` (`field:te?t*`).
    Wildcard(WildcardQuery),
    /// An edit-distance match (`field:roam~1`).
    Fuzzy(FuzzyQuery),
    /// Documents with any value in the field (`field:*`, `field:[* TO *]`).
    Exists {
        /// The Solr field.
        field: String,
    },
    /// Disjunction-max with a tie breaker (dismax clauses over `qf`).
    DisMax(DisMaxQuery),
    /// A boosted query (`q^2`): score multiplied.
    Boost {
        /// The query.
        query: Box<QueryAst>,
        /// The factor.
        boost: f32,
    },
    /// A constant-score query (`q^=2`, filters).
    ConstScore {
        /// The query.
        query: Box<QueryAst>,
        /// The score every match gets.
        score: f32,
    },
    /// Every document, scored by a function (`bf`, `{!func}`).
    Function(FuncExpr),
    /// Documents whose function value lies in a range (`{!frange l=0 u=1 incl=false}f`).
    FunctionRange(FunctionRange),
    /// A query whose score is multiplied by a function (edismax `boost`).
    Boosted {
        /// The query.
        query: Box<QueryAst>,
        /// The multiplier.
        boost: FuncExpr,
    },
}

/// Boolean clauses. Lucene's semantics: with no `must` (and no `filter`), at least
/// `minimum_should_match` (default 1) of `should` must match; with no `must`, `filter`
/// and `should` at all, the query is pure-negative and Solr runs it as
/// "all documents minus `must_not`" — the builder adds the match-all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoolQuery {
    /// Required, scored.
    pub must: Vec<QueryAst>,
    /// Optional, scored.
    pub should: Vec<QueryAst>,
    /// Excluded.
    pub must_not: Vec<QueryAst>,
    /// Required, not scored.
    pub filter: Vec<QueryAst>,
    /// How many `should` clauses must match (dismax `mm`, resolved to a number).
    pub minimum_should_match: Option<usize>,
}

/// How the several tokens of one analysed term combine (Lucene's QueryBuilder uses the
/// default operator; dismax uses `mm` across clauses instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenOperator {
    /// All tokens required (`q.op=AND`).
    And,
    /// Any token (`q.op=OR`, Solr's default).
    #[default]
    Or,
}

/// `field:value`.
#[derive(Debug, Clone, PartialEq)]
pub struct TermQuery {
    /// The Solr field.
    pub field: String,
    /// The value, unescaped.
    pub text: String,
    /// How several analysed tokens combine.
    pub operator: TokenOperator,
}

/// `field:"a b"~slop`.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseQuery {
    /// The Solr field.
    pub field: String,
    /// The phrase, unescaped, without quotes.
    pub text: String,
    /// Allowed word moves (`~N`), 0 by default.
    pub slop: u32,
}

/// One end of a range.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeBound {
    /// `*`: open.
    Unbounded,
    /// A value (possibly `""`, possibly date math such as `NOW-7DAY/DAY`), inclusive.
    Included(String),
    /// A value, exclusive.
    Excluded(String),
}

/// `field:[lower TO upper}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeQuery {
    /// The Solr field.
    pub field: String,
    /// Lower bound.
    pub lower: RangeBound,
    /// Upper bound.
    pub upper: RangeBound,
}

/// `field:pattern` with `*` (any run) and `?` (one character); `\*` and `\?` are
/// literals and are kept escaped in `pattern` so the builder can tell them apart.
#[derive(Debug, Clone, PartialEq)]
pub struct WildcardQuery {
    /// The Solr field.
    pub field: String,
    /// The pattern, with `\` escapes kept only before `*`, `?` and `\`.
    pub pattern: String,
}

/// `field:term~distance`.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzyQuery {
    /// The Solr field.
    pub field: String,
    /// The term, unescaped.
    pub text: String,
    /// Maximum edit distance, 0–2.
    pub distance: u8,
}

/// Disjunction-max: a document's score is its best clause's plus `tie` × the others'.
#[derive(Debug, Clone, PartialEq)]
pub struct DisMaxQuery {
    /// The alternatives.
    pub disjuncts: Vec<QueryAst>,
    /// The tie breaker (0 = pure max, 1 = sum).
    pub tie: f32,
}

/// `{!frange l=… u=… incl=… incu=…}function`.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRange {
    /// The function.
    pub function: FuncExpr,
    /// Lower bound, if any.
    pub lower: Option<f64>,
    /// Upper bound, if any.
    pub upper: Option<f64>,
    /// Lower bound inclusive (default true).
    pub include_lower: bool,
    /// Upper bound inclusive (default true).
    pub include_upper: bool,
}

impl QueryAst {
    /// A term query with the default `OR` token operator.
    pub fn term(field: impl Into<String>, text: impl Into<String>) -> Self {
        QueryAst::Term(TermQuery {
            field: field.into(),
            text: text.into(),
            operator: TokenOperator::Or,
        })
    }

    /// A phrase with no slop.
    pub fn phrase(field: impl Into<String>, text: impl Into<String>) -> Self {
        QueryAst::Phrase(PhraseQuery {
            field: field.into(),
            text: text.into(),
            slop: 0,
        })
    }
}
