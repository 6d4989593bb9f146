//! What is a Solr function's value for a document, and which queries use it? `bf` and
//! `{!func}` score every document by a function, `{!frange}` keeps the documents whose value
//! lies in a range, and edismax's `boost` multiplies a query's score by a function — the
//! shapes ckanext-spatial's bounding-box search and recency boosts need.
//!
//! Evaluation follows Lucene's function queries (`org.apache.lucene.queries.function`):
//! - values are Java `float`s: each operation rounds to `f32`; `log`, `sqrt` and `pow` go
//!   through `double` as `Math.*` does;
//! - a field's value comes from its fast field; a document without one reads as 0 and
//!   *does not exist*; a function exists when all its arguments do, except `max` and `min`,
//!   which exist when any argument does and ignore missing arguments;
//! - `{!func}` scores a document by the value (negative or NaN → 0); `{!frange}` drops the
//!   documents whose value does not exist and scores the rest 1; `boost` multiplies the
//!   score by the value where it exists (by 1 where it does not), a negative or NaN
//!   product scoring 0;
//! - division by zero (in `div` and `recip`) is 0, where Java gives ±Infinity or NaN. A
//!   choice: it keeps scores finite, and for ckanext-spatial's `frange l=0 incl=false` it
//!   excludes the same documents (NaN never matches; 0 fails `l=0` exclusive);
//! - `ms()` is `NOW`, `ms(a)` a date's epoch milliseconds and `ms(a,b)` their difference,
//!   where `a` and `b` are date fields or date math (`NOW`, `NOW/DAY`, an ISO instant).

use std::fmt;
use std::sync::Arc;

