//! `koe index` and `koe reindex`: indexing exports, upserts, appends, crash safety, format and
//! dictionary checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::assert_exit;
use crate::support::{koe, run, stderr, stdout};

/// A CSV export with the columns koe recognizes by header.
pub fn write_csv(dir: &Path, name: &str, rows: &[(&str, &str, &str, u8, &str)]) -> PathBuf {
    let mut text = String::from("id,date,channel,rating,comment\n");
    for (id, date, channel, rating, comment) in rows {
        text.push_str(&format!("{id},{date},{channel},{rating},{comment}\n"));
    }
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// Runs `koe index FILE... --index DIR`.
pub fn index(files: &[&Path], index_dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["index".into()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_owned()));
    args.extend(["--index".into(), index_dir.to_str().unwrap().to_owned()]);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args, b"", None)
}

/// `koe search QUERY --format json` (plus `extra`), parsed.
pub fn search_json(index_dir: &Path, query: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "search",
        query,
        "--index",
        index_dir.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let output = run(&args, b"", None);
    assert_exit!(output, 0);
    serde_json::from_str(&stdout(&output)).expect("search prints JSON")
}

/// The number of rows matching everything.
pub fn count(index_dir: &Path) -> u64 {
    search_json(index_dir, "", &["--limit", "0"])["total"]
        .as_u64()
        .unwrap()
}

/// Ids of the hits, sorted.
pub fn ids(results: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

pub const ROWS: &[(&str, &str, &str, u8, &str)] = &[
    (
        "r1",
        "2024-03-02 10:00",
        "電話",
        1,
        "解約金が高すぎるので解約しました",
    ),
    ("r2", "2024-03-15 09:30", "アプリ", 2, "ｻﾎﾟｰﾄの対応が遅い"),
    (
        "r3",
        "2024-02-20 12:00",
        "チャット",
        4,
        "カスタマーサポートは丁寧でした",
    ),
    (
        "r4",
        "2024-03-31 23:59",
        "電話",
        1,
        "料金の値上げに納得できない。解約金を払うのも嫌だ",
    ),
    ("r5", "2024-04-01 00:00", "メール", 3, "営業電話がしつこい"),
];

#[test]
fn indexing_then_searching_finds_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(dir.path(), "a.csv", ROWS);
    let idx = dir.path().join("idx");
    let output = index(&[&csv], &idx, &[]);
    assert_exit!(output, 0);
    let summary = stderr(&output);
    assert!(
        summary.contains("5 rows read: 5 indexed (5 new, 0 updated), 0 unchanged, 0 rejected"),
        "{summary}"
    );
    assert_eq!(count(&idx), 5);
    assert!(idx.join("koe-index.json").exists());
    assert_eq!(ids(&search_json(&idx, "解約", &[])), ["r1", "r4"]);
}

#[test]
fn indexing_the_same_file_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(dir.path(), "a.csv", ROWS);
    let idx = dir.path().join("idx");
    assert_exit!(index(&[&csv], &idx, &[]), 0);
    let meta_before = fs::read_to_string(idx.join("meta.json")).unwrap();
    let again = index(&[&csv], &idx, &[]);
    assert_exit!(again, 0);
    assert!(
        stderr(&again).contains("0 indexed (0 new, 0 updated), 5 unchanged"),
        "{}",
        stderr(&again)
    );
    assert_eq!(count(&idx), 5);
    // Not one document was deleted or added: tantivy's segments are the same.
    let segments = |meta: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(meta).unwrap()["segments"].clone()
    };
    let meta_after = fs::read_to_string(idx.join("meta.json")).unwrap();
    assert_eq!(segments(&meta_before), segments(&meta_after));
}

