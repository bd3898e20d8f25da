//! Incremental parsing: after any sequence of edits, the tree reparsed with the old one equals a fresh parse
//! (Dockerfile and YAML), a YAML stream kept between edits reads like a fresh one, and
//! a Dockerfile linted with what the server keeps (its tree, read when needed; its instructions' findings) like a fresh one.

mod common;

use common::nodes;
use dockwarden::TextRange;
use dockwarden::engine::dockerfile::lint_dockerfile;
use dockwarden::engine::kept_dockerfile::KeptDockerfile;
use dockwarden::engine::surroundings::Surroundings;
use dockwarden::syntax::edit_tree;
use dockwarden::syntax::kept_tree::KeptTree;
use proptest::prelude::*;

/// A Dockerfile parsed, incrementally when the old tree is given.
fn parse(text: &str, old: Option<&tree_sitter::Tree>) -> Option<tree_sitter::Tree> {
    dockwarden::syntax::parse(dockwarden::syntax::Language::Dockerfile, text, old)
}

const SEED: &str = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12\nFROM ${BASE} AS build\n\
ENV A=1 B=\"x y\" \\\n    C=3\nRUN apt-get update && \\\n    apt-get install -y curl\nRUN <<EOF\necho hi\nEOF\n\
USER 1000:1000\nCMD [\"python\", \"app.py\"]\n";

const PIECES: &[&str] = &[
    "a",
    "RUN ",
    "FROM ",
    "ENV X=",
    "\n",
    "\r\n",
    "\\\n",
    "<<EOF\n",
    "EOF\n",
    "\"",
    "'",
    "#",
    " ",
    "é",
    "😀",
    "[",
    "]",
    "$",
    "{",
    "}",
    ":",
    "=",
    "--mount=type=secret,id=x ",
    "\u{0B}",
    "\u{2028}",
];

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn incremental_tree_equals_a_fresh_parse(edits in prop::collection::vec((0.0f64..1.0, 0usize..6, prop::collection::vec(0..PIECES.len(), 0..3)), 1..200)) {
        let mut text = SEED.to_owned();
        let mut tree = parse(&text, None).expect("a tree");
        // What the server keeps: a tree parsed only when read, and the instructions' findings.
        let mut kept_tree = KeptTree::new(dockwarden::syntax::Language::Dockerfile);
        let mut kept = KeptDockerfile::default();
        let around = Surroundings::none();
        for (at, delete, insert) in edits {
            let start = floor_boundary(&text, (at * text.len() as f64) as usize);
            let end = floor_boundary(&text, start + delete);
            let new_text: String = insert.iter().map(|&i| PIECES[i]).collect();
            edit_tree(&mut tree, &text, TextRange::new(start, end), &new_text);
            kept_tree.edit(&text, TextRange::new(start, end), &new_text);
            text.replace_range(start..end, &new_text);
            tree = parse(&text, Some(&tree)).expect("a tree");
            let fresh = parse(&text, None).expect("a tree");
            // Error recovery may take another path from an old tree than from none (tree-sitter does not
            // promise the same ERROR nodes): text that parses is the same tree either way, and what is
            // linted from any text is the same.
            if !fresh.root_node().has_error() {
                prop_assert_eq!(nodes(&tree), nodes(&fresh), "text: {:?}", text);
            }
            let findings = |tree: &tree_sitter::Tree| {
                let mut tree = KeptTree::parsed(dockwarden::syntax::Language::Dockerfile, Some(tree.clone()));
                lint_dockerfile(&text, Some(&mut tree), &mut KeptDockerfile::default(), &around)
            };
            let expected = findings(&fresh);
            prop_assert_eq!(&findings(&tree), &expected, "text: {:?}", text);
            prop_assert_eq!(&lint_dockerfile(&text, Some(&mut kept_tree), &mut kept, &around), &expected, "kept, text: {:?}", text);
        }
    }
}

const YAML_SEED: &str = "x: &d\n  privileged: true\nservices:\n  db:\n    <<: *d\n    image: postgres:17\n    ports: [\"5432:5432\"]\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      securityContext: {}\n";

const YAML_PIECES: &[&str] = &[
    "a", ": ", "\n", "\r\n", "  ", "- ", "---\n", "[", "]", "{", "}", ",", "\"", "'", "#", "&x ",
    "*x", "<<: ", "|\n", "é", "😀", "true", "\t",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn incremental_yaml_tree_equals_a_fresh_parse(edits in prop::collection::vec((0.0f64..1.0, 0usize..6, prop::collection::vec(0..YAML_PIECES.len(), 0..3)), 1..150)) {
        use dockwarden::syntax::{Language, parse as parse_any};
        let mut text = YAML_SEED.to_owned();
        let mut tree = parse_any(Language::Yaml, &text, None).expect("a tree");
        for (at, delete, insert) in edits {
            let start = floor_boundary(&text, (at * text.len() as f64) as usize);
            let end = floor_boundary(&text, start + delete);
            let new_text: String = insert.iter().map(|&i| YAML_PIECES[i]).collect();
            edit_tree(&mut tree, &text, TextRange::new(start, end), &new_text);
            text.replace_range(start..end, &new_text);
            let Some(next) = parse_any(Language::Yaml, &text, Some(&tree)) else { break };
            tree = next;
            let fresh = parse_any(Language::Yaml, &text, None).expect("a tree");
            // Error recovery may take another path from an old tree than from none (tree-sitter does not
            // promise the same ERROR nodes); what is linted from such text is compared by the stream
            // property below. Text that parses is the same tree either way.
            if !fresh.root_node().has_error() {
                prop_assert_eq!(nodes(&tree), nodes(&fresh), "text: {:?}", text);
            }
        }
    }

    #[test]
    fn a_yaml_stream_kept_between_edits_equals_a_fresh_read(edits in prop::collection::vec((0.0f64..1.0, 0usize..6, prop::collection::vec(0..YAML_PIECES.len(), 0..3)), 1..60)) {
        use dockwarden::engine::yaml_stream::{Mode, YamlStream};
        let mut text = YAML_SEED.to_owned();
        let mut stream = YamlStream::default();
        stream.update(&text, Mode::Detect(None));
        for (at, delete, insert) in edits {
            let start = floor_boundary(&text, (at * text.len() as f64) as usize);
            let end = floor_boundary(&text, start + delete);
            let new_text: String = insert.iter().map(|&i| YAML_PIECES[i]).collect();
            text.replace_range(start..end, &new_text);
            let kept = stream.update(&text, Mode::Detect(None));
            let fresh = YamlStream::default().update(&text, Mode::Detect(None));
            prop_assert_eq!(kept, fresh, "text: {:?}", text);
        }
    }
}
