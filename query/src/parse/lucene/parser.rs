//! The grammar of Solr's standard query parser (`QueryParser.jj` with
//! `SolrQueryParserBase`): clauses and their occurrence by Lucene's position rules
//! (`addClause`), fields and groups, terms, phrases, ranges, wildcards, fuzzy terms,
//! boosts, `filter(…)`, and embedded sub-queries (`_query_`, `_val_`, `{!…}`).
//!
//! Field-less clauses search the default field — `df`, or, for dismax and edismax, a
//! disjunction over the `qf` fields (Solr's field alias).

use std::collections::VecDeque;

use super::lexer::{Kind, Lexer, Token};
use super::text::{discard_escape_char, escape_wildcard, wildcard_pattern};
use crate::ast::{
    BoolQuery, DisMaxQuery, FuzzyQuery, PhraseQuery, QueryAst, RangeBound, RangeQuery, TermQuery,
    TokenOperator, WildcardQuery,
};
use crate::parse::errors::{cannot_parse, syntax_error, too_deep, MAX_DEPTH};
use crate::parse::{java, local, ParseOptions};
use crate::{QueryError, Result};

/// What field-less clauses search.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DefaultField<'a> {
    /// One field (`df`); empty means none.
    Field(&'a str),
    /// A disjunction over these fields with their boosts (dismax/edismax `qf`).
    Alias {
        fields: &'a [(String, f32)],
        tie: f32,
    },
}

/// How a query text is read.
pub(crate) struct LuceneConfig<'a> {
    /// Where field-less clauses go.
    pub(crate) default_field: DefaultField<'a>,
    /// `q.op`: the occurrence of unmarked clauses and `Term.operator`.
    pub(crate) op: TokenOperator,
    /// Whether `_query_`, `_val_` and embedded `{!…}` are read (the standard parser) or
    /// refused (edismax without `uf=_query_`, dismax).
    pub(crate) sub_queries: bool,
    /// The request's options, for embedded sub-queries (Solr's `subQuery` reads the
    /// request parameters, not the enclosing local params).
    pub(crate) base: &'a ParseOptions,
    /// How deeply this text is already nested.
    pub(crate) depth: usize,
}

/// Parses `text` as a whole query. A query whose every clause vanished (empty embedded
/// queries) matches nothing, as Solr's empty `BooleanQuery`.
pub(crate) fn parse(text: &str, cfg: &LuceneConfig) -> Result<QueryAst> {
    if cfg.depth > MAX_DEPTH {
        return Err(too_deep(text));
    }
    let mut parser = Parser {
        text,
        lexer: Lexer::new(text),
        buf: VecDeque::new(),
        cfg,
        depth: cfg.depth,
    };
    let query = parser.query(None)?;
    if parser.kind(0)? != Kind::Eof {
        return Err(parser.unexpected());
    }
    Ok(query.unwrap_or(QueryAst::MatchNone))
}

/// Lucene's `BooleanClause.Occur` as the parser assigns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Occur {
    Must,
    Should,
    MustNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conj {
    None,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mods {
    None,
    Not,
    Req,
}

/// A value searched in a field, before the field is known (an alias expands it once
/// per field).
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Phrase(String, u32),
    Pattern(String),
    /// A bare `*`.
    Star,
    Fuzzy(String, u8),
    Range(RangeBound, RangeBound),
}

/// Lucene's `QueryParserBase.addClause`: position rules, not precedence. `AND` makes the
/// previous clause required (unless prohibited); with `q.op=AND`, `OR` makes it optional;
/// the new clause is prohibited by `-`/`NOT`/`!`, required by `+` or `AND` (with
/// `q.op=OR`) or by default (with `q.op=AND`, unless introduced by `OR`).
fn add_clause(
    clauses: &mut Vec<(Occur, QueryAst)>,
    conj: Conj,
    mods: Mods,
    query: Option<QueryAst>,
    op: TokenOperator,
) {
    if let Some(last) = clauses.last_mut() {
        if conj == Conj::And && last.0 != Occur::MustNot {
            last.0 = Occur::Must;
        }
        if op == TokenOperator::And && conj == Conj::Or && last.0 != Occur::MustNot {
            last.0 = Occur::Should;
        }
    }
    // A clause whose query vanished (an empty embedded query) is dropped, after it has
    // changed its neighbour, as in Lucene.
    let Some(query) = query else {
        return;
    };
    let prohibited = mods == Mods::Not;
    let required = match op {
        TokenOperator::Or => mods == Mods::Req || (conj == Conj::And && !prohibited),
        TokenOperator::And => !prohibited && conj != Conj::Or,
    };
    let occur = if prohibited {
        Occur::MustNot
    } else if required {
        Occur::Must
    } else {
        Occur::Should
    };
    clauses.push((occur, query));
}

