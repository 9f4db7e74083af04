//! The dictionaries koe tokenizes with: IPADIC, compiled by `build.rs` and embedded in the
//! binary, and the domain user dictionary `dictionaries/user.csv`, also embedded.
//!
//! The system dictionary is loaded once per process (a `LazyLock`); loading only parses the
//! headers of the embedded bytes, so it takes milliseconds. User dictionaries are small CSVs
//! compiled when a [`crate::text::Tokenizer`] is built.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::{Dictionary, UserDictionary};

use crate::text::TextError;

mod embedded {
    // Generated loader over the files `build.rs` wrote under `LINDERA_WORKDIR/koe-ipadic`.
    lindera_dictionary::embedded_dictionary!("/koe-ipadic", EmbeddedIpadicLoader);
}

/// The domain user dictionary shipped with koe (`dictionaries/user.csv`).
pub const DEFAULT_USER_DICTIONARY: &str = include_str!("../../dictionaries/user.csv");

/// Name and version of the system dictionary, recorded in indexes and models built with it.
pub const SYSTEM_DICTIONARY_ID: &str = "mecab-ipadic-2.7.0-20070801";

static SYSTEM: LazyLock<Result<Dictionary, String>> =
    LazyLock::new(|| embedded::load().map_err(|err| err.to_string()));

/// The embedded IPADIC dictionary, loaded on first use and shared by every tokenizer.
pub fn system_dictionary() -> Result<Dictionary, TextError> {
    SYSTEM
        .as_ref()
        .map(Clone::clone)
        .map_err(|message| TextError::SystemDictionary(message.clone()))
}

/// Which user dictionaries a tokenizer uses, in addition to IPADIC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDictionaries {
    /// Include koe's domain dictionary (`dictionaries/user.csv`); on by default.
    pub include_default: bool,
    /// Further CSV files in lindera's simple format (`surface,part_of_speech,reading`) or in
    /// IPADIC's full 13-column format.
    pub files: Vec<PathBuf>,
}

impl Default for UserDictionaries {
    fn default() -> Self {
        Self {
            include_default: true,
            files: Vec::new(),
        }
    }
}

impl UserDictionaries {
    /// No user dictionary at all: plain IPADIC, as MeCab would tokenize.
    pub fn none() -> Self {
        Self {
            include_default: false,
            files: Vec::new(),
        }
    }

    /// A short description for provenance records, such as `default+extra.csv`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.include_default {
            parts.push("default".to_owned());
        }
        parts.extend(self.files.iter().map(|path| path.display().to_string()));
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join("+")
        }
    }

    /// Compiles the chosen dictionaries into one lindera user dictionary, or `None` when no
    /// dictionary is chosen or all are empty.
    pub(crate) fn compile(&self, system: &Dictionary) -> Result<Option<UserDictionary>, TextError> {
        let mut csv = String::new();
        if self.include_default {
            csv.push_str(DEFAULT_USER_DICTIONARY);
            ensure_newline(&mut csv);
        }
        for path in &self.files {
            csv.push_str(&read_user_dictionary(path)?);
            ensure_newline(&mut csv);
        }
        let csv = strip_comments(&csv);
        if csv.trim().is_empty() {
            return Ok(None);
        }
        let described = self.describe();
        DictionaryBuilder::new((*system.metadata).clone())
            .build_user_dict_from_reader(csv.as_bytes())
            .map(Some)
            .map_err(|err| TextError::UserDictionary {
                source_name: described,
                message: err.to_string(),
            })
    }
}

fn read_user_dictionary(path: &Path) -> Result<String, TextError> {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|mut file| file.read_to_string(&mut text))
        .map_err(|err| TextError::UserDictionary {
            source_name: path.display().to_string(),
            message: err.to_string(),
        })?;
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_owned())
}

fn ensure_newline(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

/// Drops blank lines and `#` comment lines, which lindera's CSV reader does not accept.
fn strip_comments(csv: &str) -> String {
    csv.lines()
        .filter(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .flat_map(|line| [line, "\n"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_dictionary_loads() {
        let dictionary = system_dictionary().expect("embedded IPADIC loads");
        assert_eq!(dictionary.metadata.name, "ipadic");
    }

    #[test]
    fn the_default_user_dictionary_compiles() {
        let system = system_dictionary().unwrap();
        let user = UserDictionaries::default().compile(&system).unwrap();
        assert!(user.is_some());
        assert!(UserDictionaries::none().compile(&system).unwrap().is_none());
    }

    #[test]
    fn a_missing_user_dictionary_is_a_clear_error() {
        let system = system_dictionary().unwrap();
        let choice = UserDictionaries {
            include_default: false,
            files: vec![PathBuf::from("/nonexistent/words.csv")],
        };
        let Err(err) = choice.compile(&system) else {
            panic!("a missing file must be an error");
        };
        let err = err.to_string();
        assert!(err.contains("/nonexistent/words.csv"), "{err}");
    }

    #[test]
    fn comments_and_blank_lines_are_ignored() {
        assert_eq!(strip_comments("# c\n\na,b,c\n  \n"), "a,b,c\n");
    }
}
