use crate::model::image_ref::ImageRef;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::compose_support::{
    built_images, names_official_image, only_built, pulled_images,
};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::container_images;
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an image without a tag or with `:latest`: a Dockerfile `FROM` (after substituting `ARG`
    /// defaults; a registry left to a variable, `${REGISTRY}/ubuntu`, is judged by what follows it), a
    /// Compose `image:`, a Kubernetes container `image:`. Next to `build:`, a Compose `image:` names what is
    /// built and is not judged — except that a name of an official Docker Hub image there (`image: nginx`)
    /// is information: Compose may pull that image instead of building (not with `pull_policy: build`).
    ///
    /// ## Why it matters
    /// `latest` moves: two builds of the same Dockerfile get different base images, a rebuild can silently pull
    /// a new major version, and a compromised upstream push is picked up without review. A version tag makes
    /// builds repeatable; a digest makes them immutable.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx
    /// FROM alpine:latest
    /// ```
    /// Silent for digest-pinned images, `scratch`, names of earlier stages, and references built from variables
    /// (`${TAG}`), whose value is not in the file.
    ///
    /// With `rules: {unpinned-image: {require-digest: true}}` (the editor's `requireDigest`), every image
    /// not pinned by digest is reported, in Dockerfiles, Compose files and manifests.
    ///
    /// ## Fix
    /// None: only you know which version you tested.
    ///
    /// ## References
    /// - hadolint DL3006, DL3007; CIS Docker Benchmark 4.2 (trusted base images)
    name: "unpinned-image",
    severity: Warning,
    fix: None,
    summary: "an image without a tag or with :latest",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for stage in &cx.file.stages {
        let Some(image) = &stage.image else { continue };
        if image.is_scratch() {
            continue;
        }
        let Some(message) = message(&stage.image_text, image, cx.settings.require_digest) else {
            continue;
        };
        out.push(Diagnostic::new(
            RuleId::UnpinnedImage,
            stage.image_range,
            message,
        ));
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    for image in pulled_images(cx.yaml, cx.compose) {
        check_yaml_image(cx.yaml, image, cx.settings.require_digest, out);
    }
    // Next to `build:`, `image:` names what is built; an official image's name there may be pulled instead.
    for (service, node) in
        built_images(cx.yaml, cx.compose).filter(|(s, _)| !only_built(cx.yaml, s))
    {
        let Some(reference) = cx.yaml.str(node) else {
            continue;
        };
        if ImageRef::parse(reference).is_some_and(|i| names_official_image(&i)) {
            out.push(
                Diagnostic::new(
                    RuleId::UnpinnedImage,
                    cx.yaml.node(node).range,
                    format!(
                        "service `{}` builds its image but names it `{reference}`, an official Docker Hub image: Compose may pull that instead of building (give it your own name, or set `pull_policy: build`)",
                        service.name
                    ),
                )
                .with_severity(crate::document::Severity::Info),
            );
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for image in container_images(cx) {
        check_yaml_image(cx.yaml, image, cx.settings.require_digest, out);
    }
}

/// What is wrong with `image` (written `written`), if anything: no tag, `latest`, or with `require-digest`
/// any reference without a digest (one built from variables cannot be pinned here, and is not judged).
fn message(written: &str, image: &ImageRef, require_digest: bool) -> Option<String> {
    if image.digest.is_some() {
        return None;
    }
    match image.tag.as_deref() {
        None => Some(format!(
            "`{written}` has no tag: it means `latest`, which changes under you"
        )),
        Some("latest") => Some(format!(
            "`{written}` follows `latest`, which changes under you"
        )),
        Some(_) if require_digest && !written.contains('$') => Some(format!(
            "`{written}` is not pinned by digest: its tag can be moved to other content (`require-digest`)"
        )),
        Some(_) => None,
    }
}

fn check_yaml_image(yaml: &Yaml, value: NodeId, require_digest: bool, out: &mut Vec<Diagnostic>) {
    let Some(reference) = yaml.str(value) else {
        return;
    };
    let Some(image) = ImageRef::parse(reference) else {
        return;
    };
    let Some(message) = message(reference, &image, require_digest) else {
        return;
    };
    out.push(Diagnostic::new(
        RuleId::UnpinnedImage,
        yaml.node(value).range,
        message,
    ));
}