/// The clauses as one query: a single optional or required clause stands for itself.
fn combine(clauses: Vec<(Occur, QueryAst)>) -> Option<QueryAst> {
    if clauses.len() <= 1 {
        let (occur, query) = clauses.into_iter().next()?;
        if occur != Occur::MustNot {
            return Some(query);
        }
        return Some(QueryAst::Bool(BoolQuery {
            must_not: vec![query],
            ..BoolQuery::default()
        }));
    }
    let mut bool = BoolQuery::default();
    for (occur, query) in clauses {
        match occur {
            Occur::Must => bool.must.push(query),
            Occur::Should => bool.should.push(query),
            Occur::MustNot => bool.must_not.push(query),
        }
    }
    Some(QueryAst::Bool(bool))
}

struct Parser<'a> {
    text: &'a str,
    lexer: Lexer,
    buf: VecDeque<Token>,
    cfg: &'a LuceneConfig<'a>,
    depth: usize,
}

impl Parser<'_> {
    fn fill(&mut self, k: usize) -> Result<()> {
        while self.buf.len() <= k {
            let text = self.text;
            let token = self
                .lexer
                .next_token()
                .map_err(|reason| cannot_parse(text, reason))?;
            self.buf.push_back(token);
        }
        Ok(())
    }

    fn kind(&mut self, k: usize) -> Result<Kind> {
        self.fill(k)?;
        Ok(self.buf[k].kind)
    }

    fn next(&mut self) -> Result<Token> {
        self.fill(0)?;
        // `fill(0)` leaves at least one token; the end stands in for the impossible case.
        Ok(self.buf.pop_front().unwrap_or(Token {
            kind: Kind::Eof,
            image: String::new(),
            column: 0,
        }))
    }

    /// `ParseException` for the next token.
    fn unexpected(&mut self) -> QueryError {
        match self.fill(0) {
            Ok(()) => self.error_at(&self.buf[0].clone()),
            Err(e) => e,
        }
    }

    fn error_at(&self, token: &Token) -> QueryError {
        let reason = if token.kind == Kind::Eof {
            format!("Encountered \"<EOF>\" at line 1, column {}.", token.column)
        } else {
            format!(
                "Encountered \" {} \"{} \"\" at line 1, column {}.",
                token.kind.image_name(),
                java::add_escapes(&token.image),
                token.column
            )
        };
        cannot_parse(self.text, reason)
    }

    fn expect(&mut self, kind: Kind) -> Result<Token> {
        if self.kind(0)? != kind {
            return Err(self.unexpected());
        }
        self.next()
    }

    /// `Query ::= Modifiers Clause (Conjunction Modifiers Clause)*`
    fn query(&mut self, field: Option<&str>) -> Result<Option<QueryAst>> {
        let op = self.cfg.op;
        let mut clauses = Vec::new();
        let mods = self.modifiers()?;
        let first = self.clause(field)?;
        add_clause(&mut clauses, Conj::None, mods, first, op);
        while starts_clause(self.kind(0)?) {
            let conj = match self.kind(0)? {
                Kind::And => Conj::And,
                Kind::Or => Conj::Or,
                _ => Conj::None,
            };
            if conj != Conj::None {
                self.next()?;
            }
            let mods = self.modifiers()?;
            let query = self.clause(field)?;
            add_clause(&mut clauses, conj, mods, query, op);
        }
        Ok(combine(clauses))
    }

    fn modifiers(&mut self) -> Result<Mods> {
        let mods = match self.kind(0)? {
            Kind::Plus => Mods::Req,
            Kind::Minus | Kind::Not => Mods::Not,
            _ => return Ok(Mods::None),
        };
        self.next()?;
        Ok(mods)
    }

    /// `Clause ::= [field ":"] (Term | "(" Query ")" ["^" n] | "filter(" Query ")" ["^" n]
    /// | LocalParams ["^" n])`
    fn clause(&mut self, inherited: Option<&str>) -> Result<Option<QueryAst>> {
        // Each kind of clause has its own function: the recursion through groups and
        // embedded queries then only carries small frames (this matters without
        // optimisations, where every temporary of a function has its own stack slot).
        let field = self.field_prefix()?;
        let field = field.as_deref().or(inherited);
        match self.kind(0)? {
            Kind::LParen | Kind::Filter => self.group(field),
            Kind::LParams => self.embedded(),
            kind if starts_term(kind) => self.term(field),
            _ => Err(self.unexpected()),
        }
    }

    /// `[field ":"]`, read with `LOOKAHEAD(2)` (a second token only after a term or `*`).
    fn field_prefix(&mut self) -> Result<Option<String>> {
        let first = self.kind(0)?;
        if !matches!(first, Kind::Term | Kind::Star) || self.kind(1)? != Kind::Colon {
            return Ok(None);
        }
        let name = self.next()?;
        self.next()?;
        Ok(Some(if first == Kind::Star {
            "*".to_string()
        } else {
            discard_escape_char(&name.image)?
        }))
    }

    /// `"(" Query ")" ["^" n]` and `"filter(" Query ")" ["^" n]`.
    fn group(&mut self, field: Option<&str>) -> Result<Option<QueryAst>> {
        let filter = self.next()?.kind == Kind::Filter;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep(self.text));
        }
        let query = self.query(field)?;
        self.expect(Kind::RParen)?;
        self.depth -= 1;
        let boost = self.optional_boost()?;
        let query = if filter {
            // `filter(…)`: a cached, non-scoring clause.
            query.map(|q| QueryAst::ConstScore {
                query: Box::new(q),
                score: 0.0,
            })
        } else {
            query
        };
        apply_boost(query, boost)
    }

    /// `<LPARAMS> ["^" n]`: an embedded `{!…}` query (the field before it is ignored, as
    /// in Solr).
    fn embedded(&mut self) -> Result<Option<QueryAst>> {
        let token = self.next()?;
        let boost = self.optional_boost()?;
        if !self.cfg.sub_queries {
            return Err(syntax_error("local-params subquery is disabled"));
        }
        let query = local::parse_sub(&token.image, "lucene", self.cfg.base, self.depth)?;
        apply_boost(query, boost)
    }

    fn optional_boost(&mut self) -> Result<Option<Token>> {
        if self.kind(0)? != Kind::Carat {
            return Ok(None);
        }
        self.next()?;
        self.expect(Kind::Number).map(Some)
    }

    /// `[^boost [~slop]] | [~slop [^boost]]` after a term or phrase.
    fn term_modifiers(&mut self) -> Result<(Option<Token>, Option<Token>)> {
        let mut boost = None;
        let mut fuzzy = None;
        match self.kind(0)? {
            Kind::Carat => {
                boost = self.optional_boost()?;
                if self.kind(0)? == Kind::FuzzySlop {
                    fuzzy = Some(self.next()?);
                }
            }
            Kind::FuzzySlop => {
                fuzzy = Some(self.next()?);
                boost = self.optional_boost()?;
            }
            _ => {}
        }
        Ok((boost, fuzzy))
    }

    fn term(&mut self, field: Option<&str>) -> Result<Option<QueryAst>> {
        let token = self.next()?;
        match token.kind {
            Kind::RangeInStart | Kind::RangeExStart => self.range(field, token),
            Kind::Quoted => {
                let (boost, fuzzy) = self.term_modifiers()?;
                let inner = &token.image[1..token.image.len() - 1];
                let text = discard_escape_char(inner)?;
                // `(int) Float.parseFloat(slop)`, the default slop when it does not parse.
                let slop = fuzzy
                    .and_then(|f| java::trim(&f.image[1..]).parse::<f32>().ok())
                    .map_or(0, |s| (s as i32).max(0) as u32);
                let query = self.field_query(field, Value::Phrase(text, slop))?;
                apply_boost(query, boost)
            }
            _ => {
                let (boost, fuzzy) = self.term_modifiers()?;
                let value = self.bare_value(&token, fuzzy)?;
                let query = self.field_query(field, value)?;
                apply_boost(query, boost)
            }
        }
    }

    /// `handleBareTokenQuery`: wildcard, then prefix, then regexp, then fuzzy, then a
    /// plain term.
    fn bare_value(&self, token: &Token, fuzzy: Option<Token>) -> Result<Value> {
        let image = token.image.as_str();
        Ok(match token.kind {
            Kind::Star => Value::Star,
            Kind::WildTerm => Value::Pattern(wildcard_pattern(image)),
            Kind::PrefixTerm => {
                let prefix = discard_escape_char(&image[..image.len() - 1])?;
                Value::Pattern(format!("{}*", escape_wildcard(&prefix)))
            }
            Kind::RegexpTerm => {
                return Err(QueryError::BadParam(
                    "regular expression queries are not supported".into(),
                ))
            }
            _ => {
                // A bare `+`, `-` or `!` followed by whitespace is the term itself.
                let image = if token.kind == Kind::BareOper {
                    &image[..1]
                } else {
                    image
                };
                let text = discard_escape_char(image)?;
                match fuzzy {
                    Some(slop) => {
                        let distance = fuzzy_distance(&slop.image[1..], &text)?;
                        Value::Fuzzy(text, distance)
                    }
                    None => Value::Text(text),
                }
            }
        })
    }

    /// `("[" | "{") bound "TO" bound ("]" | "}") ["^" n]`
    fn range(&mut self, field: Option<&str>, open: Token) -> Result<Option<QueryAst>> {
        let lower = self.range_bound()?;
        self.expect(Kind::RangeTo)?;
        let upper = self.range_bound()?;
        let close = self.next()?;
        let upper_inclusive = match close.kind {
            Kind::RangeInEnd => true,
            Kind::RangeExEnd => false,
            _ => return Err(self.error_at(&close)),
        };
        let boost = self.optional_boost()?;
        let lower = bound(&lower, open.kind == Kind::RangeInStart)?;
        let upper = bound(&upper, upper_inclusive)?;
        let query = self.field_query(field, Value::Range(lower, upper))?;
        apply_boost(query, boost)
    }

    fn range_bound(&mut self) -> Result<Token> {
        let token = self.next()?;
        match token.kind {
            Kind::RangeGoop | Kind::RangeQuoted | Kind::RangeTo => Ok(token),
            _ => Err(self.error_at(&token)),
        }
    }

    /// The query for `value` in `field`, or in the default field(s).
    fn field_query(&self, field: Option<&str>, value: Value) -> Result<Option<QueryAst>> {
        if matches!(value, Value::Star) && matches!(field, None | Some("*")) {
            // `*:*` and a bare `*` match everything (`getWildcardQuery`).
            return Ok(Some(QueryAst::MatchAll));
        }
        if let Some(field) = field {
            return self.leaf(field, value);
        }
        match self.cfg.default_field {
            DefaultField::Field("") => Err(QueryError::BadParam(
                "no field name specified in query and no default specified via 'df' param".into(),
            )),
            DefaultField::Field(df) => self.leaf(df, value),
            DefaultField::Alias { fields, tie } => {
                let mut disjuncts = Vec::with_capacity(fields.len());
                for (name, boost) in fields {
                    if let Some(query) = self.leaf(name, value.clone())? {
                        disjuncts.push(boosted(query, *boost));
                    }
                }
                Ok((!disjuncts.is_empty())
                    .then_some(QueryAst::DisMax(DisMaxQuery { disjuncts, tie })))
            }
        }
    }

    fn leaf(&self, field: &str, value: Value) -> Result<Option<QueryAst>> {
        if self.cfg.sub_queries {
            // Solr's magic fields: `_query_:"{!…}…"` and `_val_:"function"`.
            let kind = match field {
                "_query_" => Some("lucene"),
                "_val_" => Some("func"),
                _ => None,
            };
            if let (Some(kind), Value::Text(text) | Value::Phrase(text, _)) = (kind, &value) {
                return local::parse_sub(text, kind, self.cfg.base, self.depth);
            }
        }
        let field = field.to_string();
        Ok(Some(match value {
            Value::Text(text) => QueryAst::Term(TermQuery {
                field,
                text,
                operator: self.cfg.op,
            }),
            Value::Phrase(text, slop) => QueryAst::Phrase(PhraseQuery { field, text, slop }),
            Value::Pattern(pattern) => QueryAst::Wildcard(WildcardQuery { field, pattern }),
            Value::Star | Value::Range(RangeBound::Unbounded, RangeBound::Unbounded) => {
                QueryAst::Exists { field }
            }
            Value::Fuzzy(text, distance) => QueryAst::Fuzzy(FuzzyQuery {
                field,
                text,
                distance,
            }),
            Value::Range(lower, upper) => QueryAst::Range(RangeQuery {
                field,
                lower,
                upper,
            }),
        }))
    }
}

