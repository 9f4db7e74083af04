//! `koe search`: the query language, Japanese matching, filters, output formats and errors.

use std::path::Path;

use crate::assert_exit;
use crate::index::{ROWS, ids, index, search_json, write_csv};
use crate::support::{run, stderr, stdout};

/// An index of [`ROWS`] in a temporary directory.
fn indexed() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(dir.path(), "a.csv", ROWS);
    let idx = dir.path().join("idx");
    assert_exit!(index(&[&csv], &idx, &[]), 0);
    (dir, idx)
}

fn found(idx: &Path, query: &str) -> Vec<String> {
    ids(&search_json(idx, query, &["--limit", "100"]))
}

#[test]
fn japanese_words_match_inside_compounds_and_across_widths() {
    let (_dir, idx) = indexed();
    // 解約 finds 解約金 (a user-dictionary word) as well as 解約 itself.
    assert_eq!(found(&idx, "解約"), ["r1", "r4"]);
    assert_eq!(found(&idx, "解約金"), ["r1", "r4"]);
    // サポート finds カスタマーサポート and the half-width ｻﾎﾟｰﾄ; ｻﾎﾟｰﾄ finds both too.
    assert_eq!(found(&idx, "サポート"), ["r2", "r3"]);
    assert_eq!(found(&idx, "ｻﾎﾟｰﾄ"), ["r2", "r3"]);
    assert_eq!(found(&idx, "カスタマーサポート"), ["r3"]);
}

#[test]
fn phrases_match_in_order_even_across_a_compound() {
    let (_dir, idx) = indexed();
    assert_eq!(found(&idx, "「解約金を」"), ["r4"]);
    assert_eq!(found(&idx, "\"金を払う\""), ["r4"]);
    // A word the analyzer splits is a phrase.
    assert_eq!(found(&idx, "対応が遅い"), ["r2"]);
    assert!(found(&idx, "\"遅い対応\"").is_empty());
}

#[test]
fn and_or_not_and_parentheses() {
    let (_dir, idx) = indexed();
    assert_eq!(found(&idx, "解約 値上げ"), ["r4"]);
    assert_eq!(found(&idx, "値上げ OR しつこい"), ["r4", "r5"]);
    assert_eq!(found(&idx, "解約 -値上げ"), ["r1"]);
    assert_eq!(found(&idx, "解約 NOT 値上げ"), ["r1"]);
    assert_eq!(found(&idx, "(値上げ OR しつこい) 料金"), ["r4"]);
    assert_eq!(found(&idx, "NOT 解約"), ["r2", "r3", "r5"]);
    let leading_minus = run(
        &[
            "search",
            "--index",
            idx.to_str().unwrap(),
            "--format",
            "json",
            "--",
            "-解約",
        ],
        b"",
        None,
    );
    assert_exit!(leading_minus, 0);
    let results: serde_json::Value = serde_json::from_str(&stdout(&leading_minus)).unwrap();
    assert_eq!(results["total"], 3);
}

#[test]
fn no_query_lists_everything_newest_first() {
    let (_dir, idx) = indexed();
    let results = search_json(&idx, "", &[]);
    assert_eq!(results["total"], 5);
    let order: Vec<&str> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["r5", "r4", "r2", "r1", "r3"]);
}

#[test]
fn filters_narrow_the_hits() {
    let (_dir, idx) = indexed();
    assert_eq!(
        ids(&search_json(&idx, "", &["--channel", "電話"])),
        ["r1", "r4"]
    );
    assert_eq!(
        ids(&search_json(
            &idx,
            "",
            &["--channel", "電話", "--channel", "ﾒｰﾙ"]
        )),
        ["r1", "r4", "r5"]
    );
    assert_eq!(
        ids(&search_json(&idx, "", &["--month", "2024-03"])),
        ["r1", "r2", "r4"]
    );
    // --from and --to are inclusive days.
    assert_eq!(
        ids(&search_json(
            &idx,
            "",
            &["--from", "2024-03-15", "--to", "2024-03-31"]
        )),
        ["r2", "r4"]
    );
    assert_eq!(ids(&search_json(&idx, "", &["--to", "2024-02-20"])), ["r3"]);
    assert_eq!(
        ids(&search_json(&idx, "", &["--min-rating", "3"])),
        ["r3", "r5"]
    );
    assert_eq!(
        ids(&search_json(&idx, "", &["--max-rating", "1"])),
        ["r1", "r4"]
    );
    assert_eq!(
        ids(&search_json(
            &idx,
            "解約",
            &["--month", "2024-03", "--channel", "電話"]
        )),
        ["r1", "r4"]
    );
}

