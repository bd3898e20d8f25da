//! What the cluster will reject: Pod Security admission, applied to the findings of a Kubernetes file.
//!
//! A namespace labelled `pod-security.kubernetes.io/enforce: baseline|restricted` (in the workspace index:
//! a `Namespace` in any file) makes the API server refuse pods that violate that level. The rules tag each
//! finding whose condition *is* a Pod Security violation with its `Control` (the table in
//! `knowledge::pod_security` says which rule reports which control, on which raw values, from which
//! Kubernetes version); this pass turns those findings into errors that say the pod will be refused, and
//! adds a note for `warn` and `audit` labels. Only Pod Security controls count: a writable root file
//! system, missing limits or a mounted token are never rejected. `.dockwarden.yaml`'s `pod-security` key
//! stands for a cluster that enforces a level everywhere.

use crate::document::Severity;
use crate::knowledge::pod_security::Mode;
use crate::rules::Diagnostic;
use crate::rules::settings::Settings;
use crate::rules::workspace::{Facts, Workload};

/// Pod Security admission applied to the findings of one document, whose pod is `workload` (`None`: it
/// has none), with what the workspace says (`facts`: its namespaces, this file's included). A latent
/// finding (a violation the rule itself lets pass) is kept only where a label makes it count.
pub fn apply(
    found: Vec<Diagnostic>,
    workload: Option<&Workload>,
    facts: &Facts,
    settings: &Settings,
) -> Vec<Diagnostic> {
    found
        .into_iter()
        .filter_map(|mut d| {
            let Some(control) = d.control else {
                return Some(d);
            };
            let Some(workload) = workload else {
                return (!d.latent).then_some(d);
            };
            let labels = facts.namespaces.get(&workload.namespace);
            let enforced = labels
                .and_then(|p| p.enforce)
                .or(settings.pod_security.map(|level| Mode {
                    level,
                    version: None,
                }));
            if let Some(mode) = enforced.filter(|m| control.refused(*m, workload.windows)) {
                let by = if labels.and_then(|p| p.enforce).is_some() {
                    format!("namespace `{}` enforces `{}`", workload.namespace, mode.level.as_str())
                } else {
                    format!("the cluster enforces `{}` (`pod-security` in .dockwarden.yaml)", mode.level.as_str())
                };
                let note = if workload.kind == "Pod" {
                    format!("rejected by Pod Security admission: {by}")
                } else {
                    format!(
                        "its pods will be rejected by Pod Security admission: {by} (the {} itself is admitted)",
                        workload.kind
                    )
                };
                d.message = format!("{} — {note}", d.message);
                d.severity = Severity::Error;
                d.latent = false;
                return Some(d);
            }
            let noted = [("warns", labels.and_then(|p| p.warn)), ("audits", labels.and_then(|p| p.audit))]
                .into_iter()
                .find_map(|(verb, mode)| mode.filter(|m| control.refused(*m, workload.windows)).map(|m| (verb, m)));
            match noted {
                Some((verb, mode)) => {
                    d.message = format!(
                        "{} (namespace `{}` {verb} on `{}` violations: Pod Security control \"{}\")",
                        d.message,
                        workload.namespace,
                        mode.level.as_str(),
                        control.info().name
                    );
                    d.latent = false;
                    Some(d)
                }
                None => (!d.latent).then_some(d),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::document::{FileKind, Severity};
    use crate::engine::fix_all::{FixMode, fix_all};
    use crate::engine::lint::lint;

    /// "Harden this container" (and the other preferred fixes) leave nothing a `restricted` namespace
    /// refuses, for an ordinary image and for an official one that listens below 1024.
    #[test]
    fn hardened_containers_are_admitted_by_restricted() {
        for image in ["example.com/app:1.0", "nginx:1.30", "postgres:17.2"] {
            let text = format!(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: {image}\n"
            );
            let refused = |found: &[crate::rules::diagnostic::Diagnostic]| {
                found
                    .iter()
                    .filter(|d| d.message.contains("Pod Security admission"))
                    .map(|d| d.rule.name())
                    .collect::<Vec<_>>()
            };
            let before = lint(&text, FileKind::Kubernetes);
            assert!(!refused(&before).is_empty(), "{image}: {before:#?}");
            assert!(before.iter().any(|d| d.severity == Severity::Error));
            let fixed = fix_all(&text, FixMode::Unsafe, |t| lint(t, FileKind::Kubernetes));
            let after = lint(&fixed.text, FileKind::Kubernetes);
            assert!(
                refused(&after).is_empty(),
                "{image}: {:?}\n{}",
                refused(&after),
                fixed.text
            );
        }
    }
}
