//! Which instant does a Solr date expression name? `NOW`, `NOW-7DAY/DAY`,
//! `2017-06-01T00:00:00Z+1MONTH`: an anchor followed by `+N<UNIT>`, `-N<UNIT>` and
//! `/<UNIT>` commands, evaluated left to right as Solr's `DateMathParser` does.
//!
//! Alignment with `org.apache.solr.util.DateMathParser` (Solr 9):
//! - the anchor is `NOW` (case-sensitive prefix) or an ISO-8601 instant ending in `Z`; the
//!   math is whatever follows `NOW` or the first `Z`;
//! - the math is split into tokens the way Solr's `\b|(?<=\d)(?=\D)` splitter does, and each
//!   command must be one character;
//! - units are the upper-case names of `CALENDAR_UNITS` (no `WEEK`);
//! - all arithmetic and rounding happens on the wall-clock time in the request's time zone
//!   (`TZ`, default UTC), like Java's `LocalDateTime`: month and year steps clamp the day
//!   of month (Jan 31 + 1 MONTH = Feb 28/29), and only the final wall-clock time is mapped
//!   back to an instant (an hour skipped by DST moves forward by the gap, an hour repeated
//!   by DST takes the earlier offset, as `ZonedDateTime.of` does);
//! - errors carry Solr's texts: `Invalid Date String:'…'` (no `Z` and no `NOW`),
//!   `Invalid Date in Date Math String:'…'` (a bad anchor) and `Invalid Date Math
//!   String:'…'` (bad math).

use chrono::{
    DateTime, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;

use crate::{QueryError, Result};

/// Evaluates `text` (`NOW`, an ISO instant, either followed by date math) to epoch
/// milliseconds. `now_ms` is the request's `NOW`; `tz` its `TZ` (UTC when `None`).
pub fn parse_date_math(text: &str, now_ms: i64, tz: Option<Tz>) -> Result<i64> {
    let (anchor, math) = match text.strip_prefix("NOW") {
        Some(math) => (now_ms, math),
        None => {
            let Some(z) = text.find('Z') else {
                return Err(QueryError::BadParam(format!(
                    "Invalid Date String:'{text}'"
                )));
            };
            let anchor = parse_instant(&text[..z]).ok_or_else(|| {
                QueryError::BadParam(format!("Invalid Date in Date Math String:'{text}'"))
            })?;
            (anchor, &text[z + 1..])
        }
    };
    if math.is_empty() {
        return Ok(anchor);
    }
    apply_math(anchor, math, tz)
        .ok_or_else(|| QueryError::BadParam(format!("Invalid Date Math String:'{text}'")))
}

/// Parses a Solr time-zone id (`TZ`): an IANA id, or Java's custom `GMT±h[h][[:]mm]` form
/// when it names a whole-hour offset (those are the `Etc/GMT∓h` zones).
pub fn parse_time_zone(id: &str) -> Result<Tz> {
    let unsupported = || QueryError::BadParam(format!("Solr JVM does not support TZ: {id}"));
    if let Ok(tz) = id.parse::<Tz>() {
        return Ok(tz);
    }
    let rest = id.strip_prefix("GMT").ok_or_else(unsupported)?;
    let (sign, digits) = match rest.chars().next() {
        Some('+') => ('-', &rest[1..]),
        Some('-') => ('+', &rest[1..]),
        _ => return Err(unsupported()),
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "00"),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || hours.len() > 2 || !all_digits(minutes) || minutes.len() != 2 {
        return Err(unsupported());
    }
    let hours: u32 = hours.parse().map_err(|_| unsupported())?;
    if minutes != "00" || hours > 23 {
        return Err(unsupported());
    }
    let etc = if hours == 0 {
        "Etc/GMT".to_string()
    } else {
        format!("Etc/GMT{sign}{hours}")
    };
    etc.parse::<Tz>().map_err(|_| unsupported())
}

/// A calendar unit of `CALENDAR_UNITS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Years,
    Months,
    Days,
    Hours,
    Minutes,
    Seconds,
    Millis,
}

fn unit(name: &str) -> Option<Unit> {
    Some(match name {
        "YEAR" | "YEARS" => Unit::Years,
        "MONTH" | "MONTHS" => Unit::Months,
        "DAY" | "DAYS" | "DATE" => Unit::Days,
        "HOUR" | "HOURS" => Unit::Hours,
        "MINUTE" | "MINUTES" => Unit::Minutes,
        "SECOND" | "SECONDS" => Unit::Seconds,
        "MILLI" | "MILLIS" | "MILLISECOND" | "MILLISECONDS" => Unit::Millis,
        _ => return None,
    })
}

