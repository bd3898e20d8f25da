use crate::edit::dockerfile_edit::replace_image;
use crate::edit::fix::{Edit, Fix};
use crate::knowledge::base_images::{Replacement, catalog};
use crate::knowledge::eol_images::table as eol_table;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::model::image_ref::ImageRef;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::image_tools::{self, ToolNeeds};
use crate::rules::support::lineage_runs;
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
    /// `golang`/`rust` → distroless `static`/`cc`; `debian:bookworm` → `debian:bookworm-slim`; `node:lts` →
    /// `node:lts-slim` (a line named by a word keeps its name: `node:slim` is the current line). Distroless
    /// is offered only when the final stage has no `RUN` and its `CMD`/`ENTRYPOINT` are in exec form.
    /// Registry, tag and `AS` name are kept; an image from an `ARG` default is edited there. No edit, the
    /// message naming the leaner image and why: for an image pinned by digest (the pin is the maintainer's
    /// to move), for a stage that another stage also builds on, and for a build image (`golang`, `rust`,
    /// `buildpack-deps`) in a stage the final one builds on. `ubuntu` is reported with no edit: Docker Hub
    /// has no slim Ubuntu image, and a switch of distribution is the maintainer's call. No leaner image of an
    /// end-of-life base (`python:3.12-slim-buster`): `eol-base-image` moves the base first.
    ///
    /// The full python, node, ruby, golang and rust images carry curl, wget, git, make and the compilers;
    /// their slim and Alpine variants do not. When the image uses one (a `RUN` that calls it before any
    /// install of it, its `HEALTHCHECK`, an entrypoint script it copies, the healthcheck of the Compose
    /// service that builds it, the exec probes of the Kubernetes containers a `skaffold.yaml` deploys it
    /// in), the slim switch also adds the packages (with `ca-certificates` for the
    /// download tools) to the stage's first `apt-get install` line, when that comes before the first use;
    /// otherwise, and when a package install compiles native code (`pip install` of a package PyPI has only
    /// as source, such as `mysqlclient` or `psycopg2`, named there or in the requirements file it reads;
    /// `npm ci` in a project with `binding.gyp` or node-gyp), the switch is offered, not preferred, and its
    /// title names what it lacks. The mapping is the dated file `server/data/base-images.json`. An
    /// organisation's golden image
    /// for the family (`base-images: {python: registry.example.com/python-hardened}` in `.dockwarden.yaml`)
    /// comes first and is preferred, with its own tag or else the tag it replaces; images outside
    /// `trusted-registries` are not offered. An image written partly with variables (`python:${PY}`) gets no
    /// fix: rewriting it would stop the build argument from working.
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
    let lineage = file.lineage(index);
    let Some(&root_index) = lineage.last() else {
        return;
    };
    let Some(root) = file.stages.get(root_index) else {
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
    let mut alternatives = catalog.alternatives(family, image, distroless_ok);
    if let Some(golden) = golden(cx, family_name, image) {
        for alt in &mut alternatives {
            alt.preferred = false;
        }
        alternatives.insert(0, golden);
    }
    // A fix must not bring in an image the config does not trust, nor one past end of life: the slim
    // variant of an end-of-life base (`python:3.12-slim-buster`) is for `eol-base-image` to move first.
    alternatives.retain(|alt| {
        ImageRef::parse(&alt.reference).is_none_or(|i| cx.settings.trusts(&i) != Some(false))
    });
    let trusted = alternatives.len();
    alternatives.retain(|alt| {
        ImageRef::parse(&alt.reference).is_none_or(|i| eol_table().judge(&i).is_none())
    });
    let ended_base = alternatives.len() < trusted;
    let mut message = match (alternatives.first(), &family.advice) {
        (Some(first), _) => format!(
            "`{}` is a full {family_name} image in the final stage: a leaner image such as `{}` ships far less",
            root.image_text, first.reference
        ),
        (None, Some(advice)) => format!(
            "`{}` is a full {family_name} image in the final stage: {advice}",
            root.image_text
        ),
        (None, None) => format!(
            "`{}` is a full {family_name} image in the final stage",
            root.image_text
        ),
    };
    // What the image is must not change under the maintainer's feet: a digest pins exactly one image, and
    // a stage the final one builds on may be what another stage, or the build itself, needs.
    let kept = if image.digest.is_some() {
        Some("pinned by digest, so pin the leaner image by digest too".to_owned())
    } else if let Some(other) = builds_on(file, &lineage, root_index) {
        let name = |s: usize| {
            file.stages[s]
                .alias
                .clone()
                .unwrap_or_else(|| s.to_string())
        };
        Some(format!(
            "stage `{}` is also built on by stage `{}`",
            name(root_index),
            name(other)
        ))
    } else if family.final_stage_only && root_index != index {
        Some(format!(
            "stage `{}` builds with it",
            root.alias.clone().unwrap_or_else(|| root_index.to_string())
        ))
    } else {
        None
    };
    if let (Some(why), Some(_)) = (&kept, alternatives.first()) {
        message.push_str(&format!(" (not rewritten: {why})"));
    }
    if ended_base {
        message
            .push_str(" (its base release is past end of life: move it to a supported one first)");
    }
    let needs = if family.build_tools {
        image_tools::needs(cx, index)
    } else {
        ToolNeeds::default()
    };
    let fixes = alternatives
        .iter()
        .filter(|_| kept.is_none())
        .filter_map(|alt| fix(root, alt, &needs));
    out.push(
        Diagnostic::new(RuleId::BloatedBaseImage, root.image_range, message).with_fixes(fixes),
    );
}

