//! Solr value parsing and formatting: dates, numbers and booleans as Solr reads and writes
//! them. Shared by document mapping and by the query side's literal typing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};

/// Why a value is not what its field's type needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} value '{value}'")]
pub struct ValueError {
    /// The expected type (`date`, `int`, `float`, `boolean`).
    pub kind: &'static str,
    /// The offending text, cut to 100 characters.
    pub value: String,
}

impl ValueError {
    fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.chars().take(100).collect(),
        }
    }
}

/// Parses a date as Solr's `DatePointField` accepts it: ISO-8601
/// `YYYY-MM-DDTHH:MM:SS[.f…]` with `Z` or a `±hh:mm` offset (converted to UTC), 0–9 fraction
/// digits. Returns milliseconds since the Unix epoch; finer digits are truncated, as Solr
/// keeps millisecond precision.
pub fn parse_solr_date(text: &str) -> Result<i64, ValueError> {
    // RFC 3339 is the profile of ISO-8601 Solr accepts; a bare date (`2020-01-01`) or a
    // value without a zone is not a Solr date.
    let parsed = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| ValueError::new("date", text))?
        .with_timezone(&Utc);
    Ok(parsed.timestamp_millis())
}

/// Formats epoch milliseconds the way Solr returns dates: UTC, `Z`, and a fraction only when
/// the milliseconds are not zero (`2014-06-10T08:24:12.782Z`, `2020-01-01T00:00:00Z`).
pub fn format_solr_date(millis: i64) -> String {
    match DateTime::<Utc>::from_timestamp_millis(millis) {
        Some(dt) if millis.rem_euclid(1000) == 0 => dt.to_rfc3339_opts(SecondsFormat::Secs, true),
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => String::from("1970-01-01T00:00:00Z"),
    }
}

/// Milliseconds since the epoch of a calendar date at midnight UTC (for tests and tools).
pub fn date_millis(year: i32, month: u32, day: u32) -> Option<i64> {
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(
        NaiveDateTime::new(date, NaiveTime::MIN)
            .and_utc()
            .timestamp_millis(),
    )
}

/// Parses an integer field value (`IntPointField`); JSON numbers arrive here as text too.
pub fn parse_solr_int(text: &str) -> Result<i64, ValueError> {
    let t = text.trim();
    t.parse::<i64>()
        .or_else(|_| {
            // Solr's int parsing accepts "3.0"-style values only from JSON numbers; keep to
            // whole numbers.
            t.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                .map(|f| f as i64)
                .ok_or(())
        })
        .map_err(|_| ValueError::new("int", text))
}

/// Parses a float field value.
pub fn parse_solr_float(text: &str) -> Result<f64, ValueError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| ValueError::new("float", text))
}

/// Parses a boolean as Solr's `BoolField` does: `true` (any case) or a leading `t`/`T`/`1`
/// are true; everything else is false.
pub fn parse_solr_bool(text: &str) -> bool {
    matches!(text.trim().chars().next(), Some('t' | 'T' | '1'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_milliseconds_and_normalise_offsets() {
        let ms = parse_solr_date("2014-06-10T08:24:12.782257Z").unwrap();
        assert_eq!(format_solr_date(ms), "2014-06-10T08:24:12.782Z");
        let ms = parse_solr_date("2020-01-01T01:00:00+01:00").unwrap();
        assert_eq!(format_solr_date(ms), "2020-01-01T00:00:00Z");
        let ms = parse_solr_date("2024-03-02T08:00:00.5Z").unwrap();
        assert_eq!(format_solr_date(ms), "2024-03-02T08:00:00.500Z");
        let ms = parse_solr_date("2026-11-25T13:54:37.966159Z").unwrap();
        assert_eq!(format_solr_date(ms), "2026-11-25T13:54:37.966Z");
    }

    #[test]
    fn non_dates_are_rejected() {
        for bad in [
            "",
            "yesterday",
            "2020-13-01T00:00:00Z",
            "2020-01-01",
            "01/02/2020",
        ] {
            assert!(parse_solr_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_and_booleans() {
        assert_eq!(parse_solr_int("3"), Ok(3));
        assert_eq!(parse_solr_int("3.0"), Ok(3));
        assert!(parse_solr_int("three").is_err());
        assert!(parse_solr_float("NaN").is_err());
        assert!(parse_solr_bool("true") && parse_solr_bool("T") && !parse_solr_bool("no"));
        assert_eq!(date_millis(1970, 1, 2), Some(86_400_000));
    }
}
