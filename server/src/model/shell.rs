//! `RUN` bodies read as shell scripts, with tree-sitter-bash: the commands they run with their arguments,
//! assignments and redirections, and the pipelines that join them. Every piece keeps its range in the
//! Dockerfile, across line continuations and into heredoc bodies.
//!
//! What is parsed, as the shell would see it:
//! - shell form: the instruction's text after its `--flags`, with its heredocs appended in order (each body
//!   followed by its terminator), so `cat <<EOF > ~/.npmrc` gets its body as stdin;
//! - a `RUN` made of heredoc markers only (`RUN <<EOF`): each body is a script of its own, which is what
//!   BuildKit runs;
//! - a shell fed a heredoc (`RUN bash <<EOF`): the body is a script too;
//! - exec form: the argv as one command; `["sh", "-c", "…"]` also parses the script (its pieces are placed
//!   on the whole instruction, since JSON escapes do not map byte for byte).
//!
//! A `SHELL` that is not a POSIX shell (PowerShell, `cmd`) leaves its `RUN`s unread.

use compact_str::CompactString;
use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::Node;

use crate::TextRange;
use crate::model::dockerfile::{Dockerfile, Instruction, Keyword};

/// Longer scripts are not read (they are not hand-written `RUN`s, and work stays bounded per keystroke).
const MAX_SCRIPT: usize = 64 * 1024;

/// One word of a command as the shell would pass it, when that can be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Quotes removed and escapes resolved; expansions (`$X`, `$(…)`) kept as written. Held inline when
    /// short, as most arguments are: a large file holds millions.
    pub text: CompactString,
    pub range: TextRange,
    /// No expansion in it: `text` is exactly what the command receives.
    pub literal: bool,
    /// The variables it expands (`$NAME`, `${NAME:-x}`).
    pub variables: Vec<String>,
}

/// `NAME=value` before a command (`FOO=1 make`), or after `export`/`declare`/`local`/`readonly`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: Arg,
    pub range: TextRange,
}

/// A redirection of a command: `> file`, `2>&1`, `<<EOF` (with the heredoc body it reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// `>`, `>>`, `<`, `2>`, `&>`, `<<`, `<<<`…
    pub operator: String,
    pub target: Option<Arg>,
    /// The heredoc body the command reads on stdin.
    pub heredoc: Option<TextRange>,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `None` for a line of assignments or redirections only.
    pub name: Option<Arg>,
    pub args: Vec<Arg>,
    pub assignments: Vec<Assignment>,
    pub redirects: Vec<Redirect>,
    pub range: TextRange,
    /// The pipeline (`a | b`) it is part of, as an index into [`Script::pipelines`].
    pub pipeline: Option<usize>,
    /// The list operator that follows it (`&&`, `||`): what runs next depends on it.
    pub then: Option<CompactString>,
}

impl Command {
    /// The program's file name: `/usr/bin/curl` → `curl`.
    pub fn program(&self) -> Option<&str> {
        let name = self.name.as_ref()?;
        Some(name.text.rsplit('/').next().unwrap_or(&name.text))
    }

    /// Whether the program is one of `names`.
    pub fn is(&self, names: &[&str]) -> bool {
        self.program().is_some_and(|p| names.contains(&p))
    }