/// Tokens that can start `Conjunction Modifiers Clause`.
fn starts_clause(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::And
            | Kind::Or
            | Kind::Plus
            | Kind::Minus
            | Kind::Not
            | Kind::LParen
            | Kind::Filter
            | Kind::LParams
    ) || starts_term(kind)
}

/// Tokens that can start `Term`.
fn starts_term(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Term
            | Kind::Star
            | Kind::PrefixTerm
            | Kind::WildTerm
            | Kind::RegexpTerm
            | Kind::Number
            | Kind::BareOper
            | Kind::Quoted
            | Kind::RangeInStart
            | Kind::RangeExStart
    )
}

/// A range end: `*` is open; a quoted bound loses its quotes; `""` is the empty string.
fn bound(token: &Token, inclusive: bool) -> Result<RangeBound> {
    let image = token.image.as_str();
    let text = if token.kind == Kind::RangeQuoted {
        discard_escape_char(&image[1..image.len() - 1])?
    } else if image == "*" {
        return Ok(RangeBound::Unbounded);
    } else if image == "\"\"" {
        // Solr's grammar needs one character inside range quotes, so it reads `""` as a
        // two-character bound; both sort below every real value, and the empty string is
        // what CKAN means by `["" TO *]`.
        String::new()
    } else {
        discard_escape_char(image)?
    };
    Ok(if inclusive {
        RangeBound::Included(text)
    } else {
        RangeBound::Excluded(text)
    })
}

