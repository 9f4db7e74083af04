//! The report as one self-contained HTML page for managers: headline figures, the cause table,
//! inline SVG charts (cause shares per month as stacked bars, a small trend chart per cause),
//! channels, words, quotes and the method.
//!
//! The page loads nothing: no script, no web font, no image, no CDN; fonts are the system's
//! Japanese fonts. Every piece of text that comes from the data (feedback, words, channels,
//! labels, ids) goes through [`html`].

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::escape::html;
use crate::report::{CauseReport, MonthlyReport, ShareChange, Texts, arrow};

/// A cause's colour: fixed for koe's causes, derived from the id for others.
pub fn color(id: &str) -> &'static str {
    const PALETTE: [&str; 8] = [
        "#59a14f", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac", "#8cd17d", "#86bcb6",
    ];
    match id {
        "price" => "#e15759",
        "service_quality" => "#4e79a7",
        "onboarding" => "#f28e2b",
        "pushy_selling" => "#b07aa1",
        other => {
            let hash = other.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            PALETTE[(hash % PALETTE.len() as u64) as usize]
        }
    }
}

const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff;
  --up: #c0392b; --down: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font-family: "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP",
    "Yu Gothic", "Meiryo", sans-serif; font-size: 15px; line-height: 1.6; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; }
header h1 { margin: 0; font-size: 28px; letter-spacing: 0.02em; }
header p { margin: 4px 0 0; color: var(--muted); }
.summary { margin: 16px 0 0; padding: 12px 18px; background: #fffbea; border: 1px solid #f7e3a1;
  border-radius: 10px; font-size: 16px; }
.summary strong { margin-right: 10px; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 0; }
section, footer { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 24px; margin-top: 20px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 14px;
  background: none; border: none; padding: 0; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; }
.kpi .label { color: var(--muted); font-size: 13px; }
.kpi .value { font-size: 30px; font-weight: 700; line-height: 1.3; }
.kpi .note { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
th:first-child, td:first-child { text-align: left; }
tr.none td { color: var(--muted); }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 8px;
  vertical-align: -1px; }
.bar { display: inline-block; height: 10px; border-radius: 2px; vertical-align: 0; margin-left: 8px; }
.up { color: var(--up); font-weight: 700; }
.down { color: var(--down); font-weight: 700; }
.flat { color: var(--muted); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: var(--ink);
  border-radius: 9px; padding: 0 7px; margin-left: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 14px; }
.legend { display: flex; flex-wrap: wrap; gap: 16px; color: var(--muted); font-size: 13px; margin: 4px 0 6px; }
figure { margin: 0; }
figcaption { font-size: 14px; font-weight: 600; margin-bottom: 4px; }
svg text { font-family: inherit; }
.causes { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
.cause { border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; }
.cause .head { display: flex; align-items: baseline; gap: 10px; margin-bottom: 8px; }
.cause .head .figures { color: var(--muted); font-size: 13px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 10px; }
.chip { background: var(--bg); border: 1px solid var(--line); border-radius: 12px; padding: 1px 10px; font-size: 13px; }
.chip small { color: var(--muted); margin-left: 4px; }
blockquote { margin: 8px 0; padding: 6px 12px; border-left: 4px solid var(--line); background: var(--bg);
  border-radius: 0 6px 6px 0; }
blockquote .meta { display: block; color: var(--muted); font-size: 12px; margin-top: 2px; }
blockquote code { font-size: 12px; }
.muted { color: var(--muted); }
footer ul { margin: 0; padding-left: 20px; color: var(--muted); font-size: 13px; }
footer p { color: var(--muted); font-size: 12px; margin: 10px 0 0; }
"#;

/// Writes `report` as a self-contained HTML page.
pub fn write(report: &MonthlyReport, out: &mut impl Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}

/// The page as a string.
pub fn render(report: &MonthlyReport) -> String {
    let t = report.texts();
    let mut page = String::with_capacity(64 * 1024);
    let month_name = t.month_name(&report.month);
    let first = report.trend.first().map_or("", |m| m.month.as_str());
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} {month}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>{title}: {month}</h1><p>{previous_label} {previous} · {trend} {first} – {last}</p></header>\n",
        lang = t.lang,
        title = html(t.title),
        month = html(&month_name),
        previous_label = html(t.previous_month),
        previous = html(&t.month_name(&report.previous_month)),
        trend = html(t.trend_heading),
        last = html(&report.month),
        first = html(first),
    );
    let _ = writeln!(
        page,
        "<p class=\"summary\"><strong>{}</strong> {}</p>",
        html(t.summary),
        html(&report.summary())
    );
    kpis(&mut page, report, t);
    cause_table(&mut page, report, t);
    trend_section(&mut page, report, t);
    channel_table(&mut page, report, t);
    words_and_quotes(&mut page, report, t);
    rising(&mut page, report, t);
    footer(&mut page, report, t);
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

