//! `koe-index.json`: what an index was built with, checked every time it is opened.
//!
//! tantivy records its own format; this file records koe's: the layout of the documents
//! ([`FORMAT_VERSION`]), and the analysis behind them (system and user dictionaries, cause
//! rules and model). An index whose format differs cannot be read and must be rebuilt with
//! `koe reindex`; one built with other dictionaries or rules can be searched, but new rows
//! would be analysed differently from old ones, so `koe index` asks for a `koe reindex` first.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::index::IndexError;
use crate::text::dictionary::DEFAULT_USER_DICTIONARY;
use crate::text::{SYSTEM_DICTIONARY_ID, UserDictionaries};

/// The layout of koe's documents. Bump it when the schema or the stored JSON changes in a way
/// this version cannot read; `koe reindex` reads the `record` field of any older format.
pub const FORMAT_VERSION: u32 = 1;

/// The file in the index directory.
pub const INFO_FILE: &str = "koe-index.json";

/// What an index was built with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexInfo {
    /// koe's document layout ([`FORMAT_VERSION`] when written by this koe).
    pub format: u32,
    /// The koe that last wrote the index.
    pub koe_version: String,
    /// The system dictionary ([`SYSTEM_DICTIONARY_ID`]).
    pub system_dictionary: String,
    /// The user dictionaries the text was tokenized with.
    #[serde(default)]
    pub user_dictionaries: DictionaryInfo,
    /// The classifier's fingerprint ([`Classifier::fingerprint`](crate::classify::Classifier::fingerprint)).
    pub classifier: String,
    /// The causes the classifier knew, so that search can check `--cause` without loading it.
    #[serde(default)]
    pub causes: Vec<CauseInfo>,
    /// When the index was created (RFC 3339).
    #[serde(default)]
    pub created: String,
    /// When rows were last added (RFC 3339).
    #[serde(default)]
    pub updated: String,
}

/// The user dictionaries of an index, and a digest of their content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictionaryInfo {
    /// Whether koe's domain dictionary was used.
    pub include_default: bool,
    /// Further dictionaries, as absolute paths.
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// FNV-1a digest of the dictionaries' content, in hex.
    #[serde(default)]
    pub digest: String,
}

/// A cause the classifier knew when the index was built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseInfo {
    /// ASCII id, e.g. `price`.
    pub id: String,
    /// Japanese label, e.g. `価格`.
    pub label: String,
    /// English label.
    #[serde(default)]
    pub label_en: String,
}

impl DictionaryInfo {
    /// Describes `dictionaries` as they are now on disk.
    pub fn of(dictionaries: &UserDictionaries) -> Result<Self, IndexError> {
        let mut digest = Fnv64::new();
        if dictionaries.include_default {
            digest.write(DEFAULT_USER_DICTIONARY.as_bytes());
        }
        let mut files = Vec::new();
        for file in &dictionaries.files {
            let content = fs::read(file).map_err(|source| IndexError::Io {
                path: file.clone(),
                source,
            })?;
            digest.write(&[0xff]);
            digest.write(&content);
            files.push(fs::canonicalize(file).unwrap_or_else(|_| file.clone()));
        }
        Ok(Self {
            include_default: dictionaries.include_default,
            files,
            digest: format!("{:016x}", digest.finish()),
        })
    }

    /// The dictionaries to tokenize with.
    pub fn user_dictionaries(&self) -> UserDictionaries {
        UserDictionaries {
            include_default: self.include_default,
            files: self.files.clone(),
        }
    }

    /// A short description, such as `default+/home/me/words.csv`.
    pub fn describe(&self) -> String {
        self.user_dictionaries().describe()
    }
}

impl IndexInfo {
    /// The record for an index built now by this koe.
    pub fn new(dictionaries: DictionaryInfo, classifier: String, causes: Vec<CauseInfo>) -> Self {
        let now = jiff::Timestamp::now().to_string();
        Self {
            format: FORMAT_VERSION,
            koe_version: env!("CARGO_PKG_VERSION").to_owned(),
            system_dictionary: SYSTEM_DICTIONARY_ID.to_owned(),
            user_dictionaries: dictionaries,
            classifier,
            causes,
            created: now.clone(),
            updated: now,
        }
    }

