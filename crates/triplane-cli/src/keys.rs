//! `triplane keys set|show|delete NAME`: API keys in the OS keychain. `set` reads the key
//! from standard input, never from an argument, so it stays out of shell history and `ps`.

use std::io::Read;

use clap::{Args, Subcommand};
use triplane_api::{keys, ApiError};

use crate::output::{self, outln};

#[derive(Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    action: Action,
    /// Print JSON (`{name, stored, masked}`) instead of a line.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Action {
    /// Store a key read from standard input (one line), replacing any previous one.
    Set { name: String },
    /// Say whether a key is stored, showing at most its last four characters.
    Show { name: String },
    /// Remove a key.
    Delete { name: String },
}

pub fn keys(args: KeysArgs) -> Result<u8, ApiError> {
    let status = match &args.action {
        Action::Set { name } => {
            let mut secret = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut secret)
                .map_err(|e| ApiError::runtime(format!("cannot read the key from stdin: {e}")))?;
            keys::set(name, &secret)?
        }
        Action::Show { name } => keys::status(name)?,
        Action::Delete { name } => keys::delete(name)?,
    };
    if args.json {
        output::json(&status)?;
    } else if status.stored {
        outln!("{}: stored ({})", status.name, status.masked.as_deref().unwrap_or("••••"));
    } else {
        outln!("{}: not stored", status.name);
    }
    Ok(0)
}