use ckan_search_indexer::schema::FieldKind;
use tantivy::columnar::{Column, DynamicColumn};
use tantivy::query::{AllScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::BuildContext;
use crate::ast::{FuncExpr, FunctionRange};
use crate::{QueryError, Result};

/// A function compiled against the schema: constants and fast-field sources.
#[derive(Debug, Clone)]
enum Func {
    Const(f32),
    /// A numeric or date field, by its fast-field column name.
    Field(String),
    Sum(Vec<Func>),
    Product(Vec<Func>),
    Max(Vec<Func>),
    Min(Vec<Func>),
    Sub(Box<Func>, Box<Func>),
    Div(Box<Func>, Box<Func>),
    Pow(Box<Func>, Box<Func>),
    Abs(Box<Func>),
    Log(Box<Func>),
    Sqrt(Box<Func>),
    /// `recip(x,m,a,b)` = a / (m·x + b).
    Recip(Box<Func>, f32, f32, f32),
    /// `linear(x,m,c)` = m·x + c.
    Linear(Box<Func>, f32, f32),
    /// `ms(a[,b])`: epoch milliseconds, or their difference.
    Ms(Vec<Millis>),
}

/// An argument of `ms()`: a date field or a fixed instant.
#[derive(Debug, Clone)]
enum Millis {
    Const(i64),
    Field(String),
}

fn bad(message: String) -> QueryError {
    QueryError::BadParam(message)
}

fn arity(name: &str, args: &[FuncExpr], expected: usize) -> Result<()> {
    if args.len() == expected {
        Ok(())
    } else {
        Err(bad(format!(
            "function {name} takes {expected} argument(s), got {}",
            args.len()
        )))
    }
}

/// A constant argument (`recip`'s and `linear`'s parameters must be numbers).
fn constant(name: &str, arg: &FuncExpr) -> Result<f32> {
    match arg {
        FuncExpr::Const(v) => Ok(*v as f32),
        other => Err(bad(format!(
            "function {name} expects a number, got {other:?}"
        ))),
    }
}

fn compile(ctx: &BuildContext, expr: &FuncExpr) -> Result<Func> {
    let (name, args) = match expr {
        FuncExpr::Const(v) => return Ok(Func::Const(*v as f32)),
        FuncExpr::Field(name) => return Ok(Func::Field(numeric_column(ctx, name)?)),
        FuncExpr::Call { name, args } => (name.as_str(), args.as_slice()),
    };
    let all =
        |args: &[FuncExpr]| -> Result<Vec<Func>> { args.iter().map(|a| compile(ctx, a)).collect() };
    let one = |i: usize| -> Result<Box<Func>> { Ok(Box::new(compile(ctx, &args[i])?)) };
    let at_least_one = || {
        if args.is_empty() {
            Err(bad(format!("function {name} needs at least one argument")))
        } else {
            Ok(())
        }
    };
    Ok(match name {
        "sum" | "add" => {
            at_least_one()?;
            Func::Sum(all(args)?)
        }
        "product" | "mul" => {
            at_least_one()?;
            Func::Product(all(args)?)
        }
        "max" => {
            at_least_one()?;
            Func::Max(all(args)?)
        }
        "min" => {
            at_least_one()?;
            Func::Min(all(args)?)
        }
        "sub" => {
            arity(name, args, 2)?;
            Func::Sub(one(0)?, one(1)?)
        }
        "div" => {
            arity(name, args, 2)?;
            Func::Div(one(0)?, one(1)?)
        }
        "pow" => {
            arity(name, args, 2)?;
            Func::Pow(one(0)?, one(1)?)
        }
        "abs" => {
            arity(name, args, 1)?;
            Func::Abs(one(0)?)
        }
        "log" => {
            arity(name, args, 1)?;
            Func::Log(one(0)?)
        }
        "sqrt" => {
            arity(name, args, 1)?;
            Func::Sqrt(one(0)?)
        }
        "recip" => {
            arity(name, args, 4)?;
            Func::Recip(
                one(0)?,
                constant(name, &args[1])?,
                constant(name, &args[2])?,
                constant(name, &args[3])?,
            )
        }
        "linear" => {
            arity(name, args, 3)?;
            Func::Linear(
                one(0)?,
                constant(name, &args[1])?,
                constant(name, &args[2])?,
            )
        }
        "ms" => {
            if args.len() > 2 {
                return Err(bad(format!(
                    "function ms takes at most 2 arguments, got {}",
                    args.len()
                )));
            }
            let mut millis: Vec<Millis> = args
                .iter()
                .map(|a| ms_argument(ctx, a))
                .collect::<Result<_>>()?;
            if millis.is_empty() {
                millis.push(Millis::Const(ctx.now()));
            }
            Func::Ms(millis)
        }
        other => return Err(bad(format!("undefined function {other}"))),
    })
}

/// The fast-field column of a numeric or date field, for `Func::Field`.
fn numeric_column(ctx: &BuildContext, name: &str) -> Result<String> {
    let target = ctx.target(name)?;
    match target.kind() {
        FieldKind::Int | FieldKind::Float | FieldKind::Date => Ok(column_name(ctx, &target)),
        _ => Err(bad(format!(
            "can not use field {name} in a function: it is not a numeric or date field"
        ))),
    }
}

fn column_name(ctx: &BuildContext, target: &super::Target) -> String {
    match &target.json_path {
        None => target.def.name.to_string(),
        Some(path) => {
            let json_field = ctx.schema.tantivy_schema().get_field_name(target.field);
            format!("{json_field}.{path}")
        }
    }
}

/// Solr's `ms()` arguments (`DateValueSourceParser.getDate`): date math when it starts with
/// `NOW` or its second character is a digit (the first may be a sign), else a date field.
fn ms_argument(ctx: &BuildContext, arg: &FuncExpr) -> Result<Millis> {
    let FuncExpr::Field(name) = arg else {
        return Err(bad(format!(
            "Can't use ms() function on non-date field {arg:?}"
        )));
    };
    if name.starts_with("NOW") || name.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
        return Ok(Millis::Const(ctx.date_math(name)?));
    }
    let target = ctx.target(name)?;
    if target.kind() != FieldKind::Date {
        return Err(bad(format!(
            "Can't use ms() function on non-date field {name}"
        )));
    }
    Ok(Millis::Field(column_name(ctx, &target)))
}

/// A numeric column of one segment, whatever its stored type (a JSON key's column may be
/// i64, u64 or f64).
#[derive(Clone)]
enum NumColumn {
    I64(Column<i64>),
    U64(Column<u64>),
    F64(Column<f64>),
    Missing,
}

impl NumColumn {
    fn open(reader: &SegmentReader, name: &str) -> tantivy::Result<Self> {
        for handle in reader.fast_fields().dynamic_column_handles(name)? {
            match handle.open()? {
                DynamicColumn::I64(c) => return Ok(NumColumn::I64(c)),
                DynamicColumn::U64(c) => return Ok(NumColumn::U64(c)),
                DynamicColumn::F64(c) => return Ok(NumColumn::F64(c)),
                _ => continue,
            }
        }
        Ok(NumColumn::Missing)
    }

