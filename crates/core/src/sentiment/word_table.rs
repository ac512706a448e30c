//! The table VADER looks every word up in: one probe per word, most of the time.
//!
//! Scoring is one lookup per word, so the lookup is most of the cost of a text. A general
//! `HashMap<String, _>` hashes through the `Hasher` trait (with a separator byte per string) and
//! compares keys with a library call; this table stores each key's full hash next to it, so a
//! probe compares two integers before it ever compares bytes, and keeps at most half its slots
//! full, so most lookups end at the first slot.

use crate::hashing::hash_bytes;

/// Lower-case word → `T`, open addressing with linear probing.
#[derive(Debug, Clone)]
pub(super) struct WordTable<T> {
    /// `0` for an empty slot, else an index into `entries` plus one.
    slots: Vec<u32>,
    entries: Vec<Entry<T>>,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    hash: u64,
    word: Box<[u8]>,
    value: T,
}

impl<T> Default for WordTable<T> {
    fn default() -> WordTable<T> {
        WordTable {
            slots: vec![0; 16],
            entries: Vec::new(),
        }
    }
}

impl<T: Default> WordTable<T> {
    /// The value of `word`, inserted as `T::default()` if absent.
    pub(super) fn entry(&mut self, word: &str) -> &mut T {
        let word = word.as_bytes();
        let hash = hash_bytes(word);
        let entry_idx = match self.find(hash, word) {
            Some(entry_idx) => entry_idx,
            None => {
                if (self.entries.len() + 1) * 2 > self.slots.len() {
                    self.grow();
                }
                let entry_idx = self.entries.len();
                self.entries.push(Entry {
                    hash,
                    word: word.into(),
                    value: T::default(),
                });
                self.place(hash, entry_idx);
                entry_idx
            }
        };
        &mut self.entries[entry_idx].value
    }
}

impl<T> WordTable<T> {
    /// The value of a word, given as its UTF-8 bytes.
    pub(super) fn get(&self, word: &[u8]) -> Option<&T> {
        self.find(hash_bytes(word), word)
            .map(|entry_idx| &self.entries[entry_idx].value)
    }

    fn find(&self, hash: u64, word: &[u8]) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut slot_idx = hash as usize & mask;
        loop {
            let slot = self.slots[slot_idx] as usize;
            if slot == 0 {
                return None;
            }
            let entry = &self.entries[slot - 1];
            if entry.hash == hash && &*entry.word == word {
                return Some(slot - 1);
            }
            slot_idx = (slot_idx + 1) & mask;
        }
    }

    fn place(&mut self, hash: u64, entry_idx: usize) {
        let mask = self.slots.len() - 1;
        let mut slot_idx = hash as usize & mask;
        while self.slots[slot_idx] != 0 {
            slot_idx = (slot_idx + 1) & mask;
        }
        self.slots[slot_idx] =
            u32::try_from(entry_idx + 1).expect("a word table holds fewer than 4 billion words");
    }

    /// Doubles the slots (keeping their number a power of two) and places every entry again.
    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        for entry_idx in 0..self.entries.len() {
            self.place(self.entries[entry_idx].hash, entry_idx);
        }
    }
}

impl<T: Default> FromIterator<(String, T)> for WordTable<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(pairs: I) -> WordTable<T> {
        let mut table = WordTable::default();
        for (word, value) in pairs {
            *table.entry(&word) = value;
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::WordTable;

    #[test]
    fn words_are_found_after_the_table_grows() {
        let mut table: WordTable<u32> = WordTable::default();
        for n in 0..1_000_u32 {
            *table.entry(&format!("word{n}")) = n;
        }
        *table.entry("word7") += 1_000;
        assert_eq!(table.get(b"word7"), Some(&1_007));
        assert_eq!(table.get(b"word999"), Some(&999));
        assert_eq!(table.get(b"word1000"), None);
        assert_eq!(table.get(b""), None);
        assert_eq!(table.entries.len(), 1_000);
    }
}
