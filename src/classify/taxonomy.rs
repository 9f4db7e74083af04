//! The cause taxonomy: ids, labels and cue rules, read from `dictionaries/causes.toml` (built in)
//! and from users' own files.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::classify::ClassifyError;
use crate::classify::analysis::{Analysis, analyze};
use crate::text::Worker;

/// The built-in taxonomy.
pub const BUILTIN_CAUSES: &str = include_str!("../../dictionaries/causes.toml");

/// Supported `version` of causes files.
const TAXONOMY_VERSION: u32 = 1;

/// Most tokens allowed between two slots of a cue.
pub const MAX_SLOT_GAP: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    version: u32,
    #[serde(default, rename = "cause")]
    causes: Vec<CauseFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CauseFile {
    id: String,
    label: Option<String>,
    label_en: Option<String>,
    description: Option<String>,
    #[serde(default)]
    cues: Vec<String>,
}

/// One cause: how it is named and the cues that support it.
#[derive(Debug, Clone)]
pub struct Cause {
    /// ASCII id, e.g. `price`.
    pub id: String,
    /// Japanese display label, e.g. `価格`.
    pub label: String,
    /// English display label.
    pub label_en: String,
    /// What the cause covers.
    pub description: String,
    /// Compiled cues.
    pub cues: Vec<Cue>,
}

/// A cue phrase compiled to slots of base forms.
#[derive(Debug, Clone)]
pub struct Cue {
    /// The phrase as written in the taxonomy file.
    pub phrase: String,
    /// Each slot's base forms, to match consecutive tokens.
    pub slots: Vec<Vec<String>>,
}

/// The set of causes a classifier knows, in a stable order.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// The causes, built-in ones first.
    pub causes: Vec<Cause>,
    /// `(cause, cue)` positions of every cue, by the base form its first slot starts with, so
    /// matching looks up each token once instead of trying every cue everywhere.
    by_first_base: HashMap<String, Vec<(usize, usize)>>,
}

impl Taxonomy {
    /// Parses a taxonomy file's text; `name` is used in messages.
    pub fn parse(text: &str, name: &str, worker: &mut Worker<'_>) -> Result<Self, ClassifyError> {
        let mut taxonomy = Self {
            causes: Vec::new(),
            by_first_base: HashMap::new(),
        };
        taxonomy.extend(text, name, worker)?;
        Ok(taxonomy)
    }

    /// The built-in taxonomy.
    pub fn builtin(worker: &mut Worker<'_>) -> Result<Self, ClassifyError> {
        Self::parse(BUILTIN_CAUSES, "dictionaries/causes.toml", worker)
    }

    /// Adds the causes of a user's file; a cause whose id exists gets the file's cues (and
    /// labels, when given) added.
    pub fn extend_from_file(
        &mut self,
        path: &Path,
        worker: &mut Worker<'_>,
    ) -> Result<(), ClassifyError> {
        let text = std::fs::read_to_string(path).map_err(|err| ClassifyError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        })?;
        self.extend(&text, &path.display().to_string(), worker)
    }

    fn extend(
        &mut self,
        text: &str,
        name: &str,
        worker: &mut Worker<'_>,
    ) -> Result<(), ClassifyError> {
        let file: TaxonomyFile = toml::from_str(text).map_err(|err| ClassifyError::Taxonomy {
            file: name.to_owned(),
            message: err.to_string(),
        })?;
        if file.version != TAXONOMY_VERSION {
            return Err(ClassifyError::Taxonomy {
                file: name.to_owned(),
                message: format!(
                    "version {} is not supported (this koe reads version {TAXONOMY_VERSION})",
                    file.version
                ),
            });
        }
        for cause in file.causes {
            if cause.id.is_empty()
                || !cause
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(ClassifyError::Taxonomy {
                    file: name.to_owned(),
                    message: format!(
                        "cause id {:?} must be ASCII letters, digits and _",
                        cause.id
                    ),
                });
            }
            let cues: Vec<Cue> = cause
                .cues
                .iter()
                .filter_map(|phrase| compile_cue(phrase, worker))
                .collect();
            match self
                .causes
                .iter_mut()
                .find(|existing| existing.id == cause.id)
            {
                Some(existing) => {
                    existing.cues.extend(cues);
                    if let Some(label) = cause.label {
                        existing.label = label;
                    }
                    if let Some(label) = cause.label_en {
                        existing.label_en = label;
                    }
                }
                None => self.causes.push(Cause {
                    label: cause.label.clone().unwrap_or_else(|| cause.id.clone()),
                    label_en: cause
                        .label_en
                        .or(cause.label)
                        .unwrap_or_else(|| cause.id.clone()),
                    description: cause.description.unwrap_or_default(),
                    id: cause.id,
                    cues,
                }),
            }
        }
        self.reindex();
        Ok(())
    }

    /// The `(cause, cue)` positions of the cues whose first token has base form `base`.
    pub fn cues_starting_with(&self, base: &str) -> &[(usize, usize)] {
        self.by_first_base.get(base).map_or(&[], Vec::as_slice)
    }

    fn reindex(&mut self) {
        self.by_first_base.clear();
        for (c, cause) in self.causes.iter().enumerate() {
            for (q, cue) in cause.cues.iter().enumerate() {
                self.by_first_base
                    .entry(cue.slots[0][0].clone())
                    .or_default()
                    .push((c, q));
            }
        }
    }

    /// The position of a cause by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.causes.iter().position(|cause| cause.id == id)
    }
}

