//! koe (声): an analyzer of Japanese customer feedback.
//!
//! The library is organised by pipeline stage; the `koe` binary is a thin command line over it.
//!
//! - [`text`]: normalization and tokenization (IPADIC via lindera, embedded);
//! - [`feedback`]: the record every stage passes along;
//! - [`classify`]: churn-cause tagging with evidence;
//! - [`cli`]: the command-line interface, one file per subcommand.

pub mod classify;
pub mod cli;
pub mod feedback;
pub mod text;
