//! The query language analysts type, parsed into a [`QueryExpr`].
//!
//! | syntax | meaning |
//! |---|---|
//! | `解約 料金` | both words (AND is the default) |
//! | `"解約金を請求"`, `「解約金を請求」` | the words in this order |
//! | `解約 OR 退会` | either word; OR binds tighter than AND, as in web search: `解約 OR 退会 料金` is `(解約 OR 退会) 料金` |
//! | `NOT 電話`, `-電話` | without the word |
//! | `(解約 OR 退会) 料金` | grouping |
//! | (nothing), `*` | everything |
//!
//! Full-width forms of the syntax work too (`（`, `）`, `－`, `＂`, the ideographic space).
//! Words are analysed the way the index was (see [`crate::index::analyzer`]): a word the
//! analyzer splits into several (`料金が高い`) is searched as a phrase.
//!
//! ```
//! use koe::search::{QueryExpr, parse_query};
//! assert_eq!(
//!     parse_query("解約 OR 退会 -電話").unwrap(),
//!     QueryExpr::And(vec![
//!         QueryExpr::Or(vec![QueryExpr::Word("解約".into()), QueryExpr::Word("退会".into())]),
//!         QueryExpr::Not(Box::new(QueryExpr::Word("電話".into()))),
//!     ])
//! );
//! let err = parse_query("(解約 OR").unwrap_err();
//! assert_eq!(err.to_string(), "malformed query at character 7: OR needs a word after it");
//! ```

use std::fmt;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryExpr {
    /// Everything: the empty query or `*`.
    All,
    /// A word as typed; analysed when the query runs.
    Word(String),
    /// A quoted phrase as typed.
    Phrase(String),
    /// All of these.
    And(Vec<QueryExpr>),
    /// Any of these.
    Or(Vec<QueryExpr>),
    /// Not this.
    Not(Box<QueryExpr>),
}

/// What is wrong with a query, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed query at character {at}: {message}")]
pub struct QueryError {
    /// 1-based character position in the query.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl QueryError {
    fn new(at: usize, message: impl fmt::Display) -> Self {
        Self {
            at,
            message: message.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lexeme {
    Open,
    Close,
    Word(String),
    Phrase(String),
    And,
    Or,
    Not,
    /// `-` right before a word, phrase or parenthesis.
    Minus,
}

/// A lexeme and the 1-based character position it starts at.
type Located = (Lexeme, usize);

/// Parses `query`.
pub fn parse_query(query: &str) -> Result<QueryExpr, QueryError> {
    let lexemes = lex(query)?;
    if lexemes.is_empty() || (lexemes.len() == 1 && lexemes[0].0 == Lexeme::Word("*".into())) {
        return Ok(QueryExpr::All);
    }
    let mut parser = Parser {
        lexemes: &lexemes,
        next: 0,
        end: query.chars().count() + 1,
    };
    let expr = parser.and()?;
    match parser.peek() {
        None => Ok(expr),
        Some((Lexeme::Close, at)) => Err(QueryError::new(at, "`)` without a matching `(`")),
        Some((_, at)) => Err(QueryError::new(at, "unexpected text")),
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// The closing quote for an opening one.
fn closing_quote(c: char) -> Option<&'static [char]> {
    match c {
        '"' | '＂' => Some(&['"', '＂', '”']),
        '“' => Some(&['”', '"']),
        '「' => Some(&['」']),
        '『' => Some(&['』']),
        _ => None,
    }
}

fn is_syntax(c: char) -> bool {
    matches!(c, '(' | ')' | '（' | '）') || closing_quote(c).is_some()
}

fn lex(query: &str) -> Result<Vec<Located>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut lexemes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if is_space(c) {
            i += 1;
        } else if matches!(c, '(' | '（') {
            lexemes.push((Lexeme::Open, at));
            i += 1;
        } else if matches!(c, ')' | '）') {
            lexemes.push((Lexeme::Close, at));
            i += 1;
        } else if let Some(closers) = closing_quote(c) {
            let Some(length) = chars[i + 1..].iter().position(|c| closers.contains(c)) else {
                return Err(QueryError::new(
                    at,
                    format!("the phrase opened by {c} is never closed"),
                ));
            };
            let phrase: String = chars[i + 1..i + 1 + length].iter().collect();
            if phrase.trim_matches(is_space).is_empty() {
                return Err(QueryError::new(at, "empty phrase"));
            }
            lexemes.push((Lexeme::Phrase(phrase), at));
            i += length + 2;
        } else if matches!(c, '-' | '－') {
            match chars.get(i + 1) {
                Some(&next) if !is_space(next) && !matches!(next, ')' | '）') => {
                    lexemes.push((Lexeme::Minus, at));
                    i += 1;
                }
                _ => {
                    return Err(QueryError::new(
                        at,
                        format!("{c} needs a word right after it"),
                    ));
                }
            }
        } else {
            let length = chars[i..]
                .iter()
                .position(|&c| is_space(c) || is_syntax(c))
                .unwrap_or(chars.len() - i);
            let word: String = chars[i..i + length].iter().collect();
            let lexeme = match word.as_str() {
                "AND" => Lexeme::And,
                "OR" => Lexeme::Or,
                "NOT" => Lexeme::Not,
                _ => Lexeme::Word(word),
            };
            lexemes.push((lexeme, at));
            i += length;
        }
    }
    Ok(lexemes)
}

struct Parser<'a> {
    lexemes: &'a [Located],
    next: usize,
    /// The position just past the query, for errors at its end.
    end: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<(&'a Lexeme, usize)> {
        self.lexemes
            .get(self.next)
            .map(|(lexeme, at)| (lexeme, *at))
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |(_, at)| at)
    }

