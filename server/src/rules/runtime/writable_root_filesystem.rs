use crate::rules::compose_security::{Setting, needs, satisfied, service_fixes};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers whose root file system is writable: Kubernetes `readOnlyRootFilesystem` not `true`,
    /// Compose `read_only` not `true` ("not set" and "explicitly false" are reported differently).
    ///
    /// ## Why it matters
    /// A writable root lets an attacker drop tools, modify the application's code or configuration, and
    /// persist for the life of the container. A read-only root with a small `tmpfs` for scratch space keeps
    /// the image as it was built.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   readOnlyRootFilesystem: false
    /// ```
    ///
    /// ## Fix
    /// Unsafe (an application that writes outside its volumes fails): Kubernetes `readOnlyRootFilesystem: true`
    /// (or "Harden this container"), with an `emptyDir` mount for each path the image writes when the image
    /// table knows it (`postgres`: `/var/run/postgresql`, `/tmp`); Compose `read_only: true` with a `tmpfs`
    /// for those paths (`/tmp` for other images), or "Harden this service".
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.12 "Ensure that the container's root filesystem is mounted as read only"
    /// - NSA/CISA Kubernetes Hardening Guide: immutable container file systems
    name: "writable-root-filesystem",
    severity: Warning,
    fix: Unsafe,
    summary: "the container's root file system is writable",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        if satisfied(cx, service, Setting::ReadOnlyRoot) {
            continue;
        }
        let (range, message) = match yaml.get(service.node, "read_only") {
            Some(m) => (
                yaml.node(m.value).range,
                format!(
                    "service `{}` has a writable root file system: `read_only` is false",
                    service.name
                ),
            ),
            None => (
                service.name_range,
                format!(
                    "service `{}` has a writable root file system: `read_only: true` is not set",
                    service.name
                ),
            ),
        };
        let tmpfs = needs(cx, service).tmpfs;
        let title = if tmpfs.is_empty() {
            "Make the root file system read-only (`read_only: true`)".to_owned()
        } else {
            format!(
                "Make the root file system read-only (`read_only: true`, `tmpfs: [{}]`)",
                tmpfs.join(", ")
            )
        };
        out.push(
            Diagnostic::new(RuleId::WritableRootFilesystem, range, message)
                .with_fixes(service_fixes(cx, service, Setting::ReadOnlyRoot, &title)),
        );
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let (range, message) = match state(yaml, c, Want::ReadOnlyRootFilesystem) {
            State::Ok => continue,
            State::Unset => (
                container_range(yaml, c),
                format!(
                    "{} has a writable root file system: `readOnlyRootFilesystem` is not set",
                    describe(c)
                ),
            ),
            State::Unsafe { value, .. } => (
                yaml.node(value).range,
                format!(
                    "{} has a writable root file system: `readOnlyRootFilesystem` is false",
                    describe(c)
                ),
            ),
        };
        let fixes = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::ReadOnlyRootFilesystem],
                "Set `readOnlyRootFilesystem: true`",
            ),
        ];
        out.push(
            Diagnostic::new(RuleId::WritableRootFilesystem, range, message)
                .with_fixes(fixes.into_iter().flatten()),
        );
    }
}
