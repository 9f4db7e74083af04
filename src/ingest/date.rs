//! Dates as Japanese exports write them, read into a wall-clock time in one time zone.
//!
//! Understood: ISO 8601 (`2025-03-01`, `2025-03-01T12:34:56`, with `Z`, an offset or a
//! `[Asia/Tokyo]` annotation), `2025/03/01`, `2025/3/1 12:34:56` (Google Forms), `2025.3.1`,
//! `2025年3月1日`, `2025年3月1日(土) 12時34分`, Japanese eras (`令和7年3月1日`, `平成31年4月30日`,
//! `R7.3.1`), `3/1/2025 1:05:00 PM` (SurveyMonkey), full-width digits, `20250301`, Excel
//! serial numbers (`45717.5`) and Unix times in seconds or milliseconds. Zendesk's
//! `2025-03-01 12:34:56 +0900` works too.
//!
//! A time written without a zone is taken to be in the reader's zone already; one with a zone
//! or offset is converted into it.
//!
//! ```
//! use jiff::tz::TimeZone;
//! use koe::ingest::date::parse_date;
//!
//! let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
//! let expected = "2025-03-01T12:34:56";
//! assert_eq!(parse_date("2025/3/1 12:34:56", &tokyo).unwrap().to_string(), expected);
//! assert_eq!(parse_date("2025-03-01T03:34:56Z", &tokyo).unwrap().to_string(), expected);
//! assert_eq!(parse_date("令和7年3月1日 12時34分56秒", &tokyo).unwrap().to_string(), expected);
//! assert_eq!(parse_date("2025/02/30", &tokyo), None);
//! ```

use std::sync::LazyLock;

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

const TIME_AND_ZONE: &str = r"(?:(?:\s*[Tt]\s*|\s*)(?P<ap1>午前|午後|AM|PM|am|pm)?\s*(?P<h>\d{1,2})\s*[:時]\s*(?P<mi>\d{1,2})(?:\s*[:分]\s*(?:(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?)?\s*(?P<ap2>AM|PM|am|pm|午前|午後)?)?\s*(?P<z>Z|z|UTC|GMT|JST|[+-]\d{2}(?::?\d{2})?)?(?:\s*\[(?P<iana>[^\]]+)\])?";
const WEEKDAY: &str = r"(?:\s*\([^)]{1,9}\))?";

static YEAR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<y>\d{{4}})\s*[-/.年]\s*(?P<mo>\d{{1,2}})\s*[-/.月]\s*(?P<d>\d{{1,2}})\s*日?{WEEKDAY}{TIME_AND_ZONE}$"
    ))
    .expect("the date pattern compiles")
});

static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<mo>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}){WEEKDAY}{TIME_AND_ZONE}$"
    ))
    .expect("the date pattern compiles")
});

static ERA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<era>令和|平成|昭和|大正|R|H|S|T)\s*(?P<year>元|\d{1,2})\s*[年./-]\s*(?P<rest>.+)$",
    )
    .expect("the era pattern compiles")
});

/// Reads a date or date-time written as text; `None` when it is not one (or not a valid one,
/// such as 2025/02/30). The result is a wall-clock time in `tz`.
pub fn parse_date(text: &str, tz: &TimeZone) -> Option<DateTime> {
    // Longer text is no date (and is not worth normalizing to find out).
    if text.len() > 120 {
        return None;
    }
    if let Some(quick) = parse_plain(text.trim()) {
        return quick;
    }
    let normalized: String = text.nfkc().collect();
    let text = normalized.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') && text.matches('.').count() <= 1 {
        return parse_number_text(text, tz);
    }
    if let Some(era) = ERA.captures(text) {
        let base = match &era["era"] {
            "令和" | "R" => 2018,
            "平成" | "H" => 1988,
            "昭和" | "S" => 1925,
            _ => 1911,
        };
        let year = match &era["year"] {
            "元" => 1,
            digits => digits.parse::<i32>().ok()?,
        };
        let gregorian = format!("{}年{}", base + year, &era["rest"]);
        return parse_gregorian(&gregorian, tz);
    }
    parse_gregorian(text, tz)
}

