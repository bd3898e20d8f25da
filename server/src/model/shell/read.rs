//! Reading one `RUN` into a [`Store`]: the text the shell sees, parsed with tree-sitter-bash, and every
//! command, word and pipeline of it recorded with its range in the Dockerfile.

use std::collections::HashMap;

use tree_sitter::Node;

use super::store::ListOperator;
use super::store::{
    ArgRecord, AssignmentRecord, CommandRecord, NONE, Offsets, PipelineRecord, RedirectRecord,
    Store, Text, count, index,
};
use super::view::Commands;
use crate::document::TextRange;
use crate::model::dockerfile::Instruction;

/// Longer scripts are not read (they are not hand-written `RUN`s, and work stays bounded per keystroke).
const MAX_SCRIPT: usize = 64 * 1024;

// A script's words and redirections fit the store's 16-bit counts.
const _: () = assert!(MAX_SCRIPT / 2 < u16::MAX as usize);

/// Read the script of `instruction` (instruction `at` of its file) into `store`.
pub(super) fn read_run(store: &mut Store, source: &str, at: usize, instruction: &Instruction) {
    store.begin(at);
    if let Some(argv) = instruction.exec_form() {
        read_exec(store, &argv, instruction.range);
        return;
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
            read_body(store, source, heredoc.body);
        }
        return;
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
    read_text(store, &text);
    // A shell fed a heredoc runs it: read the body as a script as well.
    let (first, _) = store.current();
    let commands = Commands::new(
        store,
        &store.commands,
        index(first),
        store.commands.len() - first,
    );
    let bodies: Vec<TextRange> = commands
        .iter()
        .filter(|c| c.is(&SHELLS) && !c.has_arg("-c"))
        .flat_map(|c| c.redirects.iter().filter_map(|r| r.heredoc))
        .collect();
    for body in bodies {
        read_body(store, source, body);
    }
}

/// A heredoc body read as a script on its own.
fn read_body(store: &mut Store, source: &str, body: TextRange) {
    let mut text = Mapped::default();
    text.push_source(source, body);
    read_text(store, &text);
}