    fn float(&self, doc: DocId) -> Option<f32> {
        match self {
            NumColumn::I64(c) => c.first(doc).map(|v| v as f32),
            NumColumn::U64(c) => c.first(doc).map(|v| v as f32),
            NumColumn::F64(c) => c.first(doc).map(|v| v as f32),
            NumColumn::Missing => None,
        }
    }

    fn long(&self, doc: DocId) -> Option<i64> {
        match self {
            NumColumn::I64(c) => c.first(doc),
            NumColumn::U64(c) => c.first(doc).map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            NumColumn::F64(c) => c.first(doc).map(|v| v as i64),
            NumColumn::Missing => None,
        }
    }
}

/// A function bound to one segment's columns.
enum SegmentFunc {
    Const(f32),
    Column(NumColumn),
    Sum(Vec<SegmentFunc>),
    Product(Vec<SegmentFunc>),
    Max(Vec<SegmentFunc>),
    Min(Vec<SegmentFunc>),
    Sub(Box<SegmentFunc>, Box<SegmentFunc>),
    Div(Box<SegmentFunc>, Box<SegmentFunc>),
    Pow(Box<SegmentFunc>, Box<SegmentFunc>),
    Abs(Box<SegmentFunc>),
    Log(Box<SegmentFunc>),
    Sqrt(Box<SegmentFunc>),
    Recip(Box<SegmentFunc>, f32, f32, f32),
    Linear(Box<SegmentFunc>, f32, f32),
    Ms(Vec<SegmentMillis>),
}

enum SegmentMillis {
    Const(i64),
    Column(NumColumn),
}

impl SegmentMillis {
    fn value(&self, doc: DocId) -> (i64, bool) {
        match self {
            SegmentMillis::Const(v) => (*v, true),
            SegmentMillis::Column(c) => c.long(doc).map_or((0, false), |v| (v, true)),
        }
    }
}

impl Func {
    fn bind(&self, reader: &SegmentReader) -> tantivy::Result<SegmentFunc> {
        let many = |fs: &[Func]| -> tantivy::Result<Vec<SegmentFunc>> {
            fs.iter().map(|f| f.bind(reader)).collect()
        };
        let one = |f: &Func| -> tantivy::Result<Box<SegmentFunc>> { Ok(Box::new(f.bind(reader)?)) };
        Ok(match self {
            Func::Const(v) => SegmentFunc::Const(*v),
            Func::Field(name) => SegmentFunc::Column(NumColumn::open(reader, name)?),
            Func::Sum(fs) => SegmentFunc::Sum(many(fs)?),
            Func::Product(fs) => SegmentFunc::Product(many(fs)?),
            Func::Max(fs) => SegmentFunc::Max(many(fs)?),
            Func::Min(fs) => SegmentFunc::Min(many(fs)?),
            Func::Sub(a, b) => SegmentFunc::Sub(one(a)?, one(b)?),
            Func::Div(a, b) => SegmentFunc::Div(one(a)?, one(b)?),
            Func::Pow(a, b) => SegmentFunc::Pow(one(a)?, one(b)?),
            Func::Abs(a) => SegmentFunc::Abs(one(a)?),
            Func::Log(a) => SegmentFunc::Log(one(a)?),
            Func::Sqrt(a) => SegmentFunc::Sqrt(one(a)?),
            Func::Recip(x, m, a, b) => SegmentFunc::Recip(one(x)?, *m, *a, *b),
            Func::Linear(x, m, c) => SegmentFunc::Linear(one(x)?, *m, *c),
            Func::Ms(args) => SegmentFunc::Ms(
                args.iter()
                    .map(|a| {
                        Ok(match a {
                            Millis::Const(v) => SegmentMillis::Const(*v),
                            Millis::Field(name) => {
                                SegmentMillis::Column(NumColumn::open(reader, name)?)
                            }
                        })
                    })
                    .collect::<tantivy::Result<_>>()?,
            ),
        })
    }
}

/// Java's `Math.max` / `Math.min` on floats: NaN wins.
fn java_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else {
        a.max(b)
    }
}

fn java_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::NAN
    } else {
        a.min(b)
    }
}

/// Division where a zero divisor gives 0 (see the module notes).
fn divide(a: f32, b: f32) -> f32 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

