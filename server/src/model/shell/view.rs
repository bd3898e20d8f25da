//! The views a script is read through: small `Copy` values made on access ([`Script`], [`Command`], [`Arg`]
//! and the others), each reading its record of the [`Store`] and borrowing its texts from it.

use std::fmt;

use crate::document::TextRange;
use crate::model::shell::store::{
    self, ArgRecord, AssignmentRecord, CommandRecord, ListOperator, NONE, Offsets, PipelineRecord,
    RedirectRecord, Store, Text,
};

/// A kind of record of the [`Store`], and the view it is read through.
pub trait Record {
    type View<'a>
    where
        Self: 'a;

    /// The view of this record, which is record `at` of its array in `store`.
    fn view<'a>(&'a self, store: &'a Store, at: u32) -> Self::View<'a>;
}

/// A run of records (a command's arguments, a script's commands), read as views.
pub struct List<'a, R> {
    store: &'a Store,
    items: &'a [R],
    /// The index of the first item in its array.
    first: u32,
}

impl<R> Clone for List<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for List<'_, R> {}

impl<'a, R: Record> List<'a, R> {
    pub(super) fn new(store: &'a Store, array: &'a [R], first: u32, count: usize) -> Self {
        let start = (first as usize).min(array.len());
        let end = start.saturating_add(count).min(array.len());
        Self {
            store,
            items: &array[start..end],
            first,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<R::View<'a>> {
        let item = self.items.get(i)?;
        Some(item.view(self.store, self.first + store::index(i)))
    }

    pub fn first(&self) -> Option<R::View<'a>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<R::View<'a>> {
        self.get(self.len().checked_sub(1)?)
    }

    /// The items from the `from`th on (none when there are fewer).
    pub fn from(&self, from: usize) -> Self {
        let from = from.min(self.items.len());
        Self {
            store: self.store,
            items: &self.items[from..],
            first: self.first + store::index(from),
        }
    }

    pub fn iter(&self) -> Iter<'a, R> {
        Iter {
            list: *self,
            indices: 0..self.len(),
        }
    }
}

impl<'a, R: Record> fmt::Debug for List<'a, R>
where
    R::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The views of a [`List`], in order.
pub struct Iter<'a, R> {
    list: List<'a, R>,
    indices: std::ops::Range<usize>,
}

impl<R> Clone for Iter<'_, R> {
    fn clone(&self) -> Self {
        Self {
            list: self.list,
            indices: self.indices.clone(),
        }
    }
}

impl<'a, R: Record> Iterator for Iter<'a, R> {
    type Item = R::View<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        self.list.get(self.indices.next()?)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl<R: Record> DoubleEndedIterator for Iter<'_, R> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.list.get(self.indices.next_back()?)
    }
}

impl<R: Record> ExactSizeIterator for Iter<'_, R> {}

impl<'a, R: Record> IntoIterator for List<'a, R> {
    type Item = R::View<'a>;
    type IntoIter = Iter<'a, R>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, R: Record> IntoIterator for &List<'a, R> {
    type Item = R::View<'a>;
    type IntoIter = Iter<'a, R>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A command's arguments.
pub type Args<'a> = List<'a, ArgRecord>;

/// A script's commands.
pub type Commands<'a> = List<'a, CommandRecord>;

/// One word of a command as the shell would pass it, when that can be known.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    /// Quotes removed and escapes resolved; expansions (`$X`, `$(…)`) kept as written.
    pub text: &'a str,
    pub range: TextRange,
    /// No expansion in it: `text` is exactly what the command receives.
    pub literal: bool,
    /// The variables it expands (`$NAME`, `${NAME:-x}`).
    pub variables: List<'a, Text>,
    /// Which word of its store it is.
    at: u32,
}

impl fmt::Debug for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // (not where it is kept: the same script is kept differently read alone and in a large file)
        f.debug_struct("Arg")
            .field("text", &self.text)
            .field("range", &self.range)
            .field("literal", &self.literal)
            .field("variables", &self.variables)
            .finish()
    }
}

impl Arg<'_> {
    /// Whether this is the very word `other` is (not merely one with the same text).
    pub fn is_same(&self, other: &Arg) -> bool {
        self.at == other.at && std::ptr::eq(self.text, other.text)
    }
}

impl Record for ArgRecord {
    type View<'a> = Arg<'a>;

    fn view<'a>(&'a self, store: &'a Store, at: u32) -> Arg<'a> {
        Arg {
            text: store.text(self.text),
            range: self.range.range(),
            literal: self.literal,
            variables: List::new(
                store,
                &store.variables,
                self.variables,
                self.variable_count.into(),
            ),
            at,
        }
    }
}

impl Record for Text {
    type View<'a> = &'a str;

    fn view<'a>(&'a self, store: &'a Store, _: u32) -> &'a str {
        store.text(*self)
    }
}

/// `NAME=value` before a command (`FOO=1 make`), or after `export`/`declare`/`local`/`readonly`.
#[derive(Debug, Clone, Copy)]
pub struct Assignment<'a> {
    pub name: &'a str,
    pub value: Arg<'a>,
    pub range: TextRange,
}

impl Record for AssignmentRecord {
    type View<'a> = Assignment<'a>;

    fn view<'a>(&'a self, store: &'a Store, _: u32) -> Assignment<'a> {
        Assignment {
            name: store.text(self.name),
            value: arg(store, self.value).unwrap_or_else(|| Arg {
                text: "",
                range: TextRange::empty(self.range.end as usize),
                literal: true,
                variables: List::new(store, &store.variables, 0, 0),
                at: NONE,
            }),
            range: self.range.range(),
        }
    }
}

