//! Helpers shared by the integration tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The `koe` binary under test.
pub fn koe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_koe"))
}

/// Runs `koe ARGS` with `stdin` as standard input, in `dir` when given.
pub fn run(args: &[&str], stdin: &[u8], dir: Option<&Path>) -> Output {
    let mut command = koe();
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("koe starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin accepts the input");
    child.wait_with_output().expect("koe finishes")
}

/// Standard output as UTF-8.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as UTF-8 (lossy).
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that a command exited with `code`, printing its output when it did not.
#[macro_export]
macro_rules! assert_exit {
    ($output:expr, $code:expr) => {{
        let output = &$output;
        assert_eq!(
            output.status.code(),
            Some($code),
            "unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }};
}
