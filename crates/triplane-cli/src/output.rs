//! Printing shared by the subcommands: JSON to stdout, errors to stderr with their exit code.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use triplane_api::ApiError;

/// `print!` on stdout through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*), false) };
}

/// `println!` on stdout through [`write_stdout`].
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*), true) };
}

pub(crate) use {out, outln};

/// Writes to stdout; when the reader has gone (`triplane simulate … | head`), ends the process
/// with exit code 0 and nothing on stderr. Rust ignores SIGPIPE, so `println!` would panic
/// there with a backtrace; a reader that stopped reading is not a failure of the command.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| if newline { stdout.write_all(b"\n") } else { Ok(()) })
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(3);
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| ApiError::runtime(format!("cannot write JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}

/// Prints an error and its diagnostics on stderr; returns the matching exit code.
pub fn fail(e: &ApiError) -> ExitCode {
    for d in &e.diagnostics {
        eprintln!("{d}");
    }
    eprintln!("error: {}", e.message);
    ExitCode::from(e.code.exit_code() as u8)
}

/// Runs a long async use case on a tokio runtime with a progress bar on stderr (prefix,
/// bar, `pos/len`, message). Ctrl-C cancels the token; the use case keeps what it measured.
pub fn with_progress<T, F, Fut>(prefix: &str, job: F) -> Result<T, ApiError>
where
    F: FnOnce(triplane_api::bench::CancellationToken, indicatif::ProgressBar) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| ApiError::runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let cancel = triplane_api::bench::CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_prefix(prefix.to_owned());
        let result = job(cancel, bar.clone()).await;
        bar.finish_and_clear();
        result
    })
}
