//! Ingest: every encoding and format Japanese CX teams export, bad rows reported with their
//! line, nothing lost, no panic on any input.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use koe::feedback::Feedback;
use koe::ingest::{ColumnRole, FeedbackReader, Format, Layout, ReadOptions, ReadSummary, Row};
use proptest::prelude::*;

use crate::assert_exit;
use crate::support::{run, stderr, stdout};

/// The columns of the generated survey.
const HEADER: [&str; 7] = [
    "回答ID",
    "タイムスタンプ",
    "チャネル",
    "満足度",
    "ご意見・ご感想",
    "改善してほしい点",
    "年代",
];

/// One row of the generated survey.
#[derive(Debug, Clone)]
struct SurveyRow {
    id: String,
    /// Tokyo wall-clock time.
    date: jiff::civil::DateTime,
    channel: &'static str,
    rating: u8,
    opinion: String,
    improvement: String,
    age: &'static str,
}

/// A deterministic pseudo-random source (tests must not depend on a seed crate's algorithm).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The 500-row survey every format test writes. Texts have commas, quotes, tabs and line breaks;
/// every character is in CP932.
fn survey(rows: usize) -> Vec<SurveyRow> {
    const PHRASES: [&str; 12] = [
        "料金が高い",
        "サポートの対応が遅い",
        "画面がわかりにくい",
        "解約手続きが面倒でした",
        "とても満足しています",
        "アプリがよく落ちる",
        "担当者の説明が丁寧だった",
        "請求金額が想定より多い",
        "機能は十分ですが、値段が…",
        "ログインできないことがある",
        "問い合わせの返信が早かった",
        "ＵＩが古い",
    ];
    const GLUE: [&str; 7] = ["。", "、", ", ", "\n", "「\"引用\"」", "\t", "！"];
    const CHANNELS: [&str; 5] = ["Web", "アプリ", "電話", "メール", "店舗"];
    const AGES: [&str; 5] = ["20代", "30代", "40代", "50代", "60代以上"];
    let mut rng = Lcg(42);
    let text = |rng: &mut Lcg, min: usize| {
        let mut out = String::new();
        for i in 0..min + rng.next(4) {
            if i > 0 {
                out.push_str(GLUE[rng.next(GLUE.len())]);
            }
            out.push_str(PHRASES[rng.next(PHRASES.len())]);
        }
        out
    };
    (0..rows)
        .map(|i| {
            let start = jiff::civil::date(2025, 1, 1).at(8, 0, 0, 0);
            let date = start
                .checked_add(jiff::SignedDuration::from_secs(
                    i as i64 * 7_919 + rng.next(3_600) as i64,
                ))
                .unwrap();
            SurveyRow {
                id: format!("R{:04}", i + 1),
                date,
                channel: CHANNELS[rng.next(CHANNELS.len())],
                rating: rng.next(11) as u8,
                opinion: text(&mut rng, 1),
                improvement: if rng.next(3) == 0 {
                    String::new()
                } else {
                    text(&mut rng, 1)
                },
                age: AGES[rng.next(AGES.len())],
            }
        })
        .collect()
}

/// A CSV / TSV line, quoted where needed.
fn delimited_line(cells: &[String], delimiter: char, line_end: &str) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        if cell.contains([delimiter, '"', '\n', '\r']) {
            let _ = write!(
                line,
                "\"{}\"",
                cell.replace('"', "\"\"").replace('\n', line_end)
            );
        } else {
            line.push_str(cell);
        }
    }
    line.push_str(line_end);
    line
}

fn delimited(
    rows: &[SurveyRow],
    delimiter: char,
    line_end: &str,
    date: impl Fn(&SurveyRow) -> String,
) -> String {
    let mut text = delimited_line(&HEADER.map(str::to_owned), delimiter, line_end);
    for row in rows {
        let cells = [
            row.id.clone(),
            date(row),
            row.channel.to_owned(),
            row.rating.to_string(),
            row.opinion.clone(),
            row.improvement.clone(),
            row.age.to_owned(),
        ];
        text.push_str(&delimited_line(&cells, delimiter, line_end));
    }
    text
}