    /// The argument that sets an option, in any of its spellings: a long option (`--insecure`, or
    /// `--name=value` when `long` ends with `=`), or the short letter alone or in a cluster (`-k`, `-fsSLk`).
    /// `takes_value` lists the short letters that take a value (in `-ofile`, `f` is not an option).
    /// Arguments after `--` are operands, never options.
    pub fn option(&self, short: Option<char>, long: &[&str], takes_value: &str) -> Option<&Arg> {
        for arg in &self.args {
            let text = arg.text.as_str();
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    pub commands: Vec<usize>,
    pub range: TextRange,
}

/// The commands of one `RUN`, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    pub pipelines: Vec<Pipeline>,
}

/// The scripts of a Dockerfile's `RUN` instructions, by instruction index.
#[derive(Debug, Default)]
pub struct Scripts {
    scripts: Vec<(usize, Script)>,
}

impl Scripts {
    /// Read every `RUN` script of `file`. A file with more `RUN`s than the cache holds gains nothing from it
    /// (it would start over before any reuse): its scripts are read on all cores instead, uncached.
    pub fn read(source: &str, file: &Dockerfile) -> Self {
        // Each `SHELL` is read once, not once per `RUN` it applies to.
        let mut posix_shells: HashMap<Option<usize>, bool> = HashMap::new();
        let runs: Vec<(usize, &Instruction)> = file
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::Run)
            .filter(|(index, _)| {
                *posix_shells
                    .entry(file.shell_start(*index))
                    .or_insert_with(|| posix(&file.shell(*index)))
            })
            .collect();
        let scripts = if runs.len() > CACHE_LIMIT {
            use rayon::prelude::*;
            runs.into_par_iter()
                .map(|(index, instruction)| (index, read_run(source, instruction)))
                .collect()
        } else {
            runs.into_iter()
                .map(|(index, instruction)| (index, cached(source, file.escape, instruction)))
                .collect()
        };
        Self { scripts }
    }

    /// The script of instruction `index`, if it is a `RUN` whose shell is a POSIX shell.
    pub fn of(&self, index: usize) -> Option<&Script> {
        self.scripts
            .binary_search_by_key(&index, |(i, _)| *i)
            .ok()
            .map(|at| &self.scripts[at].1)
    }

    /// Every `RUN` script with its instruction index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Script)> {
        self.scripts.iter().map(|(i, s)| (*i, s))
    }
}

thread_local! {
    /// Scripts by the instruction's text (and escape character), with ranges from the instruction's start:
    /// a keystroke changes one `RUN`, so the server parses that one again and moves the others.
    static CACHE: RefCell<HashMap<(char, String), Script>> = RefCell::new(HashMap::new());
}

/// Entries kept before the cache starts over (about a few thousand `RUN`s of open files).
const CACHE_LIMIT: usize = 4096;

fn cached(source: &str, escape: char, instruction: &Instruction) -> Script {
    let start = instruction.range.start;
    let key = (escape, instruction.range.slice(source).to_owned());
    let delta = isize::try_from(start).unwrap_or(0);
    if let Some(script) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return script.shifted(delta);
    }
    let script = read_run(source, instruction);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, script.clone().shifted(-delta));
    });
    script
}

impl Script {
    /// The script with every range moved by `delta` bytes.
    fn shifted(mut self, delta: isize) -> Self {
        let arg = |a: &mut Arg| a.range = a.range.shifted(delta);
        for command in &mut self.commands {
            command.range = command.range.shifted(delta);
            command.name.as_mut().map(arg);
            command.args.iter_mut().for_each(arg);
            for assignment in &mut command.assignments {
                assignment.range = assignment.range.shifted(delta);
                arg(&mut assignment.value);
            }
            for redirect in &mut command.redirects {
                redirect.target.as_mut().map(arg);
                redirect.heredoc = redirect.heredoc.map(|h| h.shifted(delta));
            }
        }
        for pipeline in &mut self.pipelines {
            pipeline.range = pipeline.range.shifted(delta);
        }
        self
    }
}

/// Programs that run a script given to them.
pub const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"];

/// Whether a `SHELL` argv (`["/bin/sh", "-c"]` by default) runs a POSIX shell.
fn posix(shell: &[String]) -> bool {
    shell.first().is_none_or(|program| {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        SHELLS.contains(&name)
    })
}

fn read_run(source: &str, instruction: &Instruction) -> Script {
    let mut script = read_run_grown(source, instruction);
    // Kept for the whole lint: without the slack vectors grow with (a file may hold a million scripts).
    script.commands.shrink_to_fit();
    script.pipelines.shrink_to_fit();
    for command in &mut script.commands {
        command.args.shrink_to_fit();
    }
    script
}

