//! The report as Markdown, for chat and wikis: the headline, the cause table, channels, the
//! trend as a table, words, quotes and the method. Feedback text is HTML-escaped (wikis render
//! HTML inside Markdown) and Markdown's own special characters are escaped.

use std::io::{self, Write};

use crate::escape::html;
use crate::report::{MonthlyReport, ShareChange, arrow};

/// `text` safe inside Markdown: HTML-escaped, Markdown punctuation backslash-escaped, on one
/// line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in html(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `*` for a significant change.
fn significance(change: &ShareChange) -> &'static str {
    if change.significant { "*" } else { "" }
}

fn rating(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

/// Writes `report` as Markdown.
pub fn write(report: &MonthlyReport, out: &mut impl Write) -> io::Result<()> {
    let t = report.texts();
    let has_ratings = report.trend.iter().any(|m| m.mean_rating.is_some());
    writeln!(out, "# {}: {}\n", t.title, t.month_name(&report.month))?;

    // Headline.
    writeln!(out, "**{}**: {}\n", t.summary, escape(&report.summary()))?;
    writeln!(
        out,
        "- **{}**: {} ({}: {})",
        t.total, report.total, t.previous_month, report.previous_total
    )?;
    writeln!(
        out,
        "- **{}**: {} ({}){}",
        t.no_cause_share,
        t.percent(report.no_cause.share),
        t.change(report.no_cause.change_pp),
        significance(&report.no_cause)
    )?;
    if let Some(mover) = report.biggest_mover() {
        writeln!(
            out,
            "- **{}**: {} {} {}{}",
            t.biggest_mover,
            escape(&mover.label),
            arrow(mover.change.change_pp),
            t.change(mover.change.change_pp),
            significance(&mover.change)
        )?;
    }
    if has_ratings {
        writeln!(
            out,
            "- **{}**: {} ({}: {})",
            t.mean_rating,
            rating(report.mean_rating),
            t.previous_month,
            rating(report.previous_mean_rating)
        )?;
    }

    // Causes.
    writeln!(out, "\n## {}\n", t.causes_heading)?;
    write!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        t.cause, t.count, t.share, t.previous, t.change, t.significant
    )?;
    if has_ratings {
        write!(out, " {} |", t.mean_rating)?;
    }
    writeln!(out)?;
    write!(out, "|---|---:|---:|---:|---:|:---:|")?;
    if has_ratings {
        write!(out, "---:|")?;
    }
    writeln!(out)?;
    let cause_rows = report
        .causes
        .iter()
        .map(|c| (escape(&c.label), &c.change, c.mean_rating))
        .chain(std::iter::once((
            t.no_cause.to_owned(),
            &report.no_cause,
            None,
        )));
    for (label, change, mean) in cause_rows {
        write!(
            out,
            "| {} | {} | {} | {} ({}) | {} | {} |",
            label,
            change.count,
            t.percent(change.share),
            change.previous_count,
            change
                .previous_share
                .map_or_else(|| "–".to_owned(), |s| t.percent(s)),
            t.change(change.change_pp),
            significance(change)
        )?;
        if has_ratings {
            write!(out, " {} |", rating(mean))?;
        }
        writeln!(out)?;
    }

    // Channels.
    writeln!(out, "\n## {}\n", t.channels_heading)?;
    write!(out, "| {} | {} |", t.channel, t.total)?;
    for cause in &report.causes {
        write!(out, " {} |", escape(&cause.label))?;
    }
    writeln!(out, " {} |", t.no_cause)?;
    write!(out, "|---|---:|")?;
    for _ in 0..=report.causes.len() {
        write!(out, "---:|")?;
    }
    writeln!(out)?;
    for channel in &report.channels {
        write!(
            out,
            "| {} | {} |",
            escape(t.channel_name(&channel.channel)),
            channel.total
        )?;
        for cause in channel
            .causes
            .iter()
            .map(|c| &c.change)
            .chain([&channel.no_cause])
        {
            write!(
                out,
                " {} ({}){} |",
                t.percent(cause.share),
                t.change(cause.change_pp),
                significance(cause)
            )?;
        }
        writeln!(out)?;
    }

    // Trend.
    writeln!(out, "\n## {}\n", t.trend_heading)?;
    write!(out, "| {} | {} |", t.month, t.total)?;
    for cause in &report.causes {
        write!(out, " {} |", escape(&cause.label))?;
    }
    write!(out, " {} |", t.no_cause)?;
    if has_ratings {
        write!(out, " {} |", t.mean_rating)?;
    }
    writeln!(out)?;
    write!(out, "|---|---:|")?;
    for _ in 0..=report.causes.len() {
        write!(out, "---:|")?;
    }
    if has_ratings {
        write!(out, "---:|")?;
    }
    writeln!(out)?;
    for month in &report.trend {
        write!(out, "| {} | {} |", month.month, month.total)?;
        for cause in &month.causes {
            write!(out, " {} |", t.percent(cause.share))?;
        }
        write!(out, " {} |", t.percent(month.no_cause_share))?;
        if has_ratings {
            write!(out, " {} |", rating(month.mean_rating))?;
        }
        writeln!(out)?;
    }

    // Words and quotes.
    writeln!(out, "\n## {}", t.terms_heading)?;
    for cause in &report.causes {
        writeln!(
            out,
            "\n### {} ({}, {})\n",
            escape(&cause.label),
            cause.change.count,
            t.percent(cause.change.share)
        )?;
        if cause.top_terms.is_empty() {
            writeln!(out, "{}: {}", t.top_terms, t.no_terms)?;
        } else {
            let words: Vec<String> = cause
                .top_terms
                .iter()
                .map(|term| format!("{} ({})", escape(&term.term), term.count))
                .collect();
            writeln!(out, "{}: {}", t.top_terms, words.join("、"))?;
        }
        writeln!(out)?;
        if cause.quotes.is_empty() {
            writeln!(out, "{}: {}", t.quotes, t.no_quotes)?;
        }
        for quote in &cause.quotes {
            let mut about = vec![format!("`{}`", quote.id.replace('`', "'"))];
            about.extend(quote.date.clone());
            about.extend(quote.channel.as_deref().map(escape));
            writeln!(
                out,
                "> {}  \n> — {}\n",
                escape(&quote.text),
                about.join(" · ")
            )?;
        }
    }

    writeln!(out, "\n## {}\n", t.rising_heading)?;
    writeln!(out, "{}\n", t.rising_intro)?;
    if report.rising_terms.is_empty() {
        writeln!(out, "{}", t.no_rising)?;
    } else {
        writeln!(
            out,
            "| {} | {} | {} | z |",
            t.word, t.this_month, t.earlier_months
        )?;
        writeln!(out, "|---|---:|---:|---:|")?;
        for term in &report.rising_terms {
            writeln!(
                out,
                "| {} | {} | {} | {:.2} |",
                escape(&term.term),
                term.count,
                term.rest_count,
                term.z
            )?;
        }
    }

    writeln!(out, "\n## {}\n", t.method_heading)?;
    for line in t.footnotes() {
        writeln!(out, "- {line}")?;
    }
    writeln!(
        out,
        "- {}: {} ({} .. {}); {}: {}",
        t.footnote_index,
        report.index.rows,
        report.index.first_month,
        report.index.last_month,
        t.footnote_undated,
        report.index.undated
    )?;
    Ok(())
}