fn tokyo_to_utc(date: jiff::civil::DateTime) -> String {
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    date.to_zoned_datetime(tokyo)
        .unwrap()
        .timestamp()
        .to_string()
}

fn xlsx(rows: &[SurveyRow]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("フォームの回答 1").unwrap();
    let date_format = Format::new().set_num_format("yyyy/mm/dd hh:mm:ss");
    for (col, name) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let d = row.date;
        let datetime = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
            .unwrap()
            .and_hms(d.hour() as u16, d.minute() as u8, d.second() as f64)
            .unwrap();
        sheet.write_string(r, 0, &row.id).unwrap();
        sheet
            .write_datetime_with_format(r, 1, datetime, &date_format)
            .unwrap();
        sheet.write_string(r, 2, row.channel).unwrap();
        sheet.write_number(r, 3, f64::from(row.rating)).unwrap();
        sheet.write_string(r, 4, &row.opinion).unwrap();
        if !row.improvement.is_empty() {
            sheet.write_string(r, 5, &row.improvement).unwrap();
        }
        sheet.write_string(r, 6, row.age).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

fn jsonl(rows: &[SurveyRow]) -> String {
    let mut text = String::new();
    for row in rows {
        let mut object = serde_json::Map::new();
        object.insert(HEADER[0].into(), row.id.clone().into());
        object.insert(HEADER[1].into(), tokyo_to_utc(row.date).into());
        object.insert(HEADER[2].into(), row.channel.into());
        object.insert(HEADER[3].into(), row.rating.into());
        object.insert(HEADER[4].into(), row.opinion.clone().into());
        object.insert(
            HEADER[5].into(),
            if row.improvement.is_empty() {
                serde_json::Value::Null
            } else {
                row.improvement.clone().into()
            },
        );
        object.insert(HEADER[6].into(), row.age.into());
        text.push_str(&serde_json::to_string(&object).unwrap());
        text.push('\n');
    }
    text
}

fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "the fixture text is not all CP932");
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Writes the survey in all six formats; returns their paths.
fn write_six_formats(dir: &Path, rows: &[SurveyRow]) -> Vec<PathBuf> {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "survey-utf8.csv",
            delimited(rows, ',', "\n", |r| {
                r.date.strftime("%Y/%-m/%-d %H:%M:%S").to_string()
            })
            .into_bytes(),
        ),
        ("survey-utf8-bom.csv", {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes
                .extend(delimited(rows, ',', "\r\n", |r| format!("{}+09:00", r.date)).into_bytes());
            bytes
        }),
        (
            "survey-cp932.csv",
            cp932(&delimited(rows, ',', "\r\n", |r| {
                r.date.strftime("%Y年%-m月%-d日 %H時%M分%S秒").to_string()
            })),
        ),
        (
            "survey-utf16.txt",
            utf16le_with_bom(&delimited(rows, '\t', "\r\n", |r| {
                r.date.strftime("%Y/%m/%d %H:%M:%S").to_string()
            })),
        ),
        ("survey.xlsx", xlsx(rows)),
        ("survey.jsonl", jsonl(rows).into_bytes()),
    ];
    files
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

/// Reads a file with the library; the layout, the rows and the summary.
fn read(path: &Path, options: &ReadOptions) -> (Layout, Vec<Row>, ReadSummary) {
    let reader = FeedbackReader::open(path, options).unwrap_or_else(|err| panic!("{err}"));
    let layout = reader.layout().clone();
    let rows: Vec<Row> = reader.collect();
    let mut summary = ReadSummary::default();
    for row in &rows {
        summary.add(row);
    }
    (layout, rows, summary)
}

