//! Opening a file: telling workbooks from text, detecting the text encoding, and decoding text
//! to UTF-8 as a stream.
//!
//! Encoding detection, in order: a byte-order mark; `--encoding`; UTF-16 without a mark (many
//! NUL bytes in alternate positions); then the first stretch of non-ASCII bytes decides —
//! strict UTF-8, else CP932, else EUC-JP, else whichever of UTF-8 and CP932 has fewer invalid
//! sequences. A regular file that starts with megabytes of ASCII is scanned (not stored) up to
//! its first non-ASCII byte, so a CP932 comment on row 100,000 still decides correctly.
//!
//! [`DecodingReader`] decodes in fixed-size chunks, so memory does not grow with the file. Bytes
//! invalid in the encoding become U+FFFD, and the reader remembers where in the decoded stream
//! it put each one, so the row that holds it can be reported.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::{Decoder, DecoderResult, EUC_JP, Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

use super::{IngestError, ReadOptions};

/// Bytes read before anything is decided: the sample for format and delimiter detection.
const HEAD_BYTES: usize = 64 * 1024;
/// How far standard input is buffered while it is all ASCII, looking for the bytes that tell
/// the encoding.
const STREAM_SNIFF_BYTES: usize = 1024 * 1024;
/// Bytes looked at to classify the encoding, from the first non-ASCII byte.
const WINDOW_BYTES: usize = 64 * 1024;
const CHUNK_BYTES: usize = 64 * 1024;

/// Where the bytes come from.
pub(crate) enum Input {
    /// A regular file: can be scanned ahead and rewound.
    File(File),
    /// Standard input or any reader: read once.
    Stream(Box<dyn Read + Send>),
}

/// What opening found.
#[expect(
    clippy::large_enum_variant,
    reason = "made once per file and unpacked at once"
)]
pub(crate) enum Opened {
    /// A workbook, read whole (the format needs random access).
    Workbook { bytes: Vec<u8> },
    /// Text, to be read through `reader`.
    Text {
        reader: DecodingReader,
        encoding: EncodingChoice,
        /// The start of the text, decoded (lossily): for delimiter detection.
        sample: String,
        format: TextFormat,
    },
}

/// The kind of text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Delimited,
    Json,
    JsonLines,
}

/// The encoding chosen and why.
#[derive(Debug, Clone)]
pub(crate) struct EncodingChoice {
    pub encoding: &'static Encoding,
    pub reason: String,
}

impl EncodingChoice {
    /// The name shown to people: CP932 is what Japanese users call Microsoft's Shift_JIS.
    pub fn display_name(&self) -> String {
        display_name(self.encoding)
    }
}

/// `Shift_JIS` is shown as `CP932 (Shift_JIS)`: encoding_rs's Shift_JIS is Microsoft's.
pub(crate) fn display_name(encoding: &'static Encoding) -> String {
    if encoding == SHIFT_JIS {
        "CP932 (Shift_JIS)".to_owned()
    } else {
        encoding.name().to_owned()
    }
}

