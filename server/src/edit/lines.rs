//! Where lines start and end, for edits that insert or delete whole lines.

/// The file's line break: CRLF when its first line break is one, else LF.
pub fn line_ending(source: &str) -> &'static str {
    match source.find('\n') {
        Some(i) if i > 0 && source.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Start of the line containing `offset`.
pub fn line_start(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// After the line containing `offset`: the start of the next line, or the end of the text.
pub fn line_end_with_break(source: &str, offset: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = offset.min(bytes.len());
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return i + 1,
            b'\r' => {
                return if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
            }
            _ => i += 1,
        }
    }
    bytes.len()
}
