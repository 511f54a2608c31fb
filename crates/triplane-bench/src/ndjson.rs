//! Line framing for newline-delimited JSON streams (Ollama's native API), incremental over
//! raw bytes: several records in one read and one record split across reads both come out
//! as whole lines. Lines are decoded only once complete, so split UTF-8 is safe.

/// Incremental line splitter.
#[derive(Debug, Default)]
pub struct NdjsonSplitter {
    line: Vec<u8>,
}

impl NdjsonSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends every non-blank line completed by `bytes` to `out` (without its `\n` or
    /// `\r\n`).
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<String>) {
        let mut rest = bytes;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..pos]);
            rest = &rest[pos + 1..];
            let line = std::mem::take(&mut self.line);
            emit(&line, out);
        }
        self.line.extend_from_slice(rest);
    }

    /// Ends the stream: a last record without its newline is still a record (it is valid
    /// JSON or it is not; the interpreter decides).
    pub fn finish(&mut self, out: &mut Vec<String>) {
        let line = std::mem::take(&mut self.line);
        emit(&line, out);
    }
}

fn emit(line: &[u8], out: &mut Vec<String>) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    out.push(String::from_utf8_lossy(line).into_owned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesced_split_and_unterminated_records() {
        let mut s = NdjsonSplitter::new();
        let mut out = Vec::new();
        s.push(b"{\"a\":1}\n{\"b\":\"\xC3", &mut out);
        assert_eq!(out, ["{\"a\":1}"]);
        s.push(b"\xA0\"}\r\n\n{\"c\":3}", &mut out);
        assert_eq!(out, ["{\"a\":1}", "{\"b\":\"à\"}"]);
        s.finish(&mut out);
        assert_eq!(out.last().map(String::as_str), Some("{\"c\":3}"));
    }
}
