use crate::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image without a tag or with `:latest` (after substituting `ARG` defaults).
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
    /// Silent for digest-pinned images, `scratch`, and names of earlier stages.
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
        if image.digest.is_some() || image.is_scratch() {
            continue;
        }
        let message = match image.tag.as_deref() {
            None => format!(
                "`{}` has no tag: it means `latest`, which changes under you",
                stage.image_text
            ),
            Some("latest") => format!(
                "`{}` follows `latest`, which changes under you",
                stage.image_text
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(
            RuleId::UnpinnedImage,
            stage.image_range,
            message,
        ));
    }
}
