//! Which cells hold a value: one bit per row, as Arrow does it.

/// A validity bitmap. A column with no missing value stores no bits at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Validity {
    /// `None` while every row so far is valid; bit `i` of `words[i / 64]` is row `i`.
    words: Option<Vec<u64>>,
    len: usize,
}

impl Validity {
    pub fn push(&mut self, is_valid: bool) {
        let row_idx = self.len;
        self.len += 1;
        if !is_valid && self.words.is_none() {
            // First missing value: materialise the bits for every valid row before it.
            let mut words = vec![u64::MAX; row_idx / 64];
            if !row_idx.is_multiple_of(64) {
                words.push((1u64 << (row_idx % 64)) - 1);
            }
            self.words = Some(words);
        }
        if let Some(words) = &mut self.words {
            let word_idx = row_idx / 64;
            if word_idx >= words.len() {
                words.push(0);
            }
            if is_valid {
                words[word_idx] |= 1u64 << (row_idx % 64);
            } else {
                words[word_idx] &= !(1u64 << (row_idx % 64));
            }
        }
    }

    pub fn is_valid(&self, row_idx: usize) -> bool {
        if row_idx >= self.len {
            return false;
        }
        match &self.words {
            None => true,
            Some(words) => words[row_idx / 64] & (1u64 << (row_idx % 64)) != 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn n_missing(&self) -> usize {
        match &self.words {
            None => 0,
            Some(words) => {
                let n_valid: usize = words.iter().map(|word| word.count_ones() as usize).sum();
                self.len - n_valid
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Validity;

    fn check(pattern: &[bool]) {
        let mut validity = Validity::default();
        for &bit in pattern {
            validity.push(bit);
        }
        let read: Vec<bool> = (0..pattern.len()).map(|i| validity.is_valid(i)).collect();
        assert_eq!(read, pattern);
        let n_missing = pattern.iter().filter(|bit| !**bit).count();
        assert_eq!(validity.n_missing(), n_missing);
        assert!(!validity.is_valid(pattern.len()));
    }

    #[test]
    fn bits_read_back_as_written() {
        check(&[]);
        check(&[true, true, true]);
        check(&[false]);
        check(&[true, false, true]);
        let mut long = vec![true; 64];
        long.push(false);
        check(&long);
        let mut long = vec![true; 130];
        long[0] = false;
        long[129] = false;
        check(&long);
        let alternating: Vec<bool> = (0..200).map(|i| i % 3 != 0).collect();
        check(&alternating);
    }
}
