//! Byte offsets ↔ LSP positions, in the negotiated encoding. Out-of-range positions are clamped.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::TextRange;

/// How a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion needed), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// The position of byte `offset` (clamped to the text, and back to a character boundary).
pub fn position(rope: &Rope, offset: usize, encoding: Encoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let char_index = rope.byte_to_char(offset);
    let line = rope.char_to_line(char_index);
    let line_char = rope.line_to_char(line);
    let character = match encoding {
        Encoding::Utf8 => rope.char_to_byte(char_index) - rope.char_to_byte(line_char),
        Encoding::Utf16 => rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(line_char),
    };
    Position::new(to_u32(line), to_u32(character))
}

pub fn range(rope: &Rope, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(rope, range.start, encoding),
        position(rope, range.end, encoding),
    )
}

/// The byte offset of `position`; a line past the end clamps to the end of the text, a character past the
/// end of its line to the end of that line (before its line break), and a position inside a character to
/// its start.
pub fn offset(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_char(line);
    let line_slice = rope.line(line);
    let break_len = line_break_chars(&line_slice);
    let line_end = line_start + line_slice.len_chars() - break_len;
    let character = position.character as usize;
    let char_index = match encoding {
        Encoding::Utf8 => {
            let target = rope.char_to_byte(line_start) + character;
            let end_byte = rope.char_to_byte(line_end);
            rope.byte_to_char(target.min(end_byte))
        }
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start);
            let end_cu = rope.char_to_utf16_cu(line_end);
            rope.utf16_cu_to_char((start_cu + character).min(end_cu))
        }
    };
    rope.char_to_byte(char_index.min(line_end))
}

fn line_break_chars(line: &ropey::RopeSlice) -> usize {
    let n = line.len_chars();
    match (
        n.checked_sub(2).map(|i| line.char(i)),
        n.checked_sub(1).map(|i| line.char(i)),
    ) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_surrogates_crlf_and_clamping() {
        let rope = Rope::from_str("a😀b\r\nc\u{2028}d\u{0B}e\n");
        // 😀 is 2 UTF-16 code units and 4 UTF-8 bytes; U+2028 and VT are not line breaks.
        assert_eq!(offset(&rope, Position::new(0, 3), Encoding::Utf16), 5);
        assert_eq!(offset(&rope, Position::new(0, 5), Encoding::Utf8), 5);
        assert_eq!(position(&rope, 5, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(offset(&rope, Position::new(0, 99), Encoding::Utf16), 6);
        // Line 1 starts at byte 8: `c` (1 byte), U+2028 (3 bytes), then `d` at 12.
        assert_eq!(offset(&rope, Position::new(1, 3), Encoding::Utf16), 13);
        assert_eq!(position(&rope, 12, Encoding::Utf16), Position::new(1, 2));
        assert_eq!(
            position(&rope, 10, Encoding::Utf16),
            Position::new(1, 1),
            "inside U+2028: its start"
        );
        assert_eq!(
            offset(&rope, Position::new(9, 0), Encoding::Utf16),
            rope.len_bytes()
        );
        // Inside a surrogate pair: back to the character's start.
        assert_eq!(offset(&rope, Position::new(0, 2), Encoding::Utf16), 1);
        assert_eq!(rope.len_lines(), 3);
    }
}
