//! A typed view of a YAML stream with exact ranges: documents, mappings, sequences, scalars, anchors and
//! aliases, in block or flow style.
//!
//! Aliases are resolved when the model is built (to the anchored node, which is always complete and earlier,
//! so the graph has no cycles) and never expanded: lookups follow them lazily. Merge keys (`<<: *defaults`)
//! are honoured by [`Yaml::members`], which says for each key through which `<<` it came. Work is bounded:
//! nesting deeper than [`MAX_DEPTH`] is cut off with a problem, and a stream whose aliases would expand to
//! more than [`MAX_EXPANSION`] nodes (a "billion laughs") is reported as such.

use std::collections::HashMap;

use compact_str::CompactString;

use crate::document::TextRange;

pub type NodeId = usize;

/// Collections nested deeper than this are not read (bounded recursion).
pub const MAX_DEPTH: usize = 128;
/// Aliases that would expand a document beyond this many nodes are reported.
pub const MAX_EXPANSION: u64 = 1_000_000;
/// Merge keys nested deeper than this are not followed.
const MAX_MERGE_DEPTH: usize = 8;

/// Which booleans a tool reads: Kubernetes decodes manifests as YAML 1.1 (`yes`, `on`, `y` are true; a pod
/// with `privileged: yes` is privileged), Compose as YAML 1.2 (only `true`/`false` in three spellings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booleans {
    Kubernetes,
    Compose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Block,
}

/// What a node is. Collections hold exactly their children (a boxed slice, no spare capacity) and a scalar
/// its text inline when short: most nodes of a file are small, and a model holds millions of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Mapping(Box<[Entry]>),
    Sequence(Box<[NodeId]>),
    /// Its text as read (escapes decoded); how it is written is the node's [`Node::style`].
    Scalar(CompactString),
    /// An alias and the node it names (`None` when no such anchor precedes it).
    Alias(Option<NodeId>),
    Null,
}

/// `key: value` in a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
    /// The whole pair as written.
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub value: Value,
    pub range: TextRange,
    /// Written in flow style (`{…}`, `[…]`).
    pub flow: bool,
    /// How a scalar is written (`Plain` for any other node).
    pub style: ScalarStyle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub root: Option<NodeId>,
    pub range: TextRange,
}

/// Something in the stream that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub message: String,
}

/// A key of a mapping as seen through merge keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    pub key: &'a str,
    pub key_node: NodeId,
    pub value: NodeId,
    /// The pair as written (in the merged mapping when it came through `<<`).
    pub range: TextRange,
    /// The `<<` pair it came through, when it is not written in this mapping itself.
    pub merged_at: Option<TextRange>,
    /// The mapping the pair is written in (the merged one, for merged keys).
    pub owner: NodeId,
}

#[derive(Debug, Clone, Default)]
pub struct Yaml {
    pub nodes: Vec<Node>,
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Where the grammar could not read the text: its first few error or missing nodes (none when it read
    /// all of it). Kept here, not as a tree, so a reader never holds a tree (tens of bytes per byte of YAML).
    pub grammar_errors: Vec<Problem>,
    /// Where the comments start, in order (a `#` elsewhere is text: a scalar's, a block scalar's line).
    pub comments: Vec<usize>,
}

impl Yaml {
    /// Parse `source` in one piece and build its view.
    pub fn read_whole(source: &str) -> Self {
        let tree = crate::syntax::parse(crate::syntax::Language::Yaml, source, None);
        Self::build(source, tree.as_ref())
    }

    /// The grammar read all of the text and the view has no problem: what another file must be to be
    /// merged with this one.
    pub fn is_clean(&self) -> bool {
        self.grammar_errors.is_empty() && self.problems.is_empty()
    }