/// Compiles a cue phrase: each space-separated slot analysed like feedback text.
fn compile_cue(phrase: &str, worker: &mut Worker<'_>) -> Option<Cue> {
    let slots: Vec<Vec<String>> = phrase
        .split_whitespace()
        .map(|slot| {
            let analysis: Analysis<'_> = analyze(worker, slot);
            analysis
                .tokens
                .into_iter()
                .map(|token| token.base)
                .collect::<Vec<_>>()
        })
        .filter(|bases| !bases.is_empty())
        .collect();
    (!slots.is_empty()).then(|| Cue {
        phrase: phrase.to_owned(),
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Tokenizer, UserDictionaries};

    #[test]
    fn the_builtin_taxonomy_has_the_four_causes_with_japanese_labels() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let taxonomy = Taxonomy::builtin(&mut tokenizer.worker()).unwrap();
        let ids: Vec<&str> = taxonomy.causes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["service_quality", "onboarding", "pushy_selling", "price"]
        );
        assert_eq!(taxonomy.causes[3].label, "価格");
        assert!(taxonomy.causes.iter().all(|c| c.cues.len() > 20));
    }

    #[test]
    fn cues_are_compiled_to_base_forms() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let cue = compile_cue("電話 つながらない", &mut tokenizer.worker()).unwrap();
        assert_eq!(cue.slots, [vec!["電話"], vec!["つながる", "ない"]]);
    }

    #[test]
    fn a_bad_file_is_a_clear_error() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let err = Taxonomy::parse("version = 2", "mine.toml", &mut worker).unwrap_err();
        assert!(err.to_string().contains("mine.toml"), "{err}");
        let err = Taxonomy::parse(
            "version = 1\n[[cause]]\nid = \"価格\"",
            "mine.toml",
            &mut worker,
        )
        .unwrap_err();
        assert!(err.to_string().contains("ASCII"), "{err}");
    }

    #[test]
    fn a_user_file_adds_causes_and_cues() {
        let tokenizer = Tokenizer::new(&UserDictionaries::default()).unwrap();
        let mut worker = tokenizer.worker();
        let mut taxonomy = Taxonomy::builtin(&mut worker).unwrap();
        let before = taxonomy.causes[3].cues.len();
        taxonomy
            .extend(
                "version = 1\n[[cause]]\nid = \"product_quality\"\nlabel = \"製品品質\"\ncues = [\"壊れる\"]\n[[cause]]\nid = \"price\"\ncues = [\"高杉\"]",
                "mine.toml",
                &mut worker,
            )
            .unwrap();
        assert_eq!(taxonomy.causes.len(), 5);
        assert_eq!(taxonomy.causes[4].label, "製品品質");
        assert_eq!(taxonomy.causes[3].cues.len(), before + 1);
    }
}
