//! Reading an instruction's arguments as Docker does: the pieces of its lines joined into one logical string,
//! split into whitespace-separated words with quotes and escapes resolved. Every word remembers the source
//! range it came from, even across line continuations.

use crate::TextRange;

/// The arguments of one instruction as one string, with the source offset of every byte.
#[derive(Debug, Clone, Default)]
pub struct Logical {
    pub text: String,
    /// `offsets[i]` is the source offset of `text`'s byte `i`; one extra entry maps the end.
    offsets: Vec<usize>,
}

impl Logical {
    pub fn new(source: &str, pieces: &[TextRange]) -> Self {
        let mut text = String::new();
        let mut offsets = Vec::new();
        for piece in pieces {
            let slice = piece.slice(source);
            text.push_str(slice);
            offsets.extend(piece.start..piece.start + slice.len());
        }
        offsets.push(pieces.last().map_or(0, |p| p.start + p.slice(source).len()));
        Self { text, offsets }
    }

    /// The logical text from byte `start` on, leading whitespace dropped (an `ONBUILD` trigger's own
    /// instruction after its keyword).
    pub fn tail(&self, start: usize) -> Logical {
        let start = start.min(self.text.len());
        let rest = &self.text[start..];
        let skip = start + (rest.len() - rest.trim_start().len());
        Logical {
            text: self.text[skip..].to_owned(),
            offsets: self.offsets[skip.min(self.offsets.len())..].to_vec(),
        }
    }

    /// The source range of the logical range `start..end`.
    pub fn source_range(&self, start: usize, end: usize) -> TextRange {
        let at = |i: usize| {
            self.offsets
                .get(i)
                .or(self.offsets.last())
                .copied()
                .unwrap_or(0)
        };
        if end <= start {
            return TextRange::empty(at(start));
        }
        TextRange::new(at(start), at(end - 1) + 1)
    }
}

/// One argument word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// With quotes removed and escapes resolved.
    pub text: String,
    /// The raw text, quotes included, as written (continuations removed).
    pub raw: String,
    pub range: TextRange,
    /// Start of the word in the logical string (for sub-ranges such as `name=value` halves).
    pub logical_start: usize,
}

/// Split `logical` into words. Quotes group (`"a b"`), the escape character escapes the next character outside
/// single quotes; an unterminated quote runs to the end.
pub fn split(logical: &Logical, escape: char) -> Vec<Word> {
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
        words.push(Word {
            text: value,
            raw: text[start..end].to_owned(),
            range: logical.source_range(start, end),
            logical_start: start,
        });
    }
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
    fn exec_form_needs_valid_json() {
        let json = Logical::new("[\"a\", \"b\"]", &[TextRange::new(0, 10)]);
        assert_eq!(exec_form(&json), Some(vec!["a".to_owned(), "b".to_owned()]));
        let broken = Logical::new("[a, b]", &[TextRange::new(0, 6)]);
        assert_eq!(exec_form(&broken), None);
    }
}
