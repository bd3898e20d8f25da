use crate::Diagnostic;
use crate::base_images::{Replacement, catalog};
use crate::fix::Fix;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::rules::support::{lineage_runs, replace_image};
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a final stage built on a full operating-system or language image: `ubuntu`, `debian` (not
    /// `-slim`), `centos`, `fedora`, `python:X`, `node:X`, `ruby:X`, `php:X`, a JDK, `buildpack-deps`, and
    /// `golang:X` or `rust:X` as the final stage.
    ///
    /// ## Why it matters
    /// A full image ships compilers, package managers, shells and hundreds of packages the application never
    /// uses: each one is attack surface, a source of CVE noise, and a tool for whoever gets in. `python:3.12`
    /// is about 1 GB; `python:3.12-slim` about 150 MB; distroless has no shell at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// ```
    /// Silent for `-slim`, `-alpine`, `-minimal`, distroless, `scratch`, JRE images, and for build stages
    /// (only the final stage ships).
    ///
    /// ## Fix
    /// Unsafe (a leaner image may lack a package the build or the app uses); several actions, the first
    /// preferred: `python:3.12` → `python:3.12-slim` | `python:3.12-alpine` | `gcr.io/distroless/python3-debian13:nonroot`;
    /// `golang`/`rust` → distroless `static`/`cc`; `debian:bookworm` → `debian:bookworm-slim`; `ubuntu` →
    /// `debian:trixie-slim`. Distroless is offered only when the final stage has no `RUN` and its
    /// `CMD`/`ENTRYPOINT` are in exec form. Registry, tag and `AS` name are kept; a digest is dropped (it
    /// cannot survive a change of image) and the title says so; an image from an `ARG` default is edited
    /// there. The mapping is the dated file `server/data/base-images.json`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.3 "Ensure that unnecessary packages are not installed in the container"
    /// - NIST SP 800-190 §4.1 (image vulnerabilities)
    name: "bloated-base-image",
    severity: Warning,
    fix: Unsafe,
    summary: "the final stage is a full OS or language image",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let Some((index, _)) = file.final_stage() else {
        return;
    };
    let Some(root) = file.root_stage(index) else {
        return;
    };
    let Some(image) = &root.image else { return };
    let catalog = catalog();
    let Some((family_name, family)) = catalog.family(image) else {
        return;
    };
    if catalog.is_lean(family, image.tag.as_deref()) {
        return;
    }
    let distroless_ok = distroless_fits(file, index);
    let alternatives = catalog.alternatives(family, image, distroless_ok);
    let message = match alternatives.first() {
        Some(first) => format!(
            "`{}` is a full {family_name} image in the final stage: a leaner image such as `{}` ships far less",
            root.image_text, first.reference
        ),
        None => format!(
            "`{}` is a full {family_name} image in the final stage",
            root.image_text
        ),
    };
    let digest_note = if image.digest.is_some() {
        " (drops the digest: pin the new image again)"
    } else {
        ""
    };
    let fixes = alternatives.iter().map(|alt| fix(root, alt, digest_note));
    out.push(
        Diagnostic::new(RuleId::BloatedBaseImage, root.image_range, message).with_fixes(fixes),
    );
}

/// Distroless has no shell and no package manager: the stage must not `RUN` anything, and its `CMD` and
/// `ENTRYPOINT` must not need `/bin/sh`.
fn distroless_fits(file: &Dockerfile, index: usize) -> bool {
    if lineage_runs(file, index) {
        return false;
    }
    file.lineage(index).into_iter().all(|s| {
        file.stage_body(s)
            .iter()
            .filter(|i| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint))
            .all(|i| i.exec_form().is_some())
    })
}

fn fix(stage: &crate::model::dockerfile::Stage, alt: &Replacement, digest_note: &str) -> Fix {
    let note = alt
        .note
        .as_deref()
        .map(|n| format!(" — {n}"))
        .unwrap_or_default();
    let title = format!(
        "Switch to `{}` ({}){note}{digest_note}",
        alt.reference, alt.label
    );
    Fix::unsafe_(title, vec![replace_image(stage, &alt.reference)]).preferred(alt.preferred)
}