fn read_run_grown(source: &str, instruction: &Instruction) -> Script {
    let mut script = Script::default();
    if let Some(argv) = instruction.exec_form() {
        read_exec(&argv, instruction.range, &mut script);
        return script;
    }
    let from = instruction
        .operands()
        .first()
        .map_or(instruction.logical.text.len(), |w| w.logical_start);
    let body = instruction.logical.text.get(from..).unwrap_or("");
    let markers_only = body
        .split_whitespace()
        .all(|w| w.starts_with("<<") && !w.starts_with("<<<"));
    if markers_only && !instruction.heredocs.is_empty() {
        for heredoc in &instruction.heredocs {
            read_body(source, heredoc.body, &mut script);
        }
        return script;
    }
    let mut text = Mapped::default();
    for (range, at) in instruction.logical.pieces_from(from) {
        text.push_written(&instruction.logical.text[range], at);
    }
    for heredoc in &instruction.heredocs {
        text.push("\n", heredoc.body.start);
        text.push_source(source, heredoc.body);
        let lead = if heredoc.body.slice(source).ends_with('\n') || heredoc.body.is_empty() {
            ""
        } else {
            "\n"
        };
        text.push(&format!("{lead}{}\n", heredoc.name), heredoc.body.end);
    }
    read_text(&text, &mut script);
    // A shell fed a heredoc runs it: read the body as a script as well.
    let bodies: Vec<TextRange> = script
        .commands
        .iter()
        .filter(|c| c.is(&SHELLS) && !c.has_arg("-c"))
        .flat_map(|c| c.redirects.iter().filter_map(|r| r.heredoc))
        .collect();
    for body in bodies {
        read_body(source, body, &mut script);
    }
    script
}

/// A heredoc body read as a script on its own.
fn read_body(source: &str, body: TextRange, script: &mut Script) {
    let mut text = Mapped::default();
    text.push_source(source, body);
    read_text(&text, script);
}

/// Exec form: the argv is the command; a shell's `-c` script is read too, placed on the instruction.
fn read_exec(argv: &[String], range: TextRange, script: &mut Script) {
    let arg = |text: &str| Arg {
        text: text.into(),
        range,
        literal: true,
        variables: Vec::new(),
    };
    let command = Command {
        name: argv.first().map(|a| arg(a)),
        args: argv.iter().skip(1).map(|a| arg(a)).collect(),
        assignments: Vec::new(),
        redirects: Vec::new(),
        range,
        pipeline: None,
        then: None,
    };
    let inline = command
        .is(&SHELLS)
        .then(|| argv.iter().position(|a| a == "-c"))
        .flatten()
        .and_then(|at| argv.get(at + 1));
    script.commands.push(command);
    if let Some(inline) = inline {
        let mut text = Mapped::default();
        text.push(inline, range.start);
        text.end = Some(range.end);
        read_text(&text, script);
        for command in &mut script.commands[1..] {
            command.range = range;
        }
    }
}

/// Text handed to the parser, with where its pieces are in the Dockerfile.
#[derive(Default)]
struct Mapped {
    text: String,
    /// Per piece, in order: where it starts in `text`, where in the Dockerfile, and whether it is written
    /// there (`false` for a line break or heredoc terminator added for the parser, which has no width in
    /// the Dockerfile: all its bytes sit at one offset).
    pieces: Vec<(usize, usize, bool)>,
    /// Where a range ending at the end of the text ends (exec form: the instruction's end).
    end: Option<usize>,
}

impl Mapped {
    /// Append a piece that is not in the Dockerfile as written: all its bytes sit at `at`.
    fn push(&mut self, piece: &str, at: usize) {
        self.pieces.push((self.text.len(), at, false));
        self.text.push_str(piece);
    }

    /// Append a piece written at `at` in the Dockerfile, byte for byte.
    fn push_written(&mut self, piece: &str, at: usize) {
        self.pieces.push((self.text.len(), at, true));
        self.text.push_str(piece);
    }

    /// Append `range` of the Dockerfile, as written.
    fn push_source(&mut self, source: &str, range: TextRange) {
        self.push_written(range.slice(source), range.start);
    }