    /// Build the view from a tree of `source`; without a tree (text refused by the grammar) the problem says why.
    pub fn build(source: &str, tree: Option<&tree_sitter::Tree>) -> Self {
        let mut yaml = Yaml::default();
        let Some(tree) = tree else {
            let range = crate::syntax::yaml::unsafe_for_grammar(source).unwrap_or_default();
            yaml.problems.push(Problem {
                range,
                message: format!(
                    "block nesting deeper than {} columns: this file is not analysed",
                    crate::syntax::yaml::MAX_BLOCK_COLUMN
                ),
            });
            return yaml;
        };
        // The grammar read a space for each NUL (see `syntax::stand_in`); the first says so.
        if let Some(at) = source.find('\0') {
            let count = source.matches('\0').count();
            yaml.problems.push(Problem {
                range: TextRange::new(at, at + 1),
                message: format!(
                    "a NUL byte, which YAML does not allow ({count} in this text; each is read as a space)"
                ),
            });
        }
        let root = tree.root_node();
        let mut cursor = root.walk();
        for document in root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "document")
        {
            yaml.add_document(source, document);
        }
        yaml.check_expansion();
        yaml.read_marks(tree, source);
        yaml
    }

    /// The view of one piece of a document, `tree` parsed from `ranges` of `source`: its aliases to no
    /// anchor of the piece are left for the pieces before it (see `yaml_pieces`).
    pub(super) fn build_piece(source: &str, tree: &tree_sitter::Tree, own: &str) -> PieceView {
        let mut yaml = Yaml::default();
        let mut pending = Vec::new();
        let anchors = {
            let mut builder = Builder {
                source,
                yaml: &mut yaml,
                anchors: HashMap::new(),
                cut: false,
                pending: Some(&mut pending),
            };
            builder.document(tree.root_node());
            builder.anchors
        };
        yaml.read_marks(tree, own);
        PieceView {
            yaml,
            pending,
            anchors,
        }
    }

    /// Build the view of one `document` node of a stream: what the server re-reads when only that document
    /// changed (anchors never cross documents, so the result is the same as in the whole stream).
    pub fn build_document(source: &str, document: tree_sitter::Node) -> Self {
        let mut yaml = Yaml::default();
        yaml.add_document(source, document);
        yaml.check_expansion();
        yaml
    }

