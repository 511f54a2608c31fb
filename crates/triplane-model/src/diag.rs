//! Positioned problems in a file: what `triplane check` prints and the app shows inline.

use std::fmt;

use serde::Serialize;

use crate::yaml::{Pos, Positions, YamlError};

/// One problem, located by file, line, column and field path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Field path, `components.inference[0].site`; empty for the whole file.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &str, pos: Pos, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            path: path.to_string(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn from_yaml(file: &str, e: YamlError) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: e.pos.map_or(1, |p| p.line),
            column: e.pos.map_or(1, |p| p.column),
            path: e.path.unwrap_or_default(),
            message: e.message,
            hint: e.hint,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: error: {}", self.file, self.line, self.column, self.message)?;
        if !self.path.is_empty() {
            write!(f, " (at `{}`)", self.path)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one file, positioning them by field path.
pub(crate) struct Diagnostics<'a> {
    pub file: &'a str,
    pub positions: &'a Positions,
    pub list: Vec<Diagnostic>,
}

impl<'a> Diagnostics<'a> {
    pub fn new(file: &'a str, positions: &'a Positions) -> Self {
        Diagnostics { file, positions, list: Vec::new() }
    }

    pub fn error(&mut self, path: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::new(self.file, self.positions.get(path), path, message);
        self.list.push(d);
        self.list.last_mut().expect("just pushed")
    }

    /// An unknown reference, with a "did you mean" among `known`.
    pub fn dangling<'k>(
        &mut self,
        path: &str,
        what: &str,
        id: &str,
        known: impl Iterator<Item = &'k str>,
    ) {
        let known: Vec<&str> = known.collect();
        let hint = crate::yaml::did_you_mean(id, &known).map(|s| format!("did you mean `{s}`?"));
        let d = self.error(path, format!("unknown {what} `{id}`"));
        d.hint = hint;
    }
}
