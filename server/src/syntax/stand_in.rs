//! What the grammars with C scanners are given instead of the characters they cannot take.
//!
//! The external scanners of tree-sitter-bash and tree-sitter-dockerfile classify their lookahead with
//! `<wctype.h>` functions; for some code points above U+00FF (U+E0001, a tag character of flag emoji, among
//! them) that is undefined behaviour and kills the process with SIGSEGV — no panic to catch. So those grammars
//! never see such a character: each of its UTF-8 bytes is replaced by an ASCII letter, which keeps every byte
//! offset and tree-sitter point unchanged, so trees, ranges and incremental edits line up with the real text,
//! and the rules keep reading the real text through those ranges.
//!
//! A replaced character becomes a word of letters: `Z` for its lead byte (no Dockerfile instruction, shell
//! keyword or YAML 1.1 boolean starts with `Z`, so a stand-in never turns into syntax), then lower-case letters
//! that follow the continuation bytes, so two different characters rarely read alike (a heredoc delimiter of
//! emoji still has to match its own terminator). A leading byte order mark, which BuildKit strips, becomes
//! spaces.
//!
//! tree-sitter-yaml's scanner compares code points against explicit ranges and reads a byte order mark
//! itself, so YAML keeps its characters (the exhaustive test covers it all the same) — except NUL, which it
//! takes for the end of the input: one NUL in a comment would hide the rest of the file. YAML does not allow
//! the character, so the grammar reads a space there and the model reports it where it is.

use std::borrow::Cow;

/// The largest code point handed to a C scanner unchanged: up to here `<wctype.h>` is defined for any locale.
const LARGEST_SAFE: char = '\u{ff}';

/// `text` with every character above U+00FF replaced byte for byte by ASCII letters (borrowed when there is
/// none).
pub fn for_c_scanner(text: &str) -> Cow<'_, str> {
    // UTF-8 lead bytes 0xC4 and above start the characters above U+00FF (0xC2/0xC3 lead U+0080–U+00FF).
    if !text.bytes().any(|byte| byte >= 0xC4) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    for (offset, character) in text.char_indices() {
        let bytes = &text.as_bytes()[offset..offset + character.len_utf8()];
        if character <= LARGEST_SAFE {
            out.extend_from_slice(bytes);
        } else if offset == 0 && character == '\u{feff}' {
            out.extend_from_slice(b"   ");
        } else {
            out.push(b'Z');
            out.extend(bytes[1..].iter().map(|byte| b'a' + byte % 26));
        }
    }
    // Only ASCII replaced whole characters, so the bytes are still UTF-8.
    Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

/// `text` with every NUL replaced by a space (borrowed when there is none).
pub fn for_yaml_scanner(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', " "))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_value_keeps_its_length_and_none_above_u00ff_remains() {
        let mut text = String::new();
        for character in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            text.push(character);
            text.push('\n');
        }
        let safe = for_c_scanner(&text);
        assert_eq!(safe.len(), text.len());
        assert!(safe.chars().all(|c| c <= LARGEST_SAFE));
        // Line starts (and so every tree-sitter point) are where they were.
        let newlines = |s: &str| {
            s.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(newlines(&safe), newlines(&text));
        assert_eq!(text.chars().count(), 1_112_064 * 2);
    }

    #[test]
    fn text_without_such_characters_is_borrowed() {
        assert!(matches!(for_c_scanner("RUN echo é ü\n"), Cow::Borrowed(_)));
        assert_eq!(for_c_scanner("\u{feff}FROM x"), "   FROM x");
        assert_eq!(for_c_scanner("a\u{e0001}b"), "aZeyzb");
    }
}