/// The class of a change: coloured only when significant (more complaints are bad).
fn change_class(change: &ShareChange) -> &'static str {
    match change.change_pp {
        Some(pp) if change.significant && pp > 0.0 => "up",
        Some(pp) if change.significant && pp < 0.0 => "down",
        _ => "flat",
    }
}

fn p_value_title(t: &Texts, change: &ShareChange) -> String {
    match change.p_value {
        Some(p) if p < 0.0001 => "p &lt; 0.0001".to_owned(),
        Some(p) => format!("p = {p:.4}"),
        None => html(t.not_tested).into_owned(),
    }
}

fn change_cell(t: &Texts, change: &ShareChange) -> String {
    let badge = if change.significant {
        format!("<span class=\"badge\">{}</span>", html(t.significant))
    } else {
        String::new()
    };
    format!(
        "<span class=\"{}\" title=\"{}\">{} {}</span>{}",
        change_class(change),
        p_value_title(t, change),
        arrow(change.change_pp),
        html(&t.change(change.change_pp)),
        badge
    )
}

fn kpis(page: &mut String, report: &MonthlyReport, t: &Texts) {
    page.push_str("<section class=\"kpis\">\n");
    let difference = report.total as i64 - report.previous_total as i64;
    let _ = writeln!(
        page,
        "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
         <div class=\"note\">{} {} ({}{})</div></div>",
        html(t.total),
        report.total,
        html(t.previous_month),
        report.previous_total,
        if difference >= 0 { "+" } else { "−" },
        difference.unsigned_abs()
    );
    let _ = writeln!(
        page,
        "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
         <div class=\"note\">{}</div></div>",
        html(t.no_cause_share),
        t.percent(report.no_cause.share),
        change_cell(t, &report.no_cause)
    );
    if let Some(mover) = report.biggest_mover() {
        let _ = writeln!(
            page,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">\
             <span class=\"swatch\" style=\"background:{}\"></span>{} <span class=\"{}\">{}</span></div>\
             <div class=\"note\">{} → {} · {}</div></div>",
            html(t.biggest_mover),
            color(&mover.id),
            html(&mover.label),
            change_class(&mover.change),
            arrow(mover.change.change_pp),
            mover
                .change
                .previous_share
                .map_or_else(|| "–".to_owned(), |s| t.percent(s)),
            t.percent(mover.change.share),
            change_cell(t, &mover.change)
        );
    }
    if report.rated > 0 {
        let _ = writeln!(
            page,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
             <div class=\"note\">{} {}</div></div>",
            html(t.mean_rating),
            report
                .mean_rating
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}")),
            html(t.previous_month),
            report
                .previous_mean_rating
                .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}")),
        );
    }
    page.push_str("</section>\n");
}

fn cause_table(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let ratings = report.rated > 0;
    let max_share = report
        .causes
        .iter()
        .map(|c| c.change.share)
        .fold(0.0f64, f64::max)
        .max(0.01);
    let _ = write!(
        page,
        "<section>\n<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>{}</tr>\n",
        html(t.causes_heading),
        html(t.cause),
        html(t.count),
        html(t.share),
        html(t.previous),
        html(t.change),
        if ratings {
            format!("<th>{}</th>", html(t.mean_rating))
        } else {
            String::new()
        }
    );
    for cause in &report.causes {
        let width = (cause.change.share / max_share * 160.0).round();
        let _ = writeln!(
            page,
            "<tr><td><span class=\"swatch\" style=\"background:{color}\"></span>{label}</td><td>{count}</td>\
             <td>{share}<span class=\"bar\" style=\"width:{width}px;background:{color}\"></span></td>\
             <td>{previous_count} ({previous_share})</td><td>{change}</td>{rating}</tr>",
            color = color(&cause.id),
            label = html(&cause.label),
            count = cause.change.count,
            share = t.percent(cause.change.share),
            previous_count = cause.change.previous_count,
            previous_share = cause
                .change
                .previous_share
                .map_or_else(|| "–".to_owned(), |s| t.percent(s)),
            change = change_cell(t, &cause.change),
            rating = if ratings {
                format!(
                    "<td>{}</td>",
                    cause
                        .mean_rating
                        .map_or_else(|| "–".to_owned(), |r| format!("{r:.2}"))
                )
            } else {
                String::new()
            }
        );
    }
    let none = &report.no_cause;
    let _ = write!(
        page,
        "<tr class=\"none\"><td><span class=\"swatch\" style=\"background:#cbd2d9\"></span>{}</td><td>{}</td><td>{}</td>\
         <td>{} ({})</td><td>{}</td>{}</tr>\n</table>\n</section>\n",
        html(t.no_cause),
        none.count,
        t.percent(none.share),
        none.previous_count,
        none.previous_share
            .map_or_else(|| "–".to_owned(), |s| t.percent(s)),
        change_cell(t, none),
        if ratings { "<td></td>" } else { "" }
    );
}

