//! API keys in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), under the service name `triplane`.
//!
//! A key is never returned to a face in full: [`status`] gives a masked form for display,
//! and only [`resolve`] hands the secret to a client, in memory. Keys never reach the
//! database, project files, bundles or logs.

use serde::Serialize;

use crate::{ApiError, ErrorCode};

const SERVICE: &str = "triplane";

/// What a face may show about a stored key.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyStatus {
    pub name: String,
    pub stored: bool,
    /// The last four characters behind a mask (`••••abcd`) when the key is long enough for
    /// that to reveal little; otherwise only the mask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

fn entry(name: &str) -> Result<keyring::Entry, ApiError> {
    check_name(name)?;
    keyring::Entry::new(SERVICE, name).map_err(keychain_error)
}

fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::usage(format!(
            "`{name}` is not a key name; use letters, digits, `-`, `_` and `.` (at most 64)"
        )))
    }
}

fn keychain_error(e: keyring::Error) -> ApiError {
    // The error text never contains the secret: keyring reports platform failures only.
    ApiError::new(
        ErrorCode::Runtime,
        format!("the OS keychain refused the request: {e}; hint: is a Secret Service running?"),
    )
}

/// Masks a secret for display.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n >= 16 {
        let tail: String = secret.chars().skip(n - 4).collect();
        format!("••••{tail}")
    } else {
        "••••".to_string()
    }
}

/// Stores (or replaces) a key.
pub fn set(name: &str, secret: &str) -> Result<KeyStatus, ApiError> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(ApiError::usage("the key is empty"));
    }
    entry(name)?.set_password(secret).map_err(keychain_error)?;
    Ok(KeyStatus { name: name.to_string(), stored: true, masked: Some(mask(secret)) })
}

/// Whether a key is stored, and its masked form.
pub fn status(name: &str) -> Result<KeyStatus, ApiError> {
    match entry(name)?.get_password() {
        Ok(secret) => {
            Ok(KeyStatus { name: name.to_string(), stored: true, masked: Some(mask(&secret)) })
        }
        Err(keyring::Error::NoEntry) => {
            Ok(KeyStatus { name: name.to_string(), stored: false, masked: None })
        }
        Err(e) => Err(keychain_error(e)),
    }
}

/// Removes a key; removing a key that is not there is not an error.
pub fn delete(name: &str) -> Result<KeyStatus, ApiError> {
    match entry(name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => {
            Ok(KeyStatus { name: name.to_string(), stored: false, masked: None })
        }
        Err(e) => Err(keychain_error(e)),
    }
}

/// The secret for a client: the environment variable `env_var` when given (it must be set),
/// else the keychain entry `name` when given (it must exist), else none.
pub fn resolve(env_var: Option<&str>, name: Option<&str>) -> Result<Option<String>, ApiError> {
    if let Some(var) = env_var {
        return std::env::var(var).map(Some).map_err(|_| {
            ApiError::usage(format!("the variable `{var}` named by `--api-key-env` is not set"))
        });
    }
    let Some(name) = name else { return Ok(None) };
    match entry(name)?.get_password() {
        Ok(secret) => Ok(Some(secret)),
        Err(keyring::Error::NoEntry) => Err(ApiError::usage(format!(
            "no key `{name}` in the OS keychain; hint: `triplane keys set {name}`"
        ))),
        Err(e) => Err(keychain_error(e)),
    }
}

/// The providers the Settings page lists, with the environment variable their clients read
/// by convention. Key names are the keychain entries `triplane keys set NAME` writes.
pub const PROVIDERS: &[(&str, &str)] = &[
    ("anthropic", "ANTHROPIC_API_KEY"),
    ("openai", "OPENAI_API_KEY"),
    ("mistral", "MISTRAL_API_KEY"),
    ("gemini", "GEMINI_API_KEY"),
];

/// What the Settings page shows for one key name: the keychain entry (masked) and whether its
/// environment variable is set. The variable's value is never read into the answer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeyRow {
    pub name: String,
    /// The conventional environment variable, for the known providers.
    pub env_var: Option<String>,
    pub env_set: bool,
    /// `None` when the keychain could not be asked (see [`KeysOverview::keychain_error`]).
    pub key: Option<KeyStatus>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeysOverview {
    pub rows: Vec<KeyRow>,
    /// Why the OS keychain could not be read (no Secret Service running, locked…).
    pub keychain_error: Option<String>,
}

/// The known providers and the `extra` key names, each with its keychain status and
/// environment variable.
pub fn overview(extra: &[String]) -> Result<KeysOverview, ApiError> {
    let mut names: Vec<(String, Option<String>)> =
        PROVIDERS.iter().map(|(n, v)| (n.to_string(), Some(v.to_string()))).collect();
    for name in extra {
        check_name(name)?;
        if !names.iter().any(|(n, _)| n == name) {
            names.push((name.clone(), None));
        }
    }

    let mut keychain_error = None;
    let mut rows = Vec::new();
    for (name, env_var) in names {
        let key = if keychain_error.is_some() {
            None
        } else {
            match status(&name) {
                Ok(s) => Some(s),
                Err(e) => {
                    keychain_error = Some(e.message);
                    None
                }
            }
        };
        let env_set = env_var.as_deref().is_some_and(|v| std::env::var_os(v).is_some());
        rows.push(KeyRow { name, env_var, env_set, key });
    }
    Ok(KeysOverview { rows, keychain_error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_reveal_at_most_four_characters_of_long_keys() {
        assert_eq!(mask("sk-ant-api03-abcdefghijklmnop"), "••••mnop");
        assert_eq!(mask("short-key"), "••••", "short keys reveal nothing");
    }

    #[test]
    fn names_are_checked_before_the_keychain_is_asked() {
        assert_eq!(set("bad name", "x").unwrap_err().code, ErrorCode::Usage);
        assert_eq!(status("").unwrap_err().code, ErrorCode::Usage);
    }
}