/// A stage outside the final stage's `lineage` that builds on stage `root`, if any.
fn builds_on(file: &Dockerfile, lineage: &[usize], root: usize) -> Option<usize> {
    (0..file.stages.len()).find(|&s| !lineage.contains(&s) && file.lineage(s).contains(&root))
}

/// The organisation's golden image for the family (`base-images` in `.dockwarden.yaml`), with the tag it
/// names, else the tag of the image it replaces; `None` when neither pins a version (an untagged image would
/// be a new finding).
fn golden(cx: &DockerfileContext, family: &str, image: &ImageRef) -> Option<Replacement> {
    let golden = cx.settings.golden_image(family)?;
    let reference = if golden.tag.is_some() || golden.digest.is_some() {
        let mut reference = golden.name();
        if let Some(tag) = &golden.tag {
            reference = format!("{reference}:{tag}");
        }
        if let Some(digest) = &golden.digest {
            reference = format!("{reference}@{digest}");
        }
        reference
    } else {
        let tag = image.tag.as_deref().filter(|t| *t != "latest")?;
        format!("{}:{tag}", golden.name())
    };
    Some(Replacement {
        label: "your organisation's image".to_owned(),
        reference,
        note: None,
        preferred: true,
    })
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
            .filter(|i| {
                matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint) && i.in_this_image()
            })
            .all(|i| i.exec_form().is_some())
    })
}

/// The switch to `alt`. A slim or Alpine image lacks the tools the full one has: when the stage uses some,
/// the Debian slim switch also installs them on the `apt-get install` line the stage has, and otherwise
/// (or when a package install may compile native code) the switch is offered, not preferred, and its title
/// says what is missing.
fn fix(
    stage: &crate::model::dockerfile::Stage,
    alt: &Replacement,
    needs: &ToolNeeds,
) -> Option<Fix> {
    let note = alt
        .note
        .as_deref()
        .map(|n| format!(" — {n}"))
        .unwrap_or_default();
    let mut title = format!("Switch to `{}` ({}){note}", alt.reference, alt.label);
    let mut edits = vec![replace_image(stage, &alt.reference)?];
    let mut preferred = alt.preferred;
    let lean = matches!(alt.label.as_str(), "slim" | "alpine" | "distroless");
    if lean && !needs.missing.is_empty() {
        match needs.apt_install_end.filter(|_| alt.label == "slim") {
            Some(end) => {
                let mut packages: Vec<&str> = needs.missing.clone();
                if packages
                    .iter()
                    .any(|p| matches!(*p, "curl" | "wget" | "git"))
                {
                    packages.push("ca-certificates");
                }
                edits.push(Edit::insert(end, format!(" {}", packages.join(" "))));
                title.push_str(&format!(
                    ", installing {} on its `apt-get install` line (used by {})",
                    needs.missing.join(", "),
                    needs.places.join(", ")
                ));
            }
            None => {
                preferred = false;
                title.push_str(&format!(
                    " — it lacks {}, which {} use{}",
                    needs.missing.join(", "),
                    needs.places.join(", "),
                    if needs.places.len() == 1 { "s" } else { "" }
                ));
            }
        }
    }
    if lean && !needs.may_compile.is_empty() {
        preferred = false;
        title.push_str(&format!(
            " — {} builds native code with make and a C compiler, which it lacks",
            needs.may_compile.join(", ")
        ));
    }
    Some(Fix::unsafe_(title, edits).preferred(preferred))
}