/// A month's short label: `3月` / `Mar`.
fn short_month(t: &Texts, month: &str) -> String {
    let number: usize = month
        .split_once('-')
        .and_then(|(_, m)| m.parse().ok())
        .unwrap_or(0);
    if t.lang == "en" {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        NAMES
            .get(number.wrapping_sub(1))
            .copied()
            .unwrap_or(month)
            .to_owned()
    } else {
        format!("{number}月")
    }
}

/// A round upper bound for an axis of shares: the next multiple of `step`.
fn axis_max(max: f64, step: f64) -> f64 {
    ((max / step).ceil() * step).max(step)
}

fn trend_section(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let _ = write!(page, "<section>\n<h2>{}</h2>\n", html(t.trend_heading));
    // Legend.
    page.push_str("<div class=\"legend\">");
    for cause in &report.causes {
        let _ = write!(
            page,
            "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
            color(&cause.id),
            html(&cause.label)
        );
    }
    page.push_str("</div>\n");
    stacked_bars(page, report, t);
    let _ = write!(
        page,
        "<h3 style=\"margin-top:18px\">{}</h3>\n<div class=\"charts\">\n",
        html(t.trend_lines)
    );
    for (i, cause) in report.causes.iter().enumerate() {
        small_multiple(page, report, t, i, cause);
    }
    page.push_str("</div>\n</section>\n");
}

