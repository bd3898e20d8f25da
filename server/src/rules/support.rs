//! Helpers several rules share: placing inserted lines, deleting whole instructions, rewriting an image
//! reference where it is really written, removing one pair of an `ENV`.

use crate::TextRange;
use crate::fix::Edit;
use crate::model::dockerfile::{Dockerfile, ImageSource, Instruction, Keyword, Pair, Stage};

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

/// Whether stage `index` has a `RUN` (itself or inherited from the stages it builds on).
pub fn lineage_runs(file: &Dockerfile, index: usize) -> bool {
    file.lineage(index).into_iter().any(|s| {
        file.stage_body(s)
            .iter()
            .any(|i| i.keyword == crate::model::dockerfile::Keyword::Run)
    })
}

/// What the message says of a node agent: why it has the host's namespaces, so their removal is offered,
/// not preferred.
pub fn agent_note(agent: Option<&str>) -> String {
    agent.map_or_else(String::new, |why| {
        format!(" — its image is a node agent ({why}): removing it is for a person to decide")
    })
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
