//! Prompts for latency runs: synthetic ones of a chosen length, or prompts read from a file.
//! Every prompt starts with a per-request nonce drawn from a per-run salt, so no prefix
//! cache can serve a request from an earlier one, within a run or across runs (vLLM
//! #54227: a fixed seed plus prefix caching benchmarked the cache, TTFT 49x lower).

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Short, common English words: with most BPE tokenizers each, with its leading space, is
/// one token, so a synthetic prompt of `n` words is close to `n` tokens. The server's usage
/// report gives the exact count, which is what gets stored.
const WORDS: &[&str] = &[
    "the", "cat", "sat", "on", "a", "red", "mat", "and", "then", "ran", "to", "the", "old", "barn",
    "where", "it", "saw", "two", "dogs", "play", "with", "one", "blue", "ball", "in", "tall",
    "green", "grass", "near", "river", "bank", "while", "sun", "set", "over", "hill", "far",
    "away", "from", "town", "people", "walk", "home", "after", "long", "day", "at", "work", "they",
    "eat", "bread", "drink", "tea", "read", "book", "sleep", "well", "until", "morning", "light",
    "comes", "back", "again", "soon",
];

/// Where prompts come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PromptSource {
    /// About `tokens` tokens of filler text drawn from `seed` (same seed, same words).
    Synthetic { tokens: u32, seed: u64 },
    /// Prompts from a file, used in turn.
    File {
        path: PathBuf,
        #[serde(skip)]
        prompts: Vec<String>,
    },
}

/// A prompt file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("cannot read the prompt file `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("line {line} of `{path}` is not a JSON object with a string `prompt`")]
    Line { path: PathBuf, line: usize },
    #[error("the prompt file `{path}` holds no prompt")]
    Empty { path: PathBuf },
}

impl PromptSource {
    /// Reads prompts: a `.jsonl` file holds one `{"prompt": "..."}` per line, any other
    /// file one prompt per non-blank line.
    pub fn from_file(path: &Path) -> Result<Self, PromptError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| PromptError::Read { path: path.to_path_buf(), source })?;
        let jsonl = path.extension().is_some_and(|e| e == "jsonl");
        let mut prompts = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            if jsonl {
                let v: serde_json::Value = serde_json::from_str(line)
                    .map_err(|_| PromptError::Line { path: path.to_path_buf(), line: i + 1 })?;
                let p = v["prompt"]
                    .as_str()
                    .ok_or_else(|| PromptError::Line { path: path.to_path_buf(), line: i + 1 })?;
                prompts.push(p.to_owned());
            } else {
                prompts.push(line.to_owned());
            }
        }
        if prompts.is_empty() {
            return Err(PromptError::Empty { path: path.to_path_buf() });
        }
        Ok(PromptSource::File { path: path.to_path_buf(), prompts })
    }

    /// The prompt of request `idx` in a run salted with `salt`.
    pub fn prompt(&self, idx: u32, salt: u64) -> String {
        let nonce = mix(salt ^ u64::from(idx).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let body = match self {
            PromptSource::Synthetic { tokens, seed } => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(u64::from(idx)));
                // The nonce line and the instruction take about 12 tokens of the budget.
                let n = tokens.saturating_sub(12).max(1) as usize;
                let words: Vec<&str> =
                    (0..n).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect();
                format!("Write a long story that uses these words: {}.", words.join(" "))
            }
            PromptSource::File { prompts, .. } => prompts[idx as usize % prompts.len()].clone(),
        };
        format!("[request {nonce:016x}]\n{body}")
    }
}

/// SplitMix64's finaliser: spreads neighbouring inputs over the whole range.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A salt that differs between runs.
pub fn run_salt() -> u64 {
    rand::rng().random()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_prompts_have_the_requested_length_and_distinct_prefixes() {
        let src = PromptSource::Synthetic { tokens: 100, seed: 1 };
        let a = src.prompt(0, 42);
        let b = src.prompt(1, 42);
        let a_again = src.prompt(0, 42);
        let other_run = src.prompt(0, 43);
        assert_eq!(a, a_again, "deterministic for a given salt");
        assert_ne!(a.lines().next(), b.lines().next(), "requests differ from the first line");
        assert_ne!(a.lines().next(), other_run.lines().next(), "runs differ too");
        let words = a.split_whitespace().count();
        assert!((90..=110).contains(&words), "{words} words for 100 tokens");
    }

    #[test]
    fn prompt_files_in_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("p.txt");
        std::fs::write(&plain, "first\n\nsecond\n").unwrap();
        let src = PromptSource::from_file(&plain).unwrap();
        assert!(src.prompt(1, 0).ends_with("\nsecond"));
        assert!(src.prompt(2, 0).ends_with("\nfirst"), "prompts are used in turn");

        let jsonl = dir.path().join("p.jsonl");
        std::fs::write(&jsonl, "{\"prompt\":\"bonjour\"}\n{\"nope\":1}\n").unwrap();
        assert!(matches!(PromptSource::from_file(&jsonl), Err(PromptError::Line { line: 2, .. })));
        std::fs::write(&jsonl, "\n").unwrap();
        assert!(matches!(PromptSource::from_file(&jsonl), Err(PromptError::Empty { .. })));
    }
}