/// The shape nearly every export writes, `2025-03-01`, `2025/3/1 9:05` or
/// `2025-03-01 09:05:30` (ASCII, no zone), read without normalizing or a regex: `None` when
/// `text` has another shape, `Some(None)` when it has this one but is no valid date.
/// [`parse_gregorian`] reads these the same way.
fn parse_plain(text: &str) -> Option<Option<DateTime>> {
    let (date, time) = match text.find([' ', 'T']) {
        Some(cut) => (&text[..cut], Some(&text[cut + 1..])),
        None => (text, None),
    };
    let separator = if date.contains('-') { '-' } else { '/' };
    let mut parts = date.split(separator);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let (mut hour, mut minute, mut second) = ("0", "0", "0");
    if let Some(time) = time {
        let mut parts = time.split(':');
        (hour, minute) = (parts.next()?, parts.next()?);
        second = parts.next().unwrap_or("0");
        if parts.next().is_some() {
            return None;
        }
    }
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let number = |digits: &str| -> Option<i8> {
        if (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().ok()
        } else {
            None
        }
    };
    let (month, day, hour, minute, second) = (
        number(month)?,
        number(day)?,
        number(hour)?,
        number(minute)?,
        number(second)?,
    );
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = year.parse().ok()?;
    Some(DateTime::new(year, month, day, hour, minute, second, 0).ok())
}

