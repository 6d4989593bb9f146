//! Naive-UTC timestamps as CKAN returns them (`2019-05-01T10:20:30.123456`), held as
//! microseconds since the Unix epoch and formatted without the wall clock or a time-zone
//! database, so output is the same everywhere.

use crate::rng::Rng;

/// One second in microseconds.
pub const SECOND: i64 = 1_000_000;
/// One minute in microseconds.
pub const MINUTE: i64 = 60 * SECOND;
/// One hour in microseconds.
pub const HOUR: i64 = 60 * MINUTE;
/// One day in microseconds.
pub const DAY: i64 = 24 * HOUR;

/// The fixed "now" of every generated catalogue: 2026-11-25T12:00:00 (naive UTC). Never the
/// wall clock, so "modified in the last week" is the same set of datasets on every run.
pub const REFERENCE: i64 = days_from_civil(2026, 11, 25) * DAY + 12 * HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down parts of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Calendar year.
    pub year: i64,
    /// Month, 1–12.
    pub month: i64,
    /// Day of month, 1–31.
    pub day: i64,
    /// Hour, 0–23.
    pub hour: i64,
    /// Minute, 0–59.
    pub minute: i64,
    /// Second, 0–59.
    pub second: i64,
    /// Microsecond, 0–999,999.
    pub micro: i64,
}

/// Splits microseconds since the epoch into calendar parts.
pub fn parts(us: i64) -> Parts {
    let days = us.div_euclid(DAY);
    let rem = us.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: rem / HOUR,
        minute: rem % HOUR / MINUTE,
        second: rem % MINUTE / SECOND,
        micro: rem % SECOND,
    }
}

fn push_num(out: &mut String, n: i64, width: usize) {
    // Zero-padded decimal without going through `format!` (this runs several times per
    // dataset and resource).
    let mut buf = [b'0'; 20];
    let mut n = n.unsigned_abs();
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let digits = buf.len() - i;
    for _ in digits..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// Appends `YYYY-MM-DDTHH:MM:SS.ffffff` — Python's `datetime.isoformat()`, which is what
/// CKAN puts in `metadata_created`/`metadata_modified`. Like Python, the fraction is left
/// out when the microseconds are exactly zero.
pub fn push_iso(out: &mut String, us: i64) {
    let p = parts(us);
    push_date(out, us);
    out.push('T');
    push_num(out, p.hour, 2);
    out.push(':');
    push_num(out, p.minute, 2);
    out.push(':');
    push_num(out, p.second, 2);
    if p.micro != 0 {
        out.push('.');
        push_num(out, p.micro, 6);
    }
}

/// The timestamp as a new `String` (see [`push_iso`]).
pub fn iso(us: i64) -> String {
    let mut s = String::with_capacity(26);
    push_iso(&mut s, us);
    s
}

/// Appends the ISO date `YYYY-MM-DD`.
pub fn push_date(out: &mut String, us: i64) {
    let p = parts(us);
    push_num(out, p.year, 4);
    out.push('-');
    push_num(out, p.month, 2);
    out.push('-');
    push_num(out, p.day, 2);
}

/// The ISO date `YYYY-MM-DD` as a new `String`.
pub fn date(us: i64) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, us);
    s
}

/// Appends `DD/MM/YYYY`, the British form many publishers typed into date fields.
pub fn push_uk_date(out: &mut String, us: i64) {
    let p = parts(us);
    push_num(out, p.day, 2);
    out.push('/');
    push_num(out, p.month, 2);
    out.push('/');
    push_num(out, p.year, 4);
}

/// Appends a decimal number (no padding).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_num(out, n, 1);
}

/// Date strings as publishers actually typed them into free-text date fields (`*_date`
/// extras, `temporal_coverage-*`, `date_released`): mostly ISO or British `DD/MM/YYYY`, some
/// month names or bare years, and some that are not dates at all. CKAN's indexer parses
/// `*_date` keys and drops what it cannot parse, so all of these must be survivable.
pub fn push_messy_date(out: &mut String, rng: &mut Rng, us: i64) {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const GARBAGE: [&str; 9] = [
        "TBC",
        "",
        "n/a",
        "31/02/2019",
        "ongoing",
        "2019-13-45",
        "Spring 2019",
        "01.05.2019",
        "1st May 2019",
    ];
    let p = parts(us);
    match rng.below(100) {
        0..=39 => push_date(out, us),
        40..=49 => push_iso(out, us - us.rem_euclid(SECOND)),
        50..=54 => {
            push_iso(out, us - us.rem_euclid(SECOND));
            out.push('Z');
        }
        55..=74 => push_uk_date(out, us),
        75..=79 => {
            out.push_str(MONTHS[(p.month - 1) as usize]);
            out.push(' ');
            push_int(out, p.year);
        }
        80..=84 => push_int(out, p.year),
        _ => out.push_str(GARBAGE[rng.index(GARBAGE.len())]),
    }
}

/// [`push_messy_date`] into a new `String`.
pub fn messy_date(rng: &mut Rng, us: i64) -> String {
    let mut s = String::with_capacity(20);
    push_messy_date(&mut s, rng, us);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_days() {
        for z in -1000..30_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn formats_like_python_isoformat() {
        assert_eq!(iso(REFERENCE), "2026-11-25T12:00:00");
        assert_eq!(iso(REFERENCE + 123_456), "2026-11-25T12:00:00.123456");
        assert_eq!(
            iso(days_from_civil(2010, 1, 1) * DAY + 5),
            "2010-01-01T00:00:00.000005"
        );
        assert_eq!(date(REFERENCE), "2026-11-25");
        let mut s = String::new();
        push_uk_date(&mut s, REFERENCE);
        assert_eq!(s, "25/11/2026");
    }

    #[test]
    fn agrees_with_chrono() {
        let us = 1_556_705_630_123_456_i64; // 2019-05-01T10:13:50.123456
        let dt = chrono::DateTime::from_timestamp_micros(us)
            .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
        assert_eq!(dt.as_deref(), Some(iso(us).as_str()));
    }
}