/// Runs the commands of `math` on the wall-clock time of `anchor_ms` in `tz`.
fn apply_math(anchor_ms: i64, math: &str, tz: Option<Tz>) -> Option<i64> {
    let mut local = to_local(anchor_ms, tz)?;
    let ops = split_math(math);
    let mut pos = 0;
    while pos < ops.len() {
        let mut command = ops[pos].chars();
        let (Some(command), None) = (command.next(), command.next()) else {
            return None; // "Multi character command found"
        };
        pos += 1;
        match command {
            '/' => {
                local = round(local, unit(ops.get(pos)?)?)?;
                pos += 1;
            }
            '+' | '-' => {
                let value: i32 = ops.get(pos)?.parse().ok()?;
                let value = if command == '-' {
                    value.wrapping_neg()
                } else {
                    value
                };
                local = add(local, value, unit(ops.get(pos + 1)?)?)?;
                pos += 2;
            }
            _ => return None, // "Unrecognized command"
        }
    }
    from_local(local, tz)
}

/// Solr's splitter `\b|(?<=\d)(?=\D)`: cut between word and non-word characters and after a
/// digit followed by a non-digit (`+1DAY` → `+`, `1`, `DAY`).
fn split_math(math: &str) -> Vec<&str> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut ops = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in math.char_indices() {
        if let Some(p) = prev {
            if is_word(p) != is_word(c) || (p.is_ascii_digit() && !c.is_ascii_digit()) {
                ops.push(&math[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    if start < math.len() {
        ops.push(&math[start..]);
    }
    ops
}

fn add(t: NaiveDateTime, value: i32, unit: Unit) -> Option<NaiveDateTime> {
    let months = |t: NaiveDateTime, n: i64| {
        let step = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
        if n >= 0 {
            t.checked_add_months(step)
        } else {
            t.checked_sub_months(step)
        }
    };
    let v = i64::from(value);
    match unit {
        Unit::Years => months(t, v * 12),
        Unit::Months => months(t, v),
        Unit::Days => t.checked_add_signed(Duration::try_days(v)?),
        Unit::Hours => t.checked_add_signed(Duration::try_hours(v)?),
        Unit::Minutes => t.checked_add_signed(Duration::try_minutes(v)?),
        Unit::Seconds => t.checked_add_signed(Duration::try_seconds(v)?),
        Unit::Millis => t.checked_add_signed(Duration::try_milliseconds(v)?),
    }
}

fn round(t: NaiveDateTime, unit: Unit) -> Option<NaiveDateTime> {
    use chrono::Datelike;
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
    Some(match unit {
        Unit::Years => midnight(NaiveDate::from_ymd_opt(t.year(), 1, 1)?),
        Unit::Months => midnight(NaiveDate::from_ymd_opt(t.year(), t.month(), 1)?),
        Unit::Days => midnight(t.date()),
        Unit::Hours => t.with_minute(0)?.with_second(0)?.with_nanosecond(0)?,
        Unit::Minutes => t.with_second(0)?.with_nanosecond(0)?,
        Unit::Seconds => t.with_nanosecond(0)?,
        Unit::Millis => t.with_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000)?,
    })
}

/// The wall-clock time of an instant in `tz` (UTC when `None`).
fn to_local(ms: i64, tz: Option<Tz>) -> Option<NaiveDateTime> {
    let utc = DateTime::<Utc>::from_timestamp_millis(ms)?;
    Some(match tz {
        Some(tz) => utc.with_timezone(&tz).naive_local(),
        None => utc.naive_utc(),
    })
}

/// The instant of a wall-clock time in `tz`, resolved as Java's `ZonedDateTime.of`: in a
/// DST overlap the earlier offset, in a DST gap the time moved later by the gap's length
/// (which is the wall-clock time read with the offset in force before the gap).
fn from_local(local: NaiveDateTime, tz: Option<Tz>) -> Option<i64> {
    let Some(tz) = tz else {
        return Some(local.and_utc().timestamp_millis());
    };
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.timestamp_millis()),
        LocalResult::None => {
            // No transition is closer than a day to another, so the offset a day before
            // the wall-clock time is the one in force before the gap.
            let before = local.checked_sub_signed(Duration::try_hours(26)?)?;
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let instant = local
                .checked_sub_signed(Duration::try_seconds(i64::from(offset.local_minus_utc()))?)?;
            Some(instant.and_utc().timestamp_millis())
        }
    }
}

/// Parses the instant before the `Z` the way Solr's lenient `appendInstant` parser does:
/// `[±]YYYY-MM-DDTHH:MM:SS[.fraction]`, `T` in either case, up to nine fraction digits
/// (kept to the millisecond, truncated), `24:00:00` as the next midnight and a leap
/// second `23:59:60` read as `23:59:59`.
fn parse_instant(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', 't'])?;
    let (negative, date) = match date.as_bytes().first()? {
        b'-' => (true, &date[1..]),
        b'+' => (false, &date[1..]),
        _ => (false, date),
    };
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() < 4 {
        return None;
    }
    let year: i32 = digits(year, 10)?.try_into().ok()?;
    let year = if negative { -year } else { year };
    let date = NaiveDate::from_ymd_opt(year, digits(month, 2)?, digits(day, 2)?)?;

    let (hms, fraction) = match time.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (time, None),
    };
    let mut parts = hms.splitn(3, ':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    let (mut h, m, mut s) = (digits(h, 2)?, digits(m, 2)?, digits(s, 2)?);
    let nanos = match fraction {
        None | Some("") => 0,
        Some(f) if f.len() <= 9 => digits(f, 9)? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    let mut date = date;
    if h == 24 && m == 0 && s == 0 && nanos == 0 {
        h = 0;
        date = date.succ_opt()?;
    } else if h == 23 && m == 59 && s == 60 {
        s = 59;
    }
    let time = NaiveTime::from_hms_nano_opt(h, m, s, nanos)?;
    Some(date.and_time(time).and_utc().timestamp_millis())
}

/// An unsigned number of 1 to `max` ASCII digits.
fn digits(text: &str, max: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ckan_search_indexer::document::value::{format_solr_date, parse_solr_date};

    /// 2021-06-15T13:45:30.250Z, a Tuesday.
    const NOW: i64 = 1_623_764_730_250;

    fn at(text: &str) -> i64 {
        parse_solr_date(text).expect("test date")
    }

    fn eval(text: &str) -> String {
        format_solr_date(parse_date_math(text, NOW, None).expect(text))
    }

    fn eval_tz(text: &str, now: &str, tz: &str) -> String {
        let tz = parse_time_zone(tz).expect("zone");
        format_solr_date(parse_date_math(text, at(now), Some(tz)).expect(text))
    }

    fn err(text: &str) -> String {
        parse_date_math(text, NOW, None).unwrap_err().to_string()
    }

    #[test]
    fn anchors() {
        assert_eq!(eval("NOW"), "2021-06-15T13:45:30.250Z");
        assert_eq!(eval("2017-06-01T00:00:00Z"), "2017-06-01T00:00:00Z");
        assert_eq!(eval("2017-06-01T00:00:00.5Z"), "2017-06-01T00:00:00.500Z");
        assert_eq!(
            eval("2017-06-01T10:20:30.123456789Z"),
            "2017-06-01T10:20:30.123Z"
        );
        assert_eq!(eval("2017-06-01t00:00:00Z"), "2017-06-01T00:00:00Z");
        assert_eq!(eval("2017-06-01T24:00:00Z"), "2017-06-02T00:00:00Z");
        assert_eq!(
            eval("1972-05-20T17:33:18.772Z+6MONTHS"),
            "1972-11-20T17:33:18.772Z"
        );
    }

    #[test]
    fn every_unit_adds_and_subtracts() {
        assert_eq!(eval("NOW+1YEAR"), "2022-06-15T13:45:30.250Z");
        assert_eq!(eval("NOW-2YEARS"), "2019-06-15T13:45:30.250Z");
        assert_eq!(eval("NOW+1MONTH"), "2021-07-15T13:45:30.250Z");
        assert_eq!(eval("NOW-7MONTHS"), "2020-11-15T13:45:30.250Z");
        assert_eq!(eval("NOW-7DAY"), "2021-06-08T13:45:30.250Z");
        assert_eq!(eval("NOW+2DAYS"), "2021-06-17T13:45:30.250Z");
        assert_eq!(eval("NOW+2DATE"), "2021-06-17T13:45:30.250Z");
        assert_eq!(eval("NOW+1HOUR"), "2021-06-15T14:45:30.250Z");
        assert_eq!(eval("NOW-14HOURS"), "2021-06-14T23:45:30.250Z");
        assert_eq!(eval("NOW+15MINUTE"), "2021-06-15T14:00:30.250Z");
        assert_eq!(eval("NOW-46MINUTES"), "2021-06-15T12:59:30.250Z");
        assert_eq!(eval("NOW+30SECOND"), "2021-06-15T13:46:00.250Z");
        assert_eq!(eval("NOW-31SECONDS"), "2021-06-15T13:44:59.250Z");
        assert_eq!(eval("NOW+750MILLI"), "2021-06-15T13:45:31Z");
        assert_eq!(eval("NOW-251MILLIS"), "2021-06-15T13:45:29.999Z");
        assert_eq!(eval("NOW+1MILLISECOND"), "2021-06-15T13:45:30.251Z");
        assert_eq!(eval("NOW+2MILLISECONDS"), "2021-06-15T13:45:30.252Z");
        assert_eq!(eval("NOW+0DAY"), "2021-06-15T13:45:30.250Z");
    }

    #[test]
    fn every_unit_rounds_down() {
        assert_eq!(eval("NOW/YEAR"), "2021-01-01T00:00:00Z");
        assert_eq!(eval("NOW/MONTH"), "2021-06-01T00:00:00Z");
        assert_eq!(eval("NOW/DAY"), "2021-06-15T00:00:00Z");
        assert_eq!(eval("NOW/DATE"), "2021-06-15T00:00:00Z");
        assert_eq!(eval("NOW/HOUR"), "2021-06-15T13:00:00Z");
        assert_eq!(eval("NOW/MINUTE"), "2021-06-15T13:45:00Z");
        assert_eq!(eval("NOW/SECOND"), "2021-06-15T13:45:30Z");
        assert_eq!(eval("NOW/MILLI"), "2021-06-15T13:45:30.250Z");
    }

    #[test]
    fn commands_chain_left_to_right() {
        assert_eq!(eval("NOW-7DAY/DAY"), "2021-06-08T00:00:00Z");
        assert_eq!(eval("NOW/DAY-7DAYS"), "2021-06-08T00:00:00Z");
        assert_eq!(eval("NOW/DAY+1DAY"), "2021-06-16T00:00:00Z");
        assert_eq!(eval("NOW+6MONTHS+3DAYS/DAY"), "2021-12-18T00:00:00Z");
        assert_eq!(eval("NOW/DAY+6MONTHS+3DAYS"), "2021-12-18T00:00:00Z");
        assert_eq!(eval("NOW-1YEAR/DAY"), "2020-06-15T00:00:00Z");
        // An inclusive upper bound is never rounded up (Elasticsearch does; Solr does not).
        assert_eq!(eval("NOW/DAY"), "2021-06-15T00:00:00Z");
    }

    #[test]
    fn month_steps_clamp_the_day_like_java() {
        assert_eq!(eval("2021-01-31T10:00:00Z+1MONTH"), "2021-02-28T10:00:00Z");
        assert_eq!(eval("2020-01-31T10:00:00Z+1MONTH"), "2020-02-29T10:00:00Z");
        assert_eq!(eval("2021-03-31T10:00:00Z-1MONTH"), "2021-02-28T10:00:00Z");
        assert_eq!(eval("2020-02-29T00:00:00Z+1YEAR"), "2021-02-28T00:00:00Z");
        // Clamping happens at each step, not at the end.
        assert_eq!(
            eval("2021-01-31T00:00:00Z+1MONTH+1MONTH"),
            "2021-03-28T00:00:00Z"
        );
        assert_eq!(eval("2021-01-31T00:00:00Z+2MONTHS"), "2021-03-31T00:00:00Z");
    }

    #[test]
    fn time_zone_rounding_and_adding_follow_the_zone() {
        let london = "Europe/London";
        // Summer: London is UTC+1, so its day starts at 23:00 UTC the evening before.
        assert_eq!(
            eval_tz("NOW/DAY", "2021-06-15T13:45:30Z", london),
            "2021-06-14T23:00:00Z"
        );
        // Winter: UTC+0.
        assert_eq!(
            eval_tz("NOW/DAY", "2021-01-15T13:45:30Z", london),
            "2021-01-15T00:00:00Z"
        );
        // The day of the spring change (2021-03-28) has 23 hours: +1DAY keeps the wall clock.
        assert_eq!(
            eval_tz("NOW+1DAY", "2021-03-27T12:00:00Z", london),
            "2021-03-28T11:00:00Z"
        );
        assert_eq!(
            eval_tz("NOW/DAY+1DAY", "2021-03-28T12:00:00Z", london),
            "2021-03-28T23:00:00Z"
        );
        // Autumn change (2021-10-31) has 25 hours.
        assert_eq!(
            eval_tz("NOW+1DAY", "2021-10-30T12:00:00Z", london),
            "2021-10-31T13:00:00Z"
        );
        // A wall-clock time in the skipped hour moves forward by the gap (01:30 → 02:30 BST).
        assert_eq!(
            eval_tz("NOW+1HOUR", "2021-03-28T00:30:00Z", london),
            "2021-03-28T01:30:00Z"
        );
        // A wall-clock time in the repeated hour takes the earlier (summer) offset.
        assert_eq!(
            eval_tz("NOW+1HOUR", "2021-10-30T23:30:00Z", london),
            "2021-10-31T00:30:00Z"
        );
        assert_eq!(
            eval_tz("NOW/MONTH", "2021-07-01T00:30:00Z", "America/New_York"),
            "2021-06-01T04:00:00Z"
        );
        // Without math the anchor is returned as is, whatever the zone.
        assert_eq!(
            eval_tz("NOW", "2021-10-31T01:30:00Z", london),
            "2021-10-31T01:30:00Z"
        );
        // Java's custom GMT offsets.
        assert_eq!(
            eval_tz("NOW/DAY", "2021-06-15T13:45:30Z", "GMT+02:00"),
            "2021-06-14T22:00:00Z"
        );
        assert_eq!(
            eval_tz("NOW/DAY", "2021-06-15T01:00:00Z", "GMT-5"),
            "2021-06-14T05:00:00Z"
        );
    }

    #[test]
    fn unknown_time_zones_are_refused() {
        for bad in ["Mars/Olympus", "GMT+7:30", "GMT+25", "europe/london", ""] {
            assert_eq!(
                parse_time_zone(bad).unwrap_err().to_string(),
                format!("Solr JVM does not support TZ: {bad}")
            );
        }
        assert!(parse_time_zone("UTC").is_ok());
    }

    #[test]
    fn errors_carry_solrs_texts() {
        assert_eq!(err("yesterday"), "Invalid Date String:'yesterday'");
        assert_eq!(err("2017-06-01"), "Invalid Date String:'2017-06-01'");
        assert_eq!(err("now"), "Invalid Date String:'now'");
        assert_eq!(
            err("2017-13-01T00:00:00Z"),
            "Invalid Date in Date Math String:'2017-13-01T00:00:00Z'"
        );
        assert_eq!(
            err("2017-06-01T00:00Z"),
            "Invalid Date in Date Math String:'2017-06-01T00:00Z'"
        );
        assert_eq!(
            err("2017-06-01T00:00:00+01:00Z"),
            "Invalid Date in Date Math String:'2017-06-01T00:00:00+01:00Z'"
        );
        for bad in [
            "NOW+1WEEK",
            "NOW/WEEK",
            "NOW+1day",
            "NOW+DAY",
            "NOW+1",
            "NOW/",
            "NOW-",
            "NOW 1DAY",
            "NOW+-1DAY",
            "NOW*1DAY",
            "NOWX",
            "NOW+99999999999DAYS",
            "NOW+1.5DAYS",
            "2017-06-01T00:00:00Z+1WEEK",
        ] {
            assert_eq!(err(bad), format!("Invalid Date Math String:'{bad}'"));
        }
        assert!(parse_date_math("NOW+1DAY", 0, None).is_ok());
    }

    #[test]
    fn splitter_matches_solrs() {
        assert_eq!(split_math("+1DAY/DAY"), ["+", "1", "DAY", "/", "DAY"]);
        assert_eq!(split_math("-10MONTHS"), ["-", "10", "MONTHS"]);
        assert_eq!(split_math("+-1DAY"), ["+-", "1", "DAY"]);
        assert_eq!(split_math("/DAY+1DAY"), ["/", "DAY", "+", "1", "DAY"]);
    }
}