#[test]
fn the_cause_filter_keeps_rows_tagged_with_it() {
    let (_dir, idx) = indexed();
    let all = search_json(&idx, "", &[]);
    let tagged_price: Vec<String> = {
        let mut ids: Vec<String> = all["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|hit| {
                hit["causes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == "price")
            })
            .map(|hit| hit["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let filtered = search_json(&idx, "", &["--cause", "price"]);
    assert_eq!(ids(&filtered), tagged_price);
    assert_eq!(
        all["facets"]["causes"]["price"].as_u64().unwrap_or(0),
        tagged_price.len() as u64
    );

    let output = run(
        &[
            "search",
            "--cause",
            "prise",
            "--index",
            idx.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert_exit!(output, 2);
    assert!(
        stderr(&output).contains("unknown cause `prise`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let (_dir, idx) = indexed();
    let results = search_json(&idx, "ｻﾎﾟｰﾄ", &[]);
    assert_eq!(results["total"], 2);
    let hit = &results["hits"][0];
    for key in ["id", "date", "channel", "causes", "score", "snippet"] {
        assert!(hit.get(key).is_some(), "hit has no {key}: {hit}");
    }
    assert!(hit["causes"].is_array());
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let r2 = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "r2")
        .unwrap();
    assert_eq!(r2["snippet"], "ｻﾎﾟｰﾄの対応が遅い");
    assert_eq!(r2["highlights"], serde_json::json!([[0, 5]]));
    assert_eq!(r2["date"], "2024-03-15T09:30:00");
    assert_eq!(results["facets"]["channel"]["アプリ"], 1);
    assert_eq!(results["facets"]["channel"]["チャット"], 1);
    assert!(results["facets"]["causes"].is_object());
}

#[test]
fn limit_and_offset_page_through_the_hits() {
    let (_dir, idx) = indexed();
    let page = |offset: &str| -> Vec<String> {
        search_json(
            &idx,
            "",
            &["--limit", "2", "--offset", offset, "--sort", "date"],
        )["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(page("0"), ["r5", "r4"]);
    assert_eq!(page("2"), ["r2", "r1"]);
    assert_eq!(page("4"), ["r3"]);
    let oldest = search_json(&idx, "", &["--sort", "oldest", "--limit", "1"]);
    assert_eq!(oldest["hits"][0]["id"], "r3");
    assert_eq!(oldest["total"], 5);
}

#[test]
fn the_table_marks_matches_and_csv_has_a_header() {
    let (_dir, idx) = indexed();
    let output = run(
        &["search", "解約", "--index", idx.to_str().unwrap()],
        b"",
        None,
    );
    assert_exit!(output, 0);
    let table = stdout(&output);
    assert!(table.starts_with("2 hits, showing 1–2\n"), "{table}");
    assert!(
        table.contains("【解約】金が高すぎるので【解約】しました"),
        "{table}"
    );
    assert!(table.contains("channels: 電話 2"), "{table}");
    let coloured = run(
        &[
            "search",
            "解約",
            "--color",
            "always",
            "--index",
            idx.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert!(stdout(&coloured).contains("\x1b[1;31m解約\x1b[0m"));

    let output = run(
        &[
            "search",
            "解約",
            "--format",
            "csv",
            "--index",
            idx.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert_exit!(output, 0);
    let csv = stdout(&output);
    assert!(
        csv.starts_with("id,date,channel,rating,causes,score,snippet\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn malformed_queries_exit_2_with_a_one_line_message() {
    let (_dir, idx) = indexed();
    for (query, expected) in [
        ("(解約", "`(` is never closed"),
        ("解約)", "`)` without a matching `(`"),
        ("\"解約", "never closed"),
        ("解約 OR", "OR needs a word after it"),
        ("NOT", "NOT needs a word after it"),
        ("()", "empty parentheses"),
        ("！！", "no searchable word"),
    ] {
        let output = run(
            &["search", query, "--index", idx.to_str().unwrap()],
            b"",
            None,
        );
        assert_exit!(output, 2);
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{query}: {message}");
        assert!(message.contains(expected), "{query}: {message}");
        assert!(!message.contains("panicked"), "{query}: {message}");
    }
    for bad in [["--from", "2024-3-1"], ["--month", "2024-13"]] {
        let mut args = vec!["search", "解約", "--index", idx.to_str().unwrap()];
        args.extend_from_slice(&bad);
        assert_exit!(run(&args, b"", None), 2);
    }
    let output = run(
        &[
            "search",
            "--from",
            "2024-04-01",
            "--to",
            "2024-03-01",
            "--index",
            idx.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert_exit!(output, 2);
    assert!(
        stderr(&output).contains("is after --to"),
        "{}",
        stderr(&output)
    );
}
