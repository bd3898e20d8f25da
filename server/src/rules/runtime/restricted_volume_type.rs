use crate::document::Severity;
use crate::knowledge::pod_security::{Allowed, Control};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a pod volume of a type Pod Security `restricted` does not allow: anything but `configMap`,
    /// `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image` (Kubernetes 1.33), `persistentVolumeClaim`,
    /// `projected` and `secret`. `hostPath` is `host-path-volume`'s. A `gitRepo` volume is an error: it
    /// is deprecated and lets the pod run git with the node's rights (CVE-2024-10220). The other types
    /// (`nfs`, `iscsi`, `cephfs`, `awsElasticBlockStore`…) are information: they attach storage the node
    /// mounts directly, which a persistent volume claim should stand for.
    ///
    /// ## Why it matters
    /// Volumes the node mounts for the pod by server address or device give the pod's author control over
    /// what the node connects to; a claim lets the cluster's operators decide instead.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: source
    ///     gitRepo:
    ///       repository: https://example.com/app.git
    /// ```
    ///
    /// ## Fix
    /// None: move the data behind a `persistentVolumeClaim`, or clone in an init container into an
    /// `emptyDir`.
    ///
    /// ## References
    /// - Pod Security Standards (restricted): Volume Types
    /// - CVE-2024-10220 (`gitRepo` volumes run arbitrary commands on the node)
    name: "restricted-volume-type",
    severity: Info,
    fix: None,
    summary: "a pod volume of a type Pod Security restricted does not allow",
}

/// The volume types `restricted` allows (with `hostPath`, which another rule reports).
const ALLOWED: [&str; 10] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "hostPath",
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for pod in &cx.k8s.pods {
        let Some(volumes) = yaml.get(pod.node, "volumes") else {
            continue;
        };
        for &volume in yaml.items(volumes.value) {
            let name = yaml
                .get(volume, "name")
                .and_then(|m| yaml.str(m.value))
                .unwrap_or("?");
            for entry in yaml.entries(yaml.resolve(volume)) {
                let Some(kind) = yaml.str(entry.key) else {
                    continue;
                };
                if kind == "image" {
                    // Allowed from 1.33: a namespace pinned to an older `enforce-version` refuses it.
                    out.push(
                        Diagnostic::new(
                            RuleId::RestrictedVolumeType,
                            entry.range,
                            format!("volume `{name}` is an `image` volume, which Pod Security restricted allows only from Kubernetes 1.33"),
                        )
                        .with_control(Control::AllowedFrom {
                            control: Allowed::VolumeTypes,
                            since: 33,
                        })
                        .latent(),
                    );
                    continue;
                }
                if kind == "name" || ALLOWED.contains(&kind) {
                    continue;
                }
                let who = owner(&cx.k8s.manifests[pod.manifest]);
                let diagnostic = if kind == "gitRepo" {
                    Diagnostic::new(
                        RuleId::RestrictedVolumeType,
                        entry.range,
                        format!("volume `{name}` of {who} is a `gitRepo` volume: deprecated, and git runs on the node with its rights (CVE-2024-10220)"),
                    )
                    .with_severity(Severity::Error)
                } else {
                    Diagnostic::new(
                        RuleId::RestrictedVolumeType,
                        entry.range,
                        format!(
                            "volume `{name}` of {who} has type `{kind}`, which Pod Security restricted does not allow: use a persistentVolumeClaim"
                        ),
                    )
                };
                out.push(diagnostic.with_control(Control::VolumeTypes));
            }
        }
    }
}