    /// Whether the next lexeme can start an operand.
    fn starts_operand(&self) -> bool {
        matches!(
            self.peek(),
            Some((
                Lexeme::Open | Lexeme::Word(_) | Lexeme::Phrase(_) | Lexeme::Not | Lexeme::Minus,
                _
            ))
        )
    }

    /// Operands side by side (or joined by AND): all of them.
    fn and(&mut self) -> Result<QueryExpr, QueryError> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Some((Lexeme::And, at)) => {
                    if parts.is_empty() {
                        return Err(QueryError::new(at, "AND needs a word before it"));
                    }
                    self.next += 1;
                    if !self.starts_operand() {
                        return Err(QueryError::new(self.here(), "AND needs a word after it"));
                    }
                }
                Some((Lexeme::Or, at)) => {
                    return Err(QueryError::new(at, "OR needs a word before it"));
                }
                _ => {}
            }
            if !self.starts_operand() {
                break;
            }
            parts.push(self.or()?);
        }
        match parts.len() {
            0 => Err(QueryError::new(self.here(), "a word is missing")),
            1 => Ok(parts.remove(0)),
            _ => Ok(QueryExpr::And(parts)),
        }
    }

    /// Operands joined by OR, which binds tighter than AND, as in web search.
    fn or(&mut self) -> Result<QueryExpr, QueryError> {
        let mut alternatives = vec![self.unary()?];
        while let Some((Lexeme::Or, _)) = self.peek() {
            self.next += 1;
            if !self.starts_operand() {
                return Err(QueryError::new(self.here(), "OR needs a word after it"));
            }
            alternatives.push(self.unary()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            QueryExpr::Or(alternatives)
        })
    }

    fn unary(&mut self) -> Result<QueryExpr, QueryError> {
        match self.peek() {
            Some((Lexeme::Not | Lexeme::Minus, at)) => {
                let operator = if matches!(self.peek(), Some((Lexeme::Not, _))) {
                    "NOT"
                } else {
                    "-"
                };
                self.next += 1;
                if !self.starts_operand() {
                    return Err(QueryError::new(
                        at,
                        format!("{operator} needs a word after it"),
                    ));
                }
                Ok(QueryExpr::Not(Box::new(self.unary()?)))
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<QueryExpr, QueryError> {
        let Some((lexeme, at)) = self.peek() else {
            return Err(QueryError::new(self.end, "a word is missing"));
        };
        self.next += 1;
        match lexeme {
            Lexeme::Word(word) => Ok(QueryExpr::Word(word.clone())),
            Lexeme::Phrase(phrase) => Ok(QueryExpr::Phrase(phrase.clone())),
            Lexeme::Open => {
                if let Some((Lexeme::Close, close)) = self.peek() {
                    return Err(QueryError::new(close, "empty parentheses"));
                }
                let inner = self.and()?;
                match self.peek() {
                    Some((Lexeme::Close, _)) => {
                        self.next += 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new(at, "`(` is never closed")),
                }
            }
            _ => Err(QueryError::new(at, "a word is missing")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QueryExpr::*;

    fn word(w: &str) -> QueryExpr {
        Word(w.into())
    }

    #[test]
    fn words_are_anded_and_or_binds_tighter() {
        assert_eq!(
            parse_query("解約 料金").unwrap(),
            And(vec![word("解約"), word("料金")])
        );
        assert_eq!(
            parse_query("解約 料金 OR 退会").unwrap(),
            And(vec![word("解約"), Or(vec![word("料金"), word("退会")])])
        );
        assert_eq!(
            parse_query("解約 AND 料金").unwrap(),
            And(vec![word("解約"), word("料金")])
        );
    }

    #[test]
    fn phrases_in_any_quotes() {
        for query in ["\"解約金を\"", "「解約金を」", "“解約金を”", "＂解約金を＂"]
        {
            assert_eq!(
                parse_query(query).unwrap(),
                Phrase("解約金を".into()),
                "{query}"
            );
        }
    }

    #[test]
    fn negation_and_groups() {
        assert_eq!(
            parse_query("（解約 OR 退会）　-電話").unwrap(),
            And(vec![
                Or(vec![word("解約"), word("退会")]),
                Not(Box::new(word("電話")))
            ])
        );
        assert_eq!(
            parse_query("NOT 電話").unwrap(),
            Not(Box::new(word("電話")))
        );
        // A hyphen inside a word is part of it.
        assert_eq!(parse_query("e-mail").unwrap(), word("e-mail"));
    }

    #[test]
    fn nothing_or_a_star_is_everything() {
        assert_eq!(parse_query("").unwrap(), All);
        assert_eq!(parse_query("  \u{3000}").unwrap(), All);
        assert_eq!(parse_query("*").unwrap(), All);
    }

    #[test]
    fn malformed_queries_say_what_and_where() {
        let cases = [
            ("(解約", 1, "`(` is never closed"),
            ("解約)", 3, "`)` without a matching `(`"),
            ("()", 2, "empty parentheses"),
            ("\"解約", 1, "the phrase opened by \" is never closed"),
            ("「」", 1, "empty phrase"),
            ("解約 OR", 6, "OR needs a word after it"),
            ("OR 解約", 1, "OR needs a word before it"),
            ("解約 NOT", 4, "NOT needs a word after it"),
            ("解約 -", 4, "- needs a word right after it"),
            ("AND 解約", 1, "AND needs a word before it"),
        ];
        for (query, at, message) in cases {
            let err = parse_query(query).unwrap_err();
            assert_eq!((err.at, err.message.as_str()), (at, message), "{query}");
        }
    }
}
