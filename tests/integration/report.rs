//! `koe report` and `koe demo`: golden files, agreement with `koe classify` and between the
//! formats, escaping, masking, and errors.
//!
//! The golden files in `tests/fixtures/report/` are the report of [`fixture_rows`]; after an
//! intended change, rewrite them with `KOE_BLESS=1 cargo test report` and review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::assert_exit;
use crate::index::index;
use crate::support::{run, stderr, stdout};

/// One fixture row: id, date, channel, rating, text.
type Row = (String, String, &'static str, &'static str, String);

const PRICE: &[&str] = &[
    "月額料金が内容に見合っておらず、高いと感じます。",
    "値上げで高くなったので解約",
    "毎月の料金が高く、家計の負担になってきたため解約を考えています。",
    "他社の定期便のほうが料金が安く、乗り換えを検討しています。",
    "コスパ悪い。高すぎ",
];
const SERVICE: &[&str] = &[
    "問い合わせへの返信が遅く、一週間以上待たされました。",
    "電話が全然つながらない。最悪",
    "サポートに何度連絡しても解決しない",
];
const ONBOARDING: &[&str] = &[
    "初期設定がわかりにくい",
    "最初の登録手順が複雑で、途中で何度もやり直しました。",
];
const PUSHY: &[&str] = &[
    "勧誘がしつこい",
    "解約しようとしたら、しつこく引き止められました。",
];
const OTHER: &[&str] = &[
    "毎月どんなお菓子が届くのか楽しみにしています。",
    "美味しいお菓子ばかりで大満足",
    "箱のデザインがかわいい",
    "和菓子の割合を増やしてほしいです。",
    "アップデート後ログインできない",
];

/// The fixture: 2026-01 and 2026-02, 40 rows each, price complaints up from 4 to 16 (a
/// significant change), a new problem in February (rising words), a quote with markup, one
/// with a formula, one with personal data, and one row without a date.
fn fixture_rows() -> Vec<Row> {
    let channels = ["アンケート", "アプリレビュー", "問い合わせ"];
    let mut rows = Vec::new();
    for (month, prefix, price) in [(1, "J", 4usize), (2, "F", 16usize)] {
        for i in 0..40usize {
            let text = if i < price {
                PRICE[i % PRICE.len()]
            } else if i < price + 5 {
                SERVICE[i % SERVICE.len()]
            } else if i < price + 8 {
                ONBOARDING[i % ONBOARDING.len()]
            } else if i < price + 10 {
                PUSHY[i % PUSHY.len()]
            } else {
                OTHER[i % OTHER.len()]
            };
            let channel = channels[i % 3];
            let rating = if channel == "問い合わせ" {
                ""
            } else {
                ["1", "2", "4", "5"][i % 4]
            };
            rows.push((
                format!("{prefix}{:03}", i + 1),
                format!(
                    "2026/{month:02}/{:02} {:02}:{:02}",
                    i % 28 + 1,
                    9 + i % 10,
                    i % 60
                ),
                channel,
                rating,
                format!("{text}{}", if i % 7 == 6 { "。" } else { "" }),
            ));
        }
    }
    // Rows that must come out escaped, neutralized and masked.
    // F025 and F026 are the month's only pushy-selling rows: both are quoted, whatever their
    // scores.
    rows[64].4 =
        "<script>alert('x')</script>勧誘がしつこい。連絡は taro.yamada@example.jp か 090-1234-5678 まで"
            .to_owned();
    rows[65].4 =
        "=HYPERLINK(\"http://example.com\")解約しようとしたら、しつこく引き止められました。"
            .to_owned();
    // A new problem in February, outside the four causes: rising words.
    for row in &mut rows[66..80] {
        row.4 = "注文した箱がまだ届かない。配送が遅れている".to_owned();
    }
    rows[42].4 =
        "料金が高いので解約します。連絡は taro.yamada@example.jp か 090-1234-5678 まで".to_owned();
    rows.push((
        "N001".to_owned(),
        String::new(),
        "アンケート",
        "3",
        "料金が高いので解約します".to_owned(),
    ));
    rows
}

fn write_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("feedback.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer
        .write_record(["回答ID", "回答日時", "チャネル", "満足度", "ご意見・ご感想"])
        .unwrap();
    for (id, date, channel, rating, text) in fixture_rows() {
        writer
            .write_record([id.as_str(), &date, channel, rating, &text])
            .unwrap();
    }
    writer.flush().unwrap();
    path
}

/// The fixture indexed in a temporary directory: (tempdir, csv, index).
fn indexed() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_fixture(dir.path());
    let idx = dir.path().join("idx");
    assert_exit!(index(&[&csv], &idx, &[]), 0);
    (dir, csv, idx)
}

fn report(idx: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", "--index", idx.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args, b"", None)
}

fn report_json(idx: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let output = report(idx, &args);
    assert_exit!(output, 0);
    serde_json::from_str(&stdout(&output)).unwrap()
}

