//! The Dockerfile model: directives, instructions with their arguments, and build stages with what they
//! inherit (`FROM builder` carries `builder`'s `USER` and `ENV` over).
//!
//! Instructions are delimited by [`scan`] with Docker's own line rules and their arguments read by [`words`];
//! the tree-sitter tree contributes the syntax errors (see `rules::syntax_error`). Keywords are
//! case-insensitive, as in Docker.

mod scan;
mod words;

use std::ops::Range;

use scan::RawInstruction;
pub use scan::{Directive, Heredoc, parse_directive};
pub use words::{Logical, Word};

use crate::document::{TextRange, shift, unchanged_ends};
use crate::model::image_ref::ImageRef;

/// The instruction keywords Docker knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Keyword {
    pub fn parse(word: &str) -> Self {
        const ALL: [(&str, Keyword); 18] = [
            ("ADD", Keyword::Add),
            ("ARG", Keyword::Arg),
            ("CMD", Keyword::Cmd),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("ENV", Keyword::Env),
            ("EXPOSE", Keyword::Expose),
            ("FROM", Keyword::From),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("ONBUILD", Keyword::Onbuild),
            ("RUN", Keyword::Run),
            ("SHELL", Keyword::Shell),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("USER", Keyword::User),
            ("VOLUME", Keyword::Volume),
            ("WORKDIR", Keyword::Workdir),
        ];
        ALL.iter()
            .find(|(k, _)| word.eq_ignore_ascii_case(k))
            .map_or(Keyword::Unknown, |(_, kw)| *kw)
    }
}

/// A `NAME=value` pair of `ENV`, `ARG` or `LABEL` (or the legacy `ENV NAME value` form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub name: String,
    /// Unquoted; `None` for an `ARG` without a default.
    pub value: Option<String>,
    /// The whole pair as written.
    pub range: TextRange,
    pub name_range: TextRange,
    /// The value as written, quotes included.
    pub value_range: Option<TextRange>,
}

/// One instruction with its arguments.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_range: TextRange,
    /// From the keyword to the end of the instruction, heredoc bodies included.
    pub range: TextRange,
    pub logical: Logical,
    /// Its arguments as words; for a `RUN`, its `--flags` and the first word of its command only (the
    /// command is read as a script, see `model::shell::Scripts`).
    pub words: Vec<Word>,
    pub heredocs: Vec<Heredoc>,
    /// The stage the instruction belongs to; `None` before the first `FROM`.
    pub stage: Option<usize>,
    /// For a trigger (`ONBUILD RUN …`, read as the `RUN` it holds): where `ONBUILD` is written. A trigger
    /// runs in the images built `FROM` this one, not in this image: rules about what an instruction does
    /// read it, rules about the stage's state (its user, health check, working directory, command) do not.
    pub onbuild: Option<TextRange>,
}

impl Instruction {
    /// An `ONBUILD` line read as the instruction it holds, when that is one Docker allows there (not
    /// `ONBUILD`, `FROM` or `MAINTAINER`); otherwise unchanged.
    fn trigger(self, escape: char) -> Self {
        let Some(first) = self.words.first() else {
            return self;
        };
        let inner = Keyword::parse(&first.text);
        if matches!(
            inner,
            Keyword::Onbuild | Keyword::From | Keyword::Maintainer | Keyword::Unknown
        ) {
            return self;
        }
        let logical = self.logical.tail(first.logical_end());
        let words = Self::words_of(inner, &logical, escape);
        Self {
            keyword: inner,
            keyword_range: first.range,
            onbuild: Some(self.keyword_range),
            logical,
            words,
            ..self
        }
    }

    /// The words `keyword`'s instruction keeps of `logical` (see [`Instruction::words`]).
    fn words_of(keyword: Keyword, logical: &Logical, escape: char) -> Vec<Word> {
        if keyword == Keyword::Run {
            words::split_flags(logical, escape)
        } else {
            words::split(logical, escape)
        }
    }

    /// The instruction `raw` delimits, its `keyword` known, read with the file's `escape` character.
    fn read(source: &str, raw: RawInstruction, keyword: Keyword, escape: char) -> Self {
        let logical = Logical::new(source, &raw.pieces);
        let words = Self::words_of(keyword, &logical, escape);
        let instruction = Instruction {
            keyword,
            keyword_range: raw.keyword,
            range: raw.range,
            logical,
            words,
            heredocs: raw.heredocs,
            stage: None,
            onbuild: None,
        };
        if keyword == Keyword::Onbuild {
            instruction.trigger(escape)
        } else {
            instruction
        }
    }

