//! A large YAML document read in pieces, side by side, and joined into the view the whole would give.
//!
//! `syntax::yaml_split` says where the document can be cut; each piece is parsed on its own (its tree dropped
//! as soon as its view is built, so the trees alive at once are one per core, not the document's) and the
//! views are joined: a piece's spine (the `key:` lines above its first line) continues the last keys of the
//! pieces before it, so the entries of its mappings are appended to theirs. Aliases that name an anchor of an
//! earlier piece are resolved at the join, duplicate keys are looked for again in the joined mappings, and
//! the nodes are renumbered as the whole's builder numbers them (children before their parent), which is
//! what [`Yaml::check_expansion`] and every reader of `nodes` count on. A piece the grammar finds anything
//! wrong in makes the document be read whole: its errors are then the whole's, not a piece's.

use std::collections::{HashMap, HashSet};

use super::yaml::{
    Document, Entry, Node, NodeId, PieceView, Value, Yaml, duplicate_keys, unknown_alias,
};
use crate::document::TextRange;
use crate::syntax::yaml_split::Piece;

/// Documents at least this long are read in pieces.
pub const READ_IN_PIECES_FROM: usize = 1024 * 1024;
/// About how long a piece is: its tree, about forty times this, is what each core holds at once.
pub const PIECE_SIZE: usize = 64 * 1024;

impl Yaml {
    /// Read `source` and build its view: a document of the common shape line by line (see
    /// `yaml_lines`), else parsed, a large one in pieces side by side (see this module), a small one
    /// whole.
    pub fn read(source: &str) -> Self {
        if let Some(yaml) = super::yaml_lines::read(source) {
            return yaml;
        }
        let large = source.len() >= READ_IN_PIECES_FROM;
        // (text the grammar must not see is refused by the whole read, which says why)
        if large && crate::syntax::yaml::unsafe_for_grammar(source).is_none() {
            let pieces = crate::syntax::yaml_split::split(source, PIECE_SIZE);
            if let Some(yaml) = pieces.and_then(|p| read(source, &p)) {
                return yaml;
            }
        }
        Self::read_whole(source)
    }
}

/// The view of `source` read as `pieces`; `None` when a piece does not read cleanly, or does not continue
/// the pieces before it as its spine says (then the document is read whole).
pub fn read(source: &str, pieces: &[Piece]) -> Option<Yaml> {
    use rayon::prelude::*;
    let read_one = |piece: &Piece| {
        let tree = crate::syntax::parse_ranges(source, &piece.ranges)?;
        let own = piece.ranges.last()?;
        let view = Yaml::build_piece(source, &tree, &source[own.start_byte..own.end_byte]);
        view.yaml.grammar_errors.is_empty().then_some(view)
    };
    let mut join = Join::default();
    let last = pieces.len() - 1;
    // A few pieces per core at a time, joined as they come: the views not yet joined are a few pieces', not
    // the document's.
    let batch = rayon::current_num_threads() * 4;
    for (first, pieces) in pieces.chunks(batch).enumerate() {
        let views: Vec<Option<PieceView>> = pieces.par_iter().map(read_one).collect();
        for (index, (view, piece)) in views.into_iter().zip(pieces).enumerate() {
            let mut view = view?;
            if first * batch + index < last {
                let end = piece.ranges.last()?.end_byte;
                let content_end = content_end(source, end, view.yaml.comments.last().copied());
                view.yaml.end_at(end, content_end);
            }
            join.add(view, piece.spine)?;
        }
    }
    join.finish()
}

/// Where the last token before `end` ends, as the whole's grammar ends a node there: after the last
/// character that is not a space or a line break, or, on a comment's line, at its line break (a comment
/// takes the spaces after it).
fn content_end(source: &str, end: usize, last_comment: Option<usize>) -> usize {
    let text = source[..end].trim_end_matches([' ', '\t', '\r', '\n']);
    let line = text.rfind('\n').map_or(0, |at| at + 1);
    match last_comment {
        Some(comment) if comment >= line && comment < text.len() => {
            let rest = &source[text.len()..end];
            text.len() + rest.find(['\r', '\n']).unwrap_or(rest.len())
        }
        _ => text.len(),
    }
}