    /// Reads `koe-index.json` from `dir`; `None` when there is none.
    pub fn read(dir: &Path) -> Result<Option<Self>, IndexError> {
        let path = dir.join(INFO_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(IndexError::Io { path, source }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|err| IndexError::Corrupt {
                path,
                message: err.to_string(),
            })
    }

    /// Writes `koe-index.json` into `dir` atomically (a temporary file renamed over it), so a
    /// crash leaves the old or the new record, never half of one.
    pub fn write(&self, dir: &Path) -> Result<(), IndexError> {
        let path = dir.join(INFO_FILE);
        let temporary = dir.join(format!("{INFO_FILE}.tmp"));
        let mut text = serde_json::to_string_pretty(self).map_err(|err| IndexError::Corrupt {
            path: path.clone(),
            message: err.to_string(),
        })?;
        text.push('\n');
        let io = |source| IndexError::Io {
            path: path.clone(),
            source,
        };
        fs::write(&temporary, text).map_err(io)?;
        fs::File::open(&temporary)
            .and_then(|file| file.sync_all())
            .map_err(io)?;
        fs::rename(&temporary, &path).map_err(io)
    }

    /// Checks that this koe can read the index at `dir`.
    pub fn check_format(&self, dir: &Path) -> Result<(), IndexError> {
        if self.format == FORMAT_VERSION {
            return Ok(());
        }
        Err(IndexError::FormatMismatch {
            path: dir.to_path_buf(),
            found: self.format,
            written_by: self.koe_version.clone(),
        })
    }

    /// What differs between the analysis this index was built with and `other`'s, if anything.
    pub fn analysis_differences(&self, other: &IndexInfo) -> Vec<String> {
        let mut differences = Vec::new();
        if self.system_dictionary != other.system_dictionary {
            differences.push(format!(
                "system dictionary {} (now {})",
                self.system_dictionary, other.system_dictionary
            ));
        }
        let (mine, theirs) = (&self.user_dictionaries, &other.user_dictionaries);
        if mine.include_default != theirs.include_default || mine.files != theirs.files {
            differences.push(format!(
                "user dictionaries {} (now {})",
                mine.describe(),
                theirs.describe()
            ));
        } else if mine.digest != theirs.digest {
            differences.push(format!(
                "user dictionaries {} whose content has changed since",
                mine.describe()
            ));
        }
        if self.classifier != other.classifier {
            differences.push(format!(
                "cause rules and model {} (now {})",
                self.classifier, other.classifier
            ));
        }
        differences
    }
}

/// FNV-1a, 64 bits: a digest that stays the same across Rust versions and platforms, for
/// content recorded on disk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// Writes a string followed by a separator no UTF-8 text contains.
    pub(crate) fn write_str(&mut self, text: &str) {
        self.write(text.as_bytes());
        self.write(&[0xff]);
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        let mut empty = Fnv64::new();
        empty.write(b"");
        assert_eq!(empty.finish(), 0xcbf2_9ce4_8422_2325);
        let mut a = Fnv64::new();
        a.write(b"a");
        assert_eq!(a.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn info_round_trips_and_old_files_without_new_fields_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let info = IndexInfo::new(
            DictionaryInfo::of(&UserDictionaries::default()).unwrap(),
            "rules-1".into(),
            vec![],
        );
        info.write(dir.path()).unwrap();
        assert_eq!(IndexInfo::read(dir.path()).unwrap(), Some(info));
        std::fs::write(
            dir.path().join(INFO_FILE),
            r#"{"format": 1, "koe_version": "0.0.1", "system_dictionary": "x", "classifier": "y"}"#,
        )
        .unwrap();
        let old = IndexInfo::read(dir.path()).unwrap().unwrap();
        assert!(old.causes.is_empty());
    }

    #[test]
    fn a_changed_user_dictionary_is_a_difference() {
        let dir = tempfile::tempdir().unwrap();
        let words = dir.path().join("words.csv");
        std::fs::write(&words, "こえプラス,名詞,コエプラス\n").unwrap();
        let dictionaries = UserDictionaries {
            include_default: true,
            files: vec![words.clone()],
        };
        let before = IndexInfo::new(
            DictionaryInfo::of(&dictionaries).unwrap(),
            "c".into(),
            vec![],
        );
        std::fs::write(
            &words,
            "こえプラス,名詞,コエプラス\nこえライト,名詞,コエライト\n",
        )
        .unwrap();
        let after = IndexInfo::new(
            DictionaryInfo::of(&dictionaries).unwrap(),
            "c".into(),
            vec![],
        );
        let differences = before.analysis_differences(&after);
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert!(differences[0].contains("changed"), "{differences:?}");
    }
}
