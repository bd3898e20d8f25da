use crate::edit::fix::{Edit, Fix};
use crate::model::dockerfile::{Instruction, Keyword};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, FileSource, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of local files that Docker does not unpack, where `COPY` does the same. Docker unpacks
    /// local tar archives, plain or compressed with gzip, bzip2, xz or zstd (BuildKit's decompressor takes
    /// zstd too, though its reference names only the first three); it copies everything else as it is —
    /// zip, 7z, rar, jar, war and wheel files included. A file in the build context is judged by its magic
    /// bytes, one that is not there by its extension.
    ///
    /// ## Why it matters
    /// `ADD` also downloads URLs and unpacks archives. Used for plain files it hides that magic where nobody
    /// expects it: a file renamed to `.tar.gz` later is silently unpacked into the image. `COPY` does one
    /// thing.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    /// Silent for tar archives (by content, or named `.tar`, `.tar.gz`, `.tgz`, `.tar.zst`, …), URLs, sources
    /// named by a variable or a wildcard (their names are unknown), `ADD --checksum`, and `ADD file:<sha> in /`
    /// (a line reconstructed from an image's history, not a build instruction).
    ///
    /// ## Fix
    /// Safe: `ADD` → `COPY`, flags kept (the source is a local path Docker does not unpack, so both
    /// instructions copy it the same way).
    ///
    /// ## References
    /// - hadolint DL3020; CIS Docker Benchmark 4.9 "Ensure that COPY is used instead of ADD"
    name: "add-instead-of-copy",
    severity: Warning,
    fix: Safe,
    summary: "ADD of plain local files where COPY does the same",
}

/// Extensions of what `ADD` unpacks: tar archives, plain or compressed (a compressed file that holds no tar
/// is copied as it is, but its name says the author may expect unpacking).
const TAR_EXTENSIONS: &[&str] = &[
    ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".zst", ".tzst",
];

/// How much of a source file its magic bytes need: a tar header's `ustar` sits at offset 257.
const MAGIC_LEN: usize = 262;

/// Flags `COPY` does not accept.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Add)
    {
        if ADD_ONLY_FLAGS.iter().any(|f| instruction.flag(f).is_some()) {
            continue;
        }
        let Some(sources) = sources(instruction) else {
            continue;
        };
        if !sources.iter().all(|s| is_plain_local(s, cx.files)) {
            continue;
        }
        let copy = if instruction.keyword_range.slice(cx.source).starts_with('a') {
            "copy"
        } else {
            "COPY"
        };
        let fix = Fix::safe(
            "Replace `ADD` with `COPY`",
            vec![Edit::replace(instruction.keyword_range, copy)],
        );
        out.push(
            Diagnostic::new(
                RuleId::AddInsteadOfCopy,
                instruction.keyword_range,
                "`ADD` of local files: use `COPY`",
            )
            .with_fix(fix),
        );
    }
}

/// The source operands of an `ADD` (all but the destination), from exec or shell form.
fn sources(instruction: &Instruction) -> Option<Vec<String>> {
    let operands = instruction.argv();
    let (_, sources) = operands.split_last()?;
    (!sources.is_empty()).then(|| sources.to_vec())
}

/// Whether `source` is a local file or folder `ADD` copies as it is.
fn is_plain_local(source: &str, files: &dyn FileSource) -> bool {
    let lower = source.to_ascii_lowercase();
    if source.starts_with("<<") {
        return true;
    }
    let remote = lower.contains("://") || lower.starts_with("git@");
    // `docker history` shows `ADD file:<sha> in /`; such a line names no file of the build context.
    let from_history = lower.starts_with("file:") || lower.starts_with("dir:");
    let unknown = source.contains(['$', '*', '?', '[']);
    let tar_name = TAR_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) || lower.contains(".tar.");
    let tar_content = files
        .head(source.trim_start_matches("./"), MAGIC_LEN)
        .is_some_and(|bytes| is_tar_or_compressed(&bytes));
    !remote && !from_history && !unknown && !tar_name && !tar_content
}

/// Whether `bytes` begin a tar archive (`ustar` at 257) or a gzip, bzip2, xz or zstd stream (which `ADD`
/// decompresses and unpacks when it holds a tar).
fn is_tar_or_compressed(bytes: &[u8]) -> bool {
    const MAGICS: [&[u8]; 4] = [
        &[0x1f, 0x8b],
        b"BZh",
        &[0xfd, b'7', b'z', b'X', b'Z', 0x00],
        &[0x28, 0xb5, 0x2f, 0xfd],
    ];
    bytes.get(257..262) == Some(b"ustar") || MAGICS.iter().any(|m| bytes.starts_with(m))
}