    fn add_document(&mut self, source: &str, document: tree_sitter::Node) {
        Builder {
            source,
            yaml: self,
            anchors: HashMap::new(),
            cut: false,
            pending: None,
        }
        .add(document);
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Add a node made elsewhere (a merged view's new mapping): its id.
    pub fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Add a node that is not a scalar, as the readers of the text make them.
    pub(super) fn push_value(&mut self, value: Value, range: TextRange, flow: bool) -> NodeId {
        self.push(Node {
            value,
            range,
            flow,
            style: ScalarStyle::Plain,
        })
    }

    /// Add a scalar written in `style` (quoted scalars are flow scalars).
    pub(super) fn push_scalar(
        &mut self,
        text: CompactString,
        style: ScalarStyle,
        range: TextRange,
    ) -> NodeId {
        self.push(Node {
            value: Value::Scalar(text),
            range,
            flow: matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted),
            style,
        })
    }

    /// Follow aliases to the node they name.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_MERGE_DEPTH * 4 {
            match self.nodes.get(id).map(|n| &n.value) {
                Some(Value::Alias(Some(target))) => id = *target,
                _ => break,
            }
        }
        id
    }

    /// The scalar text of a node (through aliases).
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(self.resolve(id))?.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A plain scalar's text (through aliases): what may read as null or a boolean.
    fn plain(&self, id: NodeId) -> Option<&str> {
        let node = &self.nodes[self.resolve(id)];
        match &node.value {
            Value::Scalar(s) if node.style == ScalarStyle::Plain => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].value, Value::Null)
            || self
                .plain(id)
                .is_some_and(|s| matches!(s, "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A plain scalar read as a boolean the way `reader` reads it (quoted strings are never booleans).
    pub fn bool(&self, id: NodeId, reader: Booleans) -> Option<bool> {
        match (self.plain(id)?, reader) {
            ("true" | "True" | "TRUE", _) => Some(true),
            ("false" | "False" | "FALSE", _) => Some(false),
            ("y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON", Booleans::Kubernetes) => {
                Some(true)
            }
            ("n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF", Booleans::Kubernetes) => {
                Some(false)
            }
            _ => None,
        }
    }

    /// The items of a sequence (through aliases); empty for anything else.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[self.resolve(id)].value {
            Value::Sequence(items) => items,
            _ => &[],
        }
    }

    /// The pairs written in a mapping (through aliases), without merges.
    pub fn entries(&self, id: NodeId) -> &[Entry] {
        match &self.nodes[self.resolve(id)].value {
            Value::Mapping(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].value, Value::Mapping(_))
    }

    /// The keys of a mapping with merge keys applied: its own pairs first, then those of `<<` mappings that
    /// it does not override (earlier merges win), each saying where it was merged.
    pub fn members(&self, id: NodeId) -> Vec<Member<'_>> {
        let mut out = Vec::new();
        // Keys already taken: a set, so a mapping of many thousand keys costs what it holds.
        let mut seen = std::collections::HashSet::new();
        self.collect_members(id, None, 0, &mut out, &mut seen);
        out
    }

    fn collect_members<'a>(
        &'a self,
        id: NodeId,
        merged_at: Option<TextRange>,
        depth: usize,
        out: &mut Vec<Member<'a>>,
        seen: &mut std::collections::HashSet<&'a str>,
    ) {
        if depth > MAX_MERGE_DEPTH {
            return;
        }
        let owner = self.resolve(id);
        let entries = self.entries(id);
        for entry in entries {
            let Some(key) = self.str(entry.key) else {
                continue;
            };
            if key == "<<" || !seen.insert(key) {
                continue;
            }
            out.push(Member {
                key,
                key_node: entry.key,
                value: entry.value,
                range: entry.range,
                merged_at,
                owner,
            });
        }
        for entry in entries.iter().filter(|e| self.str(e.key) == Some("<<")) {
            let via = merged_at.or(Some(entry.range));
            let sources: Vec<NodeId> = match &self.nodes[self.resolve(entry.value)].value {
                Value::Sequence(items) => items.to_vec(),
                _ => vec![entry.value],
            };
            for source in sources {
                self.collect_members(source, via, depth + 1, out, seen);
            }
        }
    }

    /// The value of `key` in mapping `id`, through merge keys: the first pair written with that key, else
    /// the first merge that has it (as [`Yaml::members`] orders them), without collecting the others.
    pub fn get(&self, id: NodeId, key: &str) -> Option<Member<'_>> {
        self.find_member(id, key, None, 0)
    }

    fn find_member(
        &self,
        id: NodeId,
        key: &str,
        merged_at: Option<TextRange>,
        depth: usize,
    ) -> Option<Member<'_>> {
        if depth > MAX_MERGE_DEPTH || key == "<<" {
            return None;
        }
        let owner = self.resolve(id);
        let entries = self.entries(id);
        if let Some(entry) = entries.iter().find(|e| self.str(e.key) == Some(key)) {
            return Some(Member {
                key: self.str(entry.key)?,
                key_node: entry.key,
                value: entry.value,
                range: entry.range,
                merged_at,
                owner,
            });
        }
        entries
            .iter()
            .filter(|e| self.str(e.key) == Some("<<"))
            .find_map(|entry| {
                let via = merged_at.or(Some(entry.range));
                match &self.nodes[self.resolve(entry.value)].value {
                    Value::Sequence(items) => items
                        .iter()
                        .find_map(|&source| self.find_member(source, key, via, depth + 1)),
                    _ => self.find_member(entry.value, key, via, depth + 1),
                }
            })
    }

    /// Follow a path of keys from `id`.
    pub fn path(&self, id: NodeId, keys: &[&str]) -> Option<NodeId> {
        keys.iter()
            .try_fold(id, |at, key| self.get(at, key).map(|m| m.value))
    }

    /// Every node and pair that ends at `end` ends at `content_end` instead: a piece of a document read
    /// up to the next piece's first line (see `yaml_pieces`) ends its last nodes after the line
    /// breaks that, in the whole, follow them.
    pub(super) fn end_at(&mut self, end: usize, content_end: usize) {
        let trim = |range: &mut TextRange| {
            if range.end == end {
                range.end = content_end.max(range.start);
            }
        };
        for node in &mut self.nodes {
            trim(&mut node.range);
            if let Value::Mapping(entries) = &mut node.value {
                entries.iter_mut().for_each(|e| trim(&mut e.range));
            }
        }
    }

    /// Take from `tree` what the view keeps of it: the grammar's first few errors, and where the comments
    /// start (looked for only when `text`, what the tree was read from, has a `#`).
    fn read_marks(&mut self, tree: &tree_sitter::Tree, text: &str) {
        self.grammar_errors = crate::syntax::yaml::errors(tree)
            .into_iter()
            .map(|(range, message)| Problem { range, message })
            .collect();
        if text.contains('#') {
            self.comments = crate::syntax::yaml::comments(tree);
        }
    }

    /// Report documents whose aliases would expand beyond [`MAX_EXPANSION`] nodes.
    pub(super) fn check_expansion(&mut self) {
        // Children and alias targets always have smaller ids (post-order), so one forward pass suffices.
        let mut size = vec![0u64; self.nodes.len()];
        for (id, node) in self.nodes.iter().enumerate() {
            size[id] = match &node.value {
                Value::Mapping(entries) => entries.iter().fold(1u64, |acc, e| {
                    acc.saturating_add(size[e.key])
                        .saturating_add(size[e.value])
                }),
                Value::Sequence(items) => items
                    .iter()
                    .fold(1u64, |acc, i| acc.saturating_add(size[*i])),
                Value::Alias(Some(target)) => size[*target],
                _ => 1,
            };
        }
        for document in &self.documents {
            if let Some(root) = document.root {
                if size[root] > MAX_EXPANSION {
                    self.problems.push(Problem {
                        range: self.nodes[root].range,
                        message: format!(
                            "aliases in this document expand to more than {MAX_EXPANSION} nodes (a \"billion laughs\"): they are not expanded"
                        ),
                    });
                }
            }
        }
    }
}