/// The encoding an `--encoding` value names, accepting the names Japanese users know.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase().replace('_', "-");
    match label.as_str() {
        "cp932" | "ms932" | "windows-31j" | "sjis" | "shift-jis" | "shiftjis" | "x-sjis"
        | "mskanji" => Some(SHIFT_JIS),
        "utf8" | "utf-8" | "utf-8-sig" | "utf8-sig" | "utf-8-bom" | "utf8-bom" => Some(UTF_8),
        "utf16" | "utf-16" | "utf16le" | "utf-16le" | "ucs-2" | "ucs2" | "unicode" => {
            Some(UTF_16LE)
        }
        "utf16be" | "utf-16be" => Some(UTF_16BE),
        "eucjp" | "euc-jp" | "ujis" => Some(EUC_JP),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// Reads the start of the input and decides what it is.
pub(crate) fn open(
    path: &Path,
    input: Input,
    options: &ReadOptions,
) -> Result<Opened, IngestError> {
    let io_error = |source: io::Error| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let given = match &options.encoding {
        Some(label) => {
            Some(
                encoding_for_label(label).ok_or_else(|| IngestError::UnknownEncoding {
                    path: path.to_owned(),
                    label: label.clone(),
                })?,
            )
        }
        None => None,
    };
    let mut input = input;
    let mut head = Vec::new();
    let mut eof = fill(&mut input, &mut head, HEAD_BYTES).map_err(io_error)?;
    if head.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
        });
    }
    if is_workbook(&head) {
        read_rest(&mut input, &mut head).map_err(io_error)?;
        return Ok(Opened::Workbook { bytes: head });
    }
    if let Some(kind) = binary_kind(&head) {
        return Err(IngestError::UnknownFormat {
            path: path.to_owned(),
            reason: format!("this looks like {kind}, not a table"),
        });
    }

    let bom = Encoding::for_bom(&head);
    let choice = match (bom, given) {
        (_, Some(encoding)) => EncodingChoice {
            encoding,
            reason: "--encoding".to_owned(),
        },
        (Some((encoding, _)), None) => EncodingChoice {
            encoding,
            reason: "byte-order mark".to_owned(),
        },
        (None, None) => {
            if let Some(encoding) = utf16_without_bom(&head) {
                EncodingChoice {
                    encoding,
                    reason: "NUL bytes in alternate positions (UTF-16 without a byte-order mark)"
                        .to_owned(),
                }
            } else {
                if let Input::Stream(_) = input {
                    while !eof && head.is_ascii() && head.len() < STREAM_SNIFF_BYTES {
                        let want = head.len() + CHUNK_BYTES;
                        eof |= fill(&mut input, &mut head, want).map_err(io_error)?;
                    }
                }
                let window = first_non_ascii_window(&mut input, &head, eof).map_err(io_error)?;
                classify(window.as_deref())
            }
        }
    };
    let bom_len = match bom {
        Some((encoding, len)) if encoding == choice.encoding => len,
        _ => 0,
    };
    let sample_end = head.len().min(HEAD_BYTES);
    let (sample, _) = choice
        .encoding
        .decode_without_bom_handling(&head[bom_len..sample_end.max(bom_len)]);
    let sample = sample.into_owned();
    let format = text_format(path, &sample);
    let rest: Box<dyn Read + Send> = match input {
        Input::File(file) => Box::new(file),
        Input::Stream(stream) => stream,
    };
    let chained: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(rest));
    Ok(Opened::Text {
        reader: DecodingReader::new(chained, choice.encoding),
        encoding: choice,
        sample,
        format,
    })
}

/// Reads until `buffer` holds `want` bytes or the input ends; true at the end of input.
fn fill(input: &mut Input, buffer: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let reader: &mut dyn Read = match input {
        Input::File(file) => file,
        Input::Stream(stream) => stream,
    };
    while buffer.len() < want {
        let start = buffer.len();
        buffer.resize(want, 0);
        match reader.read(&mut buffer[start..]) {
            Ok(0) => {
                buffer.truncate(start);
                return Ok(true);
            }
            Ok(n) => buffer.truncate(start + n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => buffer.truncate(start),
            Err(err) => {
                buffer.truncate(start);
                return Err(err);
            }
        }
    }
    Ok(false)
}

fn read_rest(input: &mut Input, buffer: &mut Vec<u8>) -> io::Result<()> {
    match input {
        Input::File(file) => file.read_to_end(buffer).map(|_| ()),
        Input::Stream(stream) => stream.read_to_end(buffer).map(|_| ()),
    }
}

/// ZIP (xlsx, xlsm, ods) or OLE compound file (xls) signatures.
fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Well-known binary formats someone might pass by mistake.
fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 6] = [
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"\x1F\x8B", "a gzip archive (decompress it first)"),
        (b"SQLite format 3", "an SQLite database"),
    ];
    SIGNATURES
        .iter()
        .find(|(signature, _)| head.starts_with(signature))
        .map(|(_, kind)| *kind)
}

/// UTF-16 without a byte-order mark: ASCII-range text has a NUL in every other byte.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let sample = &head[..head.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nuls * 10 >= pairs * 3 && even_nuls * 20 < pairs {
        Some(UTF_16LE)
    } else if even_nuls * 10 >= pairs * 3 && odd_nuls * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The bytes from the first non-ASCII byte on (up to [`WINDOW_BYTES`]), or `None` if the input
/// is all ASCII. A regular file is scanned past the head and rewound.
fn first_non_ascii_window(
    input: &mut Input,
    head: &[u8],
    eof: bool,
) -> io::Result<Option<Vec<u8>>> {
    if let Some(start) = head.iter().position(|b| !b.is_ascii()) {
        let end = head.len().min(start + WINDOW_BYTES);
        return Ok(Some(head[start..end].to_vec()));
    }
    let Input::File(file) = input else {
        return Ok(None);
    };
    if eof {
        return Ok(None);
    }
    let resume = file.stream_position()?;
    let mut window = None;
    let mut chunk = vec![0; CHUNK_BYTES];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if let Some(start) = chunk[..n].iter().position(|b| !b.is_ascii()) {
            let mut found = chunk[start..n].to_vec();
            if found.len() < WINDOW_BYTES {
                let mut more = Input::File(file.try_clone()?);
                fill(&mut more, &mut found, WINDOW_BYTES)?;
            }
            window = Some(found);
            break;
        }
    }
    file.seek(SeekFrom::Start(resume))?;
    Ok(window)
}

