//! Any bytes, linted as a Compose file and as a Kubernetes stream, and detected by content as the CLI does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dockwarden::lint(&text, dockwarden::FileKind::Compose);
    let _ = dockwarden::lint(&text, dockwarden::FileKind::Kubernetes);
    let _ = dockwarden::engine::lint::detect(Some(std::path::Path::new("input.yaml")), &text);
});