impl SegmentFunc {
    /// The value for `doc`, and whether it exists.
    fn eval(&self, doc: DocId) -> (f32, bool) {
        let all = |bs: &[SegmentFunc], init: f32, op: fn(f32, f32) -> f32| {
            bs.iter().fold((init, true), |(acc, exists), b| {
                let (v, e) = b.eval(doc);
                (op(acc, v), exists && e)
            })
        };
        let any = |bs: &[SegmentFunc], op: fn(f32, f32) -> f32| {
            let mut found: Option<f32> = None;
            for b in bs {
                let (v, e) = b.eval(doc);
                if e {
                    found = Some(found.map_or(v, |acc| op(acc, v)));
                }
            }
            found.map_or((0.0, false), |v| (v, true))
        };
        let two = |a: &SegmentFunc, b: &SegmentFunc, op: fn(f32, f32) -> f32| {
            let ((x, ex), (y, ey)) = (a.eval(doc), b.eval(doc));
            (op(x, y), ex && ey)
        };
        let unary = |a: &SegmentFunc, op: &dyn Fn(f32) -> f32| {
            let (x, e) = a.eval(doc);
            (op(x), e)
        };
        match self {
            SegmentFunc::Const(v) => (*v, true),
            SegmentFunc::Column(c) => c.float(doc).map_or((0.0, false), |v| (v, true)),
            SegmentFunc::Sum(bs) => all(bs, 0.0, |a, b| a + b),
            SegmentFunc::Product(bs) => all(bs, 1.0, |a, b| a * b),
            SegmentFunc::Max(bs) => any(bs, java_max),
            SegmentFunc::Min(bs) => any(bs, java_min),
            SegmentFunc::Sub(a, b) => two(a, b, |x, y| x - y),
            SegmentFunc::Div(a, b) => two(a, b, divide),
            SegmentFunc::Pow(a, b) => two(a, b, |x, y| f64::from(x).powf(f64::from(y)) as f32),
            SegmentFunc::Abs(a) => unary(a, &|x| x.abs()),
            SegmentFunc::Log(a) => unary(a, &|x| f64::from(x).log10() as f32),
            SegmentFunc::Sqrt(a) => unary(a, &|x| f64::from(x).sqrt() as f32),
            SegmentFunc::Recip(x, m, a, b) => unary(x, &|v| divide(*a, m * v + b)),
            SegmentFunc::Linear(x, m, c) => unary(x, &|v| m * v + c),
            SegmentFunc::Ms(args) => match args.as_slice() {
                [a] => {
                    let (v, e) = a.value(doc);
                    (v as f32, e)
                }
                [a, b, ..] => {
                    let ((x, ex), (y, ey)) = (a.value(doc), b.value(doc));
                    (x.wrapping_sub(y) as f32, ex && ey)
                }
                [] => (0.0, false),
            },
        }
    }
}

/// A compiled function, shared by the queries below.
#[derive(Clone)]
struct Function {
    func: Arc<Func>,
    source: Arc<FuncExpr>,
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.source)
    }
}

impl Function {
    fn new(ctx: &BuildContext, expr: &FuncExpr) -> Result<Self> {
        Ok(Self {
            func: Arc::new(compile(ctx, expr)?),
            source: Arc::new(expr.clone()),
        })
    }
}

/// `{!func}f` / `bf`: every document, scored by the function.
pub(super) fn function_query(ctx: &BuildContext, expr: &FuncExpr) -> Result<Box<dyn Query>> {
    Ok(Box::new(FunctionQuery {
        function: Function::new(ctx, expr)?,
    }))
}

/// `{!frange l=… u=… incl=… incu=…}f`.
pub(super) fn function_range_query(
    ctx: &BuildContext,
    range: &FunctionRange,
) -> Result<Box<dyn Query>> {
    // frange reads its bounds as Java floats.
    Ok(Box::new(FunctionRangeQuery {
        function: Function::new(ctx, &range.function)?,
        lower: range.lower.map_or(f32::NEG_INFINITY, |v| v as f32),
        upper: range.upper.map_or(f32::INFINITY, |v| v as f32),
        include_lower: range.include_lower,
        include_upper: range.include_upper,
    }))
}

/// edismax `boost`: the query's score times the function.
pub(super) fn boosted_query(
    ctx: &BuildContext,
    query: Box<dyn Query>,
    boost: &FuncExpr,
) -> Result<Box<dyn Query>> {
    Ok(Box::new(BoostedQuery {
        query,
        function: Function::new(ctx, boost)?,
    }))
}

#[derive(Clone, Debug)]
struct FunctionQuery {
    function: Function,
}

