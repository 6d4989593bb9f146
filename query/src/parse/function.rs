//! Function queries (`bf`, `boost`, `{!func}`, `{!frange}`, `_val_`): Solr's
//! `FunctionQParser` / `StrParser` rules — numbers, field names, nested calls, whitespace
//! anywhere — over the functions ckan-search evaluates, with Solr's error messages.

use super::errors::{syntax_error, MAX_DEPTH};
use super::java;
use crate::ast::FuncExpr;
use crate::{QueryError, Result};

/// Parses a function expression such as ckanext-spatial's
/// `div(mul(mul(max(0,sub(min(-0.1,maxx),max(-1.5,minx))),…),2),add(0.56,…))`.
///
/// Functions: `div`, `sub`, `pow` (2 arguments); `abs`, `log`, `sqrt` (1); `max`, `min`,
/// `sum`, `add`, `product`, `mul` (any number); `recip(x,m,a,b)` and `linear(x,m,c)` (one
/// function, then constants); `ms(a,b)` whose arguments stay raw text in
/// [`FuncExpr::Field`] — as in Solr's `ms`, an argument that starts with `NOW` or whose
/// second character is a digit is a date(-math) literal, anything else a field; `ms()` is
/// `ms(NOW)`. `true` / `false` are the constants 1 and 0. Field names may contain `-` after
/// their first character (Solr's own parser stops there; CKAN's schema has such names).
/// String literals and `$param` references are not supported.
pub fn parse_function(text: &str) -> Result<FuncExpr> {
    parse_function_at(text, 0)
}

/// [`parse_function`] inside a query already `depth` levels deep.
pub(crate) fn parse_function_at(text: &str, depth: usize) -> Result<FuncExpr> {
    let mut parser = FuncParser {
        val: text,
        chars: text.chars().collect(),
        pos: 0,
        depth,
    };
    let expr = parser.value_source(false)?;
    parser.eat_ws();
    if parser.pos < parser.chars.len() {
        let rest: String = parser.chars[parser.pos..].iter().collect();
        return Err(syntax_error(format!(
            "Unexpected text after function: {rest}"
        )));
    }
    Ok(expr)
}

