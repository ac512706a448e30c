//! A fast, deterministic hash for the short strings analytics count and look up.
//!
//! The standard library's SipHash resists hash flooding, which matters for servers taking keys
//! from strangers; here the keys are the user's own data on their own machine, and the cost
//! per value matters more. FNV-1a with a final mix is quick on short strings and the same on
//! every platform, so results never depend on where they were computed. It takes eight bytes at
//! a step (as FxHash does) and mixes the result at the end (splitmix64's finaliser).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with the fast hash.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Word-at-a-time multiply-xor hashing, finished with splitmix64's mixer so that every bit of the
/// result depends on every byte of the input.
pub struct WordHasher(u64);

impl Default for WordHasher {
    fn default() -> WordHasher {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59))
                    .wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 30;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x ^= x >> 27;
        x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }
}

/// The fast hash of one string.
pub fn hash_str(value: &str) -> u64 {
    hash_bytes(value.as_bytes())
}

/// The fast hash of a byte string (equal to `hash_str` of the same UTF-8 bytes).
pub fn hash_bytes(value: &[u8]) -> u64 {
    let mut hasher = WordHasher::default();
    hasher.write(value);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::hash_str;

    #[test]
    fn nearby_strings_hash_apart() {
        let hashes: std::collections::HashSet<u64> = [
            "",
            "a",
            "a\0",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "customer1@example.com",
            "customer2@example.com",
        ]
        .iter()
        .map(|s| hash_str(s))
        .collect();
        assert_eq!(hashes.len(), 9);
    }
}