/// A record without where it came from: what must be the same whatever the format.
fn content(feedback: &Feedback) -> Feedback {
    let mut feedback = feedback.clone();
    feedback.source.file.clear();
    feedback.source.line = 0;
    feedback
}

fn expected(rows: &[SurveyRow]) -> Vec<Feedback> {
    rows.iter()
        .map(|row| {
            let mut texts = vec![koe::feedback::TextField {
                column: HEADER[4].to_owned(),
                text: row.opinion.clone(),
            }];
            if !row.improvement.is_empty() {
                texts.push(koe::feedback::TextField {
                    column: HEADER[5].to_owned(),
                    text: row.improvement.clone(),
                });
            }
            Feedback {
                id: row.id.clone(),
                source: koe::feedback::SourceRef {
                    file: String::new(),
                    line: 0,
                },
                date: Some(row.date),
                channel: Some(row.channel.to_owned()),
                rating: Some(f64::from(row.rating)),
                texts,
                metadata: [(HEADER[6].to_owned(), row.age.to_owned())]
                    .into_iter()
                    .collect(),
            }
        })
        .collect()
}

#[test]
fn the_same_survey_in_six_formats_reads_into_identical_records() {
    let dir = tempfile::tempdir().unwrap();
    let rows = survey(500);
    let expected = expected(&rows);
    for path in write_six_formats(dir.path(), &rows) {
        let (reader_layout, read_rows, summary) = read(&path, &ReadOptions::default());
        let problems: Vec<String> = read_rows
            .iter()
            .flat_map(|r| &r.problems)
            .map(ToString::to_string)
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        assert_eq!(
            (summary.rows, summary.accepted),
            (500, 500),
            "{}",
            path.display()
        );
        let records: Vec<Feedback> = read_rows
            .iter()
            .map(|r| content(r.feedback.as_ref().unwrap()))
            .collect();
        for (i, (got, want)) in records.iter().zip(&expected).enumerate() {
            assert_eq!(got, want, "{}: record {}", path.display(), i + 1);
        }
        // JSON keys may come in another order; roles go by name.
        let role = |name: &str| {
            reader_layout
                .columns
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.role)
        };
        let roles: Vec<Option<ColumnRole>> = HEADER.iter().map(|name| role(name)).collect();
        use ColumnRole::*;
        assert_eq!(
            roles,
            [Id, Date, Channel, Rating, Text, Text, Metadata].map(Some),
            "{}",
            path.display()
        );
    }
}

#[test]
fn each_format_and_encoding_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_six_formats(dir.path(), &survey(20));
    let layouts: Vec<(Format, Option<String>, Option<char>)> = paths
        .iter()
        .map(|path| {
            let reader = FeedbackReader::open(path, &ReadOptions::default()).unwrap();
            let layout = reader.layout();
            (layout.format, layout.encoding.clone(), layout.delimiter)
        })
        .collect();
    let utf8 = Some("UTF-8".to_owned());
    assert_eq!(
        layouts,
        [
            (Format::Delimited, utf8.clone(), Some(',')),
            (Format::Delimited, utf8.clone(), Some(',')),
            (
                Format::Delimited,
                Some("CP932 (Shift_JIS)".to_owned()),
                Some(',')
            ),
            (Format::Delimited, Some("UTF-16LE".to_owned()), Some('\t')),
            (Format::Workbook, None, None),
            (Format::JsonLines, utf8, None),
        ]
    );
}

