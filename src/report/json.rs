//! The report as JSON, for other tools: every number of [`MonthlyReport`], as computed.
//!
//! `{"month", "total", "no_cause", "causes": [{"id", "label", "count", "share",
//! "previous_count", "previous_share", "change_pp", "p_value", "significant", "mean_rating",
//! "top_terms", "quotes"}], "channels", "trend", "rising_terms", "index", "method", ...}`

use std::io::{self, Write};

use crate::report::MonthlyReport;

/// Writes `report` as pretty-printed JSON and a final newline.
pub fn write(report: &MonthlyReport, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