impl Query for FunctionQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FunctionWeight {
            function: self.function.clone(),
        }))
    }
}

struct FunctionWeight {
    function: Function,
}

impl Weight for FunctionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(FunctionScorer {
            docs: AllScorer::new(reader.max_doc()),
            func: self.function.func.bind(reader)?,
            boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(super::not_matching(doc));
        }
        Ok(Explanation::new_with_string(
            format!("FunctionQuery({:?})", self.function),
            scorer.score(),
        ))
    }
}

struct FunctionScorer {
    docs: AllScorer,
    func: SegmentFunc,
    boost: Score,
}

impl DocSet for FunctionScorer {
    fn advance(&mut self) -> DocId {
        self.docs.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.docs.seek(target)
    }
    fn doc(&self) -> DocId {
        self.docs.doc()
    }
    fn size_hint(&self) -> u32 {
        self.docs.size_hint()
    }
}

impl Scorer for FunctionScorer {
    fn score(&mut self) -> Score {
        let (value, _) = self.func.eval(self.doc());
        // Lucene: negative and NaN function scores are 0.
        if value >= 0.0 {
            self.boost * value
        } else {
            0.0
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct FunctionRangeQuery {
    function: Function,
    lower: f32,
    upper: f32,
    include_lower: bool,
    include_upper: bool,
}

impl FunctionRangeQuery {
    fn contains(&self, (value, exists): (f32, bool)) -> bool {
        let above = if self.include_lower {
            value >= self.lower
        } else {
            value > self.lower
        };
        let below = if self.include_upper {
            value <= self.upper
        } else {
            value < self.upper
        };
        exists && above && below
    }
}

impl Query for FunctionRangeQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FunctionRangeWeight {
            query: self.clone(),
        }))
    }
}

struct FunctionRangeWeight {
    query: FunctionRangeQuery,
}

impl Weight for FunctionRangeWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = FunctionRangeScorer {
            query: self.query.clone(),
            func: self.query.function.func.bind(reader)?,
            doc: 0,
            max_doc: reader.max_doc(),
            boost,
        };
        scorer.doc = scorer.next_match(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(super::not_matching(doc));
        }
        Ok(Explanation::new_with_string(
            format!("frange({:?})", self.query.function),
            scorer.score(),
        ))
    }
}

/// Walks the segment's documents, stopping at those whose value is in range.
struct FunctionRangeScorer {
    query: FunctionRangeQuery,
    func: SegmentFunc,
    doc: DocId,
    max_doc: DocId,
    boost: Score,
}

impl FunctionRangeScorer {
    fn next_match(&self, from: DocId) -> DocId {
        (from..self.max_doc)
            .find(|&doc| self.query.contains(self.func.eval(doc)))
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for FunctionRangeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_match(self.doc + 1);
        }
        self.doc
    }
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.next_match(target);
        }
        self.doc
    }
    fn doc(&self) -> DocId {
        self.doc
    }
    fn size_hint(&self) -> u32 {
        self.max_doc
    }
}

impl Scorer for FunctionRangeScorer {
    fn score(&mut self) -> Score {
        self.boost
    }
}

#[derive(Debug)]
struct BoostedQuery {
    query: Box<dyn Query>,
    function: Function,
}

impl Clone for BoostedQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            function: self.function.clone(),
        }
    }
}

impl Query for BoostedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BoostedWeight {
            inner: self.query.weight(scoring)?,
            function: self.function.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct BoostedWeight {
    inner: Box<dyn Weight>,
    function: Function,
}

impl Weight for BoostedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BoostedScorer {
            inner: self.inner.scorer(reader, boost)?,
            func: self.function.func.bind(reader)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(super::not_matching(doc));
        }
        let mut explanation = Explanation::new_with_string(
            format!("boost({:?}), product of:", self.function),
            scorer.score(),
        );
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }
}

struct BoostedScorer {
    inner: Box<dyn Scorer>,
    func: SegmentFunc,
}

impl DocSet for BoostedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }
    fn doc(&self) -> DocId {
        self.inner.doc()
    }
    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for BoostedScorer {
    fn score(&mut self) -> Score {
        let (value, exists) = self.func.eval(self.doc());
        let factor = if exists { f64::from(value) } else { 1.0 };
        let product = f64::from(self.inner.score()) * factor;
        // Lucene's FunctionScoreQuery: a negative or NaN product scores 0.
        if product >= 0.0 {
            product as f32
        } else {
            0.0
        }
    }
}
