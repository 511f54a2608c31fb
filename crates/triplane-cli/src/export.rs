//! `export`, `verify`, `keygen` and `pins`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use triplane_api::export as ex;
use triplane_api::ApiError;
use triplane_export::bundle::SignatureStatus;

use crate::output;

#[derive(Args)]
pub struct ExportArgs {
    /// A deployment file (or `example:NAME`).
    file: String,
    /// A new or empty folder, or with --archive a new `.tar.gz` file.
    #[arg(long)]
    out: PathBuf,
    /// Write one deterministic `.tar.gz` instead of a folder.
    #[arg(long)]
    archive: bool,
    /// A minisign secret key (from `triplane keygen`) to sign the manifest with.
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn export(args: ExportArgs) -> Result<u8, ApiError> {
    let s = ex::export(&args.file, &args.out, args.archive, args.sign.as_deref())?;
    if args.json {
        output::json(&s)?;
    } else {
        let signed = if s.signed { ", signed" } else { "" };
        eprintln!("wrote {} files to `{}`{signed} in {} ms", s.files.len(), s.out, s.millis);
    }
    Ok(0)
}

#[derive(Args)]
pub struct VerifyArgs {
    /// A bundle folder or `.tar.gz`.
    bundle: PathBuf,
    /// The minisign public key the signature must verify with.
    #[arg(long, value_name = "FILE")]
    pubkey: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn verify(args: VerifyArgs) -> Result<u8, ApiError> {
    let r = ex::verify(&args.bundle, args.pubkey.as_deref())?;
    if args.json {
        output::json(&r)?;
    } else {
        if let Some(e) = &r.manifest_error {
            eprintln!("error: {e}");
        }
        for p in &r.changed {
            eprintln!("changed: `{p}`");
        }
        for p in &r.missing {
            eprintln!("missing: `{p}`");
        }
        for p in &r.added {
            eprintln!("added: `{p}`");
        }
        match &r.signature {
            SignatureStatus::Verified { trusted_comment } => {
                eprintln!("signature: verified ({trusted_comment})")
            }
            SignatureStatus::NotChecked => {
                eprintln!("signature: present, not checked (pass --pubkey)")
            }
            SignatureStatus::Unsigned => eprintln!("signature: none"),
            SignatureStatus::Invalid { reason } => eprintln!("signature: INVALID: {reason}"),
        }
        eprintln!("{}", if r.ok() { "bundle verified" } else { "bundle FAILED verification" });
    }
    Ok(if r.ok() { 0 } else { 1 })
}

#[derive(Args)]
pub struct KeygenArgs {
    /// Folder for `triplane.key` and `triplane.pub` (default: the OS config directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn keygen(args: KeygenArgs) -> Result<u8, ApiError> {
    let k = ex::keygen(args.dir.as_deref())?;
    if args.json {
        output::json(&k)?;
    } else {
        eprintln!("secret key: {} (keep it out of projects and repositories)", k.secret_key);
        eprintln!("public key: {}", k.public_key);
    }
    Ok(0)
}

#[derive(Args)]
pub struct PinsArgs {
    #[command(subcommand)]
    command: PinsCommand,
}

#[derive(Subcommand)]
enum PinsCommand {
    /// Capture a live MCP server's `tools/list` (Streamable HTTP). With --deployment and
    /// --server, record it as that server's `mcp.tools` in the deployment file (written to a
    /// temporary file and renamed over it); without them, print it as JSON.
    ///
    /// The server's `mcp.url` in the file must be URL, its approved tools must all be listed,
    /// or nothing is written and the field is named. The file's other content is kept, but
    /// not its comments: Triplane's YAML writer drops them.
    Capture {
        url: String,
        /// The deployment file to record the tools into.
        #[arg(long, value_name = "FILE", requires = "server")]
        deployment: Option<PathBuf>,
        /// The id of the MCP server component in that file.
        #[arg(long, value_name = "ID", requires = "deployment")]
        server: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Compare a live MCP server with a bundle's pins; exit 1 naming each added, removed or
    /// changed tool and field.
    Check {
        /// A bundle folder or `.tar.gz`.
        bundle: PathBuf,
        /// The server's URL (default: the pinned one).
        #[arg(long)]
        server: Option<String>,
        /// Which pinned server, when the bundle pins several.
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn pins(args: PinsArgs) -> Result<u8, ApiError> {
    match args.command {
        PinsCommand::Capture { url, deployment: Some(file), server: Some(server), json } => {
            let r = ex::pins_record(&url, &file, &server)?;
            if json {
                output::json(&r)?;
            } else {
                let again = if r.replaced { ", replacing the tools approved before" } else { "" };
                eprintln!(
                    "recorded {} tools of `{url}` as `{}` in `{}`{again}",
                    r.tools.len(),
                    r.field,
                    r.file
                );
                eprintln!(
                    "note: comments in the file are not kept; review the diff, then re-export"
                );
            }
            Ok(0)
        }
        PinsCommand::Capture { url, .. } => {
            let tools = ex::pins_capture(&url)?;
            output::json(&tools)?;
            eprintln!("{} tools from `{url}`", tools.len());
            Ok(0)
        }
        PinsCommand::Check { bundle, server, name, json } => {
            let c = ex::pins_check(&bundle, name.as_deref(), server.as_deref())?;
            if json {
                output::json(&c)?;
            } else {
                for t in &c.diff.added {
                    eprintln!("added: tool `{t}` is not approved");
                }
                for t in &c.diff.removed {
                    eprintln!("removed: tool `{t}`");
                }
                for (t, fields) in &c.diff.changed {
                    let f: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                    eprintln!("changed: tool `{t}`: {}", f.join(", "));
                }
                let verdict = if c.ok() {
                    "match the pins"
                } else {
                    "DIFFER from the pins: re-approve before starting"
                };
                eprintln!("`{}` at {}: tools {verdict}", c.server, c.url);
            }
            Ok(if c.ok() { 0 } else { 1 })
        }
    }
}