/// Solr's `StrParser`: a cursor over the text, positions in characters.
struct FuncParser<'a> {
    val: &'a str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl FuncParser<'_> {
    fn eat_ws(&mut self) {
        while self.pos < self.chars.len() && java::is_whitespace(self.chars[self.pos]) {
            self.pos += 1;
        }
    }

    /// The next non-whitespace character, `'\0'` at the end.
    fn peek(&mut self) -> char {
        self.eat_ws();
        self.chars.get(self.pos).copied().unwrap_or('\0')
    }

    fn opt(&mut self, c: char) -> bool {
        self.eat_ws();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<()> {
        if self.opt(c) {
            Ok(())
        } else {
            Err(syntax_error(format!(
                "Expected '{c}' at position {} in '{}'",
                self.pos, self.val
            )))
        }
    }

    /// `StrParser.toString()`, as Solr quotes it in messages.
    fn describe(&self) -> String {
        format!("'{}', pos={}", self.val, self.pos)
    }

    fn has_more_arguments(&mut self) -> bool {
        !matches!(self.peek(), '\0' | ')')
    }

    fn consume_argument_delimiter(&mut self) -> Result<()> {
        if self.has_more_arguments() {
            self.expect(',')?;
        }
        Ok(())
    }

    fn value_source(&mut self, consume_delimiter: bool) -> Result<FuncExpr> {
        let ch = self.peek();
        let expr = if ch.is_ascii_digit() || matches!(ch, '.' | '+' | '-') {
            FuncExpr::Const(self.number()?)
        } else if matches!(ch, '"' | '\'') {
            return Err(syntax_error(format!(
                "string literals are not supported in function queries: {}",
                self.describe()
            )));
        } else if ch == '$' {
            return Err(syntax_error(format!(
                "parameter references ($name) are not supported in function queries: {}",
                self.describe()
            )));
        } else {
            let id = self.id()?;
            if self.opt('(') {
                self.call(id)?
            } else {
                match id.as_str() {
                    "true" => FuncExpr::Const(1.0),
                    "false" => FuncExpr::Const(0.0),
                    _ => FuncExpr::Field(id),
                }
            }
        };
        if consume_delimiter {
            self.consume_argument_delimiter()?;
        }
        Ok(expr)
    }

    /// `StrParser.getNumber`: digits, signs, `.`, `e`; a `long` unless it has `.`/`e`.
    fn number(&mut self) -> Result<f64> {
        self.eat_ws();
        let start = self.pos;
        let mut float = false;
        while let Some(&c) = self.chars.get(self.pos) {
            if c.is_ascii_digit() || c == '+' || c == '-' {
                self.pos += 1;
            } else if matches!(c, '.' | 'e' | 'E') {
                float = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let bad = || QueryError::BadParam(format!("For input string: \"{text}\""));
        if float {
            text.parse::<f64>().map_err(|_| bad())
        } else {
            text.parse::<i64>().map(|n| n as f64).map_err(|_| bad())
        }
    }

    /// `StrParser.getId` (plus `-` inside names).
    fn id(&mut self) -> Result<String> {
        self.eat_ws();
        let start = self.pos;
        match self.chars.get(self.pos) {
            Some(&c) if c != '$' && (c.is_alphabetic() || c == '_') => self.pos += 1,
            _ => {
                return Err(syntax_error(format!(
                    "Expected identifier at pos {} str='{}'",
                    self.pos, self.val
                )))
            }
        }
        while let Some(&c) = self.chars.get(self.pos) {
            if c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '-') {
                self.pos += 1;
            } else {
                break;
            }
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn call(&mut self, name: String) -> Result<FuncExpr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(syntax_error(format!(
                "function nesting deeper than {MAX_DEPTH} levels is not supported: {}",
                self.describe()
            )));
        }
        let args = match name.as_str() {
            "abs" | "log" | "sqrt" => vec![self.value_source(true)?],
            "sub" | "div" | "pow" => vec![self.value_source(true)?, self.value_source(true)?],
            "max" | "min" | "sum" | "add" | "product" | "mul" => {
                let mut args = Vec::new();
                while self.has_more_arguments() {
                    args.push(self.value_source(true)?);
                }
                args
            }
            "recip" => vec![
                self.value_source(true)?,
                FuncExpr::Const(self.float_arg()?),
                FuncExpr::Const(self.float_arg()?),
                FuncExpr::Const(self.float_arg()?),
            ],
            "linear" => vec![
                self.value_source(true)?,
                FuncExpr::Const(self.float_arg()?),
                FuncExpr::Const(self.float_arg()?),
            ],
            "ms" => {
                let first = self.arg()?.map(|(text, _)| text);
                let second = self.arg()?.map(|(text, _)| text);
                let mut args = vec![FuncExpr::Field(first.unwrap_or_else(|| "NOW".into()))];
                args.extend(second.map(FuncExpr::Field));
                args
            }
            _ => {
                return Err(syntax_error(format!(
                    "Unknown function {name} in FunctionQuery({})",
                    self.describe()
                )))
            }
        };
        self.expect(')')?;
        self.depth -= 1;
        Ok(FuncExpr::Call { name, args })
    }

    /// `FunctionQParser.parseArg`: a quoted string or raw text up to `,`, `)` or
    /// whitespace; `None` at `)`. The flag says whether it was quoted.
    fn arg(&mut self) -> Result<Option<(String, bool)>> {
        let value = match self.peek() {
            ')' => return Ok(None),
            '$' => {
                return Err(syntax_error(format!(
                    "parameter references ($name) are not supported in function queries: {}",
                    self.describe()
                )))
            }
            q @ ('"' | '\'') => (self.quoted(q)?, true),
            _ => {
                let start = self.pos;
                loop {
                    let Some(&c) = self.chars.get(self.pos) else {
                        return Err(syntax_error(format!(
                            "Missing end to unquoted value starting at {start} str='{}'",
                            self.val
                        )));
                    };
                    if c == ')' || c == ',' || java::is_whitespace(c) {
                        break;
                    }
                    self.pos += 1;
                }
                (self.chars[start..self.pos].iter().collect(), false)
            }
        };
        self.eat_ws();
        self.consume_argument_delimiter()?;
        Ok(Some(value))
    }

    /// `FunctionQParser.parseFloat`.
    fn float_arg(&mut self) -> Result<f64> {
        let arg = self.arg()?;
        let expected = |shown: &str, me: &Self| {
            syntax_error(format!(
                "Expected float instead of '{shown}' for function {}",
                me.describe()
            ))
        };
        match arg {
            None => Err(expected("null", self)),
            Some((text, true)) => Err(syntax_error(format!(
                "Expected float instead of quoted string:{text}"
            ))),
            Some((text, false)) => java::parse_number(&text).map_err(|_| expected(&text, self)),
        }
    }

    /// `StrParser.getQuotedString`: `\n \t \r \b \f \uXXXX` and `\x` → `x`.
    fn quoted(&mut self, delim: char) -> Result<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.chars.get(self.pos) else {
                return Err(syntax_error(format!(
                    "Missing end quote for string at pos {start} str='{}'",
                    self.val
                )));
            };
            if c == delim {
                self.pos += 1;
                return Ok(out);
            }
            if c == '\\' {
                self.pos += 1;
                let Some(&e) = self.chars.get(self.pos) else {
                    return Ok(out);
                };
                let unescaped = match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String = self.chars.iter().skip(self.pos + 1).take(4).collect();
                        let code = (hex.chars().count() == 4)
                            .then(|| u32::from_str_radix(&hex, 16).ok())
                            .flatten()
                            .ok_or_else(|| {
                                syntax_error(format!(
                                    "bad unicode escape \\uxxxx at pos{start} str='{}'",
                                    self.val
                                ))
                            })?;
                        self.pos += 4;
                        char::from_u32(code).unwrap_or('\u{fffd}')
                    }
                    other => other,
                };
                out.push(unescaped);
            } else {
                out.push(c);
            }
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<FuncExpr>) -> FuncExpr {
        FuncExpr::Call {
            name: name.into(),
            args,
        }
    }
    fn field(name: &str) -> FuncExpr {
        FuncExpr::Field(name.into())
    }
    fn c(v: f64) -> FuncExpr {
        FuncExpr::Const(v)
    }

    #[test]
    fn parses_ckanext_spatial_bbox_boost() {
        let bf = "div(mul(mul(max(0,sub(min(-0.1,maxx),max(-1.5,minx))),max(0,sub(min(51.6,maxy),max(51.2,miny)))),2),add(0.56,mul(sub(maxy,miny),sub(maxx,minx))))";
        let overlap_x = call(
            "max",
            vec![
                c(0.0),
                call(
                    "sub",
                    vec![
                        call("min", vec![c(-0.1), field("maxx")]),
                        call("max", vec![c(-1.5), field("minx")]),
                    ],
                ),
            ],
        );
        let overlap_y = call(
            "max",
            vec![
                c(0.0),
                call(
                    "sub",
                    vec![
                        call("min", vec![c(51.6), field("maxy")]),
                        call("max", vec![c(51.2), field("miny")]),
                    ],
                ),
            ],
        );
        let expected = call(
            "div",
            vec![
                call("mul", vec![call("mul", vec![overlap_x, overlap_y]), c(2.0)]),
                call(
                    "add",
                    vec![
                        c(0.56),
                        call(
                            "mul",
                            vec![
                                call("sub", vec![field("maxy"), field("miny")]),
                                call("sub", vec![field("maxx"), field("minx")]),
                            ],
                        ),
                    ],
                ),
            ],
        );
        assert_eq!(parse_function(bf).unwrap(), expected);
    }

    #[test]
    fn numbers_fields_whitespace_and_constants_args() {
        assert_eq!(parse_function(" 3.16e-11 ").unwrap(), c(3.16e-11));
        assert_eq!(parse_function("-2").unwrap(), c(-2.0));
        assert_eq!(
            parse_function("frequency-of-update").unwrap(),
            field("frequency-of-update")
        );
        assert_eq!(
            parse_function(" recip ( ms(NOW,metadata_modified) , 3.16e-11, 1 ,1 ) ").unwrap(),
            call(
                "recip",
                vec![
                    call("ms", vec![field("NOW"), field("metadata_modified")]),
                    c(3.16e-11),
                    c(1.0),
                    c(1.0)
                ]
            )
        );
        assert_eq!(
            parse_function("linear(x,2,-4)").unwrap(),
            call("linear", vec![field("x"), c(2.0), c(-4.0)])
        );
        assert_eq!(
            parse_function("ms()").unwrap(),
            call("ms", vec![field("NOW")])
        );
        assert_eq!(
            parse_function("ms(NOW-7DAYS/DAY, \"2021-01-01T00:00:00Z\")").unwrap(),
            call(
                "ms",
                vec![field("NOW-7DAYS/DAY"), field("2021-01-01T00:00:00Z")]
            )
        );
        assert_eq!(
            parse_function("sum(abs(a),log(b),sqrt(c),pow(d,2),product(e,true,false))").unwrap(),
            call(
                "sum",
                vec![
                    call("abs", vec![field("a")]),
                    call("log", vec![field("b")]),
                    call("sqrt", vec![field("c")]),
                    call("pow", vec![field("d"), c(2.0)]),
                    call("product", vec![field("e"), c(1.0), c(0.0)]),
                ]
            )
        );
    }

    #[test]
    fn errors_read_as_solr_writes_them() {
        let err = |t: &str| parse_function(t).unwrap_err().to_string();
        assert_eq!(
            err("foo(x)"),
            "org.apache.solr.search.SyntaxError: Unknown function foo in FunctionQuery('foo(x)', pos=4)"
        );
        assert_eq!(
            err("div(a)"),
            "org.apache.solr.search.SyntaxError: Expected identifier at pos 5 str='div(a)'"
        );
        assert_eq!(
            err("div(a,b,c)"),
            "org.apache.solr.search.SyntaxError: Expected ')' at position 8 in 'div(a,b,c)'"
        );
        assert_eq!(
            err("div(a b)"),
            "org.apache.solr.search.SyntaxError: Expected ',' at position 6 in 'div(a b)'"
        );
        assert_eq!(
            err("max(a,b) x"),
            "org.apache.solr.search.SyntaxError: Unexpected text after function: x"
        );
        assert_eq!(
            err(""),
            "org.apache.solr.search.SyntaxError: Expected identifier at pos 0 str=''"
        );
        assert_eq!(err("1.2.3"), "For input string: \"1.2.3\"");
        assert_eq!(
            err("recip(x,a,1,1)"),
            "org.apache.solr.search.SyntaxError: Expected float instead of 'a' for function 'recip(x,a,1,1)', pos=10"
        );
        assert_eq!(
            err("ms(NOW"),
            "org.apache.solr.search.SyntaxError: Missing end to unquoted value starting at 3 str='ms(NOW'"
        );
        let deep = format!("{}x{}", "abs(".repeat(101), ")".repeat(101));
        assert!(err(&deep).contains("nesting deeper than 100"));
        assert!(parse_function(&deep).unwrap_err().is_bad_request());
    }
}
