//! JSON from APIs: arrays of objects (also inside an object, as kintone's `{"records": [...]}` or
//! Zendesk's `{"tickets": [...]}`) and JSON Lines.
//!
//! Arrays are read one element at a time: a small scanner walks the brackets and commas and hands
//! each element to serde_json, which stops at the element's closing brace. Memory holds one
//! element, not the array.
//!
//! Objects become rows by flattening: nested objects give dotted keys (`via.channel`), kintone's
//! `{"type": ..., "value": ...}` fields give their value, arrays stay JSON text. Keys are the
//! columns, in order of first appearance in the sampled rows; keys first seen later go to
//! metadata.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::cell::{Cell, RawRecord};
use super::decode::{DecodingReader, EncodingChoice};
use super::{Format, Header, IngestError, Source};

const BUFFER_BYTES: usize = 64 * 1024;

/// Which keys are columns, once the sample has decided.
#[derive(Default)]
struct Keys {
    index: HashMap<String, usize>,
    fixed: bool,
}

impl Keys {
    /// A record from flattened pairs: before the columns are fixed everything waits in `extra`.
    fn record(&self, line: u64, position: u64, pairs: Vec<(String, Cell)>) -> RawRecord {
        let mut record = RawRecord::new(line, Vec::new());
        record.position = position;
        if !self.fixed {
            record.extra = pairs;
            return record;
        }
        record.cells = vec![Cell::Empty; self.index.len()];
        for (key, cell) in pairs {
            match self.index.get(&key) {
                Some(&i) => record.cells[i] = cell,
                None => record.extra.push((key, cell)),
            }
        }
        record
    }

    /// Makes the keys of the sampled records the columns and places their cells.
    fn fix(&mut self, columns: &mut Vec<String>, pending: &mut VecDeque<RawRecord>) {
        for record in pending.iter() {
            for (key, _) in &record.extra {
                if !self.index.contains_key(key) {
                    self.index.insert(key.clone(), columns.len());
                    columns.push(key.clone());
                }
            }
        }
        self.fixed = true;
        for record in pending.iter_mut() {
            let pairs = std::mem::take(&mut record.extra);
            record.cells = vec![Cell::Empty; columns.len()];
            for (key, cell) in pairs {
                record.cells[self.index[&key]] = cell;
            }
        }
    }
}

/// Flattens a JSON object into `(key, cell)` pairs.
fn flatten(prefix: &str, value: Value, out: &mut Vec<(String, Cell)>) {
    match value {
        Value::Object(mut map) => {
            if map.len() == 2 && map.contains_key("type") && map.contains_key("value") {
                // kintone: {"type": "SINGLE_LINE_TEXT", "value": "..."}
                let value = map.remove("value").unwrap_or(Value::Null);
                flatten(prefix, value, out);
                return;
            }
            for (key, value) in map {
                let key = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, value, out);
            }
        }
        Value::Array(items) => {
            let cell = if items.is_empty() {
                Cell::Empty
            } else {
                Cell::Json(serde_json::to_string(&items).unwrap_or_default())
            };
            out.push((prefix.to_owned(), cell));
        }
        // Numbers stay text: ids beyond 2^53 must not be rounded.
        Value::Number(number) => out.push((prefix.to_owned(), Cell::Text(number.to_string()))),
        Value::String(text) => out.push((prefix.to_owned(), Cell::Text(text))),
        Value::Bool(value) => out.push((prefix.to_owned(), Cell::Bool(value))),
        Value::Null => out.push((prefix.to_owned(), Cell::Empty)),
    }
}

fn object_pairs(map: Map<String, Value>) -> Vec<(String, Cell)> {
    let mut pairs = Vec::new();
    flatten("", Value::Object(map), &mut pairs);
    pairs
}