#[derive(Default)]
struct Join {
    yaml: Yaml,
    /// The joined document so far: its root and range.
    document: Option<(NodeId, TextRange)>,
    anchors: HashMap<String, NodeId>,
    /// The mappings that take entries from a later piece, their entries so far.
    growing: HashMap<NodeId, Vec<Entry>>,
}

impl Join {
    fn add(&mut self, view: PieceView, spine: usize) -> Option<()> {
        let PieceView {
            yaml,
            pending,
            anchors,
        } = view;
        let [document] = yaml.documents.as_slice() else {
            return None;
        };
        let document = document.clone();
        let shift = self.yaml.nodes.len();
        self.yaml
            .nodes
            .extend(yaml.nodes.into_iter().map(|node| shifted(node, shift)));
        for (id, name) in pending {
            let id = id + shift;
            match self.anchors.get(&name) {
                Some(target) => self.yaml.nodes[id].value = Value::Alias(Some(*target)),
                None => self
                    .yaml
                    .problems
                    .push(unknown_alias(&name, self.yaml.nodes[id].range)),
            }
        }
        self.anchors
            .extend(anchors.into_iter().map(|(name, id)| (name, id + shift)));
        // One "nesting deeper" problem per document, as the whole's builder reports it.
        let deep = |p: &super::yaml::Problem| p.message.starts_with("nesting deeper than");
        let reported = self.yaml.problems.iter().any(deep);
        self.yaml
            .problems
            .extend(yaml.problems.into_iter().filter(|p| !(reported && deep(p))));
        self.yaml.comments.extend(yaml.comments);
        let root = document.root? + shift;
        match &mut self.document {
            None => self.document = Some((root, document.range)),
            Some((into, range)) => {
                range.end = document.range.end;
                let into = *into;
                self.graft(into, root, spine)?;
            }
        }
        Some(())
    }

    /// Append the entries of mapping `from` to mapping `into`; the first `spine` levels of `from` continue
    /// the last entry of `into` (the same key line), level by level. (A spine is as deep as the text's
    /// block nesting, which the grammar's guard keeps under `MAX_BLOCK_COLUMN` levels.)
    fn graft(&mut self, into: NodeId, from: NodeId, spine: usize) -> Option<()> {
        let Value::Mapping(entries) =
            std::mem::replace(&mut self.yaml.nodes[from].value, Value::Null)
        else {
            return None;
        };
        let end = self.yaml.nodes[from].range.end;
        let mut rest = &entries[..];
        if spine > 0 {
            let (first, others) = entries.split_first()?;
            let last = self.entries(into)?.last()?.clone();
            if self.yaml.nodes[last.key].range != self.yaml.nodes[first.key].range {
                return None;
            }
            // A piece that ends at the key line has read no value for it yet: the next piece's is it.
            let no_value = !self.growing.contains_key(&last.value)
                && matches!(self.yaml.nodes[last.value].value, Value::Null);
            if no_value {
                self.entries(into)?.last_mut()?.value = first.value;
            } else {
                self.graft(last.value, first.value, spine - 1)?;
            }
            self.entries(into)?.last_mut()?.range.end = first.range.end;
            rest = others;
        }
        self.entries(into)?.extend_from_slice(rest);
        self.yaml.nodes[into].range.end = end;
        Some(())
    }

    /// The entries of mapping `id`, to grow: taken out of the node (whose slice cannot grow) until the
    /// join is done.
    fn entries(&mut self, id: NodeId) -> Option<&mut Vec<Entry>> {
        if !self.growing.contains_key(&id) {
            let Value::Mapping(entries) =
                std::mem::replace(&mut self.yaml.nodes[id].value, Value::Null)
            else {
                return None;
            };
            self.growing.insert(id, entries.into_vec());
        }
        self.growing.get_mut(&id)
    }

