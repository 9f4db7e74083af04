//! `koe classify`, `koe eval`, `koe train`: causes with evidence, negation, formats, models.

use std::fs;

use crate::assert_exit;
use crate::support::{run, stderr, stdout};

fn classify_jsonl(csv: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["classify", "-"];
    args.extend_from_slice(extra);
    let output = run(&args, csv.as_bytes(), None);
    assert_exit!(output, 0);
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

fn cause_ids(row: &serde_json::Value) -> Vec<String> {
    row["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn negated_praised_and_hypothetical_mentions_are_not_causes() {
    let rows = classify_jsonl(
        "id,text\n1,しつこい勧誘は一切なかった\n2,料金は妥当だと思う\n3,値段が上がっても使い続けたい\n4,押し売りはなかった\n",
        &[],
    );
    for row in &rows {
        assert!(cause_ids(row).is_empty(), "{row}");
    }
}

#[test]
fn a_contrast_tags_only_the_criticised_side() {
    let rows = classify_jsonl(
        "id,text\n1,安いのはいいけど窓口の態度がひどい\n2,サポートは丁寧だったが、料金が高すぎる\n",
        &[],
    );
    assert_eq!(cause_ids(&rows[0]), ["service_quality"]);
    assert_eq!(cause_ids(&rows[1]), ["price"]);
}

#[test]
fn each_cause_is_found_with_evidence_pointing_at_the_original_text() {
    let csv = "id,日付,チャネル,text\n\
        a,2025/3/1,電話,電話が全然つながらない\n\
        b,2025/3/2,アプリ,ｼｮｷｾｯﾃｲのやり方が分からず、初期設定で挫折しました\n\
        c,2025/3/3,メール,営業電話が毎日かかってきてうんざり\n\
        d,2025年3月4日,店頭,月額が高いので解約します\n";
    let rows = classify_jsonl(csv, &[]);
    let expected = ["service_quality", "onboarding", "pushy_selling", "price"];
    let texts: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    for ((row, cause), text) in rows.iter().zip(expected).zip(texts) {
        assert_eq!(cause_ids(row), [cause], "{row}");
        let tag = &row["causes"][0];
        assert!(tag["score"].as_f64().unwrap() > 0.5);
        assert!(!tag["label"].as_str().unwrap().is_empty());
        for evidence in tag["evidence"].as_array().unwrap() {
            let (start, end) = (
                evidence["start"].as_u64().unwrap() as usize,
                evidence["end"].as_u64().unwrap() as usize,
            );
            let span: String = text.chars().skip(start).take(end - start).collect();
            assert_eq!(span, evidence["text"].as_str().unwrap(), "{row}");
            assert!(evidence["by"].as_str().unwrap().contains(':'));
        }
    }
    assert_eq!(rows[0]["date"], "2025-03-01");
    assert_eq!(rows[3]["date"], "2025-03-04");
    assert_eq!(rows[0]["channel"], "電話");
    assert_eq!(rows[2]["causes"][0]["label"], "押し売り");
}

#[test]
fn rows_come_out_in_input_order_and_bad_rows_are_reported() {
    let mut csv = String::from("id,text\n");
    for i in 0..3000 {
        csv.push_str(&format!("r{i},{i}回目の問い合わせでも返事がない\n"));
    }
    csv.push_str("empty,\n");
    let output = run(&["classify", "-"], csv.as_bytes(), None);
    assert_exit!(output, 1);
    let ids: Vec<String> = stdout(&output)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 3000);
    assert!(ids.iter().enumerate().all(|(i, id)| *id == format!("r{i}")));
    assert!(
        stderr(&output).contains("<stdin>:3002:") || stderr(&output).contains(":3002:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn csv_output_neutralizes_formulas_and_english_labels_are_available() {
    let output = run(
        &["classify", "-", "--format", "csv", "--lang", "en"],
        "id,text\n=1+1,\"=HYPERLINK(\"\"http://x\"\")で料金が高い\"\n".as_bytes(),
        None,
    );
    assert_exit!(output, 0);
    let out = stdout(&output);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[0], "'=1+1");
    assert_eq!(&record[3], "price");
    assert_eq!(&record[4], "Price");
}

#[test]
fn eval_reports_scores_and_rejects_unknown_labels() {
    let labeled = "id,text,labels\n1,料金が高すぎる,price\n2,特になし,\n3,電話がつながらない,service_quality\n4,押し売りはなかった,\n";
    let output = run(&["eval", "-", "--format", "json"], labeled.as_bytes(), None);
    assert_exit!(output, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["rows"], 4);
    assert_eq!(report["no_cause_rows"], 2);
    assert!(report["macro_f1"].as_f64().unwrap() > 0.9, "{report}");
    assert_eq!(report["no_cause_false_alarm_rate"], 0.0);

    let output = run(
        &["eval", "-"],
        "id,text,labels\n1,高い,expensive\n".as_bytes(),
        None,
    );
    assert_exit!(output, 2);
    assert!(stderr(&output).contains("expensive"), "{}", stderr(&output));
}

#[test]
fn train_writes_a_model_that_classify_uses_and_a_bad_model_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut labeled = String::from("id,text,labels\n");
    for i in 0..30 {
        labeled.push_str(&format!("p{i},月額{i}00円は高すぎる,price\n"));
        labeled.push_str(&format!(
            "s{i},{i}回電話してもつながらない,service_quality\n"
        ));
        labeled.push_str(&format!("n{i},{i}日目も満足しています,\n"));
    }
    let data = dir.path().join("train.csv");
    fs::write(&data, labeled).unwrap();
    let model = dir.path().join("model.json");
    let output = run(
        &[
            "train",
            data.to_str().unwrap(),
            "--out",
            model.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert_exit!(output, 0);
    let saved: serde_json::Value = serde_json::from_slice(&fs::read(&model).unwrap()).unwrap();
    assert_eq!(saved["format"], "koe-cause-model");
    assert_eq!(saved["version"], 1);

    let rows = classify_jsonl(
        "id,text\n1,年額が高すぎる\n",
        &["--model", model.to_str().unwrap()],
    );
    assert_eq!(cause_ids(&rows[0]), ["price"]);

    let stale = dir.path().join("stale.json");
    fs::write(
        &stale,
        String::from_utf8(fs::read(&model).unwrap())
            .unwrap()
            .replacen("\"version\":1", "\"version\":0", 1),
    )
    .unwrap();
    let output = run(
        &["classify", "-", "--model", stale.to_str().unwrap()],
        b"id,text\n1,x\n",
        None,
    );
    assert_exit!(output, 3);
    assert!(stderr(&output).contains("koe train"), "{}", stderr(&output));
}

#[test]
fn users_add_causes_with_their_own_rules() {
    let dir = tempfile::tempdir().unwrap();
    let causes = dir.path().join("causes.toml");
    fs::write(
        &causes,
        "version = 1\n[[cause]]\nid = \"product_quality\"\nlabel = \"製品品質\"\ncues = [\"壊れる\", \"不具合 多い\"]\n",
    )
    .unwrap();
    let rows = classify_jsonl(
        "id,text\n1,買ったイヤホンが一週間で壊れました\n2,壊れてはいない\n",
        &["--causes", causes.to_str().unwrap()],
    );
    assert_eq!(cause_ids(&rows[0]), ["product_quality"]);
    assert_eq!(rows[0]["causes"][0]["label"], "製品品質");
    assert!(cause_ids(&rows[1]).is_empty());
}
