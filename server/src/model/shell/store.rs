//! How the scripts of many `RUN`s are kept: flat arrays of small fixed-size records with 32-bit offsets,
//! and one string for all their texts. A Dockerfile of 380,000 `RUN` lines holds millions of words: kept
//! as a `String`, a `Vec` and a 16-byte range each, they took over twenty times the file. The views in the
//! parent module read these records; nothing outside this module sees them.

use crate::document::TextRange;

/// No index: a command without a name, a redirection without a target, a command in no pipeline.
pub(super) const NONE: u32 = u32::MAX;

/// A 32-bit index or offset. Every offset fits: a file too large for one has no scripts read (see
/// [`super::Scripts::read`]); every index fits, since a store holds a bounded number of bounded scripts.
pub(super) fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

/// A count of one command's pieces: a script is at most `MAX_SCRIPT` bytes, so fewer words than this.
pub(super) fn count(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// A byte range of the Dockerfile, in 32 bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Offsets {
    pub start: u32,
    pub end: u32,
}

impl Offsets {
    pub fn of(range: TextRange) -> Self {
        Self {
            start: index(range.start),
            end: index(range.end),
        }
    }

    pub fn range(self) -> TextRange {
        TextRange::new(self.start as usize, self.end as usize)
    }

    fn shift(&mut self, delta: isize) {
        *self = Self::of(self.range().shifted(delta));
    }
}

/// A piece of [`Store::text`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Text {
    start: u32,
    len: u32,
}

/// One word (see [`super::Arg`]).
#[derive(Debug, Clone, Copy)]
pub struct ArgRecord {
    pub(super) text: Text,
    pub(super) range: Offsets,
    /// Its variables: `variable_count` names from this index of [`Store::variables`].
    pub(super) variables: u32,
    pub(super) variable_count: u16,
    pub(super) literal: bool,
}

/// One simple command (see [`super::Command`]); its arguments, assignments and redirections are runs of
/// the store's arrays.
#[derive(Debug, Clone, Copy)]
pub struct CommandRecord {
    pub(super) name: u32,
    pub(super) args: u32,
    pub(super) arg_count: u16,
    pub(super) assignment_count: u16,
    pub(super) assignments: u32,
    pub(super) redirects: u32,
    pub(super) redirect_count: u16,
    pub(super) then: Option<super::ListOperator>,
    pub(super) range: Offsets,
    /// Its pipeline, as an index among its script's.
    pub(super) pipeline: u32,
}

/// `NAME=value` (see [`super::Assignment`]).
#[derive(Debug, Clone, Copy)]
pub struct AssignmentRecord {
    pub(super) name: Text,
    pub(super) value: u32,
    pub(super) range: Offsets,
}

/// A redirection (see [`super::Redirect`]).
#[derive(Debug, Clone, Copy)]
pub struct RedirectRecord {
    pub(super) operator: Text,
    pub(super) target: u32,
    pub(super) heredoc: Option<Offsets>,
}

/// A pipeline (see [`super::Pipeline`]): its commands are a run of [`Store::members`].
#[derive(Debug, Clone, Copy)]
pub struct PipelineRecord {
    pub(super) members: u32,
    pub(super) member_count: u32,
    pub(super) range: Offsets,
}

/// Where one `RUN`'s script starts in the arrays; it ends where the next one starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Header {
    pub instruction: usize,
    pub commands: u32,
    pub pipelines: u32,
}

/// The scripts of some consecutive `RUN`s.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub(super) scripts: Vec<Header>,
    pub(super) commands: Vec<CommandRecord>,
    pub(super) args: Vec<ArgRecord>,
    pub(super) assignments: Vec<AssignmentRecord>,
    pub(super) redirects: Vec<RedirectRecord>,
    pub(super) pipelines: Vec<PipelineRecord>,
    /// The commands of each pipeline, as indices among its script's.
    pub(super) members: Vec<u32>,
    pub(super) variables: Vec<Text>,
    pub(super) text: String,
}

impl Store {
    /// Keep `text` and say where it is.
    pub fn push_text(&mut self, text: &str) -> Text {
        let start = index(self.text.len());
        self.text.push_str(text);
        Text {
            start,
            len: index(text.len()),
        }
    }

    pub fn text(&self, text: Text) -> &str {
        let start = text.start as usize;
        self.text
            .get(start..start + text.len as usize)
            .unwrap_or("")
    }

    /// Add an argument; its index.
    pub fn push_arg(&mut self, arg: ArgRecord) -> u32 {
        self.args.push(arg);
        index(self.args.len() - 1)
    }

    /// Start the script of instruction `instruction`.
    pub fn begin(&mut self, instruction: usize) {
        self.scripts.push(Header {
            instruction,
            commands: index(self.commands.len()),
            pipelines: index(self.pipelines.len()),
        });
    }

    /// The current script's first command and pipeline, as indices into the arrays.
    pub fn current(&self) -> (usize, usize) {
        self.scripts
            .last()
            .map_or((0, 0), |h| (h.commands as usize, h.pipelines as usize))
    }

    /// Where script `at` (an index into [`Store::scripts`]) ends in the command and pipeline arrays.
    pub fn ends(&self, at: usize) -> (usize, usize) {
        self.scripts
            .get(at + 1)
            .map_or((self.commands.len(), self.pipelines.len()), |next| {
                (next.commands as usize, next.pipelines as usize)
            })
    }

    /// Drop the slack the arrays grew with: a store is kept for the whole lint.
    pub fn shrink(&mut self) {
        self.scripts.shrink_to_fit();
        self.commands.shrink_to_fit();
        self.args.shrink_to_fit();
        self.assignments.shrink_to_fit();
        self.redirects.shrink_to_fit();
        self.pipelines.shrink_to_fit();
        self.members.shrink_to_fit();
        self.variables.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// The store with every range moved by `delta` bytes, and its scripts given to `instruction`: a
    /// cached script placed where its `RUN` now is.
    pub fn shifted(mut self, delta: isize, instruction: usize) -> Self {
        for header in &mut self.scripts {
            header.instruction = instruction;
        }
        for command in &mut self.commands {
            command.range.shift(delta);
        }
        for arg in &mut self.args {
            arg.range.shift(delta);
        }
        for assignment in &mut self.assignments {
            assignment.range.shift(delta);
        }
        for redirect in &mut self.redirects {
            if let Some(heredoc) = &mut redirect.heredoc {
                heredoc.shift(delta);
            }
        }
        for pipeline in &mut self.pipelines {
            pipeline.range.shift(delta);
        }
        self
    }
}

/// The operator of a list (`a && b`, `a || b`): whether what follows runs depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOperator {
    And,
    Or,
}

impl ListOperator {
    pub(super) fn parse(text: &str) -> Option<Self> {
        match text {
            "&&" => Some(Self::And),
            "||" => Some(Self::Or),
            _ => None,
        }
    }
}
