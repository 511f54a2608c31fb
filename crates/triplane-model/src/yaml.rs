//! YAML reading with positions: a small node tree built from `saphyr-parser` events, and a
//! serde `Deserializer` over it that knows, for every value, its `line:column` and its field
//! path (`components.inference[0].site`).
//!
//! Why not a YAML-to-serde crate: the errors we owe users name the file, line, column and
//! field path, and a "did you mean" for unknown keys; validation that runs after parsing
//! (dangling references, duplicate ids) needs the position of any field by path. So the
//! deserializer records every path it visits with its position in a [`Positions`] table.
//!
//! Scalars follow the YAML 1.2 core schema, but type-directed: a field typed `String`
//! receives the scalar's text as written (`version: 1.10` stays `"1.10"`), which avoids the
//! classic YAML 1.1 surprises. Anchors and aliases are refused: deployment files are small,
//! and aliases are the vector for exponential-expansion attacks.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    fn from_span(span: &Span) -> Pos {
        Pos { line: span.start.line() as u32, column: span.start.col() as u32 + 1 }
    }
}

/// One node of a parsed YAML document.
#[derive(Clone, Debug)]
pub struct Node {
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A scalar; `plain` is true when it was written without quotes or block style, which is
    /// the only case where it may mean null, a boolean or a number.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } if is_null(text) => "null".into(),
            NodeKind::Scalar { text, .. } => format!("`{}`", shorten(text)),
            NodeKind::Seq(_) => "a list".into(),
            NodeKind::Map(_) => "a mapping".into(),
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A problem found while reading YAML, before or during deserialization.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub pos: Option<Pos>,
    pub path: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl YamlError {
    fn at(pos: Pos, message: impl Into<String>) -> YamlError {
        YamlError { pos: Some(pos), path: None, message: message.into(), hint: None }
    }

    /// Fills in position and path when the error was raised without them (serde's `custom`).
    fn locate(mut self, pos: Pos, path: &str) -> YamlError {
        if self.pos.is_none() {
            self.pos = Some(pos);
        }
        if self.path.is_none() && !path.is_empty() {
            self.path = Some(path.to_string());
        }
        self
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

impl de::Error for YamlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        YamlError { pos: None, path: None, message: msg.to_string(), hint: None }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        de::Error::custom(format!("expected {exp}, found {}", describe_unexpected(&unexp)))
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        de::Error::custom(format!("expected {exp}, found {}", describe_unexpected(&unexp)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let mut err: YamlError = de::Error::custom(format!("unknown field `{field}`"));
        err.hint = Some(match did_you_mean(field, expected) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("expected one of {}", list(expected)),
        });
        err
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let mut err: YamlError = de::Error::custom(format!("unknown value `{variant}`"));
        err.hint = Some(match did_you_mean(variant, expected) {
            Some(best) => format!("did you mean `{best}`? expected one of {}", list(expected)),
            None => format!("expected one of {}", list(expected)),
        });
        err
    }

    fn missing_field(field: &'static str) -> Self {
        de::Error::custom(format!("missing field `{field}`"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        de::Error::custom(format!("field `{field}` is given twice"))
    }
}

fn describe_unexpected(unexp: &de::Unexpected<'_>) -> String {
    match unexp {
        de::Unexpected::Str(s) => format!("`{}`", shorten(s)),
        de::Unexpected::Unit => "null".into(),
        de::Unexpected::Map => "a mapping".into(),
        de::Unexpected::Seq => "a list".into(),
        other => other.to_string(),
    }
}

fn list(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Parses one YAML document into a node tree. An empty document is an error: every file
/// Triplane reads must have content.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut stack: Vec<Builder> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;

    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let m = e.marker();
            YamlError::at(
                Pos { line: m.line() as u32, column: m.col() as u32 + 1 },
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        let pos = Pos::from_span(&span);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::at(
                        pos,
                        "a file holds one YAML document, found a second",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(YamlError::at(pos, "YAML aliases (`*name`) are not supported"));
            }
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor != 0 =>
            {
                return Err(YamlError::at(pos, "YAML anchors (`&name`) are not supported"));
            }
            Event::Scalar(text, style, _, _) => Node {
                pos,
                kind: NodeKind::Scalar {
                    text: text.into_owned(),
                    plain: style == ScalarStyle::Plain,
                },
            },
            Event::SequenceStart(..) => {
                stack.push(Builder::Seq(pos, Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Builder::Map(pos, Vec::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Builder::Seq(p, items)) => Node { pos: p, kind: NodeKind::Seq(items) },
                Some(Builder::Map(p, entries, _)) => Node { pos: p, kind: NodeKind::Map(entries) },
                None => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Builder::Seq(_, items)) => items.push(node),
            Some(Builder::Map(_, entries, pending)) => match pending.take() {
                None => {
                    if !matches!(node.kind, NodeKind::Scalar { .. }) {
                        return Err(YamlError::at(node.pos, "mapping keys must be plain text"));
                    }
                    let key = scalar_text(&node);
                    if let Some((first, _)) = entries.iter().find(|(k, _)| scalar_text(k) == key) {
                        return Err(YamlError {
                            pos: Some(node.pos),
                            path: None,
                            message: format!("key `{key}` is given twice"),
                            hint: Some(format!("first given at line {}", first.pos.line)),
                        });
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }

    match root {
        Some(node) if !matches!(&node.kind, NodeKind::Scalar { text, plain: true } if is_null(text)) => {
            Ok(node)
        }
        _ => Err(YamlError::at(Pos { line: 1, column: 1 }, "the file is empty")),
    }
}

enum Builder {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Node, Node)>, Option<Node>),
}

fn scalar_text(node: &Node) -> &str {
    match &node.kind {
        NodeKind::Scalar { text, .. } => text,
        _ => "",
    }
}

/// Every field path the deserializer visited, with the position of its value.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    map: BTreeMap<String, Pos>,
}

impl Positions {
    /// The position of `path`, or of its nearest recorded ancestor (a missing optional field
    /// is reported at the mapping that should have held it).
    pub fn get(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.map.get(p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.map.get("").copied().unwrap_or(Pos { line: 1, column: 1 }),
            }
        }
    }
}

/// Deserializes `T` from a parsed node, returning the positions of every visited path.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<(T, Positions), YamlError> {
    let positions = RefCell::new(Positions::default());
    let value = T::deserialize(NodeDe { node, path: String::new(), positions: &positions })?;
    Ok((value, positions.into_inner()))
}

struct NodeDe<'a> {
    node: &'a Node,
    path: String,
    positions: &'a RefCell<Positions>,
}

impl<'a> NodeDe<'a> {
    fn child(&self, node: &'a Node, path: String) -> NodeDe<'a> {
        NodeDe { node, path, positions: self.positions }
    }

    fn record(&self) {
        self.positions.borrow_mut().map.entry(self.path.clone()).or_insert(self.node.pos);
    }

    fn locate<T>(&self, result: Result<T, YamlError>) -> Result<T, YamlError> {
        result.map_err(|e| e.locate(self.node.pos, &self.path))
    }

    fn scalar(&self) -> Option<(&'a str, bool)> {
        match &self.node.kind {
            NodeKind::Scalar { text, plain } => Some((text.as_str(), *plain)),
            _ => None,
        }
    }

    fn mismatch(&self, expected: &str) -> YamlError {
        YamlError::at(self.node.pos, format!("expected {expected}, found {}", self.node.describe()))
            .locate(self.node.pos, &self.path)
    }

    fn number<N: std::str::FromStr>(&self, expected: &str) -> Result<N, YamlError> {
        match self.scalar() {
            Some((text, true)) => {
                text.replace('_', "").parse::<N>().map_err(|_| self.mismatch(expected))
            }
            _ => Err(self.mismatch(expected)),
        }
    }
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

macro_rules! number_method {
    ($method:ident, $visit:ident, $ty:ty, $what:expr) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
            self.record();
            let n: $ty = self.number($what)?;
            self.locate(visitor.$visit(n))
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = YamlError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        let result = match &self.node.kind {
            NodeKind::Scalar { text, plain: true } => {
                if is_null(text) {
                    visitor.visit_unit()
                } else if text == "true" || text == "false" {
                    visitor.visit_bool(text == "true")
                } else if let Ok(i) = text.parse::<i64>() {
                    visitor.visit_i64(i)
                } else if let Some(f) = parse_float(text) {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_str(text)
                }
            }
            NodeKind::Scalar { text, plain: false } => visitor.visit_str(text),
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe { de: &self, items, index: 0 }),
            NodeKind::Map(entries) => visitor.visit_map(MapDe { de: &self, entries, index: 0 }),
        };
        self.locate(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match self.scalar() {
            Some(("true", true)) => self.locate(visitor.visit_bool(true)),
            Some(("false", true)) => self.locate(visitor.visit_bool(false)),
            _ => Err(self.mismatch("`true` or `false`")),
        }
    }

    number_method!(deserialize_i8, visit_i64, i64, "an integer");
    number_method!(deserialize_i16, visit_i64, i64, "an integer");
    number_method!(deserialize_i32, visit_i64, i64, "an integer");
    number_method!(deserialize_i64, visit_i64, i64, "an integer");
    number_method!(deserialize_u8, visit_u64, u64, "a non-negative integer");
    number_method!(deserialize_u16, visit_u64, u64, "a non-negative integer");
    number_method!(deserialize_u32, visit_u64, u64, "a non-negative integer");
    number_method!(deserialize_u64, visit_u64, u64, "a non-negative integer");

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match self.scalar().and_then(|(t, plain)| if plain { parse_float(t) } else { None }) {
            Some(f) => self.locate(visitor.visit_f64(f)),
            None => Err(self.mismatch("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match self.scalar() {
            Some((text, plain)) if !(plain && is_null(text)) => {
                self.locate(visitor.visit_str(text))
            }
            _ => Err(self.mismatch("text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, YamlError> {
        Err(self.mismatch("bytes, which YAML files here never hold"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        match self.scalar() {
            Some((text, true)) if is_null(text) => {
                self.record();
                self.locate(visitor.visit_none())
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match self.scalar() {
            Some((text, true)) if is_null(text) => self.locate(visitor.visit_unit()),
            _ => Err(self.mismatch("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match &self.node.kind {
            NodeKind::Seq(items) => {
                let r = visitor.visit_seq(SeqDe { de: &self, items, index: 0 });
                self.locate(r)
            }
            _ => Err(self.mismatch("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.record();
        match &self.node.kind {
            NodeKind::Map(entries) => {
                let r = visitor.visit_map(MapDe { de: &self, entries, index: 0 });
                self.locate(r)
            }
            _ => Err(self.mismatch("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.record();
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => {
                let r = visitor.visit_enum(text.as_str().into_deserializer());
                self.locate(r.map_err(|e: YamlError| e))
            }
            NodeKind::Map(entries) if entries.len() == 1 => {
                let r = visitor.visit_enum(EnumDe {
                    de: &self,
                    key: &entries[0].0,
                    value: &entries[0].1,
                });
                self.locate(r)
            }
            _ => Err(self.mismatch("a name, or a mapping with one key")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_unit()
    }
}

fn parse_float(text: &str) -> Option<f64> {
    let t = text.replace('_', "");
    match t.as_str() {
        ".inf" | "+.inf" | ".Inf" | "+.Inf" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" => Some(f64::NAN),
        _ => {
            // Only decimal notation: `1e3` and `0.5` yes, `inf` / `nan` words no (core schema).
            let first = t.chars().next()?;
            if first.is_ascii_digit() || matches!(first, '-' | '+' | '.') {
                t.parse::<f64>().ok()
            } else {
                None
            }
        }
    }
}

struct SeqDe<'a, 'b> {
    de: &'b NodeDe<'a>,
    items: &'a [Node],
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = YamlError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, YamlError> {
        let Some(item) = self.items.get(self.index) else { return Ok(None) };
        let path = format!("{}[{}]", self.de.path, self.index);
        self.index += 1;
        seed.deserialize(self.de.child(item, path)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.index)
    }
}

struct MapDe<'a, 'b> {
    de: &'b NodeDe<'a>,
    entries: &'a [(Node, Node)],
    index: usize,
}

impl<'de> de::MapAccess<'de> for MapDe<'_, '_> {
    type Error = YamlError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, YamlError> {
        let Some((key, _)) = self.entries.get(self.index) else { return Ok(None) };
        let path = child_path(&self.de.path, scalar_text(key));
        let key_de = self.de.child(key, path.clone());
        seed.deserialize(key_de).map(Some).map_err(|e| {
            // The key itself is the culprit (unknown field): point at it, with its own path.
            let mut e = e;
            e.pos = Some(key.pos);
            e.path = Some(path);
            e
        })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, YamlError> {
        let (key, value) = &self.entries[self.index];
        self.index += 1;
        seed.deserialize(self.de.child(value, child_path(&self.de.path, scalar_text(key))))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.index)
    }
}

struct EnumDe<'a, 'b> {
    de: &'b NodeDe<'a>,
    key: &'a Node,
    value: &'a Node,
}

impl<'de, 'a, 'b> de::EnumAccess<'de> for EnumDe<'a, 'b> {
    type Error = YamlError;
    type Variant = NodeDe<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, NodeDe<'a>), YamlError> {
        let path = child_path(&self.de.path, scalar_text(self.key));
        let v = seed.deserialize(self.de.child(self.key, path.clone()))?;
        Ok((v, self.de.child(self.value, path)))
    }
}

impl<'de> de::VariantAccess<'de> for NodeDe<'_> {
    type Error = YamlError;

    fn unit_variant(self) -> Result<(), YamlError> {
        Err(self.mismatch("a name alone"))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, YamlError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// Writes a JSON value as block-style YAML. Strings are written plain when that reads back
/// as the same string, else double-quoted with JSON escapes (valid YAML).
pub fn emit(value: &serde_json::Value) -> String {
    let mut out = String::new();
    emit_into(&mut out, value, 0, false);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn emit_into(out: &mut String, value: &serde_json::Value, indent: usize, in_seq: bool) {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (i, (key, v)) in map.iter().enumerate() {
                if !(in_seq && i == 0) {
                    out.push_str(&pad);
                }
                out.push_str(&scalar_string(key));
                out.push(':');
                emit_child(out, v, indent);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => emit_into(out, item, indent + 2, true),
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        emit_into(out, item, indent + 2, false);
                    }
                    _ => {
                        out.push_str(&inline(item));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&inline(value));
            out.push('\n');
        }
    }
}

fn emit_child(out: &mut String, v: &serde_json::Value, indent: usize) {
    use serde_json::Value;
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit_into(out, v, indent + 2, false);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_into(out, v, indent, false);
        }
        _ => {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

fn inline(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn scalar_string(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' ' | '(' | ')'))
        && !s.starts_with([' ', '-', '.'])
        && !s.ends_with(' ')
        && !is_null(s)
        && !matches!(s, "true" | "false" | "True" | "False" | "yes" | "no" | "on" | "off")
        && parse_float(s).is_none()
        && s.parse::<i64>().is_err();
    if plain_safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: String,
        count: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn load(text: &str) -> Result<Doc, YamlError> {
        from_node::<Doc>(&parse(text)?).map(|(d, _)| d)
    }

    #[test]
    fn string_fields_take_the_text_as_written() {
        let doc = load("name: 1.10\ncount: 3\ntags: [no, 007]\n").unwrap();
        assert_eq!(doc.name, "1.10");
        assert_eq!(doc.tags, vec!["no", "007"], "YAML 1.1 booleans and octals stay text");
    }

    #[test]
    fn unknown_key_points_at_the_key_with_a_suggestion() {
        let err = load("name: a\ncont: 3\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 2, column: 1 }));
        assert_eq!(err.path.as_deref(), Some("cont"));
        assert_eq!(err.message, "unknown field `cont`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `count`?"));
    }

    #[test]
    fn wrong_type_names_field_and_value() {
        let err = load("name: a\ncount: many\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos { line: 2, column: 8 }));
        assert_eq!(err.path.as_deref(), Some("count"));
        assert_eq!(err.message, "expected a non-negative integer, found `many`");
    }

    #[test]
    fn missing_field_is_reported_at_the_mapping() {
        let err = load("name: a\n").unwrap_err();
        assert_eq!(err.message, "missing field `count`");
        assert_eq!(err.pos, Some(Pos { line: 1, column: 1 }));
    }

    #[test]
    fn duplicate_keys_and_aliases_are_refused() {
        let err = load("name: a\nname: b\ncount: 1\n").unwrap_err();
        assert_eq!(err.message, "key `name` is given twice");
        assert_eq!(err.pos.map(|p| p.line), Some(2));
        let err = load("name: &x a\ncount: 1\n").unwrap_err();
        assert!(err.message.contains("anchors"), "{}", err.message);
    }

    #[test]
    fn empty_and_malformed_documents() {
        assert_eq!(load("").unwrap_err().message, "the file is empty");
        assert_eq!(load("# only a comment\n").unwrap_err().message, "the file is empty");
        let err = load("name: [a\ncount: 1\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.pos.is_some());
    }

    #[test]
    fn emit_round_trips_awkward_strings() {
        let value = serde_json::json!({
            "name": "yes", "count": 3, "tags": ["1.0", "", "a: b", "multi\nline", "plain text"],
            "nested": [{"a": 1, "b": [1, 2]}, {"c": {}}]
        });
        let text = emit(&value);
        let node = parse(&text).unwrap();
        let (back, _) = from_node::<serde_json::Value>(&node).unwrap();
        // Numbers read back through deserialize_any as i64; compare via strings.
        assert_eq!(back.to_string(), value.to_string(), "emitted:\n{text}");
    }

    #[test]
    fn positions_are_recorded_by_path() {
        let node = parse("name: a\ncount: 1\ntags:\n  - x\n  - y\n").unwrap();
        let (_, pos): (Doc, _) = from_node(&node).unwrap();
        assert_eq!(pos.get("tags[1]"), Pos { line: 5, column: 5 });
        assert_eq!(
            pos.get("tags[7].deep"),
            Pos { line: 3, column: 1 },
            "falls back to the key of `tags`"
        );
    }
}
