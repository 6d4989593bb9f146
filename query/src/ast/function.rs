//! Function queries as ckanext-spatial and Solr users write them (`bf`, `boost`,
//! `{!frange}`, `{!func}`): a small expression tree over constants and numeric fields.

/// A function expression.
#[derive(Debug, Clone, PartialEq)]
pub enum FuncExpr {
    /// A number.
    Const(f64),
    /// A numeric (or date) field's value for the document; a missing value is 0, as in
    /// Solr.
    Field(String),
    /// A named function applied to arguments: `div`, `mul`, `max`, `min`, `sub`, `add`,
    /// `sum`, `product`, `abs`, `log`, `sqrt`, `pow`, `recip`, `linear`, `ms`, …
    Call {
        /// The function name, lower case.
        name: String,
        /// Its arguments.
        args: Vec<FuncExpr>,
    },
}
