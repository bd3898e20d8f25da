//! Edits applied to a tree incrementally give the same tree as a fresh parse of the final text (what the
//! server relies on for every keystroke), for Dockerfiles and YAML, whenever the final text is valid.
#![no_main]

use dockwarden::TextRange;
use dockwarden::syntax::{Language, edit_tree, parse};
use libfuzzer_sys::fuzz_target;

/// Edits per input.
const MAX_EDITS: usize = 256;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let language = if selector % 2 == 0 {
        Language::Dockerfile
    } else {
        Language::Yaml
    };
    // The input: a text, then edits of (start, length, replacement byte) triples.
    let split = rest.len() / 2;
    let mut text = String::from_utf8_lossy(&rest[..split]).into_owned();
    let Some(mut tree) = parse(language, &text, None) else {
        return;
    };
    // (at most this many edits, each a reparse: the property needs a few, and thousands of reparses of a
    // large text take longer than libFuzzer's timeout for one input without anything being wrong)
    for edit in rest[split..].chunks(3).take(MAX_EDITS) {
        let [start, length, byte] = edit else { break };
        let mut start = usize::from(*start) % (text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + usize::from(*length) % 8).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let replacement = char::from(*byte % 128).to_string();
        edit_tree(&mut tree, &text, TextRange::new(start, end), &replacement);
        text.replace_range(start..end, &replacement);
        let Some(next) = parse(language, &text, Some(&tree)) else {
            return;
        };
        tree = next;
    }
    let fresh = parse(language, &text, None).expect("parses");
    // Error recovery may legitimately differ between the two; valid text must not.
    if fresh.root_node().has_error() {
        return;
    }
    assert_eq!(
        tree.root_node().to_sexp(),
        fresh.root_node().to_sexp(),
        "incremental != fresh"
    );
});