    /// The text the instruction is read from: its range, and the body of a heredoc left open at the end of
    /// the file, which takes the file's last line break too. Instructions with the same text here read
    /// the same, wherever they are.
    pub fn extent(&self) -> TextRange {
        extent(self.range, &self.heredocs)
    }

    /// The same instruction written `delta` bytes later (or earlier) in the text.
    fn shifted(mut self, delta: isize) -> Self {
        self.keyword_range = self.keyword_range.shifted(delta);
        self.range = self.range.shifted(delta);
        self.logical.shift(delta);
        for word in &mut self.words {
            word.range = word.range.shifted(delta);
        }
        for heredoc in &mut self.heredocs {
            heredoc.body = heredoc.body.shifted(delta);
        }
        self.onbuild = self.onbuild.map(|r| r.shifted(delta));
        self
    }

    /// Whether the instruction runs in this image's build (not an `ONBUILD` trigger).
    pub fn in_this_image(&self) -> bool {
        self.onbuild.is_none()
    }

    /// Leading `--flag[=value]` words.
    pub fn flags(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().take_while(|w| w.text.starts_with("--"))
    }

    /// The value of `--name=value` (or `Some("")` for a bare `--name`).
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags().find_map(|w| {
            let body = w.text.strip_prefix("--")?;
            match body.split_once('=') {
                Some((n, v)) if n.eq_ignore_ascii_case(name) => Some(v),
                None if body.eq_ignore_ascii_case(name) => Some(""),
                _ => None,
            }
        })
    }

    /// The words after the leading flags.
    pub fn operands(&self) -> &[Word] {
        let flags = self.flags().count();
        &self.words[flags..]
    }

    /// The exec-form argv (`["a", "b"]`), or `None` for shell form.
    pub fn exec_form(&self) -> Option<Vec<String>> {
        words::exec_form(&self.logical)
    }

    /// The operands as words: the exec-form argv when the instruction is written as JSON, else its
    /// shell-form operands as written.
    pub fn argv(&self) -> Vec<String> {
        self.exec_form()
            .unwrap_or_else(|| self.operands().iter().map(|w| w.text.clone()).collect())
    }

    /// The command text as a shell would see it: the logical line and any heredoc bodies.
    pub fn shell_text<'a>(&'a self, source: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::once(self.logical.text.as_str())
            .chain(self.heredocs.iter().map(|h| h.body.slice(source)))
    }

    /// `NAME=value` pairs (`ENV`, `ARG`, `LABEL`); the legacy `ENV NAME value` form gives one pair.
    pub fn pairs(&self) -> Vec<Pair> {
        let operands = self.operands();
        let legacy = self.keyword == Keyword::Env
            && operands
                .first()
                .is_some_and(|w| !w.raw(&self.logical).contains('='));
        if legacy {
            let Some((name, rest)) = operands.split_first() else {
                return Vec::new();
            };
            let value_range = rest
                .first()
                .zip(rest.last())
                .map(|(a, b)| TextRange::new(a.range.start, b.range.end));
            let value = rest
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            return vec![Pair {
                name: name.text.clone(),
                value: Some(value),
                range: TextRange::new(
                    name.range.start,
                    value_range.map_or(name.range.end, |r| r.end),
                ),
                name_range: name.range,
                value_range,
            }];
        }
        operands.iter().map(|w| self.pair(w)).collect()
    }

    fn pair(&self, word: &Word) -> Pair {
        match word.raw(&self.logical).find('=') {
            Some(eq) => {
                let name_range = self
                    .logical
                    .source_range(word.logical_start, word.logical_start + eq);
                let value_start = word.logical_start + eq + 1;
                let value_range = self.logical.source_range(value_start, word.logical_end());
                let (name, value) = word.text.split_once('=').unwrap_or((&word.text, ""));
                Pair {
                    name: name.to_owned(),
                    value: Some(value.to_owned()),
                    range: word.range,
                    name_range,
                    value_range: Some(value_range),
                }
            }
            None => Pair {
                name: word.text.clone(),
                value: None,
                range: word.range,
                name_range: word.range,
                value_range: None,
            },
        }
    }
}

