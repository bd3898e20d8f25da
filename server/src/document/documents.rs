//! Where the documents of a YAML stream are, from the text alone.

use crate::document::TextRange;

/// The documents of a stream: a new one starts at every `---` line (a document marker at column 0 also ends
/// any block scalar, so this split is exact). Text before the first marker is the first document.
pub fn split_documents(text: &str) -> Vec<TextRange> {
    let mut starts = vec![0];
    // (only the lines after a line break that start with `---` are looked at: a stream is read on every
    // keystroke, and its lines are many)
    for at in memchr::memmem::find_iter(text.as_bytes(), b"\n---") {
        let start = at + 1;
        let after = text.as_bytes().get(start + 3);
        if after.is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            starts.push(start);
        }
    }
    let mut ranges: Vec<TextRange> = starts
        .windows(2)
        .map(|w| TextRange::new(w[0], w[1]))
        .collect();
    ranges.push(TextRange::new(*starts.last().unwrap_or(&0), text.len()));
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition, line by line.
    fn by_lines(text: &str) -> Vec<usize> {
        let mut starts = vec![0];
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let rest = line.strip_prefix("---");
            let marker =
                rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r']));
            if offset > 0 && marker {
                starts.push(offset);
            }
            offset += line.len();
        }
        starts
    }

    proptest! {
        #[test]
        fn documents_start_at_every_marker_line(text in "[-a \t\r\n]{0,40}") {
            let starts: Vec<usize> = split_documents(&text).iter().map(|r| r.start).collect();
            prop_assert_eq!(starts, by_lines(&text));
        }
    }
}
