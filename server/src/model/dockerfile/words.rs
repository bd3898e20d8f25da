//! Reading an instruction's arguments as Docker does: the pieces of its lines joined into one logical string,
//! split into whitespace-separated words with quotes and escapes resolved. Every word remembers the source
//! range it came from, even across line continuations.

use crate::document::TextRange;

/// The arguments of one instruction as one string, with where each of its pieces (the lines between
/// continuations) starts in the source: a map the size of the line count, not of the text (a file of
/// many `RUN`s must not cost eight bytes of map per byte).
#[derive(Debug, Clone, Default)]
pub struct Logical {
    pub text: String,
    /// `(logical start, source start)` of each piece, in order; bytes of a piece are contiguous in both.
    pieces: Vec<(usize, usize)>,
    /// The source offset the end of the text maps to.
    end: usize,
}

impl Logical {
    pub fn new(source: &str, pieces: &[TextRange]) -> Self {
        let mut text = String::new();
        let mut map = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let slice = piece.slice(source);
            map.push((text.len(), piece.start));
            text.push_str(slice);
        }
        let end = pieces.last().map_or(0, |p| p.start + p.slice(source).len());
        Self {
            text,
            pieces: map,
            end,
        }
    }

    /// The same text written `delta` bytes later (or earlier) in the source.
    pub fn shift(&mut self, delta: isize) {
        for (_, source) in &mut self.pieces {
            *source = source.saturating_add_signed(delta);
        }
        self.end = self.end.saturating_add_signed(delta);
    }

    /// The logical text from byte `start` on, leading whitespace dropped (an `ONBUILD` trigger's own
    /// instruction after its keyword).
    pub fn tail(&self, start: usize) -> Logical {
        let start = start.min(self.text.len());
        let rest = &self.text[start..];
        let skip = start + (rest.len() - rest.trim_start().len());
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        if skip < self.text.len() {
            pieces.push((0, self.at(skip)));
            pieces.extend(
                self.pieces
                    .iter()
                    .filter(|(logical, _)| *logical > skip)
                    .map(|(logical, source)| (logical - skip, *source)),
            );
        }
        Logical {
            text: self.text[skip..].to_owned(),
            pieces,
            end: self.end,
        }
    }

    /// The text from logical byte `from` on, piece by piece: each piece's logical range and where it
    /// starts in the source.
    pub fn pieces_from(
        &self,
        from: usize,
    ) -> impl Iterator<Item = (std::ops::Range<usize>, usize)> + '_ {
        let ends = self
            .pieces
            .iter()
            .skip(1)
            .map(|(logical, _)| *logical)
            .chain(std::iter::once(self.text.len()));
        self.pieces
            .iter()
            .zip(ends)
            .filter(move |(_, end)| *end > from)
            .map(move |(&(start, source), end)| {
                let clipped = start.max(from);
                (clipped..end, source + (clipped - start))
            })
    }

    /// The source offset of logical byte `i` (the end of the text maps to its source end).
    fn at(&self, i: usize) -> usize {
        if i >= self.text.len() {
            return self.end;
        }
        let index = self.pieces.partition_point(|(logical, _)| *logical <= i);
        index
            .checked_sub(1)
            .and_then(|k| self.pieces.get(k))
            .map_or(self.end, |(logical, source)| source + (i - logical))
    }

    /// The source range of the logical range `start..end`.
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        if end <= start {
            return TextRange::empty(self.at(start));
        }
        TextRange::new(self.at(start), self.at(end - 1) + 1)
    }
}

/// One argument word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// With quotes removed and escapes resolved.
    pub text: String,
    /// The length of the raw text in the logical string (see [`Word::raw`]).
    raw_len: usize,
    pub range: TextRange,
    /// Start of the word in the logical string (for sub-ranges such as `name=value` halves).
    pub logical_start: usize,
}

impl Word {
    /// The raw text, quotes included, as written (continuations removed), read from the instruction's
    /// logical string: kept as a length, since most words are their raw text and a file may hold millions.
    pub fn raw<'a>(&self, logical: &'a Logical) -> &'a str {
        logical
            .text
            .get(self.logical_start..self.logical_end())
            .unwrap_or("")
    }

    /// Where the word ends in the logical string.
    pub fn logical_end(&self) -> usize {
        self.logical_start + self.raw_len
    }
}

/// Split `logical` into words. Quotes group (`"a b"`), the escape character escapes the next character outside
/// single quotes; an unterminated quote runs to the end.
pub fn split(logical: &Logical, escape: char) -> Vec<Word> {
    split_until(logical, escape, |_| false)
}

/// The leading `--flags` of `logical` and the first word after them: all a `RUN` needs as words, since its
/// command is read as a script (a file of many `RUN`s would otherwise keep every word of every command).
pub fn split_flags(logical: &Logical, escape: char) -> Vec<Word> {
    split_until(logical, escape, |word| !word.text.starts_with("--"))
}

/// Split as [`split`] does, stopping after the first word `last` accepts.
fn split_until(logical: &Logical, escape: char, last: impl Fn(&Word) -> bool) -> Vec<Word> {
    let text = &logical.text;
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut value = String::new();
        let mut quote: Option<char> = None;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (q, c) if c == escape && q != Some('\'') => {
                    if let Some(&(j, next)) = chars.peek() {
                        chars.next();
                        end = j + next.len_utf8();
                        value.push(next);
                    }
                }
                (_, c) => value.push(c),
            }
        }
        let word = Word {
            text: value,
            raw_len: end - start,
            range: logical.source_range(start, end),
            logical_start: start,
        };
        let done = last(&word);
        words.push(word);
        if done {
            break;
        }
    }
    words.shrink_to_fit();
    words
}

/// Parse a JSON array of strings (exec form), or `None` when the text is not one (then Docker uses shell form).
pub fn exec_form(logical: &Logical) -> Option<Vec<String>> {
    let trimmed = logical.text.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(trimmed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_source_ranges_across_continuations() {
        let source = "ENV A=\"x y\" \\\n    B=2";
        let pieces = [TextRange::new(3, 12), TextRange::new(14, source.len())];
        let logical = Logical::new(source, &pieces);
        let words = split(&logical, '\\');
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "A=x y");
        assert_eq!(words[0].range.slice(source), "A=\"x y\"");
        assert_eq!(words[1].range.slice(source), "B=2");
    }

    #[test]
    fn pieces_and_tails_map_back_to_the_source() {
        let source = "RUN a \\\n  bb \\\n  ccc";
        let pieces = [
            TextRange::new(4, 6),
            TextRange::new(10, 13),
            TextRange::new(17, 20),
        ];
        let logical = Logical::new(source, &pieces);
        assert_eq!(logical.text, "a bb ccc");
        let from_two: Vec<_> = logical.pieces_from(3).collect();
        assert_eq!(from_two, vec![(3..5, 11), (5..8, 17)]);
        for (range, at) in from_two {
            assert_eq!(&logical.text[range.clone()], &source[at..at + range.len()]);
        }
        let tail = logical.tail(2);
        assert_eq!(tail.text, "bb ccc");
        assert_eq!(tail.source_range(3, 6).slice(source), "ccc");
        assert_eq!(tail.source_range(6, 6), TextRange::empty(20));
    }

    #[test]
    fn exec_form_needs_valid_json() {
        let json = Logical::new("[\"a\", \"b\"]", &[TextRange::new(0, 10)]);
        assert_eq!(exec_form(&json), Some(vec!["a".to_owned(), "b".to_owned()]));
        let broken = Logical::new("[a, b]", &[TextRange::new(0, 6)]);
        assert_eq!(exec_form(&broken), None);
    }
}