    fn finish(mut self) -> Option<Yaml> {
        let (root, range) = self.document?;
        let mut grown: Vec<NodeId> = self.growing.keys().copied().collect();
        grown.sort_unstable();
        for (id, entries) in self.growing {
            self.yaml.nodes[id].value = Value::Mapping(entries.into());
        }
        // Keys written twice in a joined mapping, across pieces too.
        let keys: HashSet<TextRange> = grown
            .iter()
            .flat_map(|id| self.yaml.entries(*id))
            .map(|e| self.yaml.nodes[e.key].range)
            .collect();
        self.yaml
            .problems
            .retain(|p| !(keys.contains(&p.range) && p.message.starts_with("duplicate key")));
        for id in &grown {
            let twice = duplicate_keys(&self.yaml, self.yaml.entries(*id));
            self.yaml.problems.extend(twice);
        }
        let root = renumber(&mut self.yaml.nodes, root)?;
        self.yaml.documents = vec![Document {
            root: Some(root),
            range,
        }];
        self.yaml.check_expansion();
        Some(self.yaml)
    }
}

/// A node moved `by` places up in the node list, with its children and alias target.
fn shifted(mut node: Node, by: usize) -> Node {
    for_each_id(&mut node.value, |id| *id += by);
    node
}

fn for_each_id(value: &mut Value, mut f: impl FnMut(&mut NodeId)) {
    match value {
        Value::Mapping(entries) => entries.iter_mut().for_each(|e| {
            f(&mut e.key);
            f(&mut e.value);
        }),
        Value::Sequence(items) => items.iter_mut().for_each(f),
        Value::Alias(Some(target)) => f(target),
        Value::Alias(None) | Value::Scalar(..) | Value::Null => {}
    }
}

/// The children of a node, in order (an alias's target is no child).
fn child(value: &Value, index: usize) -> Option<NodeId> {
    match value {
        Value::Mapping(entries) => entries
            .get(index / 2)
            .map(|e| if index % 2 == 0 { e.key } else { e.value }),
        Value::Sequence(items) => items.get(index).copied(),
        _ => None,
    }
}

/// Keep the nodes under `root` only, numbered children first (the order the whole's builder gives): the
/// root's new id. The spines' copies, left behind by the join, go.
fn renumber(nodes: &mut Vec<Node>, root: NodeId) -> Option<NodeId> {
    // (ids as `u32`: a document of more nodes than that is over any `max-file-size`)
    const GONE: u32 = u32::MAX;
    if nodes.len() >= GONE as usize {
        return None;
    }
    let mut new_id = vec![GONE; nodes.len()];
    let mut next: u32 = 0;
    // (node, its next child): a walk without recursion.
    let mut stack = vec![(root, 0)];
    while let Some((id, index)) = stack.last_mut() {
        match child(&nodes[*id].value, *index) {
            Some(next_child) => {
                *index += 1;
                stack.push((next_child, 0));
            }
            None => {
                new_id[*id] = next;
                next += 1;
                stack.pop();
            }
        }
    }
    // (an alias to a node that is gone — none the splitter makes — is not joined)
    let mut lost = false;
    for (id, node) in nodes.iter_mut().enumerate() {
        if new_id[id] != GONE {
            for_each_id(&mut node.value, |child| {
                lost |= new_id[*child] == GONE;
                *child = new_id[*child] as usize;
            });
        }
    }
    if lost {
        return None;
    }
    // Each node to its place, swapping along the cycles of the renumbering.
    for place in 0..nodes.len() {
        while new_id[place] != GONE && new_id[place] as usize != place {
            let to = new_id[place] as usize;
            nodes.swap(place, to);
            new_id.swap(place, to);
        }
    }
    nodes.truncate(next as usize);
    (next as usize).checked_sub(1)
}