/// Decides the encoding from the first stretch of non-ASCII bytes.
fn classify(window: Option<&[u8]>) -> EncodingChoice {
    let Some(window) = window else {
        return EncodingChoice {
            encoding: UTF_8,
            reason: "all ASCII (read as UTF-8)".to_owned(),
        };
    };
    let utf8_errors = count_errors(UTF_8, window);
    if utf8_errors == 0 {
        return EncodingChoice {
            encoding: UTF_8,
            reason: "valid UTF-8".to_owned(),
        };
    }
    let cp932_errors = count_errors(SHIFT_JIS, window);
    let euc_valid = count_errors(EUC_JP, window) == 0;
    // EUC-JP bytes are often valid CP932 too, read as half-width katakana, which real text
    // seldom has many of.
    if cp932_errors == 0 && !(euc_valid && mostly_halfwidth_katakana(window)) {
        return EncodingChoice {
            encoding: SHIFT_JIS,
            reason: "not UTF-8; valid CP932".to_owned(),
        };
    }
    if euc_valid {
        return EncodingChoice {
            encoding: EUC_JP,
            reason: "not UTF-8; valid EUC-JP".to_owned(),
        };
    }
    let (encoding, errors) = if cp932_errors <= utf8_errors {
        (SHIFT_JIS, cp932_errors)
    } else {
        (UTF_8, utf8_errors)
    };
    EncodingChoice {
        encoding,
        reason: format!("best guess: {errors} invalid byte sequences near the start"),
    }
}

fn mostly_halfwidth_katakana(window: &[u8]) -> bool {
    let (text, _) = SHIFT_JIS.decode_without_bom_handling(window);
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    let halfwidth = text
        .chars()
        .filter(|c| ('\u{FF61}'..='\u{FF9F}').contains(c))
        .count();
    halfwidth * 10 > non_ascii * 3
}

/// Invalid sequences in `bytes` (a truncated sequence at the very end does not count).
fn count_errors(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = vec![0u8; bytes.len() * 3 + 16];
    let mut errors = 0;
    let mut input = bytes;
    loop {
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(input, &mut out, false);
        input = &input[read..];
        match result {
            DecoderResult::Malformed(..) => errors += 1,
            DecoderResult::InputEmpty | DecoderResult::OutputFull => return errors,
        }
    }
}

/// JSON, JSON Lines or delimited text, from the extension and the first characters.
fn text_format(path: &Path, sample: &str) -> TextFormat {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let start = sample.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    match extension.as_str() {
        "jsonl" | "ndjson" | "jsonlines" => return TextFormat::JsonLines,
        "csv" | "tsv" | "txt" | "tab" | "psv" | "xls" => return TextFormat::Delimited,
        "json" => {
            return if start.starts_with('{') && first_line_is_object(start) {
                TextFormat::JsonLines
            } else {
                TextFormat::Json
            };
        }
        _ => {}
    }
    if let Some(inner) = start.strip_prefix('[') {
        let inner = inner.trim_start();
        if inner.starts_with('{') || inner.starts_with(']') {
            return TextFormat::Json;
        }
    } else if let Some(inner) = start.strip_prefix('{') {
        if first_line_is_object(start) {
            return TextFormat::JsonLines;
        }
        let inner = inner.trim_start();
        if inner.starts_with('"') || inner.starts_with('}') {
            return TextFormat::Json;
        }
    }
    TextFormat::Delimited
}

fn first_line_is_object(text: &str) -> bool {
    let line = text.lines().next().unwrap_or("");
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line).is_ok()
}

/// Decodes a byte stream to UTF-8 in fixed-size chunks, replacing invalid bytes with U+FFFD
/// and remembering where each replacement went.
pub(crate) struct DecodingReader {
    inner: Box<dyn Read + Send>,
    decoder: Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    finished: bool,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    /// Decoded bytes handed out so far.
    produced: u64,
    /// A replacement character still to write (the output was full).
    replacement_due: bool,
    /// Offsets in the decoded stream of replacement characters not yet claimed by a row.
    replacements: RefCell<VecDeque<u64>>,
}

impl DecodingReader {
    pub fn new(inner: Box<dyn Read + Send>, encoding: &'static Encoding) -> DecodingReader {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; CHUNK_BYTES].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            eof: false,
            finished: false,
            output: vec![0; CHUNK_BYTES + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            produced: 0,
            replacement_due: false,
            replacements: RefCell::new(VecDeque::new()),
        }
    }

    /// How many invalid byte sequences were replaced in decoded bytes `start..end`. Rows are
    /// asked in order; replacements before `start` are forgotten.
    pub fn replacements_in(&self, start: u64, end: u64) -> usize {
        let mut replacements = self.replacements.borrow_mut();
        let mut count = 0;
        while let Some(&offset) = replacements.front() {
            if offset >= end {
                break;
            }
            replacements.pop_front();
            if offset >= start {
                count += 1;
            }
        }
        count
    }

