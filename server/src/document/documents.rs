//! Where the documents of a YAML stream are, from the text alone.

use crate::document::TextRange;

/// The documents of a stream: a new one starts at every `---` line (a document marker at column 0 also ends
/// any block scalar, so this split is exact). Text before the first marker is the first document.
pub fn split_documents(text: &str) -> Vec<TextRange> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 {
            let rest = line.strip_prefix("---");
            if rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r'])) {
                starts.push(offset);
            }
        }
        offset += line.len();
    }
    let mut ranges: Vec<TextRange> = starts
        .windows(2)
        .map(|w| TextRange::new(w[0], w[1]))
        .collect();
    ranges.push(TextRange::new(*starts.last().unwrap_or(&0), text.len()));
    ranges
}