/// Where a stage's image reference is written: in the `FROM` line, or as the default of a global `ARG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    Literal,
    ArgDefault {
        name: String,
        default: TextRange,
    },
    /// Built from variables and text (`python:${PY}-slim`): no one place holds the whole reference.
    Partial,
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone)]
pub struct Stage {
    pub from: usize,
    /// The image word of the `FROM` line.
    pub image_range: TextRange,
    /// The image reference with global `ARG` defaults substituted.
    pub image_text: String,
    pub image: Option<ImageRef>,
    pub image_source: ImageSource,
    /// The earlier stage this one builds on (`FROM builder`).
    pub parent: Option<usize>,
    pub alias: Option<String>,
    pub platform: Option<String>,
    /// Indices of the stage's instructions after its `FROM`.
    pub body: Range<usize>,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// The `SHELL` and `USER` in effect: before each instruction, and at the end of each stage.
    in_effect: InEffect,
}

/// Which `SHELL` and `USER` instruction (by index) is in effect at each point, inherited through
/// `FROM <stage>`: computed once in one pass, since rules ask at every `RUN` (asking by scanning back made a
/// file of many `RUN`s quadratic).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct InEffect {
    before: Vec<[Option<usize>; 2]>,
    stage_end: Vec<[Option<usize>; 2]>,
}

impl InEffect {
    const TRACKED: [Keyword; 2] = [Keyword::Shell, Keyword::User];

    fn slot(keyword: Keyword) -> Option<usize> {
        Self::TRACKED.iter().position(|k| *k == keyword)
    }

    fn compute(instructions: &[Instruction], stages: &[Stage]) -> Self {
        let mut before = vec![[None; 2]; instructions.len()];
        let mut stage_end = vec![[None; 2]; stages.len()];
        for (index, stage) in stages.iter().enumerate() {
            // Parents come earlier (others are not followed, as in `lineage`).
            let mut current = stage
                .parent
                .filter(|p| *p < index)
                .and_then(|p| stage_end.get(p).copied())
                .unwrap_or([None; 2]);
            for i in stage.body.clone() {
                let Some(instruction) = instructions.get(i) else {
                    continue;
                };
                before[i] = current;
                if let Some(slot) = Self::slot(instruction.keyword) {
                    if instruction.in_this_image() {
                        current[slot] = Some(i);
                    }
                }
            }
            stage_end[index] = current;
        }
        Self { before, stage_end }
    }
}

impl Dockerfile {
    pub fn parse(source: &str) -> Self {
        Self::read(source, scan::scan(source), |_, _| None)
    }

    /// The model of `source`, an edit of `old_source` whose model is `old`: the instructions around the
    /// edit, unchanged, are taken from `old` (moved to where they now start) and only the others are read
    /// again — a keystroke reads the instruction it changed. The same model as [`Dockerfile::parse`].
    pub fn reparse(source: &str, old_source: &str, old: Dockerfile) -> Self {
        let scan = scan::scan(source);
        if scan.escape != old.escape {
            return Self::read(source, scan, |_, _| None);
        }
        let raw = &scan.instructions;
        let (prefix, suffix) = unchanged_ends(old.instructions.len(), raw.len(), |o, n| {
            let raw = extent(raw[n].range, &raw[n].heredocs);
            old.instructions[o].extent().slice(old_source) == raw.slice(source)
        });
        let (old_len, new_len) = (old.instructions.len(), raw.len());
        let mut old: Vec<Option<Instruction>> = old.instructions.into_iter().map(Some).collect();
        Self::read(source, scan, |index, raw| {
            let from = if index < prefix {
                index
            } else if index >= new_len - suffix {
                old_len - (new_len - index)
            } else {
                return None;
            };
            let kept = old.get_mut(from)?.take()?;
            let delta = shift(raw.range.start) - shift(kept.range.start);
            Some(kept.shifted(delta))
        })
    }

