//! The `koe` command. Parsing and exit codes live here; everything else is in the library.

use std::process::ExitCode;

use clap::Parser;
use koe::cli::{Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match koe::cli::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(koe::cli::EXIT_PROBLEMS),
        Err(err) if koe::cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("koe: error: {err:#}");
            ExitCode::from(koe::cli::exit_code_for(&err))
        }
    }
}
