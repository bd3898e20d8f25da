use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an Ingress annotation that injects raw nginx configuration: ingress-nginx's
    /// `nginx.ingress.kubernetes.io/configuration-snippet`, `server-snippet`, `auth-snippet` and every other
    /// `*-snippet`, and NGINX Inc.'s `nginx.org/*-snippets`.
    ///
    /// ## Why it matters
    /// A snippet is configuration of the shared controller, which runs with access to every Secret its
    /// Ingresses use: whoever can write an Ingress can read them or reroute traffic (CVE-2021-25742,
    /// CVE-2023-5043). ingress-nginx disables snippets by default since 1.9 for this reason.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// ```
    ///
    /// ## Fix
    /// None: use the dedicated annotations or the controller's ConfigMap.
    ///
    /// ## References
    /// - CVE-2021-25742, CVE-2023-5043 (ingress-nginx snippet annotations)
    name: "ingress-snippet-annotation",
    severity: Warning,
    fix: None,
    summary: "an Ingress injects raw nginx configuration",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in cx.k8s.manifests.iter().filter(|m| m.kind == "Ingress") {
        let Some(annotations) = yaml.path(manifest.root, &["metadata", "annotations"]) else {
            continue;
        };
        for entry in yaml.entries(yaml.resolve(annotations)) {
            let Some(key) = yaml.str(entry.key) else {
                continue;
            };
            let snippet = key
                .strip_prefix("nginx.ingress.kubernetes.io/")
                .is_some_and(|name| name.ends_with("-snippet"))
                || key
                    .strip_prefix("nginx.org/")
                    .is_some_and(|name| name.ends_with("-snippets"));
            if snippet {
                out.push(Diagnostic::new(
                    RuleId::IngressSnippetAnnotation,
                    yaml.node(entry.key).range,
                    format!("{} injects nginx configuration with `{key}`: it runs in the shared controller, which can read every Ingress's Secrets", owner(manifest)),
                ));
            }
        }
    }
}
