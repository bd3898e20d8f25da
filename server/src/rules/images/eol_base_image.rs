use crate::document::TextRange;
use crate::edit::dockerfile_edit::replace_image;
use crate::edit::fix::{Edit, Fix};
use crate::knowledge::base_images::catalog;
use crate::knowledge::eol_images::{Verdict, table};
use crate::model::image_ref::ImageRef;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::compose_support::pulled_images;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::container_images;
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an official image whose release line is past end of life: a Dockerfile `FROM` (after
    /// substituting `ARG` defaults), a Compose `image:`, a Kubernetes container `image:`. The message gives
    /// the date. Covered: python, node, golang, ruby, php, eclipse-temurin (and the deprecated openjdk image,
    /// every tag), debian, ubuntu, alpine, centos, nginx, postgres, mysql, mariadb, mongo, redis, and .NET
    /// (`mcr.microsoft.com/dotnet/*`).
    ///
    /// ## Why it matters
    /// An end-of-life line gets no security fixes: every vulnerability found after that date stays in the
    /// image for good, and scanners report a growing list nobody can fix by rebuilding.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.9-slim-bullseye
    /// ```
    /// The table is offline and dated (`server/data/eol-images.json`, with its sources): as of 2026-12,
    /// python ≤ 3.10, node ≤ 20 and odd majors, debian ≤ 11, ubuntu ≤ 20.04 and old interim releases,
    /// alpine ≤ 3.21, nginx ≤ 1.29, postgres ≤ 14, MariaDB's short-term 11.0–11.3, mongo ≤ 6.0, .NET ≤ 9.0,
    /// every centos. Versions compare per numeric component (`alpine:3.4` is older than `3.12`), a tag that
    /// names only a major takes its newest line (`php:5` is 5.6, `mysql:8` is 8.4), and a version older
    /// than the oldest supported line is end of life even when the table does not list it (`node:8`,
    /// `postgres:9.4`). Silent for versions above that the table does not list (newer lines), images of
    /// other registries or namespaces, and references built from variables.
    ///
    /// ## Fix
    /// Unsafe (a new language or OS version can break the build or the app): bump to the nearest supported
    /// line of the same variant: `python:3.9-slim-bullseye` → `python:3.11-slim-bookworm`,
    /// `debian:buster-slim` → `debian:bookworm-slim`, `mongo:4.4-bionic` → `mongo:7.0-jammy`, `openjdk:11`
    /// → `eclipse-temurin:11-jdk`; a supported line on an end-of-life base moves the base:
    /// `python:3.12-buster` → `python:3.12-bookworm`. A database bump that crosses a major version (X.Y for
    /// postgres before 10, mysql, mariadb and mongo; X for postgres from 10 and redis) is offered, not
    /// preferred, and its title names the engine's upgrade path: pg_upgrade or a dump and restore
    /// (postgres), one major at a time with the feature compatibility version (mongo), in place and not
    /// reversible (mysql, mariadb), compatible data files (redis). No fix for an image pinned by digest
    /// (the message names the line to move to: the pin is the maintainer's to move), for CentOS, which has
    /// no supported line, nor for a variant the new line is not published in (.NET 10 has no Debian
    /// images).
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.3 / NIST SP 800-190 §4.1.1 (image vulnerabilities)
    /// - Trivy and Docker Scout report end-of-life OS images the same way
    name: "eol-base-image",
    severity: Warning,
    fix: Unsafe,
    summary: "an image whose release line is past end of life",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for stage in &cx.file.stages {
        let Some(image) = &stage.image else { continue };
        let Some(verdict) = table().judge(image) else {
            continue;
        };
        // An image partly built from an `ARG` (`ruby:${RUBY}-slim`) is reported, not rewritten.
        let fix = fix(&verdict, image, |new| replace_image(stage, new));
        out.push(finding(
            &stage.image_text,
            image,
            &verdict,
            stage.image_range,
            fix,
        ));
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    for image in pulled_images(cx.yaml, cx.compose) {
        check_yaml(cx.yaml, image, out);
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for image in container_images(cx) {
        check_yaml(cx.yaml, image, out);
    }
}

fn check_yaml(yaml: &Yaml, value: NodeId, out: &mut Vec<Diagnostic>) {
    let Some(reference) = yaml.str(value) else {
        return;
    };
    let Some(image) = ImageRef::parse(reference) else {
        return;
    };
    let Some(verdict) = table().judge(&image) else {
        return;
    };
    let range = yaml.node(value).range;
    let fix = fix(&verdict, &image, |new| Some(Edit::replace(range, new)));
    out.push(finding(reference, &image, &verdict, range, fix));
}

fn finding(
    written: &str,
    image: &ImageRef,
    verdict: &Verdict,
    range: TextRange,
    fix: Option<Fix>,
) -> Diagnostic {
    let mut message = format!("`{written}` is past end of life: {verdict}");
    if let Some(new) = verdict
        .replacement
        .as_deref()
        .filter(|_| image.digest.is_some())
    {
        message.push_str(&format!(" (move to `{new}` and pin its digest)"));
    }
    Diagnostic::new(RuleId::EolBaseImage, range, message).with_fixes(fix)
}

fn fix(verdict: &Verdict, image: &ImageRef, edit: impl Fn(&str) -> Option<Edit>) -> Option<Fix> {
    let new = verdict.replacement.as_deref()?;
    if image.digest.is_some() {
        return None;
    }
    // No lean counterpart (`openjdk:11-jdk-slim` has only a full Temurin JDK): a bump to a full image
    // would be a new finding.
    let catalog = catalog();
    let full = |i: &ImageRef| {
        catalog
            .family(i)
            .is_some_and(|(_, f)| !catalog.is_lean(f, i.tag.as_deref()))
    };
    if ImageRef::parse(new).is_some_and(|n| full(&n) && !full(image)) {
        return None;
    }
    let upgrade = ImageRef::parse(new).and_then(|n| database_upgrade(image, &n));
    let title = match upgrade {
        Some(path) => format!("Bump to `{new}` ({path})"),
        None => format!("Bump to `{new}`"),
    };
    Some(Fix::unsafe_(title, vec![edit(new)?]).preferred(upgrade.is_none()))
}

/// What a database's bump from `old` to `new` asks of its data when it crosses a major version (X.Y for
/// postgres before 10, mysql, mariadb and mongo; X for postgres from 10 and redis); `None` for other images
/// and bumps within a major. Such a bump is offered, not preferred: the data directory is the maintainer's.
fn database_upgrade(old: &ImageRef, new: &ImageRef) -> Option<&'static str> {
    let engine = old.short_name();
    let version = |image: &ImageRef| -> Vec<u32> {
        let tag = image.tag.as_deref().unwrap_or("");
        tag.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .unwrap_or("")
            .split('.')
            .map_while(|part| part.parse().ok())
            .collect()
    };
    let major = |v: &[u32]| -> Vec<u32> {
        let parts = match engine {
            "postgres" if v.first().is_some_and(|&x| x < 10) => 2,
            "postgres" | "redis" => 1,
            _ => 2,
        };
        v.iter().take(parts).copied().collect()
    };
    let path = match engine {
        "postgres" => "a major upgrade: the data directory needs pg_upgrade, or a dump and restore",
        "mongo" => {
            "a major upgrade: one major at a time, setting featureCompatibilityVersion after each"
        }
        "mysql" | "mariadb" => {
            "a major upgrade, made in place and not reversible: back up the data first"
        }
        "redis" => "a major upgrade; its data files stay compatible",
        _ => return None,
    };
    let (old_version, new_version) = (version(old), version(new));
    (old_version.is_empty() || major(&old_version) != major(&new_version)).then_some(path)
}
