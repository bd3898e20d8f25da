//! Byte offset → line and column, with LSP's idea of a line break (LF, CR, CRLF only).

use serde::Serialize;

/// A 1-based line and a 1-based column counted in Unicode scalar values, as the CLI prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Where every line of a text starts, kept up to date through edits, so an open document converts offsets
/// to protocol positions with a binary search instead of walking a rope (and keeps no second copy of its
/// text). The first line starts at 0; a text ending in a line break has an empty last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        scan(text.as_bytes(), 0, text.len(), &mut starts);
        Self(starts)
    }

    /// Follow the edit that replaced `range` of the previous text with `new_text`, giving `text`, the text
    /// after it. Only the lines the edit touches are scanned again (one before it too: a `\r` there may now
    /// meet a `\n`); the starts after it move by the length difference.
    pub fn edit(&mut self, range: crate::document::TextRange, new_text: &str, text: &str) {
        let starts = &mut self.0;
        let from_line = starts
            .partition_point(|&s| s <= range.start.saturating_sub(1))
            .saturating_sub(1);
        let from = starts[from_line];
        // Old starts up to one past the edit may change (a `\r\n` pair may straddle its end).
        let old_limit = range.end + 1;
        let kept_after = starts.partition_point(|&s| s <= old_limit);
        let inserted_end = range.start + new_text.len();
        let new_limit = (inserted_end + 1).min(text.len());
        let mut rescanned = Vec::new();
        scan(text.as_bytes(), from, new_limit, &mut rescanned);
        rescanned.retain(|&s| s <= new_limit);
        let delta = new_text.len() as isize - range.len() as isize;
        for start in &mut starts[kept_after..] {
            *start = start.saturating_add_signed(delta);
        }
        starts.splice(from_line + 1..kept_after, rescanned);
    }

    /// A view of these starts over `text`, the text they were computed for.
    pub fn index<'a>(&'a self, text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            starts: std::borrow::Cow::Borrowed(&self.0),
        }
    }
}

/// Push the start of every line that begins after a line break found in `bytes[from..to]` (a `\r` at the end
/// looks one byte further, for its `\n`).
fn scan(bytes: &[u8], from: usize, to: usize, starts: &mut Vec<usize>) {
    let mut i = from;
    while i < to {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
}

/// Start offsets of every line of a text, with the text: offsets to lines and columns.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::borrow::Cow<'a, [usize]>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: std::borrow::Cow::Owned(LineStarts::new(text).0),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 0-based line containing `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// The 1-based line and character column of `offset`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text.get(start..end).map_or(0, |s| s.chars().count()) + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The text of the 0-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_lf_cr_crlf_only() {
        let text = "a\r\nb\rc\nd\u{2028}e\u{0B}f";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(
            index.line_col(text.find('e').unwrap_or(0)),
            LineCol { line: 4, column: 3 }
        );
        assert_eq!(index.line_col(999), LineCol { line: 4, column: 6 });
    }

    proptest::proptest! {
        /// Starts followed through any edit are the starts of the edited text, scanned whole.
        #[test]
        fn edits_keep_the_starts(
            text in "[ab\r\n]{0,24}",
            at in 0usize..30,
            removed in 0usize..8,
            inserted in "[ab\r\n]{0,6}",
        ) {
            let start = at.min(text.len());
            let end = (start + removed).min(text.len());
            let mut starts = LineStarts::new(&text);
            let mut edited = text.clone();
            edited.replace_range(start..end, &inserted);
            starts.edit(crate::document::TextRange::new(start, end), &inserted, &edited);
            proptest::prop_assert_eq!(starts, LineStarts::new(&edited));
        }
    }
}