#[test]
fn a_row_whose_id_is_indexed_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    assert_exit!(
        index(&[&write_csv(dir.path(), "a.csv", ROWS)], &idx, &[]),
        0
    );
    let edited = write_csv(
        dir.path(),
        "b.csv",
        &[(
            "r2",
            "2024-03-16 09:30",
            "アプリ",
            5,
            "ｻﾎﾟｰﾄの対応が早くなった",
        )],
    );
    let output = index(&[&edited], &idx, &[]);
    assert_exit!(output, 0);
    assert!(
        stderr(&output).contains("1 indexed (0 new, 1 updated)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(count(&idx), 5);
    assert_eq!(ids(&search_json(&idx, "早く", &[])), ["r2"]);
    assert!(ids(&search_json(&idx, "遅い", &[])).is_empty());
}

#[test]
fn a_new_export_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    assert_exit!(
        index(&[&write_csv(dir.path(), "a.csv", ROWS)], &idx, &[]),
        0
    );
    let april = write_csv(
        dir.path(),
        "april.csv",
        &[
            (
                "r6",
                "2024-04-03 10:00",
                "電話",
                2,
                "解約の手続きが分かりにくい",
            ),
            ("r7", "2024-04-04 10:00", "アプリ", 4, "使いやすい"),
        ],
    );
    let output = index(&[&april], &idx, &[]);
    assert_exit!(output, 0);
    assert!(
        stderr(&output).contains("2 indexed (2 new, 0 updated)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(count(&idx), 7);
    assert_eq!(ids(&search_json(&idx, "解約", &[])), ["r1", "r4", "r6"]);
}

#[test]
fn a_file_and_its_duplicate_rows_are_indexed_once() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let csv = write_csv(
        dir.path(),
        "dup.csv",
        &[
            ("d1", "2024-03-02 10:00", "電話", 1, "最初の版"),
            ("d1", "2024-03-02 10:00", "電話", 1, "二番目の版"),
        ],
    );
    // Duplicate ids: the column is not taken for ids unless told.
    assert_exit!(index(&[&csv], &idx, &["--id-column", "id"]), 0);
    assert_eq!(count(&idx), 1);
    assert_eq!(ids(&search_json(&idx, "二番目", &[])), ["d1"]);
}

/// Rows of generated feedback, `rows` of them.
fn large_csv(path: &Path, rows: usize) {
    let subjects = [
        "料金",
        "解約金",
        "サポート",
        "アプリ",
        "担当者",
        "営業電話",
        "請求書",
    ];
    let problems = [
        "が高すぎる",
        "の対応が遅い",
        "が分かりにくい",
        "がしつこい",
        "に不満がある",
    ];
    let mut text = String::with_capacity(rows * 80);
    text.push_str("id,date,channel,rating,comment\n");
    for n in 0..rows {
        let subject = subjects[n % subjects.len()];
        let problem = problems[(n / 7) % problems.len()];
        text.push_str(&format!(
            "k{n:07},2024-{:02}-{:02} 12:00,電話,{},{subject}{problem}ので解約を考えています。番号{n}\n",
            1 + n % 12,
            1 + n % 28,
            1 + n % 5
        ));
    }
    fs::write(path, text).unwrap();
}

#[test]
fn killed_mid_run_the_index_keeps_its_last_commit_and_a_rerun_completes_it() {
    const ROWS: usize = 60_000;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("large.csv");
    large_csv(&csv, ROWS);
    let idx = dir.path().join("idx");
    let mut child = koe()
        .args([
            "index",
            csv.to_str().unwrap(),
            "--index",
            idx.to_str().unwrap(),
            "--commit-every",
            "4000",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first commit, then search while the run goes on (readers see the last
    // commit), then kill it as hard as possible.
    let started = Instant::now();
    let committed = loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no commit within two minutes"
        );
        if let Ok(index) = koe::index::FeedbackIndex::open(&idx)
            && !index.is_empty()
        {
            break index.len();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let during = count(&idx);
    assert!(during >= committed, "{during} < {committed}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be killed: make ROWS larger"
    );
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    let after_kill = count(&idx);
    assert!(
        after_kill > 0 && after_kill < ROWS as u64,
        "{after_kill} rows after the kill"
    );
    assert_eq!(
        after_kill % 4096,
        0,
        "commits happen at batch boundaries: {after_kill}"
    );

    let rerun = index(&[&csv], &idx, &["--commit-every", "4000"]);
    assert_exit!(rerun, 0);
    let summary = stderr(&rerun);
    assert!(
        summary.contains(&format!("{after_kill} unchanged")),
        "{summary}"
    );
    assert_eq!(count(&idx), ROWS as u64);
}

#[test]
fn an_index_of_another_format_says_to_reindex_and_reindex_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    assert_exit!(
        index(&[&write_csv(dir.path(), "a.csv", ROWS)], &idx, &[]),
        0
    );
    let info_path = idx.join("koe-index.json");
    let mut info: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&info_path).unwrap()).unwrap();
    info["format"] = 0.into();
    info["koe_version"] = "0.0.1".into();
    fs::write(&info_path, info.to_string()).unwrap();

    let output = run(
        &["search", "解約", "--index", idx.to_str().unwrap()],
        b"",
        None,
    );
    assert_exit!(output, 3);
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("format 0 (written by koe 0.0.1)"),
        "{message}"
    );
    assert!(message.contains("koe reindex --index"), "{message}");

    // The source file is gone: reindex rebuilds from what the index stores.
    fs::remove_file(dir.path().join("a.csv")).unwrap();
    let output = run(&["reindex", "--index", idx.to_str().unwrap()], b"", None);
    assert_exit!(output, 0);
    assert!(
        stderr(&output).contains("reindexed 5 rows"),
        "{}",
        stderr(&output)
    );
    assert_eq!(ids(&search_json(&idx, "解約", &[])), ["r1", "r4"]);
    let info: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&info_path).unwrap()).unwrap();
    assert_eq!(info["format"], koe::index::FORMAT_VERSION);
    assert!(!dir.path().join("idx.old").exists() && !dir.path().join("idx.reindex").exists());
}

