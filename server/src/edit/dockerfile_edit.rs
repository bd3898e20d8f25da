//! Dockerfile edits the fixes share: lines inserted above an instruction (and its comments), a `USER`
//! placed where it takes effect, whole instructions deleted, an image reference rewritten where it is
//! really written, one pair of an `ENV` removed.

use crate::document::TextRange;
use crate::edit::fix::Edit;
use crate::edit::lines::{line_end_with_break, line_ending, line_start};
use crate::model::dockerfile::{Dockerfile, ImageSource, Instruction, Keyword, Pair, Stage};

/// Insert whole `lines` before the instruction starting at `offset`, above the comment lines directly over
/// it (they describe it), or at the end of the text when `offset` is `None`.
pub fn insert_lines(source: &str, offset: Option<usize>, lines: &[String]) -> Edit {
    let eol = line_ending(source);
    let mut text: String = lines.iter().map(|l| format!("{l}{eol}")).collect();
    match offset {
        Some(offset) => Edit::insert(above_comments(source, line_start(source, offset)), text),
        None => {
            if !source.is_empty() && !source.ends_with(['\n', '\r']) {
                text.insert_str(0, eol);
            }
            Edit::insert(source.len(), text)
        }
    }
}

/// The start of the block of comment lines directly above the line starting at `at` (no blank line between),
/// or `at` itself. An instruction's own comment lines cannot be inside another's continuation: a comment in
/// a continuation would have made the instruction part of it.
fn above_comments(source: &str, mut at: usize) -> usize {
    while at > 0 {
        let previous = line_start(source, at - 1);
        if !source[previous..at].trim_start().starts_with('#') {
            break;
        }
        at = previous;
    }
    at
}

/// Insert whole `lines` (a `USER` last) before the `CMD`/`ENTRYPOINT` of stage `index` that follows its last
/// `USER`, or at the end of the text: the user the image runs as, set where it takes effect.
pub fn user_lines(source: &str, file: &Dockerfile, index: usize, lines: &[String]) -> Edit {
    let body = file.stage_body(index);
    let last_user = body
        .iter()
        .rposition(|i| i.keyword == Keyword::User && i.in_this_image())
        .map_or(0, |p| p + 1);
    let before = body[last_user..]
        .iter()
        .find(|i| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint) && i.in_this_image())
        .map(|i| i.range.start);
    insert_lines(source, before, lines)
}

/// Delete an instruction with the lines it occupies (its line break included).
pub fn delete_instruction(source: &str, instruction: &Instruction) -> Edit {
    let start = line_start(source, instruction.range.start);
    let end = line_end_with_break(source, instruction.range.end);
    Edit::delete(TextRange::new(start, end))
}

/// The edit that makes `stage` start from `new_image`: at the `FROM` line, or at the `ARG` default it comes
/// from. `None` when the reference is built from variables and text (`python:${PY}-slim`): rewriting it
/// would stop the build argument from working.
pub fn replace_image(stage: &Stage, new_image: &str) -> Option<Edit> {
    match &stage.image_source {
        ImageSource::Literal => Some(Edit::replace(stage.image_range, new_image)),
        ImageSource::ArgDefault { default, .. } => Some(Edit::replace(*default, new_image)),
        ImageSource::Partial => None,
    }
}

/// Remove pair `k` of an `ENV`/`ARG` instruction (the whole instruction when it is the only pair).
pub fn remove_pair(source: &str, instruction: &Instruction, pairs: &[Pair], k: usize) -> Edit {
    let pair = &pairs[k];
    if pairs.len() == 1 {
        delete_instruction(source, instruction)
    } else if k + 1 < pairs.len() {
        Edit::delete(TextRange::new(pair.range.start, pairs[k + 1].range.start))
    } else {
        Edit::delete(TextRange::new(pairs[k - 1].range.end, pair.range.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserting_at_the_end_adds_a_missing_line_break() {
        let edit = insert_lines("FROM a", None, &["USER 1".to_owned()]);
        assert_eq!(edit.new_text, "\nUSER 1\n");
    }
}