    /// Where byte `i` of the text is in the Dockerfile, and whether it is written there.
    fn offset(&self, i: usize) -> Option<(usize, bool)> {
        if i >= self.text.len() {
            return None;
        }
        let index = self.pieces.partition_point(|(start, _, _)| *start <= i);
        let &(start, at, written) = self.pieces.get(index.checked_sub(1)?)?;
        Some((if written { at + (i - start) } else { at }, written))
    }

    fn range(&self, start: usize, end: usize) -> TextRange {
        let after = |(o, written): (usize, bool)| o + usize::from(written);
        let last = self
            .text
            .len()
            .checked_sub(1)
            .and_then(|i| self.offset(i))
            .map_or(0, after);
        let start_at = self.offset(start).map_or(last, |(o, _)| o);
        if end <= start {
            return TextRange::empty(start_at);
        }
        let end_at = match (end == self.text.len(), self.end) {
            (true, Some(end)) => end,
            _ => end
                .checked_sub(1)
                .and_then(|i| self.offset(i))
                .map_or(last, after),
        };
        TextRange::new(start_at, end_at.max(start_at))
    }
}

fn read_text(text: &Mapped, script: &mut Script) {
    if text.text.len() > MAX_SCRIPT {
        return;
    }
    let Some(tree) = crate::syntax::parse_bash(&text.text) else {
        return;
    };
    let reader = Reader { text, script };
    reader.read(tree.root_node());
}

struct Reader<'a> {
    text: &'a Mapped,
    script: &'a mut Script,
}