    fn fill_output(&mut self) -> io::Result<()> {
        self.out_start = 0;
        self.out_end = 0;
        let base = self.produced;
        if self.replacement_due {
            self.push_replacement(base);
            self.replacement_due = false;
        }
        if self.in_start == self.in_end && !self.eof {
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            };
            self.in_start = 0;
            self.in_end = n;
            self.eof = n == 0;
        }
        loop {
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output[self.out_end..],
                self.eof,
            );
            self.in_start += read;
            self.out_end += written;
            match result {
                DecoderResult::InputEmpty => {
                    self.finished = self.eof;
                    return Ok(());
                }
                DecoderResult::OutputFull => return Ok(()),
                DecoderResult::Malformed(..) => {
                    if self.output.len() - self.out_end < 3 {
                        self.replacement_due = true;
                        return Ok(());
                    }
                    self.push_replacement(base);
                }
            }
        }
    }

    fn push_replacement(&mut self, base: u64) {
        self.replacements
            .get_mut()
            .push_back(base + self.out_end as u64);
        self.output[self.out_end..self.out_end + 3].copy_from_slice("\u{FFFD}".as_bytes());
        self.out_end += 3;
    }
}

impl Read for DecodingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                self.produced += n as u64;
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            self.fill_output()?;
            if self.out_start == self.out_end && self.finished {
                return Ok(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], encoding: &'static Encoding) -> (String, Vec<u64>) {
        let mut reader = DecodingReader::new(Box::new(io::Cursor::new(bytes.to_vec())), encoding);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        let offsets = reader.replacements.borrow().iter().copied().collect();
        (out, offsets)
    }

    #[test]
    fn cp932_is_decoded_in_chunks_across_boundaries() {
        let text = "料金が高い、解約します。".repeat(20_000);
        let (bytes, _, unmappable) = SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        let (decoded, replacements) = decode_all(&bytes, SHIFT_JIS);
        assert_eq!(decoded, text);
        assert!(replacements.is_empty());
    }

    #[test]
    fn invalid_bytes_are_replaced_and_located() {
        let (decoded, replacements) = decode_all(b"ab\xffcd\xe3\x81", UTF_8);
        assert_eq!(decoded, "ab\u{FFFD}cd\u{FFFD}");
        assert_eq!(replacements, [2, 7]);
    }

    #[test]
    fn bom_is_removed() {
        let (decoded, _) = decode_all(b"\xEF\xBB\xBFid", UTF_8);
        assert_eq!(decoded, "id");
        let (decoded, _) = decode_all(b"\xFF\xFEi\0d\0", UTF_16LE);
        assert_eq!(decoded, "id");
    }

    #[test]
    fn classify_prefers_utf8_then_cp932() {
        let (cp932, _, _) = SHIFT_JIS.encode("サービスについてのご意見");
        assert_eq!(classify(Some(&cp932)).encoding, SHIFT_JIS);
        assert_eq!(classify(Some("サービス".as_bytes())).encoding, UTF_8);
        // A UTF-8 sequence cut off by the window's end is still UTF-8.
        assert_eq!(classify(Some(&"サービス".as_bytes()[..7])).encoding, UTF_8);
        let (euc, _, _) = EUC_JP.encode("サービスについてのご意見をお聞かせください");
        assert_eq!(classify(Some(&euc)).encoding, EUC_JP);
    }

    #[test]
    fn labels_japanese_users_type() {
        assert_eq!(encoding_for_label("cp932"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label("Shift_JIS"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label("utf-8-sig"), Some(UTF_8));
        assert_eq!(encoding_for_label("UTF-16"), Some(UTF_16LE));
        assert_eq!(encoding_for_label("klingon"), None);
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let bytes: Vec<u8> = "id\tcomment\r\n1\tok\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(utf16_without_bom(&bytes), Some(UTF_16LE));
        assert_eq!(utf16_without_bom(b"id,comment\n1,ok\n"), None);
    }

    #[test]
    fn formats_from_content() {
        let path = Path::new("-");
        assert_eq!(text_format(path, "[{\"a\":1}]"), TextFormat::Json);
        assert_eq!(
            text_format(path, "{\"a\":1}\n{\"a\":2}"),
            TextFormat::JsonLines
        );
        assert_eq!(
            text_format(path, "{\n  \"records\": []\n}"),
            TextFormat::Json
        );
        assert_eq!(text_format(path, "[Q1] ご意見,ID\n"), TextFormat::Delimited);
        assert_eq!(
            text_format(Path::new("a.json"), "{\n \"a\": 1}"),
            TextFormat::Json
        );
    }
}
