//! `koe tokenize`: agreement with MeCab on self-written text, formats, user dictionaries,
//! streaming and bad input.

use std::fs;

use crate::assert_exit;
use crate::support::{run, stderr, stdout};

const SAMPLE: &str = include_str!("../fixtures/tokenize/sample.txt");
/// `mecab -Owakati < sample.txt` (MeCab 0.996, mecab-ipadic-utf8 2.7.0-20070801), trailing
/// spaces removed.
const SAMPLE_MECAB_WAKATI: &str = include_str!("../fixtures/tokenize/sample.mecab-wakati.txt");
/// `mecab < sample.txt`.
const SAMPLE_MECAB: &str = include_str!("../fixtures/tokenize/sample.mecab.txt");

#[test]
fn wakati_without_user_dictionary_matches_mecab() {
    let output = run(&["tokenize", "--no-user-dict"], SAMPLE.as_bytes(), None);
    assert_exit!(output, 0);
    assert_eq!(stdout(&output), SAMPLE_MECAB_WAKATI);
}

#[test]
fn mecab_format_without_user_dictionary_matches_mecab() {
    let output = run(
        &["tokenize", "--no-user-dict", "--format", "mecab"],
        SAMPLE.as_bytes(),
        None,
    );
    assert_exit!(output, 0);
    assert_eq!(stdout(&output), SAMPLE_MECAB);
}

#[test]
fn the_default_user_dictionary_keeps_domain_words_whole() {
    let text = "コールセンターに電話したら解約金と事務手数料を請求された";
    let plain = run(&["tokenize", "--no-user-dict", text], b"", None);
    assert_eq!(
        stdout(&plain),
        "コール センター に 電話 し たら 解約 金 と 事務 手数料 を 請求 さ れ た\n"
    );
    let with_default = run(&["tokenize", text], b"", None);
    assert_eq!(
        stdout(&with_default),
        "コールセンター に 電話 し たら 解約金 と 事務手数料 を 請求 さ れ た\n"
    );
}

#[test]
fn an_extra_user_dictionary_adds_words() {
    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("mine.csv");
    fs::write(&dict, "# our product\nこえプラス,名詞,コエプラス\n").unwrap();
    let dict = dict.to_str().unwrap();
    let text = "こえプラスの料金";
    let without = run(&["tokenize", text], b"", None);
    assert_ne!(stdout(&without), "こえプラス の 料金\n");
    let with = run(&["tokenize", "--user-dict", dict, text], b"", None);
    assert_exit!(with, 0);
    assert_eq!(stdout(&with), "こえプラス の 料金\n");
}

#[test]
fn a_missing_user_dictionary_fails_with_its_path() {
    let output = run(
        &["tokenize", "--user-dict", "/no/such/dict.csv", "高い"],
        b"",
        None,
    );
    assert_exit!(output, 3);
    assert!(
        stderr(&output).contains("/no/such/dict.csv"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn stdin_is_streamed_in_order_one_line_out_per_line_in() {
    let lines: Vec<String> = (0..5000).map(|i| format!("{i}番目の回答です")).collect();
    let input = lines.join("\n") + "\n";
    let output = run(&["tokenize"], input.as_bytes(), None);
    assert_exit!(output, 0);
    let out = stdout(&output);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), 5000);
    for (i, line) in got.iter().enumerate() {
        assert!(line.starts_with(&format!("{i} 番目")), "line {i}: {line}");
    }
}

#[test]
fn empty_lines_stay_empty_lines() {
    let output = run(&["tokenize"], "高い\n\n   \n安い\n".as_bytes(), None);
    assert_eq!(stdout(&output), "高い\n\n\n安い\n");
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_the_rest_goes_through() {
    let output = run(
        &["tokenize"],
        b"\xe9\xab\x98\xe3\x81\x84\n\xff\xfe\n\xe5\xae\x89\xe3\x81\x84\n",
        None,
    );
    assert_exit!(output, 1);
    assert_eq!(stdout(&output), "高い\n\u{FFFD}\u{FFFD}\n安い\n");
    assert!(
        stderr(&output).contains("<stdin>:2:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn json_gives_offsets_in_the_original_text() {
    let output = run(
        &["tokenize", "--format", "json", "--normalize", "ｻﾎﾟｰﾄが遅い"],
        b"",
        None,
    );
    assert_exit!(output, 0);
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let tokens = value["tokens"].as_array().unwrap();
    let surfaces: Vec<&str> = tokens
        .iter()
        .map(|t| t["surface"].as_str().unwrap())
        .collect();
    assert_eq!(surfaces, ["サポート", "が", "遅い"]);
    assert_eq!(tokens[0]["original"], "ｻﾎﾟｰﾄ");
    assert_eq!(tokens[2]["base_form"], "遅い");
    assert_eq!(tokens[2]["part_of_speech"][0], "形容詞");
}

#[test]
fn runs_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["tokenize", "高い"], b"", Some(dir.path()));
    assert_exit!(output, 0);
    assert_eq!(stdout(&output), "高い\n");
}