impl Reader<'_> {
    fn source(&self, node: Node) -> &str {
        self.text.text.get(node.byte_range()).unwrap_or("")
    }

    fn range(&self, node: Node) -> TextRange {
        self.text.range(node.start_byte(), node.end_byte())
    }

    /// Visit every node once: commands in the order they start, pipelines and lists first.
    fn read(self, root: Node) {
        let mut pipeline_of: HashMap<usize, usize> = HashMap::new();
        let mut then_of: HashMap<usize, CompactString> = HashMap::new();
        let mut redirects_of: Vec<(usize, Node)> = Vec::new();
        crate::syntax::preorder(root, |node| {
            match node.kind() {
                "pipeline" => {
                    let index = self.script.pipelines.len();
                    let mut walker = node.walk();
                    for child in node.named_children(&mut walker) {
                        if let Some(command) = last_command(child) {
                            pipeline_of.insert(command.id(), index);
                        }
                    }
                    self.script.pipelines.push(Pipeline {
                        commands: Vec::new(),
                        range: self.range(node),
                    });
                }
                "list" => {
                    // `a && b`: the operator follows the command its left side ends with.
                    let mut walker = node.walk();
                    let operator = node.children(&mut walker).find(|c| !c.is_named());
                    if let (Some(left), Some(operator)) = (node.named_child(0), operator) {
                        if let Some(command) = last_command(left) {
                            then_of.insert(command.id(), self.source(operator).into());
                        }
                    }
                }
                "redirected_statement" => {
                    if let Some(command) = node.child_by_field_name("body").and_then(last_command) {
                        let mut walker = node.walk();
                        for redirect in node.children_by_field_name("redirect", &mut walker) {
                            redirects_of.push((command.id(), redirect));
                        }
                    }
                }
                "command" | "declaration_command" => {
                    let mut command = self.command(node, pipeline_of.get(&node.id()).copied());
                    command.then = then_of.remove(&node.id());
                    if let Some(p) = command.pipeline {
                        let index = self.script.commands.len();
                        self.script.pipelines[p].commands.push(index);
                    }
                    self.script.commands.push(command);
                    // Redirections recorded before the command was reached (the statement comes first).
                    let id = node.id();
                    let mine: Vec<Node> = redirects_of
                        .iter()
                        .filter(|(c, _)| *c == id)
                        .map(|(_, r)| *r)
                        .collect();
                    for redirect in mine {
                        let redirects = self.redirects(redirect);
                        if let Some(command) = self.script.commands.last_mut() {
                            command.redirects.extend(redirects);
                        }
                    }
                }
                _ => {}
            }
            true
        });
    }

    fn command(&self, node: Node, pipeline: Option<usize>) -> Command {
        let mut command = Command {
            name: None,
            args: Vec::new(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            range: self.range(node),
            pipeline,
            then: None,
        };
        if node.kind() == "declaration_command" {
            // `export A=b`: the keyword is the name; its assignments are both arguments and assignments.
            command.name = node.child(0).map(|k| self.arg(k));
        } else {
            command.name = node
                .child_by_field_name("name")
                .map(|n| n.named_child(0).unwrap_or(n))
                .map(|n| self.arg(n));
        }
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "command_name" => {}
                "variable_assignment" => {
                    let name = child
                        .child_by_field_name("name")
                        .map_or("", |n| self.source(n))
                        .to_owned();
                    let value = match child.child_by_field_name("value") {
                        Some(v) => self.arg(v),
                        None => Arg {
                            text: CompactString::default(),
                            range: TextRange::empty(self.range(child).end),
                            literal: true,
                            variables: Vec::new(),
                        },
                    };
                    let assignment = Assignment {
                        name,
                        value,
                        range: self.range(child),
                    };
                    if node.kind() == "declaration_command" {
                        command.args.push(self.arg(child));
                    }
                    command.assignments.push(assignment);
                }
                "file_redirect" | "heredoc_redirect" | "herestring_redirect" => {
                    command.redirects.extend(self.redirects(child));
                }
                _ if command
                    .name
                    .as_ref()
                    .is_some_and(|n| n.range == self.range(child)) => {}
                _ => command.args.push(self.arg(child)),
            }
        }
        command
    }

    /// A redirection node as redirections (a heredoc's `> file` is a second one).
    fn redirects(&self, node: Node) -> Vec<Redirect> {
        let operator = |node: Node| {
            let mut walker = node.walk();
            let op = node
                .children(&mut walker)
                .find(|c| !c.is_named())
                .map_or("", |c| self.source(c))
                .to_owned();
            let descriptor = node
                .child_by_field_name("descriptor")
                .map_or("", |d| self.source(d));
            format!("{descriptor}{op}")
        };
        match node.kind() {
            "heredoc_redirect" => {
                let mut walker = node.walk();
                let children: Vec<Node> = node.named_children(&mut walker).collect();
                let body = children
                    .iter()
                    .find(|c| c.kind() == "heredoc_body")
                    .map(|b| self.range(*b));
                let mut out = vec![Redirect {
                    operator: "<<".to_owned(),
                    target: None,
                    heredoc: body,
                }];
                for inner in children.iter().filter(|c| c.kind() == "file_redirect") {
                    out.extend(self.redirects(*inner));
                }
                out
            }
            _ => vec![Redirect {
                operator: operator(node),
                target: node
                    .child_by_field_name("destination")
                    .or_else(|| last_named_child(node))
                    .map(|t| self.arg(t)),
                heredoc: None,
            }],
        }
    }

    fn arg(&self, node: Node) -> Arg {
        let (text, literal) = word_value(node, &self.text.text);
        Arg {
            text: text.into(),
            range: self.range(node),
            literal,
            variables: self.variables(node),
        }
    }

    /// The names of the variables expanded in `node`'s subtree: the `variable_name` children of its
    /// expansions (looked up from the expansion down: `Node::parent` walks from the root, which made this
    /// cubic in the nesting of `$(…)`).
    fn variables(&self, node: Node) -> Vec<String> {
        let mut out = Vec::new();
        crate::syntax::preorder(node, |current| {
            if matches!(current.kind(), "simple_expansion" | "expansion") {
                let mut cursor = current.walk();
                out.extend(
                    current
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() == "variable_name")
                        .map(|c| self.source(c).to_owned()),
                );
            }
            true
        });
        out
    }
}

/// The command a statement ends with: itself, or the last command of a list or pipeline (where bash
/// attaches a trailing redirection).
fn last_command(node: Node) -> Option<Node> {
    let mut node = node;
    for _ in 0..64 {
        match node.kind() {
            "command" | "declaration_command" => return Some(node),
            "redirected_statement" => node = node.child_by_field_name("body")?,
            "list" | "pipeline" => node = last_named_child(node)?,
            _ => return None,
        }
    }
    None
}

