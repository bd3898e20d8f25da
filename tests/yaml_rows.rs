//! Long YAML documents: tree-sitter-yaml's scanner once kept rows in 16 bits, so a key on the 32,769th line
//! of a document (row 32,768) was read as the rest of the line before, and the whole file became one
//! `syntax-error` with no other finding. Keys are put on every line around each wrap of a 16-bit row
//! (signed and unsigned), in a document alone and in the third document of a stream, with LF and CRLF line
//! ends (`\r` and `\n` each count as a row for the scanner).

use dockwarden::rules::RuleId;
use dockwarden::{FileKind, lint};

/// A privileged Pod whose `spec:` key is on line `key_line` (1-based) of the document.
fn pod_with_spec_on(key_line: usize) -> String {
    let mut lines = vec![
        "apiVersion: v1".to_owned(),
        "kind: Pod".to_owned(),
        "metadata:".to_owned(),
        "  name: long".to_owned(),
        "  annotations:".to_owned(),
    ];
    while lines.len() < key_line - 1 {
        lines.push(format!("    note-{}: x", lines.len()));
    }
    lines.push("spec:".to_owned());
    lines.extend(
        [
            "  containers:",
            "    - name: app",
            "      image: nginx:1.27",
            "      securityContext:",
            "        privileged: true",
        ]
        .map(str::to_owned),
    );
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

const SMALL: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  a: b\n";

fn assert_read_in_full(text: &str, what: &str) {
    let found = lint(text, FileKind::Kubernetes);
    let errors: Vec<_> = found
        .iter()
        .filter(|d| d.rule == RuleId::SyntaxError)
        .map(|d| (d.range, d.message.clone()))
        .collect();
    assert!(errors.is_empty(), "{what}: syntax errors {errors:?}");
    assert!(
        found.iter().any(|d| d.rule == RuleId::PrivilegedContainer),
        "{what}: privileged-container missing"
    );
}

#[test]
fn keys_around_every_16_bit_row_wrap_are_read() {
    let lines = (32_767..=32_770)
        .chain(65_535..=65_538)
        .chain(98_304..=98_306);
    for key_line in lines {
        let document = pod_with_spec_on(key_line);
        assert_read_in_full(&document, &format!("spec on line {key_line}"));
        let stream = format!("{SMALL}---\n{SMALL}---\n{document}");
        assert_read_in_full(
            &stream,
            &format!("spec on line {key_line} of the third document"),
        );
    }
}

#[test]
fn crlf_documents_wrap_at_half_the_lines_and_are_read_too() {
    // With `\r\n`, the scanner's row is twice the line number: line 16,385 is row 32,768.
    for key_line in (16_383..=16_386).chain(32_767..=32_770) {
        let document = pod_with_spec_on(key_line).replace('\n', "\r\n");
        assert_read_in_full(&document, &format!("CRLF, spec on line {key_line}"));
    }
}
