//! Text analysis: normalization and tokenization of Japanese feedback.
//!
//! - [`normalize`](mod@normalize) folds the many shapes customers type (half-width kana,
//!   full-width Latin, `サ－ビス`, `すご〜い`) into one, keeping a map back to the original;
//! - [`dictionary`] embeds IPADIC and koe's domain user dictionary;
//! - [`tokenize`](mod@tokenize) splits text into IPADIC tokens, MeCab-compatible, one worker per
//!   thread.

pub mod dictionary;
pub mod normalize;
pub mod tokenize;

pub use dictionary::{SYSTEM_DICTIONARY_ID, UserDictionaries};
pub use normalize::{Normalized, char_offset, normalize};
pub use tokenize::{Features, Token, Tokenizer, Worker};

/// What can go wrong while setting up text analysis.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The dictionary embedded in the binary did not load (a corrupt build).
    #[error("the embedded IPADIC dictionary could not be loaded: {0}")]
    SystemDictionary(String),
    /// A user dictionary could not be read or compiled.
    #[error("user dictionary {source_name}: {message}")]
    UserDictionary {
        /// The file, or `default` for koe's own dictionary.
        source_name: String,
        /// What lindera or the file system said.
        message: String,
    },
}