/// The edit distance of `term~slop`: `FuzzyQuery.floatToEdits`, after Solr's checks. A
/// missing or unreadable slop is the default (2); `~0.8` (the old similarity syntax) is
/// `(1 − 0.8) × term length`, at most 2.
fn fuzzy_distance(slop: &str, text: &str) -> Result<u8> {
    let similarity = java::trim(slop).parse::<f32>().unwrap_or(2.0);
    if similarity < 0.0 {
        return Err(syntax_error(
            "Minimum similarity for a FuzzyQuery has to be between 0.0f and 1.0f !",
        ));
    }
    if similarity >= 1.0 && similarity != (similarity as i32) as f32 {
        return Err(syntax_error("Fractional edit distances are not allowed!"));
    }
    let edits = if similarity >= 1.0 {
        similarity.min(2.0) as i64
    } else if similarity == 0.0 {
        0
    } else {
        ((1.0 - f64::from(similarity)) * text.chars().count() as f64) as i64
    };
    Ok(edits.clamp(0, 2) as u8)
}

/// `handleBoost`: `^n` multiplies the score, `^=n` makes it constant.
fn apply_boost(query: Option<QueryAst>, boost: Option<Token>) -> Result<Option<QueryAst>> {
    let Some(boost) = boost else {
        return Ok(query);
    };
    let Some(query) = query else {
        return Ok(None);
    };
    let (constant, number) = match boost.image.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, boost.image.as_str()),
    };
    let value: f32 = number
        .parse()
        .map_err(|_| QueryError::BadParam(format!("For input string: \"{number}\"")))?;
    if !value.is_finite() || value.is_sign_negative() {
        // Lucene's `BoostQuery` refuses these.
        return Err(QueryError::BadParam(format!(
            "boost must be a positive float, got {}",
            java::float_to_string(value)
        )));
    }
    Ok(Some(if constant {
        QueryAst::ConstScore {
            query: Box::new(query),
            score: value,
        }
    } else {
        QueryAst::Boost {
            query: Box::new(query),
            boost: value,
        }
    }))
}

/// A `qf`/`pf` field's query with its boost (none for 1).
pub(crate) fn boosted(query: QueryAst, boost: f32) -> QueryAst {
    if boost == 1.0 {
        query
    } else {
        QueryAst::Boost {
            query: Box::new(query),
            boost,
        }
    }
}