fn last_named_child(node: Node) -> Option<Node> {
    let count = u32::try_from(node.named_child_count()).ok()?;
    node.named_child(count.checked_sub(1)?)
}

/// A word's value: quotes removed, backslash escapes resolved outside single quotes, expansions as
/// written; and whether it holds no expansion. Walks the word's nodes without recursion.
fn word_value(node: Node, text: &str) -> (String, bool) {
    let source = |n: Node| text.get(n.byte_range()).unwrap_or("");
    match node.kind() {
        "word" | "number" => {
            let raw = source(node);
            (unescape(raw), !raw.contains('$') && !raw.contains('`'))
        }
        "raw_string" => (
            source(node)
                .trim_start_matches('\'')
                .trim_end_matches('\'')
                .to_owned(),
            true,
        ),
        "string" => {
            let raw = source(node);
            let inner = raw
                .strip_prefix('"')
                .map(|r| r.strip_suffix('"').unwrap_or(r))
                .unwrap_or(raw);
            let mut walker = node.walk();
            let expands = node
                .named_children(&mut walker)
                .any(|c| c.kind() != "string_content");
            (unescape_double(inner), !expands)
        }
        "concatenation" => {
            let mut value = String::new();
            let mut literal = true;
            let mut walker = node.walk();
            for child in node.children(&mut walker) {
                match child.kind() {
                    "word" | "raw_string" | "string" | "number" => {
                        let (v, l) = word_value_flat(child, text);
                        value.push_str(&v);
                        literal &= l;
                    }
                    _ => {
                        value.push_str(source(child));
                        literal = false;
                    }
                }
            }
            (value, literal)
        }
        _ => (source(node).to_owned(), false),
    }
}

/// [`word_value`] for the parts of a concatenation (never themselves concatenations).
fn word_value_flat(node: Node, text: &str) -> (String, bool) {
    if node.kind() == "concatenation" {
        return (text.get(node.byte_range()).unwrap_or("").to_owned(), false);
    }
    word_value(node, text)
}