/// Argument `at` of `store`, if there is one.
fn arg(store: &Store, at: u32) -> Option<Arg<'_>> {
    store.args.get(at as usize).map(|a| a.view(store, at))
}

/// A redirection of a command: `> file`, `2>&1`, `<<EOF` (with the heredoc body it reads).
#[derive(Debug, Clone, Copy)]
pub struct Redirect<'a> {
    /// `>`, `>>`, `<`, `2>`, `&>`, `<<`, `<<<`…
    pub operator: &'a str,
    pub target: Option<Arg<'a>>,
    /// The heredoc body the command reads on stdin.
    pub heredoc: Option<TextRange>,
}

impl Record for RedirectRecord {
    type View<'a> = Redirect<'a>;

    fn view<'a>(&'a self, store: &'a Store, _: u32) -> Redirect<'a> {
        Redirect {
            operator: store.text(self.operator),
            target: arg(store, self.target),
            heredoc: self.heredoc.map(Offsets::range),
        }
    }
}

/// One simple command.
#[derive(Debug, Clone, Copy)]
pub struct Command<'a> {
    /// `None` for a line of assignments or redirections only.
    pub name: Option<Arg<'a>>,
    pub args: Args<'a>,
    pub assignments: List<'a, AssignmentRecord>,
    pub redirects: List<'a, RedirectRecord>,
    pub range: TextRange,
    /// The pipeline (`a | b`) it is part of, as an index into [`Script::pipelines`].
    pub pipeline: Option<usize>,
    /// The list operator that follows it (`&&`, `||`): what runs next depends on it.
    pub then: Option<ListOperator>,
}

impl Record for CommandRecord {
    type View<'a> = Command<'a>;

    fn view<'a>(&'a self, store: &'a Store, _: u32) -> Command<'a> {
        Command {
            name: arg(store, self.name),
            args: List::new(store, &store.args, self.args, self.arg_count.into()),
            assignments: List::new(
                store,
                &store.assignments,
                self.assignments,
                self.assignment_count.into(),
            ),
            redirects: List::new(
                store,
                &store.redirects,
                self.redirects,
                self.redirect_count.into(),
            ),
            range: self.range.range(),
            pipeline: (self.pipeline != NONE).then_some(self.pipeline as usize),
            then: self.then,
        }
    }
}

impl<'a> Command<'a> {
    /// The program's file name: `/usr/bin/curl` → `curl`.
    pub fn program(&self) -> Option<&'a str> {
        let name = self.name?.text;
        // (a byte search: names are short, and every rule asks for every command's program)
        let base = name
            .bytes()
            .rposition(|b| b == b'/')
            .map_or(0, |slash| slash + 1);
        Some(&name[base..])
    }

    /// Whether the program is one of `names`.
    pub fn is(&self, names: &[&str]) -> bool {
        self.program().is_some_and(|p| names.contains(&p))
    }

    /// The argument that sets an option, in any of its spellings: a long option (`--insecure`, or
    /// `--name=value` when `long` ends with `=`), or the short letter alone or in a cluster (`-k`, `-fsSLk`).
    /// `takes_value` lists the short letters that take a value (in `-ofile`, `f` is not an option).
    /// Arguments after `--` are operands, never options.
    pub fn option(&self, short: Option<char>, long: &[&str], takes_value: &str) -> Option<Arg<'a>> {
        for arg in &self.args {
            let text = arg.text;
            if text == "--" {
                return None;
            }
            if let Some(body) = text.strip_prefix("--") {
                let name = body.split('=').next().unwrap_or(body);
                if long.iter().any(|l| l.trim_start_matches('-') == name) {
                    return Some(arg);
                }
                continue;
            }
            let Some(cluster) = text.strip_prefix('-') else {
                continue;
            };
            let Some(short) = short else { continue };
            for c in cluster.chars() {
                if c == short {
                    return Some(arg);
                }
                if !c.is_ascii_alphanumeric() || takes_value.contains(c) {
                    break;
                }
            }
        }
        None
    }

    /// Whether `word` is one of the arguments.
    pub fn has_arg(&self, word: &str) -> bool {
        self.args.iter().any(|a| a.text == word)
    }
}

/// `a | b | c`: the commands, in order.
#[derive(Debug, Clone, Copy)]
pub struct Pipeline<'a> {
    /// Indices into [`Script::commands`].
    pub commands: &'a [u32],
    pub range: TextRange,
}

impl Record for PipelineRecord {
    type View<'a> = Pipeline<'a>;

    fn view<'a>(&'a self, store: &'a Store, _: u32) -> Pipeline<'a> {
        let start = (self.members as usize).min(store.members.len());
        let end = start
            .saturating_add(self.member_count as usize)
            .min(store.members.len());
        Pipeline {
            commands: &store.members[start..end],
            range: self.range.range(),
        }
    }
}

/// The commands of one `RUN`, in the order they are written.
#[derive(Debug, Clone, Copy)]
pub struct Script<'a> {
    pub commands: Commands<'a>,
    pub pipelines: List<'a, PipelineRecord>,
}

impl<'a> Script<'a> {
    /// Script `at` of `store`.
    pub(super) fn of(store: &'a Store, at: usize) -> Self {
        let header = store.scripts[at];
        let (commands, pipelines) = store.ends(at);
        let first_command = header.commands as usize;
        let first_pipeline = header.pipelines as usize;
        Self {
            commands: List::new(
                store,
                &store.commands,
                header.commands,
                commands - first_command,
            ),
            pipelines: List::new(
                store,
                &store.pipelines,
                header.pipelines,
                pipelines - first_pipeline,
            ),
        }
    }

    /// The command at `index` of [`Script::commands`] (an index a pipeline holds).
    pub fn command(&self, index: u32) -> Option<Command<'a>> {
        self.commands.get(index as usize)
    }
}