/// What a view says, node by node from each document's root, in a form two views can be compared in (ids
/// differ between a whole read and a joined one; nothing else may).
pub fn outline(yaml: &Yaml) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for document in &yaml.documents {
        let _ = writeln!(out, "document {:?}", document.range);
        // (node, depth): a walk without recursion, children in order.
        let mut stack: Vec<(NodeId, usize)> = document.root.into_iter().map(|r| (r, 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            let node = &yaml.nodes[id];
            let what = match &node.value {
                Value::Mapping(entries) => {
                    let ranges: Vec<TextRange> = entries.iter().map(|e| e.range).collect();
                    format!("mapping {ranges:?}")
                }
                Value::Sequence(items) => format!("sequence of {}", items.len()),
                Value::Scalar(text) => format!("scalar {text:?} {:?}", node.style),
                Value::Alias(target) => {
                    format!("alias to {:?}", target.map(|t| yaml.nodes[t].range))
                }
                Value::Null => "null".to_owned(),
            };
            let _ = writeln!(
                out,
                "{:indent$}{:?} {what} flow={}",
                "",
                node.range,
                node.flow,
                indent = depth.min(64)
            );
            let children: Vec<NodeId> = (0..).map_while(|i| child(&node.value, i)).collect();
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
    }
    let mut problems: Vec<String> = yaml
        .problems
        .iter()
        .chain(&yaml.grammar_errors)
        .map(|p| format!("problem {:?} {}", p.range, p.message))
        .collect();
    problems.sort();
    for problem in problems {
        let _ = writeln!(out, "{problem}");
    }
    let _ = writeln!(out, "comments {:?}", yaml.comments);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read in pieces of about `size` bytes, or `None` where it is not cut or the join refuses.
    fn in_pieces(text: &str, size: usize) -> Option<Yaml> {
        read(text, &crate::syntax::yaml_split::split(text, size)?)
    }

    fn assert_same(text: &str) {
        let whole = outline(&Yaml::read_whole(text));
        for size in [1, 7, 40] {
            let joined = in_pieces(text, size).expect("read in pieces");
            assert_eq!(outline(&joined), whole, "pieces of {size} bytes of\n{text}");
        }
    }

    #[test]
    fn a_document_read_in_pieces_is_the_document_read_whole() {
        assert_same(
            "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx # pinned\n    command: |\n      run: it\n      now\n    ports: [\"80:80\",\n      \"443:443\"]\n  db:\n    image: postgres\n    environment:\n      A: 'it''s'\n      B: \"two\n        lines\"\n  cache:\n    image: *missing\n  web:\n    image: again\nnetworks:\n  default:\n    name: n\n",
        );
        assert_same("a:\n  b:\n    c: 1\n    d: 2\n  e:\n    f: 3\ng: 4\n");
    }

    #[test]
    fn a_large_document_nested_too_deep_for_the_grammar_is_refused_not_read_in_pieces() {
        let mut text = "services:\n".to_owned();
        for i in 0..80_000 {
            text.push_str(&format!("  s{i}:\n    image: x\n"));
        }
        assert!(text.len() > READ_IN_PIECES_FROM);
        let deep: String = (0..300)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        text.push_str(&deep);
        let yaml = Yaml::read(&text);
        assert!(
            yaml.problems
                .iter()
                .any(|p| p.message.contains("block nesting deeper"))
        );
    }

    #[test]
    fn a_piece_the_grammar_cannot_read_makes_the_document_read_whole() {
        let text = "services:\n  web:\n    image: [nginx\n  db:\n    image: postgres\n";
        let pieces = crate::syntax::yaml_split::split(text, 1).expect("cut");
        assert!(read(text, &pieces).is_none() || !Yaml::read_whole(text).grammar_errors.is_empty());
        assert!(!Yaml::read_whole(text).grammar_errors.is_empty());
    }
}