/// One piece's view (see `yaml_pieces`), with what only the join of the pieces can settle.
pub struct PieceView {
    pub yaml: Yaml,
    /// Aliases (node, name) that name no anchor of the piece.
    pub pending: Vec<(NodeId, String)>,
    /// The node each anchor of the piece names last.
    pub anchors: HashMap<String, NodeId>,
}

struct Builder<'s, 'y> {
    source: &'s str,
    yaml: &'y mut Yaml,
    anchors: HashMap<String, NodeId>,
    cut: bool,
    /// Reading a piece of a document: aliases to no anchor of the piece, for the pieces before it.
    pending: Option<&'y mut Vec<(NodeId, String)>>,
}

/// What an alias to no earlier anchor is told.
pub(super) fn unknown_alias(name: &str, range: TextRange) -> Problem {
    Problem {
        range,
        message: format!("alias `*{name}` names no earlier anchor"),
    }
}

impl Builder<'_, '_> {
    /// Read one `document` node into the view.
    fn add(&mut self, document: tree_sitter::Node) {
        let mut cursor = document.walk();
        let content = document
            .named_children(&mut cursor)
            .find(|n| matches!(n.kind(), "block_node" | "flow_node"));
        let root = content.map(|n| self.node(n, 0));
        self.yaml.documents.push(Document {
            root,
            range: TextRange::from(document.byte_range()),
        });
    }