#[test]
fn lines_point_at_the_physical_start_of_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let rows = survey(50);
    let paths = write_six_formats(dir.path(), &rows);
    // Count physical lines in the UTF-8 file the slow way.
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    let mut starts = Vec::new();
    let mut line = 1;
    let mut in_quotes = false;
    let mut at_row_start = true;
    for c in text.chars() {
        if at_row_start {
            starts.push(line);
            at_row_start = false;
        }
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' => {
                line += 1;
                at_row_start = !in_quotes;
            }
            _ => {}
        }
    }
    let expected_lines: Vec<u64> = starts[1..].to_vec();
    for path in &paths[..4] {
        let (_, read_rows, _) = read(path, &ReadOptions::default());
        let lines: Vec<u64> = read_rows
            .iter()
            .map(|r| r.feedback.as_ref().unwrap().source.line)
            .collect();
        assert_eq!(lines, expected_lines, "{}", path.display());
    }
    // Workbooks: sheet rows; JSON Lines: lines.
    let (_, xlsx_rows, _) = read(&paths[4], &ReadOptions::default());
    assert_eq!(xlsx_rows[0].feedback.as_ref().unwrap().source.line, 2);
    let (_, jsonl_rows, _) = read(&paths[5], &ReadOptions::default());
    assert_eq!(jsonl_rows[9].feedback.as_ref().unwrap().source.line, 10);
}

/// A file with one of each problem the issue lists, between good rows.
fn malformed_csv() -> (Vec<u8>, Vec<(u64, &'static str, bool)>) {
    let big = "長文".repeat(1_500_000);
    let mut bytes = Vec::new();
    bytes.extend_from_slice("回答ID,回答日,満足度,ご意見\n".as_bytes()); // 1
    bytes.extend_from_slice("G1,2025/03/01,5,良いサービスです\n".as_bytes()); // 2
    bytes.extend_from_slice("B1,2025/03/01,3\n".as_bytes()); // 3: too few fields
    bytes.extend_from_slice("B2,2025/03/02,4,\n".as_bytes()); // 4: empty text
    bytes.extend_from_slice("G2,2025/02/30,2,日付が変\n".as_bytes()); // 5: invalid date, kept
    bytes.extend_from_slice("G3,2025/03/03,1,NUL\0と\x07制御文字\n".as_bytes()); // 6: control characters, kept
    bytes.extend_from_slice(
        b"G4,2025/03/04,2,\xe5\xa3\xb2\xff\xfe\xe3\x82\x8c\xe3\x81\xa6\xe3\x81\x84\xe3\x82\x8b\n",
    ); // 7: invalid UTF-8, kept
    bytes.extend_from_slice(format!("G5,2025/03/05,3,\"{big}\"\n").as_bytes()); // 8: 3M characters, kept
    bytes.extend_from_slice("G6,2025/03/06,4,\"複数行の\n回答\"\n".as_bytes()); // 9-10
    bytes.extend_from_slice("B3,2025/03/07,5,\"閉じていない引用".as_bytes()); // 11: unterminated quote at the end
    let problems = vec![
        (3, "rejected: 3 field(s) where the header has 4", true),
        (4, "rejected: no text: \"ご意見\" is empty", true),
        (
            5,
            "date \"2025/02/30\" in \"回答日\" not understood; the row is kept without a date",
            false,
        ),
        (
            6,
            "control characters (NUL, ...) removed from \"ご意見\"",
            false,
        ),
        (
            7,
            "2 byte sequence(s) invalid in UTF-8 replaced with U+FFFD",
            false,
        ),
        (
            8,
            "\"ご意見\" has 3000000 characters; only the first 20000 are analysed (the whole text is kept)",
            false,
        ),
        (
            11,
            "the file ends inside a quoted cell that starts in this row (unclosed \"); the row is kept as read",
            false,
        ),
    ];
    (bytes, problems)
}

#[test]
fn a_malformed_file_reports_each_bad_row_with_its_line_and_keeps_every_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, expected_problems) = malformed_csv();
    let path = dir.path().join("malformed.csv");
    std::fs::write(&path, bytes).unwrap();
    let (_, rows, summary) = read(&path, &ReadOptions::default());
    let problems: Vec<(u64, String, bool)> = rows
        .iter()
        .flat_map(|r| &r.problems)
        .map(|p| (p.line, p.reason.clone(), p.rejected))
        .collect();
    let expected_problems: Vec<(u64, String, bool)> = expected_problems
        .into_iter()
        .map(|(l, r, j)| (l, r.to_owned(), j))
        .collect();
    assert_eq!(problems, expected_problems);
    let kept: Vec<(String, u64)> = rows
        .iter()
        .filter_map(|r| r.feedback.as_ref())
        .map(|f| (f.id.clone(), f.source.line))
        .collect();
    let kept_ids: Vec<&str> = kept.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(kept_ids, ["G1", "G2", "G3", "G4", "G5", "G6", "B3"]);
    assert_eq!(
        kept.iter().map(|k| k.1).collect::<Vec<_>>(),
        [2, 5, 6, 7, 8, 9, 11]
    );
    assert_eq!(
        summary,
        ReadSummary {
            rows: 9,
            accepted: 7,
            rejected: 2,
            repaired: 5
        }
    );
    let texts: Vec<String> = rows
        .iter()
        .filter_map(|r| r.feedback.as_ref())
        .map(Feedback::full_text)
        .collect();
    assert_eq!(texts[2], "NULと制御文字");
    assert_eq!(texts[3], "売\u{FFFD}\u{FFFD}れている");
    assert_eq!(texts[4].chars().count(), 3_000_000);
    assert_eq!(texts[5], "複数行の\n回答");
    assert_eq!(texts[6], "閉じていない引用");
    assert_eq!(
        rows.iter()
            .find_map(|r| r.feedback.as_ref().filter(|f| f.id == "G2"))
            .unwrap()
            .date,
        None
    );
}

