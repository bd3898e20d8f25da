use crate::model::image_ref::ImageRef;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::compose_support::{built_images, only_built, pulled_images};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::container_images;
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an image pulled from a registry (or repository) that `trusted-registries` in
    /// `.dockwarden.yaml` does not list: a Dockerfile `FROM`, a Compose `image:` (of a service that is not
    /// built), a Kubernetes container `image:`. Silent when no list is configured.
    ///
    /// ## Why it matters
    /// Whoever controls the registry controls what runs: a typo-squatted Hub name, a personal namespace or an
    /// unvetted mirror can ship anything. An organisation that mirrors and scans its images names those
    /// registries once, and every file is held to the list.
    ///
    /// ## Example
    /// ```yaml
    /// # .dockwarden.yaml
    /// trusted-registries: [registry.example.com, docker.io/library/*]
    /// ```
    /// ```dockerfile
    /// FROM bitnami/redis:7.2   # docker.io/bitnami/redis is not listed
    /// ```
    /// An entry without `/` is a registry host (every image in it); one with `/` is a glob over
    /// `registry/repository`, where `*` stays within one path segment and `**` crosses them. Hub images are
    /// matched by their full names: `python` is `docker.io/library/python`. Silent for `scratch`, earlier
    /// stages and references built from variables.
    ///
    /// ## Fix
    /// None: which trusted image replaces it is your choice (a `base-images` mapping makes the base-image fix
    /// offer your golden images).
    ///
    /// ## References
    /// - hadolint DL3026; CIS Docker Benchmark 4.2 "Ensure that containers use only trusted base images"
    /// - NIST SP 800-190 §4.2.3 (untrusted registries)
    name: "untrusted-registry",
    severity: Error,
    fix: None,
    summary: "an image from a registry the config does not trust",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for stage in &cx.file.stages {
        let Some(image) = stage.image.as_ref().filter(|i| !i.is_scratch()) else {
            continue;
        };
        if cx.settings.trusts(image) == Some(false) {
            out.push(finding(image, &stage.image_text, stage.image_range));
        }
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    // A built image's name is still pulled when a registry has it, unless `pull_policy: build`.
    let built = built_images(cx.yaml, cx.compose)
        .filter(|(service, _)| !only_built(cx.yaml, service))
        .map(|(_, image)| image);
    for image in pulled_images(cx.yaml, cx.compose).chain(built) {
        check_yaml(cx.yaml, image, cx.settings, out);
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for image in container_images(cx) {
        check_yaml(cx.yaml, image, cx.settings, out);
    }
}

fn check_yaml(
    yaml: &Yaml,
    value: NodeId,
    settings: &crate::rules::settings::Settings,
    out: &mut Vec<Diagnostic>,
) {
    let Some(reference) = yaml.str(value) else {
        return;
    };
    let Some(image) = ImageRef::parse(reference) else {
        return;
    };
    if settings.trusts(&image) == Some(false) {
        out.push(finding(&image, reference, yaml.node(value).range));
    }
}

fn finding(image: &ImageRef, written: &str, range: crate::document::TextRange) -> Diagnostic {
    Diagnostic::new(
        RuleId::UntrustedRegistry,
        range,
        format!(
            "`{written}` comes from `{}`, which `trusted-registries` does not list",
            image.canonical_name()
        ),
    )
}
