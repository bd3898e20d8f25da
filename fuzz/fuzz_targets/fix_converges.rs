//! Fix-all over any input (the first byte picks the kind): it converges, a second pass changes nothing, and
//! no fix adds a syntax error.
#![no_main]

use dockwarden::FileKind;
use dockwarden::engine::fix_all::{FixMode, fix_all};
use dockwarden::rules::RuleId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = [
        FileKind::Dockerfile,
        FileKind::Compose,
        FileKind::Kubernetes,
    ][usize::from(selector % 3)];
    let text = String::from_utf8_lossy(rest);
    let lint = |t: &str| dockwarden::lint(t, kind);
    let syntax_errors = |t: &str| {
        lint(t)
            .iter()
            .filter(|d| d.rule == RuleId::SyntaxError)
            .count()
    };
    let once = fix_all(&text, FixMode::Unsafe, lint);
    let twice = fix_all(&once.text, FixMode::Unsafe, lint);
    assert_eq!(twice.text, once.text, "a second fix pass changed the text");
    assert!(
        syntax_errors(&once.text) <= syntax_errors(&text),
        "a fix added a syntax error"
    );
});
