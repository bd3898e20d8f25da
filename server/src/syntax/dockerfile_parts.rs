//! A large Dockerfile's top-level errors, found by parsing it in parts side by side (see
//! [`errors_in_parts`]).

use crate::document::TextRange;
use crate::syntax::dockerfile::top_level_errors;
use crate::syntax::{Language, parse};

/// [`top_level_errors`] of a whole Dockerfile parsed in parts of at least `size` bytes, side by side: the
/// tree of a 50 MiB file takes four times the file, a part's a few MiB. A part starts at the start of a line
/// where an instruction starts (`starts`, ascending, from the model). The grammar carries two things from
/// line to line, and a part never cuts through them: a line continuation (a cut never follows a line that
/// ends with a backslash) and a heredoc waiting for its terminator (from the first heredoc marker, `<<`, on,
/// the text is one part). Only the parts `needed` says (by their start and end) are parsed.
pub fn errors_in_parts(
    text: &str,
    starts: impl Iterator<Item = usize>,
    size: usize,
    needed: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Vec<TextRange> {
    let mut cuts = vec![0];
    for start in starts {
        let last = cuts[cuts.len() - 1];
        let Some(before) = text.get(..start).filter(|_| start >= last + size.max(1)) else {
            continue;
        };
        let line = before.rfind('\n').map_or(0, |at| at + 1);
        let blank = before[line..].bytes().all(|b| b == b' ' || b == b'\t');
        let continued = before[..line]
            .trim_end_matches(['\n', '\r'])
            .ends_with('\\');
        if before.get(last..line).is_none_or(|t| t.contains("<<")) {
            break;
        }
        if blank && line > last && !continued {
            cuts.push(line);
        }
    }
    cuts.push(text.len());
    use rayon::prelude::*;
    let found: Vec<Vec<TextRange>> = cuts
        .par_windows(2)
        .filter(|part| needed(part[0], part[1]))
        .map(|part| {
            let (start, end) = (part[0], part[1]);
            let piece = &text[start..end];
            parse(Language::Dockerfile, piece, None)
                .map(|tree| top_level_errors(&tree, piece))
                .unwrap_or_default()
                .into_iter()
                .map(|r| TextRange::new(r.start + start, r.end + start))
                .collect()
        })
        .collect();
    found.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line start offered as a cut: the parts still see the heredoc body and the continued line the
    /// whole tree sees, so `FRM` inside them is no error, and the one after them is.
    #[test]
    fn parts_never_cut_a_heredoc_or_a_continued_line() {
        for text in [
            "FROM a\nRUN a \\\nFRM b\nRUN c\nFRM d\n",
            "FROM a\nRUN cat <<EOF\nFRM b\nEOF\nFRM d\nRUN e\n",
        ] {
            let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1));
            let whole = parse(Language::Dockerfile, text, None).map(|t| top_level_errors(&t, text));
            let parts = errors_in_parts(text, starts, 1, &|_, _| true);
            assert_eq!(Some(parts.clone()), whole, "{text:?}");
            assert_eq!(parts.len(), 1, "{text:?}");
            assert!(parts[0].slice(text).starts_with("FRM d"), "{text:?}");
        }
    }
}