    /// Read the documents under a stream's `root` (a piece has one).
    fn document(&mut self, root: tree_sitter::Node) {
        let mut cursor = root.walk();
        for document in root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "document")
        {
            self.add(document);
        }
    }

    fn push(&mut self, value: Value, range: TextRange, flow: bool) -> NodeId {
        self.yaml.push_value(value, range, flow)
    }

    fn push_scalar(&mut self, text: CompactString, style: ScalarStyle, range: TextRange) -> NodeId {
        self.yaml.push_scalar(text, style, range)
    }

    fn text(&self, node: tree_sitter::Node) -> &str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    /// Build a `block_node`/`flow_node` (or a bare collection/scalar) at nesting `depth`.
    fn node(&mut self, ts: tree_sitter::Node, depth: usize) -> NodeId {
        let range = TextRange::from(ts.byte_range());
        if depth > MAX_DEPTH {
            if !self.cut {
                self.cut = true;
                self.yaml.problems.push(Problem {
                    range,
                    message: format!(
                        "nesting deeper than {MAX_DEPTH} levels: the rest is not analysed"
                    ),
                });
            }
            return self.push(Value::Null, range, false);
        }
        let mut anchor = None;
        let mut content = None;
        if matches!(ts.kind(), "block_node" | "flow_node") {
            let mut cursor = ts.walk();
            for child in ts.named_children(&mut cursor) {
                match child.kind() {
                    "anchor" => {
                        let mut c = child.walk();
                        anchor = child
                            .named_children(&mut c)
                            .find(|n| n.kind() == "anchor_name")
                            .map(|n| self.text(n).to_owned());
                    }
                    "tag" | "comment" => {}
                    _ => content = Some(child),
                }
            }
        } else {
            content = Some(ts);
        }
        let id = match content {
            None => self.push(Value::Null, range, false),
            Some(content) => self.content(content, depth),
        };
        if let Some(name) = anchor {
            self.anchors.insert(name, id);
        }
        id
    }

    fn content(&mut self, ts: tree_sitter::Node, depth: usize) -> NodeId {
        let range = TextRange::from(ts.byte_range());
        let mut cursor = ts.walk();
        match ts.kind() {
            "block_mapping" | "flow_mapping" => {
                let mut entries = Vec::new();
                for child in ts.named_children(&mut cursor) {
                    match child.kind() {
                        "block_mapping_pair" | "flow_pair" => entries.push(self.pair(child, depth)),
                        "flow_node" => {
                            let key = self.node(child, depth + 1);
                            let end = TextRange::empty(child.end_byte());
                            let value = self.push(Value::Null, end, true);
                            entries.push(Entry {
                                key,
                                value,
                                range: TextRange::from(child.byte_range()),
                            });
                        }
                        _ => {}
                    }
                }
                let twice = duplicate_keys(self.yaml, &entries);
                self.yaml.problems.extend(twice);
                self.push(
                    Value::Mapping(entries.into()),
                    range,
                    ts.kind() == "flow_mapping",
                )
            }
            "block_sequence" => {
                let mut items = Vec::new();
                for item in ts
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "block_sequence_item")
                {
                    let mut c = item.walk();
                    let inner = item
                        .named_children(&mut c)
                        .find(|n| matches!(n.kind(), "block_node" | "flow_node"));
                    let id = match inner {
                        Some(inner) => self.node(inner, depth + 1),
                        None => self.push(Value::Null, TextRange::empty(item.end_byte()), false),
                    };
                    items.push(id);
                }
                self.push(Value::Sequence(items.into()), range, false)
            }
            "flow_sequence" => {
                let mut items = Vec::new();
                for child in ts.named_children(&mut cursor) {
                    match child.kind() {
                        "flow_node" => items.push(self.node(child, depth + 1)),
                        "flow_pair" => {
                            let entry = self.pair(child, depth);
                            items.push(self.push(
                                Value::Mapping(Box::new([entry])),
                                TextRange::from(child.byte_range()),
                                true,
                            ));
                        }
                        _ => {}
                    }
                }
                self.push(Value::Sequence(items.into()), range, true)
            }
            "plain_scalar" => {
                let text = super::yaml_scalar::plain(self.text(ts));
                self.push_scalar(text, ScalarStyle::Plain, range)
            }
            "single_quote_scalar" => {
                let raw = self.text(ts);
                let inner = raw
                    .strip_prefix('\'')
                    .and_then(|r| r.strip_suffix('\''))
                    .unwrap_or(raw);
                let text = super::yaml_scalar::single_quoted(inner);
                self.push_scalar(text, ScalarStyle::SingleQuoted, range)
            }
            "double_quote_scalar" => {
                let raw = self.text(ts);
                let inner = raw
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .unwrap_or(raw);
                let text = super::yaml_scalar::double_quoted(inner);
                self.push_scalar(text, ScalarStyle::DoubleQuoted, range)
            }
            "block_scalar" => {
                let line = self.source[..range.start]
                    .rfind('\n')
                    .map_or(0, |at| at + 1);
                let parent = self.source[line..range.start]
                    .bytes()
                    .take_while(|b| *b == b' ')
                    .count();
                let text = super::yaml_scalar::block(self.text(ts), parent);
                self.push_scalar(text.into(), ScalarStyle::Block, range)
            }
            "alias" => {
                let name = self.text(ts).trim_start_matches('*').to_owned();
                let target = self.anchors.get(&name).copied();
                let id = self.push(Value::Alias(target), range, true);
                match (target, self.pending.as_deref_mut()) {
                    (Some(_), _) => {}
                    (None, Some(pending)) => pending.push((id, name)),
                    (None, None) => self.yaml.problems.push(unknown_alias(&name, range)),
                }
                id
            }
            "block_node" | "flow_node" => self.node(ts, depth + 1),
            _ => self.push(Value::Null, range, false),
        }
    }

    fn pair(&mut self, ts: tree_sitter::Node, depth: usize) -> Entry {
        let range = TextRange::from(ts.byte_range());
        let key = match ts.child_by_field_name("key") {
            Some(k) => self.node(k, depth + 1),
            None => self.push(Value::Null, TextRange::empty(range.start), false),
        };
        let value = match ts.child_by_field_name("value") {
            Some(v) => self.node(v, depth + 1),
            None => self.push(Value::Null, TextRange::empty(range.end), false),
        };
        Entry { key, value, range }
    }
}