/// Backslash escapes of an unquoted word.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Backslash escapes inside double quotes: only `\$`, `` \` ``, `\"`, `\\` and a line break.
fn unescape_double(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && chars
                .peek()
                .is_some_and(|n| matches!(n, '$' | '`' | '"' | '\\' | '\n'))
        {
            if let Some(next) = chars.next() {
                if next != '\n' {
                    out.push(next);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dockerfile: &str) -> (Dockerfile, Scripts) {
        let file = Dockerfile::parse(dockerfile);
        let scripts = Scripts::read(dockerfile, &file);
        (file, scripts)
    }

    fn names(script: &Script) -> Vec<&str> {
        script
            .commands
            .iter()
            .filter_map(Command::program)
            .collect()
    }

    #[test]
    fn commands_arguments_and_pipelines_keep_their_source_ranges() {
        let text = "FROM a\nRUN --mount=type=cache,target=/c curl -fsSLk \"https://x/$V\" \\\n    | sh -s -- -y && echo 'a b' > /tmp/f\n";
        let (_, scripts) = script(text);
        let run = scripts.of(1).expect("script");
        assert_eq!(names(run), ["curl", "sh", "echo"]);
        let curl = &run.commands[0];
        assert_eq!(curl.args[0].text, "-fsSLk");
        assert!(curl.option(Some('k'), &["--insecure"], "o").is_some());
        assert!(curl.option(Some('o'), &["--output"], "o").is_none());
        assert_eq!(curl.args[1].text, "https://x/$V");
        assert!(!curl.args[1].literal);
        assert_eq!(curl.args[1].range.slice(text), "\"https://x/$V\"");
        assert_eq!(curl.args[1].variables, ["V"]);
        assert_eq!(run.pipelines.len(), 1);
        assert_eq!(run.pipelines[0].commands, [0, 1]);
        assert_eq!(run.commands[1].then.as_deref(), Some("&&"));
        assert_eq!(run.commands[2].then, None);
        // A redirected command before `&&` (`echo x > f && y`) is followed by it too.
        let (_, scripts) = script("FROM a\nRUN echo x > /f && y\n");
        assert_eq!(
            scripts.of(1).expect("script").commands[0].then.as_deref(),
            Some("&&")
        );
        assert_eq!(run.commands[1].range.slice(text), "sh -s -- -y");
        let echo = &run.commands[2];
        assert_eq!(echo.args[0].text, "a b");
        assert_eq!(echo.redirects[0].operator, ">");
        assert_eq!(
            echo.redirects[0].target.as_ref().map(|t| t.text.as_str()),
            Some("/tmp/f")
        );
    }

    #[test]
    fn heredocs_are_stdin_or_scripts() {
        let text = "FROM a\nRUN cat <<EOF > /root/.npmrc\n//r/:_authToken=abc\nEOF\nRUN <<EOT\napt-get update\ncurl x | bash\nEOT\nRUN bash -e <<X\nsudo ls\nX\n";
        let (_, scripts) = script(text);
        let cat = &scripts.of(1).expect("cat").commands[0];
        assert_eq!(cat.program(), Some("cat"));
        let body = cat
            .redirects
            .iter()
            .find_map(|r| r.heredoc)
            .expect("heredoc");
        assert_eq!(body.slice(text), "//r/:_authToken=abc\n");
        assert!(
            cat.redirects
                .iter()
                .any(|r| r.target.as_ref().is_some_and(|t| t.text == "/root/.npmrc"))
        );
        let bare = scripts.of(2).expect("script heredoc");
        assert_eq!(names(bare), ["apt-get", "curl", "bash"]);
        assert_eq!(bare.commands[1].range.slice(text), "curl x");
        let fed = scripts.of(3).expect("bash heredoc");
        assert_eq!(names(fed), ["bash", "sudo"]);
    }

    #[test]
    fn exec_form_assignments_and_other_shells() {
        let text = "FROM a\nRUN [\"sh\", \"-c\", \"apt-get install -y x | tee log\"]\nRUN export A=b; FOO=1 make\nSHELL [\"pwsh\", \"-c\"]\nRUN iwr x | iex\n";
        let (_, scripts) = script(text);
        let exec = scripts.of(1).expect("exec");
        assert_eq!(names(exec), ["sh", "apt-get", "tee"]);
        assert_eq!(exec.pipelines.len(), 1);
        let assigned = scripts.of(2).expect("assignments");
        assert_eq!(assigned.commands[0].assignments[0].name, "A");
        assert_eq!(assigned.commands[1].assignments[0].value.text, "1");
        assert_eq!(assigned.commands[1].program(), Some("make"));
        assert!(scripts.of(4).is_none(), "PowerShell is not read as sh");
    }

    #[test]
    fn backtick_escape_continuations() {
        let text = "# escape=`\nFROM a\nRUN apt-get install `\n    curl\n";
        let (_, scripts) = script(text);
        let run = scripts.of(1).expect("script");
        assert_eq!(
            run.commands[0]
                .args
                .iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>(),
            ["install", "curl"]
        );
        assert_eq!(run.commands[0].args[1].range.slice(text), "curl");
    }

    proptest::proptest! {
        /// Any `RUN` text reads without a panic, and every range it gives lies inside the file.
        #[test]
        fn any_run_reads(body in "([ -~]|\\n|\\t|<<EOF|\\$\\(|é|`){0,120}") {
            for text in [format!("FROM a\nRUN {body}\n"), format!("# escape=`\nFROM a\nRUN {body}\nEOF\n")] {
                let file = Dockerfile::parse(&text);
                let scripts = Scripts::read(&text, &file);
                for (_, script) in scripts.iter() {
                    for command in &script.commands {
                        proptest::prop_assert!(command.range.end <= text.len());
                        for arg in command.args.iter().chain(command.name.iter()) {
                            proptest::prop_assert!(arg.range.end <= text.len());
                            proptest::prop_assert!(text.is_char_boundary(arg.range.start) && text.is_char_boundary(arg.range.end));
                        }
                    }
                }
            }
        }
    }
}