/// Exec form: the argv is the command; a shell's `-c` script is read too, placed on the instruction.
fn read_exec(store: &mut Store, argv: &[String], range: TextRange) {
    let arg = |store: &mut Store, text: &str| {
        let text = store.push_text(text);
        store.push_arg(ArgRecord {
            text,
            range: Offsets::of(range),
            variables: 0,
            variable_count: 0,
            literal: true,
        })
    };
    let name = argv.first().map_or(NONE, |a| arg(store, a));
    let args = index(store.args.len());
    for a in argv.iter().skip(1) {
        arg(store, a);
    }
    let arg_count = argv.len().saturating_sub(1);
    let program = argv.first().map(|p| p.rsplit('/').next().unwrap_or(p));
    store.commands.push(CommandRecord {
        name,
        args,
        arg_count: count(arg_count),
        assignments: 0,
        assignment_count: 0,
        redirects: 0,
        redirect_count: 0,
        then: None,
        range: Offsets::of(range),
        pipeline: NONE,
    });
    let inline = program
        .filter(|p| SHELLS.contains(p))
        .and_then(|_| argv.iter().position(|a| a == "-c"))
        .and_then(|at| argv.get(at + 1));
    if let Some(inline) = inline {
        let (first, _) = store.current();
        let mut text = Mapped::default();
        text.push(inline, range.start);
        text.end = Some(range.end);
        read_text(store, &text);
        for command in &mut store.commands[first + 1..] {
            command.range = Offsets::of(range);
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

fn read_text(store: &mut Store, text: &Mapped) {
    if text.text.len() > MAX_SCRIPT {
        return;
    }
    let Some(tree) = crate::syntax::parse_bash(&text.text) else {
        return;
    };
    let (commands, pipelines) = store.current();
    let mut reader = Reader {
        text,
        store,
        commands,
        pipelines,
        members: Vec::new(),
    };
    reader.read(tree.root_node());
}

/// A redirection before its target is placed in the store.
struct PendingRedirect {
    operator: String,
    target: Option<ArgRecord>,
    heredoc: Option<TextRange>,
}

struct Reader<'a> {
    text: &'a Mapped,
    store: &'a mut Store,
    /// Where this script's commands and pipelines start in the store (indices in a script are from there).
    commands: usize,
    pipelines: usize,
    /// The commands of each pipeline of the text, gathered as they are reached (pipelines nest, so their
    /// commands interleave) and stored together at the end.
    members: Vec<Vec<u32>>,
}

impl Reader<'_> {
    fn source(&self, node: Node) -> &str {
        self.text.text.get(node.byte_range()).unwrap_or("")
    }

    fn range(&self, node: Node) -> TextRange {
        self.text.range(node.start_byte(), node.end_byte())
    }

    /// Visit every node once: commands in the order they start, pipelines and lists first.
    fn read(&mut self, root: Node) {
        let mut pipeline_of: HashMap<usize, usize> = HashMap::new();
        let mut then_of: HashMap<usize, ListOperator> = HashMap::new();
        let mut redirects_of: Vec<(usize, Node)> = Vec::new();
        // (pipelines already in the store before this text: a heredoc body read after its script)
        let before = self.store.pipelines.len() - self.pipelines;
        let mut ranges: Vec<TextRange> = Vec::new();
        crate::syntax::tree::preorder(root, |node| {
            match node.kind() {
                "pipeline" => {
                    let index = before + ranges.len();
                    let mut walker = node.walk();
                    for child in node.named_children(&mut walker) {
                        if let Some(command) = last_command(child) {
                            pipeline_of.insert(command.id(), index);
                        }
                    }
                    ranges.push(self.range(node));
                    self.members.push(Vec::new());
                }
                "list" => {
                    // `a && b`: the operator follows the command its left side ends with.
                    let mut walker = node.walk();
                    let operator = node.children(&mut walker).find(|c| !c.is_named());
                    let operator = operator.and_then(|o| ListOperator::parse(self.source(o)));
                    if let (Some(left), Some(operator)) = (node.named_child(0), operator) {
                        if let Some(command) = last_command(left) {
                            then_of.insert(command.id(), operator);
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
                    let pipeline = pipeline_of.get(&node.id()).copied();
                    let index = self.store.commands.len() - self.commands;
                    if let Some(members) = pipeline.and_then(|p| self.members.get_mut(p - before)) {
                        members.push(self::index(index));
                    }
                    // Redirections recorded before the command was reached (the statement comes first).
                    let id = node.id();
                    let outer: Vec<Node> = redirects_of
                        .iter()
                        .filter(|(c, _)| *c == id)
                        .map(|(_, r)| *r)
                        .collect();
                    self.command(node, pipeline, then_of.remove(&id), &outer);
                }
                _ => {}
            }
            true
        });
        for (range, members) in ranges.into_iter().zip(std::mem::take(&mut self.members)) {
            let start = index(self.store.members.len());
            self.store.members.extend(&members);
            self.store.pipelines.push(PipelineRecord {
                members: start,
                member_count: index(members.len()),
                range: Offsets::of(range),
            });
        }
    }

    /// Record the command `node`, with the redirections `outer` of the statement around it.
    fn command(
        &mut self,
        node: Node,
        pipeline: Option<usize>,
        then: Option<ListOperator>,
        outer: &[Node],
    ) {
        let name = if node.kind() == "declaration_command" {
            // `export A=b`: the keyword is the name; its assignments are both arguments and assignments.
            node.child(0)
        } else {
            node.child_by_field_name("name")
                .map(|n| n.named_child(0).unwrap_or(n))
        };
        let name_range = name.map(|n| self.range(n));
        let name = name.map(|n| self.arg(n));
        let mut args: Vec<ArgRecord> = Vec::new();
        let mut assignments: Vec<(Text, ArgRecord, TextRange)> = Vec::new();
        let mut redirects: Vec<PendingRedirect> = Vec::new();
        let mut walker = node.walk();
        for child in node.named_children(&mut walker) {
            match child.kind() {
                "command_name" => {}
                "variable_assignment" => {
                    let name = child
                        .child_by_field_name("name")
                        .map_or("", |n| self.source(n))
                        .to_owned();
                    let name = self.store.push_text(&name);
                    let range = self.range(child);
                    let value = match child.child_by_field_name("value") {
                        Some(v) => self.arg(v),
                        None => ArgRecord {
                            text: self.store.push_text(""),
                            range: Offsets::of(TextRange::empty(range.end)),
                            variables: 0,
                            variable_count: 0,
                            literal: true,
                        },
                    };
                    if node.kind() == "declaration_command" {
                        args.push(self.arg(child));
                    }
                    assignments.push((name, value, range));
                }
                "file_redirect" | "heredoc_redirect" | "herestring_redirect" => {
                    redirects.extend(self.redirects(child));
                }
                _ if name_range == Some(self.range(child)) => {}
                _ => args.push(self.arg(child)),
            }
        }
        for redirect in outer {
            redirects.extend(self.redirects(*redirect));
        }
        let store = &mut *self.store;
        let name = name.map_or(NONE, |n| store.push_arg(n));
        let first_arg = index(store.args.len());
        let arg_count = count(args.len());
        store.args.extend(args);
        let first_assignment = index(store.assignments.len());
        let assignment_count = count(assignments.len());
        for (name, value, range) in assignments {
            let value = store.push_arg(value);
            store.assignments.push(AssignmentRecord {
                name,
                value,
                range: Offsets::of(range),
            });
        }
        let first_redirect = index(store.redirects.len());
        let redirect_count = count(redirects.len());
        for redirect in redirects {
            let operator = store.push_text(&redirect.operator);
            let target = redirect.target.map_or(NONE, |t| store.push_arg(t));
            store.redirects.push(RedirectRecord {
                operator,
                target,
                heredoc: redirect.heredoc.map(Offsets::of),
            });
        }
        let range = Offsets::of(self.range(node));
        self.store.commands.push(CommandRecord {
            name,
            args: first_arg,
            arg_count,
            assignments: first_assignment,
            assignment_count,
            redirects: first_redirect,
            redirect_count,
            then,
            range,
            pipeline: pipeline.map_or(NONE, index),
        });
    }

    /// A redirection node as redirections (a heredoc's `> file` is a second one).
    fn redirects(&mut self, node: Node) -> Vec<PendingRedirect> {
        match node.kind() {
            "heredoc_redirect" => {
                let mut walker = node.walk();
                let children: Vec<Node> = node.named_children(&mut walker).collect();
                let body = children
                    .iter()
                    .find(|c| c.kind() == "heredoc_body")
                    .map(|b| self.range(*b));
                let mut out = vec![PendingRedirect {
                    operator: "<<".to_owned(),
                    target: None,
                    heredoc: body,
                }];
                for inner in children.iter().filter(|c| c.kind() == "file_redirect") {
                    out.extend(self.redirects(*inner));
                }
                out
            }
            _ => {
                let mut walker = node.walk();
                let op = node
                    .children(&mut walker)
                    .find(|c| !c.is_named())
                    .map_or("", |c| self.source(c));
                let descriptor = node
                    .child_by_field_name("descriptor")
                    .map_or("", |d| self.source(d));
                let operator = format!("{descriptor}{op}");
                let target = node
                    .child_by_field_name("destination")
                    .or_else(|| last_named_child(node))
                    .map(|t| self.arg(t));
                vec![PendingRedirect {
                    operator,
                    target,
                    heredoc: None,
                }]
            }
        }
    }

    /// A word, its text and variables kept in the store; not yet placed among the arguments.
    fn arg(&mut self, node: Node) -> ArgRecord {
        let (text, literal) = word_value(node, &self.text.text);
        let text = self.store.push_text(&text);
        let variables = index(self.store.variables.len());
        self.variables(node);
        ArgRecord {
            text,
            range: Offsets::of(self.range(node)),
            variables,
            variable_count: count(self.store.variables.len() - variables as usize),
            literal,
        }
    }

    /// Keep the names of the variables expanded in `node`'s subtree: the `variable_name` children of its
    /// expansions (looked up from the expansion down: `Node::parent` walks from the root, which made this
    /// cubic in the nesting of `$(…)`).
    fn variables(&mut self, node: Node) {
        crate::syntax::tree::preorder(node, |current| {
            if matches!(current.kind(), "simple_expansion" | "expansion") {
                let mut cursor = current.walk();
                for name in current
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "variable_name")
                {
                    let text = self.text.text.get(name.byte_range()).unwrap_or("");
                    let text = self.store.push_text(text);
                    self.store.variables.push(text);
                }
            }
            true
        });
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

/// Programs that run a script given to them.
pub const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"];
