use crate::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::dockerfile::{Instruction, Keyword};
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of local files that are not archives, where `COPY` does the same.
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
    /// Silent for archives (`.tar`, `.tar.gz`, `.tgz`, …), URLs, sources named by a variable or a wildcard
    /// (their names are unknown), and `ADD --checksum`.
    ///
    /// ## Fix
    /// Safe: `ADD` → `COPY`, flags kept (the source is a local path that is not an archive by name, so both
    /// instructions copy it the same way).
    ///
    /// ## References
    /// - hadolint DL3020; CIS Docker Benchmark 4.9 "Ensure that COPY is used instead of ADD"
    name: "add-instead-of-copy",
    severity: Warning,
    fix: Safe,
    summary: "ADD of plain local files where COPY does the same",
}

/// Extensions `ADD` may unpack (or that suggest the author wants unpacking).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".zst", ".lz4", ".zip", ".7z",
    ".lzma",
];

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
        if !sources.iter().all(|s| is_plain_local(s)) {
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
    let operands: Vec<String> = match instruction.exec_form() {
        Some(argv) => argv,
        None => instruction
            .operands()
            .iter()
            .map(|w| w.text.clone())
            .collect(),
    };
    let (_, sources) = operands.split_last()?;
    (!sources.is_empty()).then(|| sources.to_vec())
}

fn is_plain_local(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    if source.starts_with("<<") {
        return true;
    }
    let remote = lower.contains("://") || lower.starts_with("git@");
    let unknown = source.contains(['$', '*', '?', '[']);
    let archive =
        ARCHIVE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) || lower.contains(".tar.");
    !remote && !unknown && !archive
}