/// A key written twice in one mapping: YAML requires keys to be unique, and readers differ on what they do
/// with a second one (Compose and Kubernetes refuse the file, others keep either value), so a setting may
/// not be the one a reviewer reads. Merge keys (`<<`) are not keys.
pub(super) fn duplicate_keys(yaml: &Yaml, entries: &[Entry]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if entries.len() < 2 {
        return problems;
    }
    let mut seen: HashMap<&str, TextRange> = HashMap::with_capacity(entries.len());
    for entry in entries {
        let node = &yaml.nodes[entry.key];
        let Value::Scalar(key) = &node.value else {
            continue;
        };
        if key == "<<" {
            continue;
        }
        if let Some(first) = seen.insert(key.as_str(), node.range) {
            seen.insert(key.as_str(), first);
            problems.push(Problem {
                range: node.range,
                message: format!(
                    "duplicate key `{key}`: YAML keys must be unique, and readers disagree on which value counts"
                ),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(text: &str) -> Yaml {
        Yaml::read(text)
    }

    #[test]
    fn merge_keys_anchors_flow_and_scalars() {
        let text = "x: &d\n  privileged: true\n  cap_add: [SYS_ADMIN, \"NET_RAW\"]\nservices:\n  db:\n    <<: *d\n    image: 'post''gres'\n    privileged: false\n";
        let yaml = build(text);
        let root = yaml.documents[0].root.expect("root");
        let db = yaml.path(root, &["services", "db"]).expect("db");
        let privileged = yaml.get(db, "privileged").expect("privileged");
        assert_eq!(
            yaml.bool(privileged.value, Booleans::Compose),
            Some(false),
            "own keys override merged ones"
        );
        let caps = yaml.get(db, "cap_add").expect("merged");
        assert!(caps.merged_at.is_some());
        assert_eq!(caps.range.slice(text), "cap_add: [SYS_ADMIN, \"NET_RAW\"]");
        let names: Vec<&str> = yaml
            .items(caps.value)
            .iter()
            .filter_map(|i| yaml.str(*i))
            .collect();
        assert_eq!(names, ["SYS_ADMIN", "NET_RAW"]);
        assert_eq!(
            yaml.get(db, "image").and_then(|m| yaml.str(m.value)),
            Some("post'gres")
        );
    }

    #[test]
    fn multi_document_streams_and_nulls() {
        let yaml = build("a: 1\n---\nkind: Pod\nspec:\n---\n");
        assert_eq!(yaml.documents.len(), 3);
        let second = yaml.documents[1].root.expect("root");
        assert!(yaml.is_null(yaml.get(second, "spec").expect("spec").value));
    }

    #[test]
    fn billion_laughs_and_deep_flow_nesting_are_reported() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let yaml = build(&text);
        assert!(
            yaml.problems
                .iter()
                .any(|p| p.message.contains("billion laughs"))
        );
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let yaml = build(&deep);
        assert!(
            yaml.problems
                .iter()
                .any(|p| p.message.contains("nesting deeper"))
        );
    }
}
