//! A small random-number generator for the tests that compare two readings of random
//! pages, so they need no crate and give the same pages on every run.

pub struct XorShift(pub u64);

impl XorShift {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