#[test]
fn a_changed_user_dictionary_needs_a_reindex_which_applies_it() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let csv = write_csv(
        dir.path(),
        "a.csv",
        &[(
            "p1",
            "2024-03-02 10:00",
            "電話",
            1,
            "こえプラスの料金が高い",
        )],
    );
    assert_exit!(index(&[&csv], &idx, &[]), 0);
    let words = dir.path().join("words.csv");
    fs::write(&words, "こえプラス,名詞,コエプラス\n").unwrap();
    let with_dictionary = ["--user-dict", words.to_str().unwrap()];

    let output = index(&[&csv], &idx, &with_dictionary);
    assert_exit!(output, 3);
    assert!(
        stderr(&output).contains("koe reindex"),
        "{}",
        stderr(&output)
    );

    let mut args = vec!["reindex", "--index", idx.to_str().unwrap()];
    args.extend_from_slice(&with_dictionary);
    assert_exit!(run(&args, b"", None), 0);
    let info = fs::read_to_string(idx.join("koe-index.json")).unwrap();
    assert!(info.contains("words.csv"), "{info}");
    assert_eq!(ids(&search_json(&idx, "こえプラス", &[])), ["p1"]);
    // Now the index remembers its dictionaries: indexing without the option is fine.
    assert_exit!(index(&[&csv], &idx, &[]), 0);
    // Editing the dictionary afterwards: searches still work, with a warning.
    fs::write(
        &words,
        "こえプラス,名詞,コエプラス\nこえライト,名詞,コエライト\n",
    )
    .unwrap();
    let output = run(
        &["search", "料金", "--index", idx.to_str().unwrap()],
        b"",
        None,
    );
    assert_exit!(output, 0);
    assert!(
        stderr(&output).contains("warning: the user dictionaries"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_index_and_a_foreign_directory_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let output = run(
        &["search", "解約", "--index", missing.to_str().unwrap()],
        b"",
        None,
    );
    assert_exit!(output, 3);
    assert!(
        stderr(&output).contains("no koe index at"),
        "{}",
        stderr(&output)
    );

    let foreign = dir.path().join("docs");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let output = index(&[&write_csv(dir.path(), "a.csv", ROWS)], &foreign, &[]);
    assert_exit!(output, 3);
    assert!(
        stderr(&output).contains("is not a koe index"),
        "{}",
        stderr(&output)
    );
    assert!(foreign.join("notes.txt").exists());
}
