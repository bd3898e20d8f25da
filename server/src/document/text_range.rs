//! Byte ranges into a document: the only kind of position the engine uses.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into the text being linted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range moved by `delta` bytes (text was inserted or removed before it).
    pub fn shifted(self, delta: isize) -> Self {
        Self::new(
            self.start.saturating_add_signed(delta),
            self.end.saturating_add_signed(delta),
        )
    }

    /// The slice of `text` this range covers, or `""` when it does not fit (never panics).
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

/// The shift that moves a range of a part of the text to the whole text's offsets, when the part starts at
/// `start` (offsets never come near `isize::MAX`).
pub fn shift(start: usize) -> isize {
    isize::try_from(start).unwrap_or(isize::MAX)
}