#[test]
fn the_command_line_reports_problems_as_file_line_reason_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, expected_problems) = malformed_csv();
    std::fs::write(dir.path().join("malformed.csv"), bytes).unwrap();
    let output = run(
        &["inspect", "--records", "malformed.csv"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 1);
    let err = stderr(&output);
    for (line, reason, _) in &expected_problems {
        assert!(
            err.contains(&format!("malformed.csv:{line}: {reason}\n")),
            "missing line {line}:\n{err}"
        );
    }
    assert!(
        err.ends_with("koe: 9 rows read: 7 accepted (5 repaired), 2 rejected\n"),
        "{err}"
    );
    let ids: Vec<String> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str::<Feedback>(line).unwrap().id)
        .collect();
    assert_eq!(ids, ["G1", "G2", "G3", "G4", "G5", "G6", "B3"]);
}

#[test]
fn strict_fails_with_exit_2_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _) = malformed_csv();
    std::fs::write(dir.path().join("malformed.csv"), bytes).unwrap();
    std::fs::write(dir.path().join("good.csv"), "id,ご意見\n1,高い\n").unwrap();
    let output = run(
        &[
            "inspect",
            "--records",
            "--strict",
            "good.csv",
            "malformed.csv",
        ],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 2);
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("--strict: 7 problem(s)"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &["inspect", "--records", "--strict", "good.csv"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 0);
    assert_eq!(stdout(&output).lines().count(), 1);
}

#[test]
fn unreadable_files_and_bad_options_fail_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.csv"), "id,ご意見\n1,高い\n").unwrap();
    let output = run(
        &["inspect", "--records", "good.csv", "missing.csv"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 3);
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("missing.csv"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &["inspect", "--records", "--text-column", "感想", "good.csv"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 2);
    assert!(
        stderr(&output)
            .contains("no column \"感想\" for --text-column; the columns are \"id\", \"ご意見\""),
        "{}",
        stderr(&output)
    );
    let output = run(
        &["inspect", "--encoding", "klingon", "good.csv"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 2);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let input = cp932("日付,コメント\r\n2025/3/1,料金が高い\r\n2025/3/2,\"遅い,\r\n困る\"\r\n");
    let output = run(&["inspect", "--records", "-"], &input, None);
    assert_exit!(output, 0);
    let records: Vec<Feedback> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].id, "stdin#2");
    assert_eq!(records[0].source.file, "-");
    assert_eq!(records[1].id, "stdin#3");
    assert_eq!(records[1].texts[0].text, "遅い,\n困る");
}

