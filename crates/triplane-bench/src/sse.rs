//! The one Server-Sent Events parser, incremental over raw bytes as they arrive.
//!
//! It follows the WHATWG event-stream rules: lines end in LF, CRLF or CR (a CR at the end of
//! one read and its LF at the start of the next are one line ending); `:` lines are comments;
//! `data:` lines join with `\n`; one space after the colon is dropped; an event is dispatched
//! on a blank line, and only if it carried a `data` field, so a comment followed by a blank
//! line dispatches nothing. Lines are decoded as UTF-8 only once complete, so a character
//! split across reads is never mangled. Nothing here knows about JSON or any vendor.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field; empty when absent (the spec's default type "message").
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id seen so far, if any.
    pub id: Option<String>,
}

/// Incremental parser state: feed it reads with [`SseParser::push`].
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous read ended in CR: a leading LF in the next read belongs to it.
    pending_cr: bool,
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    comments: u64,
    dispatched: u64,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `bytes`, appending every event they complete to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) {
        let mut rest = bytes;
        // An empty read must not clear the flag: the LF may still be coming.
        if self.pending_cr && !rest.is_empty() {
            self.pending_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(pos) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..pos]);
            let is_cr = rest[pos] == b'\r';
            rest = &rest[pos + 1..];
            if is_cr {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.pending_cr = true,
                }
            }
            let line = std::mem::take(&mut self.line);
            self.on_line(&line, out);
        }
        self.line.extend_from_slice(rest);
    }

    /// Ends the stream. Per the spec, an event not closed by a blank line is discarded;
    /// returns true when such a partial event (or partial line) was dropped.
    pub fn finish(&mut self) -> bool {
        let dropped = !self.line.is_empty() || self.has_data;
        self.line.clear();
        self.reset_event();
        dropped
    }

    /// Comment lines seen (keep-alives such as `: ping`).
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// Events dispatched so far.
    pub fn dispatched(&self) -> u64 {
        self.dispatched
    }

    fn on_line(&mut self, raw: &[u8], out: &mut Vec<SseEvent>) {
        let mut raw = raw;
        if !self.started {
            self.started = true;
            // A UTF-8 byte order mark may open the stream and is not part of the first line.
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        if raw.is_empty() {
            self.dispatch(out);
            return;
        }
        if raw[0] == b':' {
            self.comments += 1;
            return;
        }
        let line = String::from_utf8_lossy(raw);
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&line[..], ""),
        };
        match field {
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "event" => {
                self.event.clear();
                self.event.push_str(value);
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            // `retry` only matters to a client that reconnects, and a benchmark must never
            // re-send a generation; unknown fields are ignored by the spec.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if !self.has_data {
            self.event.clear();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // the spec's trailing LF
        out.push(SseEvent {
            event: std::mem::take(&mut self.event),
            data,
            id: self.last_id.clone(),
        });
        self.has_data = false;
        self.dispatched += 1;
    }

    fn reset_event(&mut self) {
        self.data.clear();
        self.event.clear();
        self.has_data = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse_all(reads: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for r in reads {
            p.push(r, &mut out);
        }
        out
    }

    fn data(events: &[SseEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn lf_crlf_and_cr_endings_give_the_same_events() {
        let lf = parse_all(&[b"data: a\n\ndata: b\n\n"]);
        let crlf = parse_all(&[b"data: a\r\n\r\ndata: b\r\n\r\n"]);
        let cr = parse_all(&[b"data: a\r\rdata: b\r\r"]);
        assert_eq!(data(&lf), ["a", "b"]);
        assert_eq!(lf, crlf);
        assert_eq!(lf, cr);
    }

    #[test]
    fn crlf_split_between_reads_is_one_line_ending() {
        // If the LF after a read-final CR were taken as a second line ending it would be a
        // blank line and dispatch early; "x" must stay part of the same event.
        let events = parse_all(&[b"data: a\r", b"\ndata: x\r\n\r\n"]);
        assert_eq!(data(&events), ["a\nx"]);
    }

    #[test]
    fn comments_never_dispatch_and_multiline_data_joins_with_lf() {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        p.push(b": keep-alive\n\nid: 7\n: ping\n\ndata: one\ndata:two\n\n", &mut out);
        assert_eq!(data(&out), ["one\ntwo"], "no space after the colon is also valid");
        assert_eq!(out[0].id.as_deref(), Some("7"));
        assert_eq!(p.comments(), 2);
        assert_eq!(p.dispatched(), 1);
    }

    #[test]
    fn event_type_and_bom() {
        let events = parse_all(&[b"\xEF\xBB\xBFevent: ping\ndata: {}\n\ndata: x\n\n"]);
        assert_eq!(events[0].event, "ping");
        assert_eq!(events[1].event, "", "the event type resets after each dispatch");
    }

    #[test]
    fn an_unterminated_event_at_eof_is_dropped_and_reported() {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        p.push(b"data: a\n\ndata: b", &mut out);
        assert_eq!(data(&out), ["a"]);
        assert!(p.finish(), "the partial `b` event was dropped");
    }

    #[test]
    fn an_empty_read_between_cr_and_lf_changes_nothing() {
        let events = parse_all(&[b"event: e\r", b"", b"\ndata: x\r\n\r\n"]);
        assert_eq!(events[0].event, "e");
        assert_eq!(data(&events), ["x"]);
    }

    #[test]
    fn utf8_split_inside_a_character() {
        let body = "data: prêt à\n\n".as_bytes();
        let cut = body.iter().position(|&b| b == 0xC3).unwrap() + 1;
        let events = parse_all(&[&body[..cut], &body[cut..]]);
        assert_eq!(data(&events), ["prêt à"]);
    }

    proptest! {
        /// Any chunking of a stream yields the events of the stream read in one piece.
        #[test]
        fn chunking_never_changes_events(cuts in proptest::collection::vec(0usize..200, 0..12),
                                         crlf in any::<bool>()) {
            let mut body = String::from(": hi\n\nevent: e\ndata: {\"t\":\"é€𝄞\"}\n\n");
            body.push_str("data: a\ndata: b\n\nid: 3\ndata: [DONE]\n\n");
            let body = if crlf { body.replace('\n', "\r\n") } else { body };
            let bytes = body.as_bytes();
            let whole = parse_all(&[bytes]);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut reads = Vec::new();
            let mut last = 0;
            for c in cuts {
                reads.push(&bytes[last..c]);
                last = c;
            }
            reads.push(&bytes[last..]);
            prop_assert_eq!(parse_all(&reads), whole);
        }
    }
}