fn stacked_bars(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let (width, height) = (1130.0, 300.0);
    let (left, right, top, bottom) = (48.0, 10.0, 12.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let sums: Vec<f64> = report
        .trend
        .iter()
        .map(|m| m.causes.iter().map(|c| c.share).sum())
        .collect();
    let max = sums.iter().copied().fold(0.0, f64::max);
    let step = if max > 0.5 { 0.1 } else { 0.05 };
    let top_value = axis_max(max, step);
    let y = |share: f64| top + plot_h - share / top_value * plot_h;
    let _ = write!(
        page,
        "<figure><figcaption>{}</figcaption>\n<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        html(t.trend_stacked),
        html(t.trend_stacked)
    );
    // Grid and axis labels.
    let mut tick = 0.0;
    while tick <= top_value + 1e-9 {
        let _ = writeln!(
            page,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e4e7eb\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#616e7c\" text-anchor=\"end\">{:.0}%</text>",
            left + plot_w,
            left - 6.0,
            y(tick) + 4.0,
            tick * 100.0,
            y = y(tick)
        );
        tick += step;
    }
    let months = report.trend.len().max(1) as f64;
    let slot = plot_w / months;
    let bar = slot * 0.62;
    for (m, month) in report.trend.iter().enumerate() {
        let x = left + slot * m as f64 + (slot - bar) / 2.0;
        let current = month.month == report.month;
        let mut base = 0.0;
        for cause in &month.causes {
            if cause.share <= 0.0 {
                continue;
            }
            let label = report
                .causes
                .iter()
                .find(|c| c.id == cause.id)
                .map_or(cause.id.as_str(), |c| c.label.as_str());
            let _ = writeln!(
                page,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"{}>\
                 <title>{} {}: {} ({})</title></rect>",
                y(base + cause.share),
                (cause.share / top_value * plot_h).max(0.0),
                color(&cause.id),
                if current {
                    ""
                } else {
                    " fill-opacity=\"0.78\""
                },
                html(&month.month),
                html(label),
                t.percent(cause.share),
                cause.count
            );
            base += cause.share;
        }
        let total_share: f64 = month.causes.iter().map(|c| c.share).sum();
        if month.total > 0 {
            let _ = writeln!(
                page,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#616e7c\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                y(total_share) - 4.0,
                t.percent(total_share)
            );
        }
        let year_label = m == 0 || month.month.ends_with("-01");
        let _ = writeln!(
            page,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{}\" text-anchor=\"middle\"{}>{}</text>",
            x + bar / 2.0,
            top + plot_h + 17.0,
            if current { "#1f2933" } else { "#616e7c" },
            if current { " font-weight=\"700\"" } else { "" },
            html(&short_month(t, &month.month))
        );
        if year_label {
            let _ = writeln!(
                page,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#9aa5b1\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                top + plot_h + 33.0,
                html(month.month.split('-').next().unwrap_or(""))
            );
        }
    }
    page.push_str("</svg></figure>\n");
}

fn small_multiple(
    page: &mut String,
    report: &MonthlyReport,
    t: &Texts,
    index: usize,
    cause: &CauseReport,
) {
    let (width, height) = (280.0, 130.0);
    let (left, right, top, bottom) = (36.0, 12.0, 10.0, 22.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let shares: Vec<f64> = report
        .trend
        .iter()
        .map(|m| m.causes.get(index).map_or(0.0, |c| c.share))
        .collect();
    let max = shares.iter().copied().fold(0.0, f64::max);
    let top_value = axis_max(max, 0.05);
    let n = shares.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + plot_w * i as f64 / n;
    let y = |share: f64| top + plot_h - share / top_value * plot_h;
    let c = color(&cause.id);
    let _ = write!(
        page,
        "<figure><figcaption><span class=\"swatch\" style=\"background:{c}\"></span>{} \
         <span class=\"muted\">{} ({})</span></figcaption>\n\
         <svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n",
        html(&cause.label),
        t.percent(cause.change.share),
        html(&t.change(cause.change.change_pp)),
        html(&cause.label)
    );
    for tick in [0.0, top_value / 2.0, top_value] {
        let _ = writeln!(
            page,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e4e7eb\"/>",
            left + plot_w,
            y = y(tick)
        );
    }
    // Labels on the bottom and top lines only: the middle one is often a fraction (7.5%).
    for tick in [0.0, top_value] {
        let _ = writeln!(
            page,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#616e7c\" text-anchor=\"end\">{:.0}%</text>",
            left - 4.0,
            y(tick) + 3.0,
            tick * 100.0
        );
    }
    let points: Vec<String> = shares
        .iter()
        .enumerate()
        .map(|(i, &s)| format!("{:.1},{:.1}", x(i), y(s)))
        .collect();
    let _ = writeln!(
        page,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>",
        points.join(" ")
    );
    for (i, (&share, month)) in shares.iter().zip(&report.trend).enumerate() {
        let current = month.month == report.month;
        let _ = writeln!(
            page,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{}\" stroke=\"{c}\" stroke-width=\"1.5\">\
             <title>{}: {}</title></circle>",
            x(i),
            y(share),
            if current { 4.5 } else { 2.5 },
            if current { c } else { "#ffffff" },
            html(&month.month),
            t.percent(share)
        );
    }
    if let (Some(first), Some(last)) = (report.trend.first(), report.trend.last()) {
        let _ = writeln!(
            page,
            "<text x=\"{left}\" y=\"{:.1}\" font-size=\"10\" fill=\"#616e7c\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#616e7c\" text-anchor=\"end\">{}</text>",
            height - 5.0,
            html(&first.month),
            left + plot_w,
            height - 5.0,
            html(&last.month)
        );
    }
    page.push_str("</svg></figure>\n");
}

fn channel_table(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let _ = write!(
        page,
        "<section>\n<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th>",
        html(t.channels_heading),
        html(t.channel),
        html(t.total)
    );
    for cause in &report.causes {
        let _ = write!(
            page,
            "<th><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
            color(&cause.id),
            html(&cause.label)
        );
    }
    let _ = writeln!(page, "<th>{}</th></tr>", html(t.no_cause));
    for channel in &report.channels {
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{} <span class=\"muted\">({} {})</span></td>",
            html(t.channel_name(&channel.channel)),
            channel.total,
            html(t.previous),
            channel.previous_total
        );
        for change in channel
            .causes
            .iter()
            .map(|c| &c.change)
            .chain([&channel.no_cause])
        {
            let _ = write!(
                page,
                "<td>{}<br><small>{}</small></td>",
                t.percent(change.share),
                change_cell(t, change)
            );
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table>\n</section>\n");
}

fn words_and_quotes(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let _ = write!(
        page,
        "<section>\n<h2>{}</h2>\n<div class=\"causes\">\n",
        html(t.terms_heading)
    );
    for cause in &report.causes {
        let _ = writeln!(
            page,
            "<div class=\"cause\"><div class=\"head\"><h3><span class=\"swatch\" style=\"background:{}\"></span>{}</h3>\
             <span class=\"figures\">{} {} · {} · {}</span></div>",
            color(&cause.id),
            html(&cause.label),
            cause.change.count,
            html(t.rows),
            t.percent(cause.change.share),
            change_cell(t, &cause.change)
        );
        let _ = write!(
            page,
            "<div class=\"muted\" style=\"font-size:13px\">{}</div><div class=\"chips\">",
            html(t.top_terms)
        );
        if cause.top_terms.is_empty() {
            let _ = write!(page, "<span class=\"muted\">{}</span>", html(t.no_terms));
        }
        for term in &cause.top_terms {
            let _ = write!(
                page,
                "<span class=\"chip\" title=\"z = {:.2}\">{}<small>{}</small></span>",
                term.z,
                html(&term.term),
                term.count
            );
        }
        page.push_str("</div>\n");
        let _ = writeln!(
            page,
            "<div class=\"muted\" style=\"font-size:13px\">{}</div>",
            html(t.quotes)
        );
        if cause.quotes.is_empty() {
            let _ = writeln!(page, "<p class=\"muted\">{}</p>", html(t.no_quotes));
        }
        for quote in &cause.quotes {
            let mut meta = vec![format!("<code>{}</code>", html(&quote.id))];
            meta.extend(quote.date.as_deref().map(|d| html(d).into_owned()));
            meta.extend(quote.channel.as_deref().map(|c| html(c).into_owned()));
            if let Some(rating) = quote.rating {
                meta.push(format!("{} {}", html(t.rating), rating));
            }
            let _ = writeln!(
                page,
                "<blockquote>{}<span class=\"meta\">{}</span></blockquote>",
                html(&quote.text),
                meta.join(" · ")
            );
        }
        page.push_str("</div>\n");
    }
    page.push_str("</div>\n</section>\n");
}

fn rising(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let _ = write!(
        page,
        "<section>\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n",
        html(t.rising_heading),
        html(t.rising_intro)
    );
    if report.rising_terms.is_empty() {
        let _ = writeln!(page, "<p class=\"muted\">{}</p>", html(t.no_rising));
    } else {
        let earlier_months = report.trend.len().saturating_sub(1).max(1) as f64;
        let max_z = report
            .rising_terms
            .iter()
            .map(|r| r.z)
            .fold(0.0f64, f64::max)
            .max(1.0);
        let _ = writeln!(
            page,
            "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>z</th></tr>",
            html(t.word),
            html(t.this_month),
            html(t.earlier_months)
        );
        for term in &report.rising_terms {
            let _ = writeln!(
                page,
                "<tr><td><strong>{}</strong></td><td>{}</td><td>{} <span class=\"muted\">(≈{:.1}/{})</span></td>\
                 <td>{:.2}<span class=\"bar\" style=\"width:{:.0}px;background:#1f2933\"></span></td></tr>",
                html(&term.term),
                term.count,
                term.rest_count,
                term.rest_count as f64 / earlier_months,
                html(t.month),
                term.z,
                (term.z / max_z * 120.0).round()
            );
        }
        page.push_str("</table>\n");
    }
    page.push_str("</section>\n");
}

fn footer(page: &mut String, report: &MonthlyReport, t: &Texts) {
    let _ = write!(
        page,
        "<footer>\n<h2>{}</h2>\n<ul>\n",
        html(t.method_heading)
    );
    for line in t.footnotes() {
        // Backquotes mark commands in Markdown; here they would be noise.
        let _ = writeln!(page, "<li>{}</li>", html(&line.replace('`', "")));
    }
    let _ = writeln!(
        page,
        "<li>{}: {} ({} – {}) · {}: {}</li>\n</ul>\n<p>koe {}</p>\n</footer>",
        html(t.footnote_index),
        report.index.rows,
        html(&report.index.first_month),
        html(&report.index.last_month),
        html(t.footnote_undated),
        report.index.undated,
        env!("CARGO_PKG_VERSION")
    );
}