#[test]
fn derived_ids_use_the_file_name_and_line_and_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("exports");
    std::fs::create_dir(&sub).unwrap();
    let path = sub.join("answers.csv");
    std::fs::write(&path, "ご意見\n高い\n\"二行の\n回答\"\n遅い\n").unwrap();
    let ids = || -> Vec<String> {
        let (_, rows, _) = read(&path, &ReadOptions::default());
        rows.into_iter().map(|r| r.feedback.unwrap().id).collect()
    };
    assert_eq!(ids(), ["answers.csv#2", "answers.csv#3", "answers.csv#5"]);
    assert_eq!(ids(), ids());
}

#[test]
fn workbook_sheets_serial_dates_and_title_rows() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let first = workbook.add_worksheet();
    first.set_name("集計").unwrap();
    first.write_string(0, 0, "集計シート").unwrap();
    let second = workbook.add_worksheet();
    second.set_name("回答").unwrap();
    second
        .write_string(0, 0, "2025年3月 顧客アンケート")
        .unwrap();
    for (col, name) in ["No", "日付", "評価", "コメント"].iter().enumerate() {
        second.write_string(2, col as u16, *name).unwrap();
    }
    second.write_number(3, 0, 1).unwrap();
    second.write_number(3, 1, 45717.5).unwrap(); // a serial number without a date format
    second.write_number(3, 2, 4).unwrap();
    second.write_string(3, 3, "使いやすい").unwrap();
    second.write_number(4, 0, 2).unwrap();
    second.write_string(4, 1, "令和7年3月2日").unwrap();
    second.write_string(4, 2, "★★☆☆☆").unwrap();
    second.write_string(4, 3, "高い").unwrap();
    let path = dir.path().join("book.xlsx");
    std::fs::write(&path, workbook.save_to_buffer().unwrap()).unwrap();

    let options = ReadOptions {
        sheet: Some("回答".to_owned()),
        ..ReadOptions::default()
    };
    let (reader_layout, rows, summary) = read(&path, &options);
    assert!(summary.is_clean(), "{rows:#?}");
    assert_eq!(reader_layout.header_line, 3);
    assert_eq!(reader_layout.sheets, ["集計", "回答"]);
    let records: Vec<Feedback> = rows.into_iter().map(|r| r.feedback.unwrap()).collect();
    assert_eq!(records[0].id, "1");
    assert_eq!(records[0].source.line, 4);
    assert_eq!(records[0].date.unwrap().to_string(), "2025-03-01T12:00:00");
    assert_eq!(records[0].rating, Some(4.0));
    assert_eq!(records[1].date.unwrap().to_string(), "2025-03-02T00:00:00");
    assert_eq!(records[1].rating, Some(2.0));

    let output = run(
        &["inspect", "--sheet", "Sheet9", "book.xlsx"],
        b"",
        Some(dir.path()),
    );
    assert_exit!(output, 2);
    assert!(
        stderr(&output).contains("no sheet named \"Sheet9\"; the workbook has \"集計\", \"回答\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn json_arrays_wrappers_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let array = r#"[
  {"id": 1, "created_at": "2025-03-01T03:00:00Z", "via": {"channel": "email"}, "description": "請求が二重です"},
  {"id": 2, "created_at": "2025-03-02T03:00:00Z", "via": {"channel": "web"}, "description": "解約したい",
   "tags": ["cancel", "billing"]},
  42,
  {"id": 3, "created_at": "not a date", "via": {"channel": "chat"}, "description": "遅い"}
]"#;
    std::fs::write(dir.path().join("tickets.json"), array).unwrap();
    let (reader_layout, rows, summary) =
        read(&dir.path().join("tickets.json"), &ReadOptions::default());
    use ColumnRole::*;
    let roles: Vec<(String, ColumnRole)> = reader_layout
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("id".to_owned(), Id),
            ("created_at".to_owned(), Date),
            ("via.channel".to_owned(), Channel),
            ("description".to_owned(), Text),
            ("tags".to_owned(), Metadata)
        ]
    );
    assert_eq!(
        (summary.accepted, summary.rejected, summary.repaired),
        (3, 1, 1)
    );
    let problems: Vec<String> = rows
        .iter()
        .flat_map(|r| &r.problems)
        .map(|p| format!("{}:{}: {}", "tickets.json", p.line, p.reason))
        .collect();
    assert_eq!(
        problems,
        [
            "tickets.json:5: rejected: array element 3 is a number, not an object",
            "tickets.json:6: date \"not a date\" in \"created_at\" not understood; the row is kept without a date",
        ]
    );
    let first = rows[0].feedback.as_ref().unwrap();
    assert_eq!(first.date.unwrap().to_string(), "2025-03-01T12:00:00");
    assert_eq!(first.channel.as_deref(), Some("email"));
    assert_eq!(
        rows[1].feedback.as_ref().unwrap().metadata["tags"],
        r#"["cancel","billing"]"#
    );

    let kintone = r#"{"records": [
      {"$id": {"type": "__ID__", "value": "10"}, "受付日時": {"type": "DATETIME", "value": "2025-03-01T00:00:00Z"},
       "問い合わせ内容": {"type": "MULTI_LINE_TEXT", "value": "ログインできません"}}
    ], "totalCount": "1"}"#;
    std::fs::write(dir.path().join("kintone.json"), kintone).unwrap();
    let (_, rows, _) = read(&dir.path().join("kintone.json"), &ReadOptions::default());
    let record = rows[0].feedback.as_ref().unwrap();
    assert_eq!(record.id, "10");
    assert_eq!(record.date.unwrap().to_string(), "2025-03-01T09:00:00");
    assert_eq!(record.texts[0].text, "ログインできません");

    let lines = "{\"text\":\"良い\"}\n\n{\"text\":\n{\"text\":\"悪い\"}\n[1]\n";
    std::fs::write(dir.path().join("x.jsonl"), lines).unwrap();
    let (_, rows, _) = read(&dir.path().join("x.jsonl"), &ReadOptions::default());
    let lines: Vec<(u64, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.feedback
                    .as_ref()
                    .map_or_else(|| r.problems[0].line, |f| f.source.line),
                r.feedback.is_some(),
            )
        })
        .collect();
    assert_eq!(lines, [(1, true), (3, false), (4, true), (5, false)]);
}

