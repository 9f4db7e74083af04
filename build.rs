//! Compiles the vendored IPADIC source into lindera's binary format at build time.
//!
//! `dictionaries/mecab-ipadic-2.7.0-20070801.tar.zst` is the MeCab IPADIC source (EUC-JP CSVs
//! and `.def` files) as shipped by Debian's `mecab-ipadic` package. This script unpacks it into
//! `OUT_DIR`, compiles it with `lindera_dictionary::builder::DictionaryBuilder`, and points the
//! `LINDERA_WORKDIR` compile-time variable at the result, which `src/text/dictionary.rs` embeds
//! with `lindera_dictionary::embedded_dictionary!`. No network is needed: unlike lindera's
//! `embed-ipadic` feature, nothing is downloaded.
//!
//! Two details make the result agree with MeCab's `mecab-ipadic-utf8` (see
//! docs/tokenizer-agreement.md):
//! - the source is transcoded to UTF-8 here, with the EUC-JP mapping MeCab's UTF-8 dictionary
//!   was made with (glibc/iconv: `〜` U+301C, `−` U+2212, `‖` U+2016, `¢£¬`), not the WHATWG
//!   one in `encoding_rs` (`～` U+FF5E, `－` U+FF0D, ...), so no lossy `normalize_details`;
//! - lindera's builder trims surfaces, which drops IPADIC's full-width space entry (`　`,
//!   記号,空白); it is kept under a private-use stand-in, [`FULL_WIDTH_SPACE_STAND_IN`], of the
//!   same UTF-8 length, which the tokenizer substitutes for U+3000 in the lattice input.

use std::error::Error;
use std::fs;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const SOURCE_ARCHIVE: &str = "dictionaries/mecab-ipadic-2.7.0-20070801.tar.zst";
const METADATA: &str = "dictionaries/ipadic-metadata.json";
/// Subfolder of `LINDERA_WORKDIR` holding the compiled dictionary.
const OUTPUT_SUBDIR: &str = "koe-ipadic";
/// Must equal `FULL_WIDTH_SPACE_STAND_IN` in src/text/tokenize.rs.
const FULL_WIDTH_SPACE_STAND_IN: char = '\u{E000}';

/// Where WHATWG's EUC-JP decoder (encoding_rs) and glibc's, which Debian used to make
/// mecab-ipadic-utf8, disagree: (WHATWG, glibc).
const GLIBC_EUC_JP: [(char, char); 6] = [
    ('\u{FF5E}', '\u{301C}'),
    ('\u{2225}', '\u{2016}'),
    ('\u{FF0D}', '\u{2212}'),
    ('\u{FFE0}', '\u{00A2}'),
    ('\u{FFE1}', '\u{00A3}'),
    ('\u{FFE2}', '\u{00AC}'),
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={SOURCE_ARCHIVE}");
    println!("cargo:rerun-if-changed={METADATA}");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let source_dir = out_dir.join("ipadic-source");
    let output_dir = out_dir.join(OUTPUT_SUBDIR);

    unpack(Path::new(SOURCE_ARCHIVE), &source_dir)
        .map_err(|err| format!("unpacking {SOURCE_ARCHIVE}: {err}"))?;

    let metadata: Metadata = serde_json::from_slice(&fs::read(METADATA)?)
        .map_err(|err| format!("reading {METADATA}: {err}"))?;
    if output_dir.exists() {
        fs::remove_dir_all(&output_dir)?;
    }
    DictionaryBuilder::new(metadata)
        .build_dictionary(&source_dir, &output_dir)
        .map_err(|err| format!("compiling IPADIC: {err}"))?;
    // The source is only needed to compile; free the ~52 MB.
    fs::remove_dir_all(&source_dir)?;

    println!("cargo::rustc-env=LINDERA_WORKDIR={}", out_dir.display());
    Ok(())
}

/// Unpacks the zstd-compressed tar archive of EUC-JP files into `dest` as UTF-8 files,
/// replacing what was there.
fn unpack(archive: &Path, dest: &Path) -> Result<(), Box<dyn Error>> {
    if dest.exists() {
        fs::remove_dir_all(dest)?;
    }
    fs::create_dir_all(dest)?;
    let file = BufReader::new(fs::File::open(archive)?);
    let decoder = ruzstd::decoding::StreamingDecoder::new(file)?;
    for entry in tar::Archive::new(decoder).entries()? {
        let mut entry = entry?;
        let name = entry
            .path()?
            .file_name()
            .ok_or("archive entry without a file name")?
            .to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        let (text, _, had_errors) = encoding_rs::EUC_JP.decode(&bytes);
        if had_errors {
            return Err(format!("{}: not valid EUC-JP", name.to_string_lossy()).into());
        }
        let mut text: String = text
            .chars()
            .map(|c| {
                GLIBC_EUC_JP
                    .iter()
                    .find(|(w, _)| *w == c)
                    .map_or(c, |(_, g)| *g)
            })
            .collect();
        match name.to_str() {
            Some("Symbol.csv") => add_stand_ins(&mut text),
            Some("char.def") => text.push_str(&format!(
                "\n0x{:04X} SYMBOL\n",
                FULL_WIDTH_SPACE_STAND_IN as u32
            )),
            _ => {}
        }
        fs::write(dest.join(name), text)?;
    }
    Ok(())
}

/// Adds a copy of each entry whose surface is the full-width space, under the stand-in.
fn add_stand_ins(csv: &mut String) {
    let copies: Vec<String> = csv
        .lines()
        .filter_map(|line| line.strip_prefix("\u{3000},"))
        .map(|rest| format!("{FULL_WIDTH_SPACE_STAND_IN},{rest}\n"))
        .collect();
    if !csv.ends_with('\n') {
        csv.push('\n');
    }
    csv.extend(copies);
}