/// Compares `actual` with the golden file `name`, or rewrites it under `KOE_BLESS=1`.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name);
    if std::env::var_os("KOE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err} (KOE_BLESS=1 writes it)", path.display()));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}:\n--- expected\n{}\n--- actual\n{}\n\
             (KOE_BLESS=1 cargo test report rewrites it)",
            first + 1,
            expected.lines().nth(first).unwrap_or("<end>"),
            actual.lines().nth(first).unwrap_or("<end>")
        );
    }
}

#[test]
fn md_json_and_csv_match_their_golden_files() {
    let (_dir, _csv, idx) = indexed();
    for (format, file) in [
        ("md", "fixture.md"),
        ("json", "fixture.json"),
        ("csv", "fixture.csv"),
    ] {
        let output = report(&idx, &["--format", format]);
        assert_exit!(output, 0);
        golden(file, &stdout(&output));
    }
    let english = report(&idx, &["--format", "md", "--lang", "en"]);
    assert_exit!(english, 0);
    golden("fixture.en.md", &stdout(&english));
}

#[test]
fn the_report_is_the_same_on_every_run() {
    let (dir, csv, idx) = indexed();
    let first = report(&idx, &["--format", "html"]);
    // A second index of the same rows, built separately.
    let again = dir.path().join("again");
    assert_exit!(index(&[&csv], &again, &[]), 0);
    let second = report(&again, &["--format", "html"]);
    assert_exit!(first, 0);
    assert_exit!(second, 0);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn counts_equal_what_koe_classify_gives_for_the_same_rows() {
    let (_dir, csv, idx) = indexed();
    let classified = run(
        &["classify", csv.to_str().unwrap(), "--format", "jsonl"],
        b"",
        None,
    );
    assert_exit!(classified, 0);
    // month -> cause -> rows, and month -> rows, from classify's JSON Lines.
    let mut expected: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for line in stdout(&classified).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(date) = row["date"].as_str() else {
            continue;
        };
        let month = date[..7].to_owned();
        *totals.entry(month.clone()).or_default() += 1;
        let causes = row["causes"].as_array().unwrap();
        let per_cause = expected.entry(month).or_default();
        if causes.is_empty() {
            *per_cause.entry("none".to_owned()).or_default() += 1;
        }
        for cause in causes {
            *per_cause
                .entry(cause["id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    assert_eq!(totals.len(), 2, "{totals:?}");
    let json = report_json(&idx, &["--months", "2"]);
    let mut actual: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for month in json["trend"].as_array().unwrap() {
        let name = month["month"].as_str().unwrap().to_owned();
        assert_eq!(
            month["total"].as_u64(),
            totals.get(&name).copied(),
            "{name}"
        );
        let per_cause = actual.entry(name).or_default();
        for cause in month["causes"].as_array().unwrap() {
            let count = cause["count"].as_u64().unwrap();
            if count > 0 {
                per_cause.insert(cause["id"].as_str().unwrap().to_owned(), count);
            }
        }
        per_cause.insert("none".to_owned(), month["no_cause"].as_u64().unwrap());
    }
    assert_eq!(actual, expected);
    // The month's own figures are the trend's last month.
    let price = json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "price")
        .unwrap();
    assert_eq!(
        price["count"].as_u64(),
        expected["2026-02"].get("price").copied()
    );
    assert_eq!(
        price["previous_count"].as_u64(),
        expected["2026-01"].get("price").copied()
    );
    assert_eq!(json["index"]["undated"], 1);
}

#[test]
fn json_csv_md_and_html_agree() {
    let (_dir, _csv, idx) = indexed();
    let json = report_json(&idx, &[]);
    let csv_out = report(&idx, &["--format", "csv"]);
    let md = stdout(&report(&idx, &["--format", "md"]));
    let html = stdout(&report(&idx, &["--format", "html"]));
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut cause_rows = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        if &record[column("section")] == "cause" {
            cause_rows.insert(record[column("cause")].to_owned(), record);
        }
    }
    for cause in json["causes"].as_array().unwrap() {
        let id = cause["id"].as_str().unwrap();
        let record = &cause_rows[id];
        assert_eq!(record[column("count")], cause["count"].to_string(), "{id}");
        assert_eq!(record[column("share")], cause["share"].to_string(), "{id}");
        assert_eq!(
            record[column("change_pp")],
            cause["change_pp"].to_string(),
            "{id}"
        );
        assert_eq!(
            record[column("significant")],
            cause["significant"].to_string(),
            "{id}"
        );
        let percent = format!("{:.1}%", cause["share"].as_f64().unwrap() * 100.0);
        let label = cause["label"].as_str().unwrap();
        let md_row = md
            .lines()
            .find(|line| line.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no Markdown row for {label}"));
        assert!(
            md_row.contains(&format!("| {} | {percent} |", cause["count"])),
            "{md_row}"
        );
        assert!(html.contains(&percent), "{percent} not in the HTML");
    }
    let price = &json["causes"].as_array().unwrap()[0];
    assert_eq!(price["id"], "price", "the biggest cause comes first");
    assert_eq!(price["significant"], true, "4 → 16 of 40 is significant");
}

#[test]
fn html_is_self_contained_and_escapes_feedback() {
    let (_dir, _csv, idx) = indexed();
    let output = report(&idx, &["--format", "html"]);
    assert_exit!(output, 0);
    let html = stdout(&output);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "the quote is shown escaped"
    );
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element at all"
    );
    assert!(html.contains("<svg"), "charts are inline SVG");
    for outside in ["src=\"http", "href=\"http", "@import", "url(http", "<link"] {
        assert!(!html.contains(outside), "the page loads {outside}");
    }
    assert!(
        html.contains("月次 原因レポート") && html.contains("価格"),
        "Japanese by default"
    );
}

#[test]
fn quotes_mask_personal_data_and_carry_their_ids() {
    let (_dir, _csv, idx) = indexed();
    let json = report_json(&idx, &[]);
    let text = json.to_string();
    assert!(!text.contains("taro.yamada@example.jp") && !text.contains("090-1234-5678"));
    let pushy = json["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "pushy_selling")
        .unwrap();
    let masked = pushy["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "F025")
        .expect("the row with personal data is quoted");
    assert_eq!(
        masked["text"],
        "<script>alert('x')</script>勧誘がしつこい。連絡は [メール] か [電話番号] まで"
    );
    // The id finds the row with `koe search`.
    let search = run(
        &[
            "search",
            "--index",
            idx.to_str().unwrap(),
            "--format",
            "json",
            "--cause",
            "pushy_selling",
            "--month",
            "2026-02",
        ],
        b"",
        None,
    );
    assert_exit!(search, 0);
    assert!(stdout(&search).contains("\"F025\""));
}

#[test]
fn csv_for_excel_has_a_bom_and_neutralized_formulas() {
    let (_dir, _csv, idx) = indexed();
    let output = report(&idx, &["--format", "csv", "--excel"]);
    assert_exit!(output, 0);
    assert!(output.stdout.starts_with("\u{FEFF}section,".as_bytes()));
    let text = stdout(&output);
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(!text.contains(",=HYPERLINK(") && !text.contains(",\"=HYPERLINK("));
    assert!(text.contains("\r\n"));
    let plain = report(&idx, &["--format", "csv"]);
    assert!(plain.stdout.starts_with(b"section,"));
}

#[test]
fn out_writes_a_file_in_the_format_of_its_extension() {
    let (dir, _csv, idx) = indexed();
    let out = dir.path().join("r.html");
    let output = report(&idx, &["--out", out.to_str().unwrap()]);
    assert_exit!(output, 0);
    assert!(stdout(&output).is_empty());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert!(stderr(&output).contains("r.html"));
}

#[test]
fn bad_requests_are_usage_errors_and_a_missing_index_a_failure() {
    let (dir, _csv, idx) = indexed();
    let empty_month = report(&idx, &["--month", "2025-06"]);
    assert_exit!(empty_month, 2);
    assert!(
        stderr(&empty_month).contains("2026-01 .. 2026-02"),
        "{}",
        stderr(&empty_month)
    );
    assert_exit!(report(&idx, &["--month", "2026-13"]), 2);
    assert_exit!(report(&idx, &["--months", "1"]), 2);
    assert_exit!(report(&idx, &["--format", "md", "--excel"]), 2);
    let missing = dir.path().join("nothing");
    assert_exit!(report(&missing, &[]), 3);
}

#[test]
fn demo_indexes_searches_and_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let output = run(&["demo", "--dir", demo.to_str().unwrap()], b"", None);
    assert_exit!(output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("koe search 解約 --cause price --month 2026-03"),
        "{out}"
    );
    assert!(out.contains("report.html"), "{out}");
    let err = stderr(&output);
    assert!(
        err.contains("koe-box-feedback.csv:42: rejected"),
        "problems are reported: {err}"
    );
    let html = std::fs::read_to_string(demo.join("report.html")).unwrap();
    assert!(html.contains("2026年11月"));
    assert!(demo.join("report.md").exists());
    // The stories of the demo come through.
    let report = report_json(&demo.join("index"), &["--month", "2026-03"]);
    let price = report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "price")
        .unwrap();
    assert!(price["change_pp"].as_f64().unwrap() > 10.0 && price["significant"] == true);
    let november = report_json(&demo.join("index"), &[]);
    let rising: Vec<&str> = november["rising_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert!(rising.contains(&"ログイン"), "{rising:?}");
    // Running it again in the same folder works (the index is updated in place).
    assert_exit!(
        run(&["demo", "--dir", demo.to_str().unwrap()], b"", None),
        0
    );
}
