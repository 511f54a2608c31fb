//! The compact encoding of a sample's token-bearing chunk times.
//!
//! A long generation has thousands of chunks; one row per chunk would dwarf the rest of the
//! database. Each time is stored as a little-endian `u32` count of microseconds since the
//! previous one (the first since a base the caller gives, the request's send time). Every
//! time, the base included, is rounded to the microsecond *before* the deltas are taken, so
//! rounding never accumulates: a decoded time is within 0.5 µs of the original however long
//! the stream, and a time already on a whole microsecond comes back exact.

/// Bytes per encoded chunk time.
const WIDTH: usize = 4;

/// Encodes `times_ns` (non-decreasing, none before `base_ns`) as `u32` microsecond deltas.
///
/// Errors with a static reason when a time precedes its predecessor or a gap exceeds
/// `u32::MAX` µs (71 minutes), which no real stream produces.
pub fn encode_chunk_times(base_ns: u64, times_ns: &[u64]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(times_ns.len() * WIDTH);
    let mut previous_us = round_us(base_ns);
    for &t in times_ns {
        if t < base_ns {
            return Err("a chunk time precedes the send time");
        }
        let us = round_us(t);
        let delta = us.checked_sub(previous_us).ok_or("chunk times are not in arrival order")?;
        let delta = u32::try_from(delta).map_err(|_| "a gap between chunks exceeds 71 minutes")?;
        out.extend_from_slice(&delta.to_le_bytes());
        previous_us = us;
    }
    Ok(out)
}

/// Decodes what [`encode_chunk_times`] wrote; `None` if the blob's length is not a
/// multiple of four.
pub fn decode_chunk_times(base_ns: u64, blob: &[u8]) -> Option<Vec<u64>> {
    if blob.len() % WIDTH != 0 {
        return None;
    }
    let mut us = round_us(base_ns);
    let times = blob
        .chunks_exact(WIDTH)
        .map(|b| {
            us += u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            us * 1_000
        })
        .collect();
    Some(times)
}

fn round_us(ns: u64) -> u64 {
    ns.saturating_add(500) / 1_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_stays_within_half_a_microsecond_without_drift() {
        // 10 000 gaps of 1 499 ns: rounding each delta separately would drift by ~5 ms.
        let base = 7_000_123;
        let times: Vec<u64> = (1..=10_000u64).map(|i| base + i * 1_499).collect();
        let blob = encode_chunk_times(base, &times).unwrap();
        assert_eq!(blob.len(), times.len() * 4);
        let back = decode_chunk_times(base, &blob).unwrap();
        for (a, b) in times.iter().zip(&back) {
            assert!(a.abs_diff(*b) <= 500, "decoded {b} drifted from {a}");
        }
    }

    #[test]
    fn rejects_out_of_order_and_pre_base_times() {
        assert!(encode_chunk_times(1_000_000, &[999_000]).is_err());
        assert!(encode_chunk_times(0, &[5_000_000, 1_000_000]).is_err());
        assert!(encode_chunk_times(0, &[u64::from(u32::MAX) * 1_000 + 10_000]).is_err());
    }

    #[test]
    fn rejects_a_truncated_blob() {
        assert_eq!(decode_chunk_times(0, &[1, 2, 3]), None);
        assert_eq!(decode_chunk_times(0, &[]), Some(vec![]));
    }
}
