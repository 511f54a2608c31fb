//! Sourced facts: a value that may be `unknown`, with the sources that support it and a
//! confidence. Every field that decides exposure is one of these, in the catalog and in
//! project-local entries alike.
//!
//! In YAML a fact is either the bare value (`country: FR`, the deployment's own statement)
//! or a mapping `{value, sources, confidence, note}`. The word `unknown` as a value means
//! the research did not establish it: it is shown as unknown and never guessed.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Where a claim comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// The date the source was read, `YYYY-MM-DD`.
    pub seen: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    High,
    Medium,
    Low,
    /// The deployment's own statement (its own site, its own choice), not research.
    Own,
}

/// A value that the research may not have established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known<T> {
    Known(T),
    Unknown,
}

impl<T> Known<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown => None,
        }
    }
}

impl<T: fmt::Display> fmt::Display for Known<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Known::Known(v) => v.fmt(f),
            Known::Unknown => f.write_str("unknown"),
        }
    }
}

impl<T: Serialize> Serialize for Known<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Known::Known(v) => v.serialize(s),
            Known::Unknown => s.serialize_str("unknown"),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Known<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KnownVisitor(PhantomData))
    }
}

struct KnownVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for KnownVisitor<T> {
    type Value = Known<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or `unknown`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == "unknown" {
            return Ok(Known::Unknown);
        }
        T::deserialize(TextDe::<E>(v, PhantomData)).map(Known::Known)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::deserialize(value::BoolDeserializer::<E>::new(v)).map(Known::Known)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(value::I64Deserializer::<E>::new(v)).map(Known::Known)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(value::U64Deserializer::<E>::new(v)).map(Known::Known)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(value::F64Deserializer::<E>::new(v)).map(Known::Known)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(value::UnitDeserializer::<E>::new()).map(Known::Known)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(value::SeqAccessDeserializer::new(seq)).map(Known::Known)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(value::MapAccessDeserializer::new(map)).map(Known::Known)
    }
}

/// Like serde's `StrDeserializer`, but a text also fills an `Option` (`parent: acme` is
/// `Some("acme")`), which serde's own forwards to `visit_str` and so refuses.
struct TextDe<'a, E>(&'a str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for TextDe<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        value::StrDeserializer::<E>::new(self.0).deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// A value with its sources and confidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact<T> {
    pub value: Known<T>,
    pub sources: Vec<Source>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
}

impl<T> Fact<T> {
    /// A fact stated by the deployment itself, without research behind it.
    pub fn own(value: T) -> Fact<T> {
        Fact {
            value: Known::Known(value),
            sources: vec![],
            confidence: Some(Confidence::Own),
            note: None,
        }
    }

    pub fn unknown() -> Fact<T> {
        Fact { value: Known::Unknown, sources: vec![], confidence: None, note: None }
    }

    /// True when the fact carries what a catalog entry must: a source and a research
    /// confidence, or the explicit `unknown` with a confidence saying how hard it was looked
    /// for. A bare value (the author's own statement) is not sourced.
    pub fn is_sourced(&self) -> bool {
        let researched = matches!(
            self.confidence,
            Some(Confidence::High | Confidence::Medium | Confidence::Low)
        );
        researched && (!self.sources.is_empty() || matches!(self.value, Known::Unknown))
    }
}

impl<T: Default> Default for Fact<T> {
    fn default() -> Self {
        Fact { value: Known::Known(T::default()), sources: vec![], confidence: None, note: None }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactRepr<T> {
    value: Known<T>,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    confidence: Option<Confidence>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Serialize)]
struct FactOut<'a, T> {
    value: &'a Known<T>,
    #[serde(skip_serializing_if = "<[Source]>::is_empty")]
    sources: &'a [Source],
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<Confidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a String>,
}

impl<T: Serialize> Serialize for Fact<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let bare = self.sources.is_empty()
            && self.note.is_none()
            && matches!(self.confidence, None | Some(Confidence::Own));
        if bare {
            self.value.serialize(s)
        } else {
            FactOut {
                value: &self.value,
                sources: &self.sources,
                confidence: self.confidence,
                note: self.note.as_ref(),
            }
            .serialize(s)
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Fact<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FactVisitor(PhantomData))
    }
}

struct FactVisitor<T>(PhantomData<T>);

impl<T> FactVisitor<T> {
    fn bare(value: Known<T>) -> Fact<T> {
        // A bare value carries no research: it is the author's own statement. A bare
        // `unknown` states nothing, so it has no confidence at all.
        let confidence = match value {
            Known::Known(_) => Some(Confidence::Own),
            Known::Unknown => None,
        };
        Fact { value, sources: vec![], confidence, note: None }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for FactVisitor<T> {
    type Value = Fact<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, or a mapping with `value`, `sources` and `confidence`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_str(v).map(Self::bare)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_bool(v).map(Self::bare)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_i64(v).map(Self::bare)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_u64(v).map(Self::bare)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_f64(v).map(Self::bare)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        KnownVisitor(PhantomData).visit_unit().map(Self::bare)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        KnownVisitor(PhantomData).visit_seq(seq).map(Self::bare)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let repr = FactRepr::<T>::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(Fact {
            value: repr.value,
            sources: repr.sources,
            confidence: repr.confidence,
            note: repr.note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Visibility;
    use crate::yaml;

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
        yaml::from_node(&yaml::parse(text).unwrap()).unwrap().0
    }

    #[test]
    fn bare_and_sourced_forms() {
        let f: Fact<String> = read("FR");
        assert_eq!(f, Fact::own("FR".to_string()));
        let f: Fact<Option<String>> = read(
            "value: acme\nconfidence: high\nsources: [{title: t, url: u, seen: '2026-12-03'}]",
        );
        assert_eq!(f.value, Known::Known(Some("acme".to_string())));
        assert!(f.is_sourced());
        let f: std::collections::BTreeMap<String, Fact<Option<String>>> = read("parent: null");
        assert_eq!(f["parent"].value, Known::Known(None));
        let f: Fact<Vec<String>> = read("unknown");
        assert_eq!(f.value, Known::Unknown);
        assert!(!f.is_sourced(), "a bare `unknown` is not research");
        let f: Fact<Visibility> = read("{value: partial-logs, confidence: low, sources: []}");
        assert_eq!(f.value, Known::Known(Visibility::PartialLogs));
    }
}