#[test]
fn inspect_shows_the_layout_and_matches_the_documented_example() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest");
    let output = run(&["inspect", "answers-cp932.csv"], b"", Some(&fixtures));
    assert_exit!(output, 1);
    let golden = std::fs::read_to_string(fixtures.join("answers-cp932.inspect.txt")).unwrap();
    assert_eq!(
        stdout(&output),
        golden,
        "regenerate with: cd tests/fixtures/ingest && koe inspect answers-cp932.csv > answers-cp932.inspect.txt"
    );

    let output = run(
        &["inspect", "--format", "json", "answers-cp932.csv"],
        b"",
        Some(&fixtures),
    );
    assert_exit!(output, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["encoding"], "CP932 (Shift_JIS)");
    assert_eq!(file["delimiter"], ",");
    assert_eq!(file["columns"][4]["role"], "text");
    assert_eq!(file["summary"]["rejected"], 1);
    assert_eq!(file["problems"][1]["line"], 7);
    assert_eq!(file["problems"][1]["rejected"], true);
}

/// A reader that makes up CSV rows forever, counting the bytes it was asked for.
struct EndlessSurvey {
    pulled: Arc<AtomicU64>,
    pending: Vec<u8>,
    row: u64,
    cp932: bool,
}

impl Read for EndlessSurvey {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let mut text = String::new();
            if self.row == 0 {
                text.push_str("回答ID,日付,ご意見\r\n");
            }
            for _ in 0..100 {
                self.row += 1;
                let _ = write!(
                    text,
                    "{},2025/3/1,\"料金が高い、\r\nサポートが遅い {}\"\r\n",
                    self.row, self.row
                );
            }
            self.pending = if self.cp932 {
                cp932(&text)
            } else {
                text.into_bytes()
            };
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.pulled.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn an_endless_csv_is_streamed_not_loaded() {
    for cp932 in [false, true] {
        let pulled = Arc::new(AtomicU64::new(0));
        let input = EndlessSurvey {
            pulled: Arc::clone(&pulled),
            pending: Vec::new(),
            row: 0,
            cp932,
        };
        let reader =
            FeedbackReader::from_reader("endless.csv", input, &ReadOptions::default()).unwrap();
        let mut seen = 0;
        for row in reader.take(100_000) {
            let feedback = row.feedback.unwrap();
            seen += 1;
            assert_eq!(feedback.id, seen.to_string());
            assert_eq!(feedback.source.line, 2 * seen);
        }
        let pulled = pulled.load(Ordering::Relaxed);
        // 100,000 rows are at most 8 MB; what was read ahead beyond them is a few buffers.
        assert!(
            pulled < 100_000 * 80 + 2 * 1024 * 1024,
            "pulled {pulled} bytes"
        );
        let only_open = Arc::new(AtomicU64::new(0));
        let input = EndlessSurvey {
            pulled: Arc::clone(&only_open),
            pending: Vec::new(),
            row: 0,
            cp932,
        };
        let _reader =
            FeedbackReader::from_reader("endless.csv", input, &ReadOptions::default()).unwrap();
        assert!(
            only_open.load(Ordering::Relaxed) < 1024 * 1024,
            "opening read {only_open:?} bytes"
        );
    }
}

#[test]
fn fuzz_seed_corpus_never_panics() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/ingest_csv");
    let mut count = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        koe::ingest::fuzz_one(&bytes);
        count += 1;
    }
    assert!(count >= 5, "seeds missing in {}", seeds.display());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        koe::ingest::fuzz_one(&bytes);
    }

    #[test]
    fn csv_like_text_never_panics(text in "[\"',\\t;\\r\\n\\x00a-c0-9あ日\\u{FEFF}\\u{FFFD}{}\\[\\]:]{0,300}") {
        koe::ingest::fuzz_one(text.as_bytes());
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        koe::ingest::fuzz_one(&sjis);
    }

    #[test]
    fn written_tables_read_back_cell_for_cell(
        texts in proptest::collection::vec("[^\\x00-\\x1F\\x7F-\\x9F\\u{FEFF}]{1,40}", 1..30),
        delimiter in prop_oneof![Just(','), Just('\t'), Just(';')],
        line_end in prop_oneof![Just("\n"), Just("\r\n")],
    ) {
        let texts: Vec<String> = texts.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
        let mut csv = delimited_line(&["id".to_owned(), "ご意見".to_owned()], delimiter, line_end);
        for (i, text) in texts.iter().enumerate() {
            csv.push_str(&delimited_line(&[format!("{i}"), text.clone()], delimiter, line_end));
        }
        let options = ReadOptions { delimiter: Some(delimiter as u8), text_columns: vec!["ご意見".to_owned()], ..ReadOptions::default() };
        let reader = FeedbackReader::from_reader("t.csv", std::io::Cursor::new(csv.into_bytes()), &options).unwrap();
        let read: Vec<String> = reader.map(|row| row.feedback.map(|f| f.texts[0].text.clone()).unwrap_or_default()).collect();
        prop_assert_eq!(read, texts);
    }
}