    /// The model of `source` from its `scan`, with the instructions `reuse` gives (by index, for the raw
    /// instruction there) instead of reading them.
    fn read(
        source: &str,
        scan: scan::Scan,
        mut reuse: impl FnMut(usize, &RawInstruction) -> Option<Instruction>,
    ) -> Self {
        let mut instructions = Vec::with_capacity(scan.instructions.len());
        let mut stage = None;
        for (index, raw) in scan.instructions.into_iter().enumerate() {
            let kept = reuse(index, &raw);
            let keyword = kept
                .as_ref()
                .map_or_else(|| Keyword::parse(raw.keyword.slice(source)), |k| k.keyword);
            // (a trigger is never a `FROM`: the keyword of a kept one is the one it holds)
            if keyword == Keyword::From {
                stage = Some(stage.map_or(0, |s| s + 1));
            }
            let mut instruction = match kept {
                Some(kept) => kept,
                None => Instruction::read(source, raw, keyword, scan.escape),
            };
            instruction.stage = stage;
            instructions.push(instruction);
        }
        let stages = build_stages(&instructions);
        let in_effect = InEffect::compute(&instructions, &stages);
        Self {
            directives: scan.directives,
            escape: scan.escape,
            instructions,
            stages,
            in_effect,
        }
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    pub fn final_stage(&self) -> Option<(usize, &Stage)> {
        self.stages.iter().enumerate().next_back()
    }

    /// The instructions of stage `index`, after its `FROM`.
    pub fn stage_body(&self, index: usize) -> &[Instruction] {
        self.stages
            .get(index)
            .and_then(|s| self.instructions.get(s.body.clone()))
            .unwrap_or(&[])
    }

    /// The chain of stages `index` builds on, itself first (bounded: parents always come earlier).
    pub fn lineage(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        let mut current = index;
        while let Some(parent) = self.stages.get(current).and_then(|s| s.parent) {
            if parent >= current {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain
    }

    /// The last `USER` in effect at the end of stage `index`, inherited through `FROM <stage>`.
    pub fn effective_user(&self, index: usize) -> Option<&Instruction> {
        let slot = InEffect::slot(Keyword::User)?;
        let at = self.in_effect.stage_end.get(index)?[slot]?;
        self.instructions.get(at)
    }

    /// The `SHELL` argv in effect at instruction `index`: the last `SHELL` before it in its stage or the
    /// stages it builds on; empty for Docker's default, `["/bin/sh", "-c"]`.
    pub fn shell(&self, index: usize) -> Vec<String> {
        self.last_before(index, Keyword::Shell)
            .and_then(Instruction::exec_form)
            .unwrap_or_default()
    }

    /// Where the `SHELL` in effect at instruction `index` starts (`None`: Docker's default): instructions
    /// with the same one run the same shell.
    pub fn shell_start(&self, index: usize) -> Option<usize> {
        self.last_before(index, Keyword::Shell)
            .map(|i| i.range.start)
    }

    /// The `USER` in effect at instruction `index` (`None`: root, the default).
    pub fn effective_user_at(&self, index: usize) -> Option<&Instruction> {
        self.last_before(index, Keyword::User)
    }

    /// The last `keyword` instruction before instruction `index`, in its stage or the stages it builds on.
    fn last_before(&self, index: usize, keyword: Keyword) -> Option<&Instruction> {
        let slot = InEffect::slot(keyword)?;
        let at = self.in_effect.before.get(index)?[slot]?;
        self.instructions.get(at)
    }

    /// The external image stage `index` finally builds on (following `FROM <stage>` links).
    pub fn root_stage(&self, index: usize) -> Option<&Stage> {
        self.lineage(index).last().and_then(|&s| self.stages.get(s))
    }

    /// The `ARG` names declared before the first `FROM`, with their pairs.
    pub fn global_args(&self) -> impl Iterator<Item = Pair> + '_ {
        global_args(&self.instructions)
    }
}

/// An instruction's `range` with its `heredocs` (see [`Instruction::extent`]).
fn extent(range: TextRange, heredocs: &[Heredoc]) -> TextRange {
    let end = heredocs
        .iter()
        .map(|h| h.body.end)
        .fold(range.end, usize::max);
    TextRange::new(range.start, end)
}

/// The pairs of the `ARG`s before the first `FROM`: the only variables a `FROM` line can use.
fn global_args(instructions: &[Instruction]) -> impl Iterator<Item = Pair> + '_ {
    instructions
        .iter()
        .take_while(|i| i.keyword != Keyword::From)
        .filter(|i| i.keyword == Keyword::Arg)
        .flat_map(Instruction::pairs)
}

fn build_stages(instructions: &[Instruction]) -> Vec<Stage> {
    let globals: Vec<Pair> = global_args(instructions).collect();
    let froms: Vec<usize> = instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == Keyword::From)
        .map(|(n, _)| n)
        .collect();
    let mut stages: Vec<Stage> = Vec::with_capacity(froms.len());
    // The first stage named each alias (ASCII case folded), so a `FROM` finds its parent without a scan of
    // every stage before it (a file of 40,000 stages).
    let mut aliases: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, &from) in froms.iter().enumerate() {
        let instruction = &instructions[from];
        let operands = instruction.operands();
        let image_word = operands.first();
        let alias = match operands {
            [_, as_kw, alias, ..] if as_kw.text.eq_ignore_ascii_case("as") => {
                Some(alias.text.clone())
            }
            _ => None,
        };
        let written = image_word.map_or("", |w| w.text.as_str());
        let image_text = substitute(written, &globals);
        let image_source = arg_source(written, &globals);
        let parent = aliases.get(&image_text.to_ascii_lowercase()).copied();
        let parent = parent.or_else(|| image_text.parse::<usize>().ok().filter(|&n| n < k));
        if let Some(alias) = &alias {
            aliases.entry(alias.to_ascii_lowercase()).or_insert(k);
        }
        let image = if parent.is_some() {
            None
        } else {
            ImageRef::parse(&image_text)
        };
        let end = froms.get(k + 1).copied().unwrap_or(instructions.len());
        stages.push(Stage {
            from,
            image_range: image_word.map_or(instruction.keyword_range, |w| w.range),
            image_text,
            image,
            image_source,
            parent,
            alias,
            platform: instruction.flag("platform").map(str::to_owned),
            body: from + 1..end,
        });
    }
    stages
}

