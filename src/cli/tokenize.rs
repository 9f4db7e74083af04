//! `koe tokenize`: split Japanese text into IPADIC tokens, MeCab-style.

use std::fmt::Write as _;
use std::io::{self, BufRead, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::{DictionaryArgs, Outcome};
use crate::text::{Tokenizer, Worker, char_offset, normalize};

/// Lines tokenized together; big enough to keep both cores busy, small enough to stream.
const BATCH_LINES: usize = 2048;

/// Split Japanese text into words (IPADIC, as MeCab does).
///
/// Reads TEXT, or standard input line by line when no TEXT is given, and writes one result per
/// input line, in input order. Large input is tokenized on all cores.
///
/// Examples:
///   koe tokenize 'カスタマーサポートの対応が遅い'
///   koe tokenize --format mecab < answers.txt
///   koe tokenize --no-user-dict < text.txt   # plain IPADIC, comparable with `mecab -Owakati`
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct TokenizeArgs {
    /// Text to tokenize; each argument is one line. Without it, standard input is read.
    text: Vec<String>,
    /// Output layout.
    #[arg(long, value_enum, default_value_t = TokenizeFormat::Wakati)]
    format: TokenizeFormat,
    /// Normalize first (NFKC, long vowels, lower case) as search and classification do; the
    /// output shows normalized tokens (JSON also gives what was originally written).
    #[arg(long)]
    normalize: bool,
    #[command(flatten)]
    dictionaries: DictionaryArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TokenizeFormat {
    /// Tokens separated by single spaces, one line per input line (`mecab -Owakati`).
    Wakati,
    /// MeCab's default layout: `surface<TAB>features`, `EOS` after each line.
    Mecab,
    /// One JSON object per input line: tokens with offsets (in characters) and features.
    Json,
}

pub fn run(args: &TokenizeArgs) -> anyhow::Result<Outcome> {
    let tokenizer = Tokenizer::new(&args.dictionaries.user_dictionaries())?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut outcome = Outcome::Success;
    if args.text.is_empty() {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        let mut line_number = 0;
        loop {
            let (batch, problems) = read_batch(&mut input, &mut line_number)?;
            if problems {
                outcome = Outcome::Problems;
            }
            if batch.is_empty() {
                break;
            }
            write_batch(&tokenizer, args, &batch, &mut out)?;
        }
    } else {
        write_batch(&tokenizer, args, &args.text, &mut out)?;
    }
    out.flush().context("writing to standard output")?;
    Ok(outcome)
}

/// Reads up to [`BATCH_LINES`] lines. Bytes that are not UTF-8 are replaced (U+FFFD) and
/// reported with their line number; the second value says whether that happened.
fn read_batch(
    input: &mut impl BufRead,
    line_number: &mut usize,
) -> anyhow::Result<(Vec<String>, bool)> {
    let mut batch = Vec::with_capacity(BATCH_LINES);
    let mut problems = false;
    let mut buffer = Vec::new();
    while batch.len() < BATCH_LINES {
        buffer.clear();
        if input
            .read_until(b'\n', &mut buffer)
            .context("reading standard input")?
            == 0
        {
            break;
        }
        *line_number += 1;
        while matches!(buffer.last(), Some(b'\n' | b'\r')) {
            buffer.pop();
        }
        let line = match String::from_utf8(std::mem::take(&mut buffer)) {
            Ok(line) => line,
            Err(err) => {
                eprintln!(
                    "<stdin>:{line_number}: not valid UTF-8; invalid bytes replaced with U+FFFD"
                );
                problems = true;
                String::from_utf8_lossy(err.as_bytes()).into_owned()
            }
        };
        batch.push(line);
    }
    Ok((batch, problems))
}

fn write_batch(
    tokenizer: &Tokenizer,
    args: &TokenizeArgs,
    lines: &[String],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let rendered: Vec<String> = lines
        .par_iter()
        .map_init(
            || tokenizer.worker(),
            |worker, line| render_line(worker, line, args.format, args.normalize),
        )
        .collect();
    for text in rendered {
        out.write_all(text.as_bytes())
            .context("writing to standard output")?;
    }
    Ok(())
}

/// The output for one input line, newline included.
fn render_line(
    worker: &mut Worker<'_>,
    line: &str,
    format: TokenizeFormat,
    normalized: bool,
) -> String {
    let normal = normalized.then(|| normalize(line));
    let text = normal.as_ref().map_or(line, |n| n.as_str());
    let tokenizer = worker.tokenizer();
    let tokens = worker.tokenize(text);
    let mut out = String::with_capacity(text.len() * 2);
    match format {
        TokenizeFormat::Wakati => {
            for (i, token) in tokens.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(token.surface(text));
            }
            out.push('\n');
        }
        TokenizeFormat::Mecab => {
            for token in tokens {
                let features = tokenizer.features(token, text);
                out.push_str(token.surface(text));
                out.push('\t');
                out.push_str(&features.fields()[..features.len()].join(","));
                out.push('\n');
            }
            out.push_str("EOS\n");
        }
        TokenizeFormat::Json => {
            let tokens: Vec<JsonToken<'_>> = tokens
                .iter()
                .map(|token| {
                    let features = tokenizer.features(token, text);
                    let (start, end) = match &normal {
                        Some(n) => n.to_original(token.start, token.end),
                        None => (token.start, token.end),
                    };
                    JsonToken {
                        surface: token.surface(text),
                        original: normal.as_ref().map(|_| &line[start..end]),
                        start: char_offset(line, start),
                        end: char_offset(line, end),
                        part_of_speech: features.fields()[..4]
                            .iter()
                            .copied()
                            .filter(|field| *field != "*")
                            .collect(),
                        base_form: features.base_form(),
                        reading: features.fields()[7],
                        unknown: token.is_unknown(),
                        user_word: token.is_user_word(),
                    }
                })
                .collect();
            // Serializing plain strings and numbers cannot fail.
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string(&JsonLine { text: line, tokens }).unwrap_or_default()
            );
        }
    }
    out
}

