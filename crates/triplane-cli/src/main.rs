//! `triplane`: everything the app does, from a terminal. Each subcommand parses its
//! arguments, calls one use case in `triplane-api` and prints the result; nothing else.
//!
//! Exit codes (the same for every subcommand):
//! 0 success; 1 the command ran and found problems; 2 usage error; 3 runtime failure.

mod bench;
mod deployment;
mod export;
mod keys;
mod output;
mod quality;
mod simulate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the command ran and found problems (an invalid file, a failed verification,
     policy violations when asked to fail on them)
  2  usage error (bad arguments, a file that does not exist)
  3  runtime failure (I/O, network, database)";

/// Plan AI-agent deployments under data-sovereignty constraints.
#[derive(Parser)]
#[command(name = "triplane", version, after_help = EXIT_CODES, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check deployment files; prints `FILE:LINE:COL: error: MESSAGE` per problem on stderr.
    Check(deployment::CheckArgs),
    /// Show a deployment per plane: sites, operator chains, exposure per law, visibility.
    Show(deployment::ShowArgs),
    /// Search the catalog of operators, sites, offerings and laws.
    Catalog(deployment::CatalogArgs),
    /// Export a deployment as a bundle (folder or `.tar.gz`), optionally signed.
    Export(export::ExportArgs),
    /// Verify a bundle against its manifest and signature; exit 1 naming each file that
    /// differs, is missing or was added.
    Verify(export::VerifyArgs),
    /// Make a minisign key pair for signing bundles, outside any project.
    Keygen(export::KeygenArgs),
    /// Capture or check MCP tool pins against a live server.
    Pins(export::PinsArgs),
    /// Simulate the agent loop's data flows: scorecard, exposure matrix, violations.
    Simulate(simulate::SimulateArgs),
    /// Simulate several deployments with the same seed and show them side by side.
    Compare(simulate::CompareArgs),
    /// Benchmark model endpoints (latency) and browse stored runs.
    Bench(bench::BenchArgs),
    /// Store, show (masked) or delete API keys in the OS keychain.
    Keys(keys::KeysArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => deployment::check(args),
        Command::Show(args) => deployment::show(args),
        Command::Catalog(args) => deployment::catalog(args),
        Command::Export(args) => export::export(args),
        Command::Verify(args) => export::verify(args),
        Command::Keygen(args) => export::keygen(args),
        Command::Pins(args) => export::pins(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Compare(args) => simulate::compare(args),
        Command::Bench(args) => bench::bench(args),
        Command::Keys(args) => keys::keys(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => output::fail(&e),
    }
}