fn parse_gregorian(text: &str, tz: &TimeZone) -> Option<DateTime> {
    let captures = YEAR_FIRST
        .captures(text)
        .or_else(|| MONTH_FIRST.captures(text))?;
    let number = |name: &str| {
        captures
            .name(name)
            .and_then(|m| m.as_str().parse::<i32>().ok())
    };
    let year = i16::try_from(number("y")?).ok()?;
    let month = i8::try_from(number("mo")?).ok()?;
    let day = i8::try_from(number("d")?).ok()?;
    let mut hour = number("h").unwrap_or(0);
    let minute = number("mi").unwrap_or(0);
    let second = number("s").unwrap_or(0);
    let nanos = captures.name("f").map_or(0, |f| {
        let digits = f.as_str();
        digits.parse::<i32>().unwrap_or(0) * 10_i32.pow(9 - digits.len() as u32)
    });
    let meridiem = captures.name("ap1").or_else(|| captures.name("ap2"));
    if let Some(meridiem) = meridiem {
        let afternoon = matches!(meridiem.as_str(), "PM" | "pm" | "午後");
        if hour > 12 {
            return None;
        }
        if afternoon && hour < 12 {
            hour += 12;
        } else if !afternoon && hour == 12 {
            hour = 0;
        }
    }
    let local = DateTime::new(
        year,
        month,
        day,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    let instant = if let Some(zone) = captures.name("z") {
        let offset_seconds = match zone.as_str() {
            "Z" | "z" | "UTC" | "GMT" => 0,
            "JST" => 9 * 3600,
            offset => parse_offset(offset)?,
        };
        Offset::from_seconds(offset_seconds)
            .ok()?
            .to_timestamp(local)
            .ok()?
    } else if let Some(name) = captures.name("iana") {
        let zone = TimeZone::get(name.as_str()).ok()?;
        local.to_zoned_datetime(zone).ok()?.timestamp()
    } else {
        return Some(local);
    };
    Some(instant.to_zoned_datetime(tz.clone()).datetime())
}

/// `+09:00`, `+0900`, `-05` as seconds east of UTC.
fn parse_offset(offset: &str) -> Option<i32> {
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    (hours <= 18 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

/// A date column cell that is only digits: `20250301`, an Excel serial, a Unix time.
fn parse_number_text(text: &str, tz: &TimeZone) -> Option<DateTime> {
    let integer_part = text.split('.').next().unwrap_or("");
    if text.len() == 8 && !text.contains('.') && (text.starts_with("19") || text.starts_with("20"))
    {
        let number = |range: std::ops::Range<usize>| text[range].parse::<i8>().ok();
        let year = text[..4].parse::<i16>().ok()?;
        return DateTime::new(year, number(4..6)?, number(6..8)?, 0, 0, 0, 0).ok();
    }
    let value: f64 = text.parse().ok()?;
    match integer_part.len() {
        // 1954-09 .. 2119-01: wide enough for any feedback, narrow enough not to take an
        // ordinary count for a date.
        5 if (20_000.0..80_000.0).contains(&value) => from_excel_serial(value),
        9 | 10 if !text.contains('.') => from_unix(Timestamp::from_second(value as i64).ok()?, tz),
        12 | 13 if !text.contains('.') => {
            from_unix(Timestamp::from_millisecond(value as i64).ok()?, tz)
        }
        _ => None,
    }
}

fn from_unix(timestamp: Timestamp, tz: &TimeZone) -> Option<DateTime> {
    Some(timestamp.to_zoned_datetime(tz.clone()).datetime())
}

/// A date from a number in a date column of a workbook: an Excel serial (1900 date system),
/// or a Unix time when it is far too large to be one.
pub fn parse_date_number(value: f64, tz: &TimeZone) -> Option<DateTime> {
    if !value.is_finite() {
        return None;
    }
    if value < 2_958_466.0 {
        return from_excel_serial(value);
    }
    let text = format!("{}", value.trunc() as i64);
    parse_number_text(&text, tz)
}

/// Converts an Excel serial date (1900 date system: 1 = 1900-01-01, with Excel's phantom
/// 1900-02-29 at 60) to a date-time, rounded to the millisecond. `None` outside Excel's range
/// and for the phantom day.
///
/// ```
/// use koe::ingest::date::from_excel_serial;
/// assert_eq!(from_excel_serial(45717.5).unwrap().to_string(), "2025-03-01T12:00:00");
/// assert_eq!(from_excel_serial(1.0).unwrap().to_string(), "1900-01-01T00:00:00");
/// ```
pub fn from_excel_serial(serial: f64) -> Option<DateTime> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let mut millis = ((serial - serial.trunc()) * 86_400_000.0).round() as i64;
    let mut days = days;
    if millis >= 86_400_000 {
        days += 1;
        millis -= 86_400_000;
    }
    let epoch = match days {
        60 => return None,
        ..60 => jiff::civil::date(1899, 12, 31),
        _ => jiff::civil::date(1899, 12, 30),
    };
    let date = epoch.checked_add(days.days()).ok()?;
    date.to_datetime(jiff::civil::Time::midnight())
        .checked_add(millis.milliseconds())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokyo() -> TimeZone {
        TimeZone::get("Asia/Tokyo").unwrap()
    }

    fn parsed(text: &str) -> Option<String> {
        parse_date(text, &tokyo()).map(|d| d.to_string())
    }

    #[test]
    fn the_quick_path_reads_what_the_regex_reads() {
        let tz = TimeZone::get("Asia/Tokyo").unwrap();
        for text in [
            "2025-03-01",
            "2025/3/1",
            "2025-03-01 09:05",
            "2025-03-01T09:05:30",
            "2025/12/31 23:59:59",
            "2025-02-30",
            "2025-13-01 10:00",
            "2025-03-01 24:00",
            "0999-01-01",
            "2025-03/01",
            "2025-03-01T",
            "2025-03-01 9",
            "2025-03-01 09:05:",
            "2025-03-01 09:05:30:00",
            "2025-03-01 09:05:30.5",
            "2025-03-001",
            "2025--03-01",
            "+025-03-01",
        ] {
            if let Some(quick) = parse_plain(text) {
                assert_eq!(quick, parse_gregorian(text, &tz), "{text}");
            }
        }
        assert!(parse_plain("2025-03-01 09:05").is_some());
        assert!(parse_plain("2025-03-01 09:05 JST").is_none());
    }

    #[test]
    fn every_written_form_of_one_moment_reads_the_same() {
        let expected = Some("2025-03-01T12:34:56".to_owned());
        for text in [
            "2025-03-01T12:34:56",
            "2025-03-01 12:34:56",
            "2025-03-01T12:34:56+09:00",
            "2025-03-01T03:34:56Z",
            "2025-03-01T03:34:56.000Z",
            "2025-03-01 12:34:56 +0900",
            "2025-03-01T12:34:56[Asia/Tokyo]",
            "2025/03/01 12:34:56",
            "2025/3/1 12:34:56",
            "2025/3/1 12:34:56 JST",
            "2025年3月1日 12:34:56",
            "2025年3月1日(土) 12時34分56秒",
            "２０２５年３月１日　１２：３４：５６",
            "令和7年3月1日 12:34:56",
            "R7.3.1 12:34:56",
            "3/1/2025 12:34:56 PM",
            "2025/3/1 午後0:34:56",
        ] {
            assert_eq!(parsed(text), expected, "{text}");
        }
    }

    #[test]
    fn dates_without_time_are_midnight() {
        for text in [
            "2025-03-01",
            "2025/3/1",
            "2025年3月1日",
            "令和7年3月1日",
            "20250301",
            "2025.3.1",
        ] {
            assert_eq!(
                parsed(text).as_deref(),
                Some("2025-03-01T00:00:00"),
                "{text}"
            );
        }
        assert_eq!(
            parsed("令和元年5月1日").as_deref(),
            Some("2019-05-01T00:00:00")
        );
        assert_eq!(
            parsed("平成31年4月30日").as_deref(),
            Some("2019-04-30T00:00:00")
        );
    }

    #[test]
    fn minutes_without_seconds() {
        assert_eq!(
            parsed("2025/3/1 9:05").as_deref(),
            Some("2025-03-01T09:05:00")
        );
        assert_eq!(
            parsed("2025年3月1日 9時5分").as_deref(),
            Some("2025-03-01T09:05:00")
        );
        assert_eq!(
            parsed("3/1/2025 12:05 AM").as_deref(),
            Some("2025-03-01T00:05:00")
        );
    }

    #[test]
    fn invalid_dates_are_none() {
        for text in [
            "2025/02/30",
            "2025/13/01",
            "25:00",
            "not a date",
            "2025/3/1 25:00",
            "昨日",
            "",
            "123",
        ] {
            assert_eq!(parsed(text), None, "{text}");
        }
    }

    #[test]
    fn other_time_zones_convert() {
        let utc = TimeZone::UTC;
        let date = parse_date("2025-03-01T12:34:56+09:00", &utc).unwrap();
        assert_eq!(date.to_string(), "2025-03-01T03:34:56");
        // Without a zone, the time is already in the reader's zone.
        assert_eq!(
            parse_date("2025-03-01 12:34:56", &utc).unwrap().to_string(),
            "2025-03-01T12:34:56"
        );
    }

    #[test]
    fn excel_serials_and_unix_times() {
        assert_eq!(parsed("45717").as_deref(), Some("2025-03-01T00:00:00"));
        assert_eq!(
            parsed("45717.524259259").as_deref(),
            Some("2025-03-01T12:34:56")
        );
        assert_eq!(parsed("1740800096").as_deref(), Some("2025-03-01T12:34:56"));
        assert_eq!(
            parsed("1740800096000").as_deref(),
            Some("2025-03-01T12:34:56")
        );
        assert_eq!(
            from_excel_serial(59.0).unwrap().to_string(),
            "1900-02-28T00:00:00"
        );
        assert_eq!(from_excel_serial(60.0), None);
        assert_eq!(
            from_excel_serial(61.0).unwrap().to_string(),
            "1900-03-01T00:00:00"
        );
        assert_eq!(
            from_excel_serial(45_717.999_999_999).unwrap().to_string(),
            "2025-03-02T00:00:00"
        );
        assert_eq!(
            parse_date_number(1_740_800_096.0, &tokyo())
                .unwrap()
                .to_string(),
            "2025-03-01T12:34:56"
        );
    }
}