/// One row of JSON: an object with its keys in file order (serde_json's map sorts them), or
/// what else it was.
enum Element {
    Object(Vec<(String, Value)>),
    Other(&'static str),
}

impl Element {
    fn pairs(fields: Vec<(String, Value)>) -> Vec<(String, Cell)> {
        let mut pairs = Vec::new();
        for (key, value) in fields {
            flatten(&key, value, &mut pairs);
        }
        pairs
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Element, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> serde::de::Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        let mut fields: Vec<(String, Value)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            match fields.iter_mut().find(|(k, _)| *k == key) {
                Some(field) => field.1 = value,
                None => fields.push((key, value)),
            }
        }
        Ok(Element::Object(fields))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Element::Other("an array"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Element, E> {
        Ok(Element::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Element, E> {
        Ok(Element::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Element, E> {
        Ok(Element::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Element, E> {
        Ok(Element::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Element, E> {
        Ok(Element::Other("a number"))
    }

    fn visit_unit<E>(self) -> Result<Element, E> {
        Ok(Element::Other("null"))
    }
}

fn text_header(
    format: Format,
    encoding: &EncodingChoice,
    header_line: u64,
    source: Source,
) -> Header {
    Header {
        format,
        encoding: Some(encoding.display_name()),
        encoding_reason: Some(encoding.reason.clone()),
        delimiter: None,
        delimiter_reason: None,
        sheet: None,
        sheets: Vec::new(),
        header_line,
        extra_header_rows: 0,
        columns: Vec::new(),
        questions: Vec::new(),
        source,
    }
}

/// The decoded stream, byte by byte where needed, counting lines and bytes.
struct Scanner {
    inner: BufReader<DecodingReader>,
    /// Current line, 1-based.
    line: u64,
    /// Decoded bytes consumed.
    offset: u64,
}

impl Scanner {
    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.inner.fill_buf()?.first().copied())
    }

    fn bump(&mut self) {
        if let Ok(Some(b)) = self.peek() {
            self.count(&[b]);
            self.inner.consume(1);
        }
    }

    fn count(&mut self, bytes: &[u8]) {
        self.offset += bytes.len() as u64;
        self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    }

    /// Skips whitespace; the next byte.
    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// Reads one JSON value. Numbers are scanned here: serde_json would read one byte past them.
    fn value(&mut self) -> Result<Value, String> {
        match self.peek().map_err(|err| err.to_string())? {
            Some(b'-' | b'0'..=b'9') => {
                let mut number = Vec::new();
                while let Ok(Some(b @ (b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))) =
                    self.peek()
                {
                    number.push(b);
                    self.bump();
                }
                serde_json::from_slice(&number).map_err(|err| err.to_string())
            }
            Some(_) => {
                let start = self.line;
                let mut deserializer = serde_json::Deserializer::from_reader(&mut *self);
                Value::deserialize(&mut deserializer).map_err(|err| {
                    let line = start + err.line().saturating_sub(1) as u64;
                    format!("{err} (at line {line})")
                })
            }
            None => Err("the file ends where a value should be".to_owned()),
        }
    }
}

impl Scanner {
    /// Reads one array element.
    fn element(&mut self) -> Result<Element, String> {
        if let Some(b'-' | b'0'..=b'9') = self.peek().map_err(|err| err.to_string())? {
            self.value()?;
            return Ok(Element::Other("a number"));
        }
        let start = self.line;
        let mut deserializer = serde_json::Deserializer::from_reader(&mut *self);
        Element::deserialize(&mut deserializer).map_err(|err| {
            let line = start + err.line().saturating_sub(1) as u64;
            format!("{err} (at line {line})")
        })
    }
}

impl Read for Scanner {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count(&buf[..n]);
        Ok(n)
    }
}

/// Elements of a JSON array.
pub(crate) struct JsonSource {
    scanner: Scanner,
    keys: Keys,
    display: String,
    encoding_name: String,
    elements: u64,
    first: bool,
    done: bool,
    /// A lone object (not in an array) waiting to be the only row.
    single: Option<(u64, Map<String, Value>)>,
}

/// Opens a JSON document: an array, or an object with an array of records inside.
pub(crate) fn open_array(
    path: &Path,
    display: &str,
    reader: DecodingReader,
    encoding: EncodingChoice,
) -> Result<Header, IngestError> {
    let io_error = |source: io::Error| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let format_error = |reason: String| IngestError::UnknownFormat {
        path: path.to_owned(),
        reason,
    };
    let mut scanner = Scanner {
        inner: BufReader::with_capacity(BUFFER_BYTES, reader),
        line: 1,
        offset: 0,
    };
    let mut single = None;
    match scanner.skip_whitespace().map_err(io_error)? {
        Some(b'[') => {}
        Some(b'{') => {
            // Look for the first array among the object's values; keep the other values in
            // case there is none and the object is itself the one record.
            let line = scanner.line;
            scanner.bump();
            let mut fields = Map::new();
            loop {
                match scanner.skip_whitespace().map_err(io_error)? {
                    Some(b'}') => {
                        scanner.bump();
                        single = Some((line, fields));
                        break;
                    }
                    Some(b',') => scanner.bump(),
                    Some(b'"') => {
                        let key = match scanner.value().map_err(format_error)? {
                            Value::String(key) => key,
                            _ => return Err(format_error("expected an object key".to_owned())),
                        };
                        if scanner.skip_whitespace().map_err(io_error)? != Some(b':') {
                            return Err(format_error(format!(
                                "expected ':' after {key:?} (line {})",
                                scanner.line
                            )));
                        }
                        scanner.bump();
                        if scanner.skip_whitespace().map_err(io_error)? == Some(b'[') {
                            break;
                        }
                        let value = scanner.value().map_err(format_error)?;
                        fields.insert(key, value);
                    }
                    Some(other) => {
                        return Err(format_error(format!(
                            "unexpected {:?} at line {}",
                            char::from(other),
                            scanner.line
                        )));
                    }
                    None => {
                        return Err(format_error(
                            "the file ends inside the top-level object".to_owned(),
                        ));
                    }
                }
            }
        }
        Some(other) => {
            return Err(format_error(format!(
                "a JSON file must start with '[' or '{{', not {:?}",
                char::from(other)
            )));
        }
        None => {
            return Err(IngestError::Empty {
                path: path.to_owned(),
            });
        }
    }
    let header_line = scanner.line;
    if single.is_none() {
        scanner.bump(); // '['
    }
    let encoding_name = encoding.display_name();
    let source = JsonSource {
        scanner,
        keys: Keys::default(),
        display: display.to_owned(),
        encoding_name,
        elements: 0,
        first: true,
        done: false,
        single,
    };
    Ok(text_header(
        Format::Json,
        &encoding,
        header_line,
        Source::Json(Box::new(source)),
    ))
}

impl JsonSource {
    pub(crate) fn fix_columns(
        &mut self,
        columns: &mut Vec<String>,
        pending: &mut VecDeque<RawRecord>,
    ) {
        self.keys.fix(columns, pending);
    }

    pub(crate) fn next_record(&mut self) -> Option<RawRecord> {
        if let Some((line, fields)) = self.single.take() {
            self.done = true;
            return Some(self.keys.record(line, 1, object_pairs(fields)));
        }
        if self.done {
            return None;
        }
        match self.next_element() {
            Ok(record) => record,
            Err(reason) => {
                self.done = true;
                Some(RawRecord::failed(
                    self.scanner.line,
                    format!(
                        "rejected: {reason}; the rest of {} was not read",
                        self.display
                    ),
                ))
            }
        }
    }

    fn next_element(&mut self) -> Result<Option<RawRecord>, String> {
        let io = |err: io::Error| format!("read error: {err}");
        let mut next = self.scanner.skip_whitespace().map_err(io)?;
        if !self.first && next == Some(b',') {
            self.scanner.bump();
            next = self.scanner.skip_whitespace().map_err(io)?;
        } else if !self.first && next != Some(b']') {
            return Err(format!(
                "expected ',' or ']' between array elements at line {}",
                self.scanner.line
            ));
        }
        match next {
            Some(b']') => {
                self.done = true;
                return Ok(None);
            }
            None => return Err("the file ends inside the JSON array (missing ']')".to_owned()),
            Some(_) => {}
        }
        self.first = false;
        self.elements += 1;
        let line = self.scanner.line;
        let start = self.scanner.offset;
        let element = self
            .scanner
            .element()
            .map_err(|err| format!("invalid JSON in array element {}: {err}", self.elements))?;
        let replacements = self
            .scanner
            .inner
            .get_ref()
            .replacements_in(start, self.scanner.offset.max(start + 1));
        let mut record = match element {
            Element::Object(fields) => {
                self.keys
                    .record(line, self.elements, Element::pairs(fields))
            }
            Element::Other(kind) => {
                let mut record = RawRecord::failed(
                    line,
                    format!(
                        "rejected: array element {} is {kind}, not an object",
                        self.elements
                    ),
                );
                record.position = self.elements;
                return Ok(Some(record));
            }
        };
        if replacements > 0 {
            record.problems.push((
                format!(
                    "{replacements} byte sequence(s) invalid in {} replaced with U+FFFD",
                    self.encoding_name
                ),
                false,
            ));
        }
        Ok(Some(record))
    }
}

/// One JSON object per line.
pub(crate) struct JsonLinesSource {
    reader: BufReader<DecodingReader>,
    keys: Keys,
    display: String,
    encoding_name: String,
    line: u64,
    offset: u64,
    buffer: Vec<u8>,
    done: bool,
}

/// Opens JSON Lines.
pub(crate) fn open_lines(
    _path: &Path,
    display: &str,
    reader: DecodingReader,
    encoding: EncodingChoice,
) -> Result<Header, IngestError> {
    let source = JsonLinesSource {
        reader: BufReader::with_capacity(BUFFER_BYTES, reader),
        keys: Keys::default(),
        display: display.to_owned(),
        encoding_name: encoding.display_name(),
        line: 0,
        offset: 0,
        buffer: Vec::new(),
        done: false,
    };
    Ok(text_header(
        Format::JsonLines,
        &encoding,
        1,
        Source::JsonLines(Box::new(source)),
    ))
}

impl JsonLinesSource {
    pub(crate) fn fix_columns(
        &mut self,
        columns: &mut Vec<String>,
        pending: &mut VecDeque<RawRecord>,
    ) {
        self.keys.fix(columns, pending);
    }

    pub(crate) fn next_record(&mut self) -> Option<RawRecord> {
        loop {
            if self.done {
                return None;
            }
            self.buffer.clear();
            let start = self.offset;
            let read = match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(n) => n,
                Err(err) => {
                    self.done = true;
                    return Some(RawRecord::failed(
                        self.line + 1,
                        format!(
                            "rejected: read error: {err}; the rest of {} was not read",
                            self.display
                        ),
                    ));
                }
            };
            self.line += 1;
            self.offset += read as u64;
            let replacements = self.reader.get_ref().replacements_in(start, self.offset);
            // The decoder produced UTF-8.
            let text = String::from_utf8_lossy(&self.buffer);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let mut record = match serde_json::from_str::<Element>(text) {
                Ok(Element::Object(fields)) => {
                    self.keys
                        .record(self.line, self.line, Element::pairs(fields))
                }
                Ok(Element::Other(kind)) => RawRecord::failed(
                    self.line,
                    format!("rejected: the line is {kind}, not a JSON object"),
                ),
                Err(err) => RawRecord::failed(self.line, format!("rejected: invalid JSON: {err}")),
            };
            if replacements > 0 {
                record.problems.push((
                    format!(
                        "{replacements} byte sequence(s) invalid in {} replaced with U+FFFD",
                        self.encoding_name
                    ),
                    false,
                ));
            }
            return Some(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order() {
        let element: Element =
            serde_json::from_str(r#"{"z":1,"a":{"y":2,"b":3},"m":"x"}"#).unwrap();
        let Element::Object(fields) = element else {
            unreachable!()
        };
        let keys: Vec<String> = Element::pairs(fields).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["z", "a.b", "a.y", "m"]);
    }

    #[test]
    fn kintone_fields_and_nested_objects_flatten() {
        let value: Value = serde_json::from_str(
            r#"{"$id":{"type":"__ID__","value":"7"},"via":{"channel":"email"},"tags":["a","b"],"n":12345678901234567890,"x":null}"#,
        )
        .unwrap();
        let Value::Object(map) = value else {
            unreachable!()
        };
        let pairs = object_pairs(map);
        assert_eq!(
            pairs,
            [
                ("$id".to_owned(), Cell::Text("7".to_owned())),
                (
                    "n".to_owned(),
                    Cell::Text("12345678901234567890".to_owned())
                ),
                ("tags".to_owned(), Cell::Json(r#"["a","b"]"#.to_owned())),
                ("via.channel".to_owned(), Cell::Text("email".to_owned())),
                ("x".to_owned(), Cell::Empty),
            ]
        );
    }
}
