//! Any bytes, linted as a Dockerfile: no panic, no abort, no hang (libFuzzer's timeout), bounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dockwarden::lint(&text, dockwarden::FileKind::Dockerfile);
});
