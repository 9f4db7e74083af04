//! Escaping of feedback text for the places it lands: HTML pages and spreadsheet cells.
//!
//! Feedback is written by strangers. In HTML it must not become markup; in a CSV opened by Excel
//! a cell starting with `=`, `+`, `-`, `@` (or a tab or carriage return) would be read as a
//! formula ("CSV injection"), so such cells get a leading apostrophe, as OWASP recommends.

use std::borrow::Cow;

/// `text` with `& < > " '` replaced by entities.
pub fn html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` made safe as a spreadsheet cell: a leading `'` when it would start a formula.
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("料金が高い"), "料金が高い");
    }

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(spreadsheet_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_cell("-1"), "'-1");
        assert_eq!(spreadsheet_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_cell("料金"), "料金");
        assert_eq!(spreadsheet_cell(""), "");
    }
}