#[derive(Serialize)]
struct JsonLine<'a> {
    text: &'a str,
    tokens: Vec<JsonToken<'a>>,
}

#[derive(Serialize)]
struct JsonToken<'a> {
    surface: &'a str,
    /// What the customer wrote, when the surface was normalized.
    #[serde(skip_serializing_if = "Option::is_none")]
    original: Option<&'a str>,
    /// Character offsets in the input line.
    start: usize,
    end: usize,
    part_of_speech: Vec<&'a str>,
    base_form: &'a str,
    reading: &'a str,
    unknown: bool,
    user_word: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::UserDictionaries;

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let mut input: &[u8] = b"ok\n\xff\xfe\xe3\x81\x82\r\n";
        let mut line_number = 0;
        let (batch, problems) = read_batch(&mut input, &mut line_number).unwrap();
        assert_eq!(batch, ["ok", "\u{FFFD}\u{FFFD}あ"]);
        assert!(problems);
        assert_eq!(line_number, 2);
    }

    #[test]
    fn mecab_format_ends_each_line_with_eos() {
        let tokenizer = Tokenizer::new(&UserDictionaries::none()).unwrap();
        let mut worker = tokenizer.worker();
        let out = render_line(&mut worker, "高い", TokenizeFormat::Mecab, false);
        assert_eq!(
            out,
            "高い\t形容詞,自立,*,*,形容詞・アウオ段,基本形,高い,タカイ,タカイ\nEOS\n"
        );
    }

    #[test]
    fn json_with_normalize_points_at_the_original_text() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let out = render_line(&mut worker, "ｻﾎﾟｰﾄが遅い", TokenizeFormat::Json, true);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let first = &value["tokens"][0];
        assert_eq!(first["surface"], "サポート");
        assert_eq!(first["original"], "ｻﾎﾟｰﾄ");
        assert_eq!(first["start"], 0);
        assert_eq!(first["end"], 5);
    }
}
