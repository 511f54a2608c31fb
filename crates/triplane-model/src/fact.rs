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
        T::deserialize(value::StrDeserializer::<E>::new(v)).map(Known::Known)
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

    /// True when the fact carries what a catalog entry must: a source and a confidence, or
    /// the explicit `unknown` with a confidence saying how hard it was looked for.
    pub fn is_sourced(&self) -> bool {
        self.confidence.is_some()
            && (!self.sources.is_empty() || matches!(self.value, Known::Unknown))
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
        // A bare value carries no research: it is the author's own statement.
        Fact { value, sources: vec![], confidence: Some(Confidence::Own), note: None }
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