/// Replace `$NAME`, `${NAME}`, `${NAME:-default}` with global `ARG` defaults (unknown names stay as written).
pub fn substitute(text: &str, args: &[Pair]) -> String {
    let lookup = |name: &str| {
        args.iter()
            .rev()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(body) = after.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                out.push_str(&rest[at..]);
                return out;
            };
            let inner = &body[..close];
            let (name, fallback) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            match lookup(name)
                .filter(|v| !v.is_empty())
                .or(fallback.map(str::to_owned))
            {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[at..at + 2 + close + 1]),
            }
            rest = &body[close + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            match lookup(&after[..len]) {
                Some(value) if len > 0 => out.push_str(&value),
                _ => out.push_str(&rest[at..at + 1 + len]),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

/// When the whole image word is one `ARG` reference with a literal default, that default is where the image
/// is really written (and where a fix must edit it).
fn arg_source(written: &str, args: &[Pair]) -> ImageSource {
    let name = written
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| written.strip_prefix('$'))
        .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let found = name.and_then(|n| args.iter().rev().find(|p| p.name == n));
    match found.and_then(|p| Some((p.name.clone(), p.value_range?, p.value.as_deref()?))) {
        Some((name, default, value)) if !value.is_empty() && !value.contains('$') => {
            ImageSource::ArgDefault { name, default }
        }
        _ if written.contains('$') => ImageSource::Partial,
        _ => ImageSource::Literal,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `SHELL` and `USER` in effect: before each instruction, inherited through `FROM <stage>`, never from
    /// an unrelated stage or an `ONBUILD` trigger.
    #[test]
    fn shell_and_user_in_effect_follow_the_stages() {
        let text = "FROM a AS base\nRUN one\nSHELL [\"/bin/bash\", \"-c\"]\nUSER 1:1\nONBUILD USER 0\nRUN two\nFROM z AS other\nUSER 2:2\nFROM base\nRUN three\nUSER 3:3\nRUN four\n";
        let file = Dockerfile::parse(text);
        let at = |needle: &str| {
            file.instructions
                .iter()
                .position(|i| i.range.slice(text).contains(needle))
                .expect("instruction")
        };
        let user = |needle: &str| {
            file.effective_user_at(at(needle))
                .map(|u| u.range.slice(text).to_owned())
        };
        assert!(file.shell(at("RUN one")).is_empty());
        assert_eq!(file.shell(at("RUN two")), ["/bin/bash", "-c"]);
        assert_eq!(file.shell(at("RUN three")), ["/bin/bash", "-c"]);
        assert_eq!(user("RUN one"), None);
        assert_eq!(user("RUN two").as_deref(), Some("USER 1:1"));
        assert_eq!(user("RUN three").as_deref(), Some("USER 1:1"));
        assert_eq!(user("RUN four").as_deref(), Some("USER 3:3"));
        assert_eq!(
            file.effective_user(1).map(|u| u.range.slice(text)),
            Some("USER 2:2")
        );
        assert_eq!(
            file.effective_user(2).map(|u| u.range.slice(text)),
            Some("USER 3:3")
        );
    }

    #[test]
    fn stages_args_and_inheritance() {
        let text = "ARG BASE=python:3.12\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nUSER app\n\
                    from build\nRUN x\n";
        let file = Dockerfile::parse(text);
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[0].image_text, "python:3.12");
        assert_eq!(file.stages[0].alias.as_deref(), Some("build"));
        assert_eq!(file.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert!(
            matches!(&file.stages[0].image_source, ImageSource::ArgDefault { default, .. }
            if default.slice(text) == "python:3.12")
        );
        assert_eq!(file.stages[1].parent, Some(0));
        assert_eq!(
            file.effective_user(1).map(|u| u.range.slice(text)),
            Some("USER app")
        );
    }

    #[test]
    fn env_pairs_both_forms() {
        let text = "FROM a\nENV A=1 B=\"x y\" \\\n  C=3\nenv D some value\n";
        let file = Dockerfile::parse(text);
        let pairs = file.instructions[1].pairs();
        assert_eq!(
            pairs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["A", "B", "C"]
        );
        assert_eq!(pairs[1].value.as_deref(), Some("x y"));
        assert_eq!(pairs[1].value_range.map(|r| r.slice(text)), Some("\"x y\""));
        let legacy = file.instructions[2].pairs();
        assert_eq!(legacy[0].name, "D");
        assert_eq!(legacy[0].value.as_deref(), Some("some value"));
        assert_eq!(legacy[0].range.slice(text), "D some value");
    }

    #[test]
    fn substitution_forms() {
        let args = Dockerfile::parse("ARG A=x\nARG B\n")
            .global_args()
            .collect::<Vec<_>>();
        assert_eq!(substitute("$A:${A}-${B:-d}-${C}", &args), "x:x-d-${C}");
    }

    /// `text` with `delete` bytes replaced by `inserted` at the fraction `at` of its length (both ends moved back
    /// to a character boundary): one random edit of the property tests of the models read again.
    pub(crate) fn edited<'a>(
        text: &str,
        at: f64,
        delete: usize,
        inserted: impl Iterator<Item = &'a str>,
    ) -> String {
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(((at * text.len() as f64) as usize).min(text.len()));
        let end = floor((start + delete).min(text.len()));
        let mut edited = text.to_owned();
        edited.replace_range(start..end, &inserted.collect::<String>());
        edited
    }

    const SEED: &str = "# escape=\\\nARG BASE=debian\nFROM ${BASE} AS build\nENV A=1 \\\n  B=2\nRUN <<EOF\necho hi\nEOF\nONBUILD RUN x\nFROM build\nUSER 1\nCMD [\"a\"]\n";
    const PIECES: &[&str] = &[
        "FROM a\n",
        "RUN b",
        "\\\n",
        "\n",
        "# c\n",
        "<<EOF\n",
        "EOF\n",
        "ONBUILD ",
        "USER 2\n",
        " ",
        "`",
        "é",
        "# escape=`\n",
        "\r\n",
        "ENV X=1\n",
    ];

    proptest::proptest! {
        /// After any edits, the model read again from the last one is the model read afresh.
        #[test]
        fn a_model_read_again_is_the_model_read_afresh(
            edits in proptest::collection::vec((0.0f64..1.0, 0usize..12, proptest::collection::vec(0..PIECES.len(), 0..3)), 1..40)
        ) {
            let mut text = SEED.to_owned();
            let mut file = Dockerfile::parse(&text);
            for (at, delete, insert) in edits {
                let edited = edited(&text, at, delete, insert.iter().map(|&i| PIECES[i]));
                file = Dockerfile::reparse(&edited, &text, file);
                text = edited;
                proptest::prop_assert_eq!(format!("{file:?}"), format!("{:?}", Dockerfile::parse(&text)), "text: {:?}", text);
            }
        }
    }
}
