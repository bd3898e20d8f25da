use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{Y, insert_entries, string_scalar};
use crate::model::kubernetes::Manifest;
use crate::rules::compose_support::strings;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an Ingress host (`rules[].host`) that no `tls` entry covers (a `*.example.com` entry covers
    /// `shop.example.com`), and a Gateway API `Gateway` listener with `protocol: HTTP` for a public
    /// hostname with no HTTPS or TLS listener for it. Silent when TLS ends at the cloud load balancer
    /// (`alb.ingress.kubernetes.io/certificate-arn`, GKE `networking.gke.io/managed-certificates` or
    /// `ingress.gcp.kubernetes.io/pre-shared-cert`). Hostnames under `.local`, `.internal`, `.localhost`
    /// and `.cluster.local` are not public.
    ///
    /// ## Why it matters
    /// Without TLS, credentials and session cookies cross the network in clear text and can be changed on
    /// the way.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// spec:
    ///   rules:
    ///     - host: shop.example.com
    /// ```
    ///
    /// ## Fix
    /// Unsafe: for an Ingress without `tls`, add an entry for its hosts with `secretName: <name>-tls`.
    /// Preferred only when a cert-manager issuer annotation (`cert-manager.io/cluster-issuer` or
    /// `cert-manager.io/issuer`) will create that Secret: without it, ingress-nginx serves its own fake
    /// certificate.
    ///
    /// ## References
    /// - CIS Kubernetes guidance on encrypting traffic; Checkov CKV_K8S ingress TLS checks
    /// - Gateway API: listeners and TLS configuration
    name: "ingress-without-tls",
    severity: Warning,
    fix: Unsafe,
    summary: "an Ingress host or Gateway listener is served without TLS",
}

/// Annotations that say TLS ends at the cloud load balancer in front of the Ingress.
const TLS_AT_LOAD_BALANCER: [&str; 3] = [
    "alb.ingress.kubernetes.io/certificate-arn",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
];

const ISSUERS: [&str; 2] = ["cert-manager.io/cluster-issuer", "cert-manager.io/issuer"];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for manifest in &cx.k8s.manifests {
        match manifest.kind.as_str() {
            "Ingress" => ingress(cx, manifest, out),
            "Gateway"
                if manifest
                    .api_version
                    .starts_with("gateway.networking.k8s.io/") =>
            {
                gateway(cx, manifest, out);
            }
            _ => {}
        }
    }
}

fn ingress(cx: &KubernetesContext, manifest: &Manifest, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let annotated = |keys: &[&str]| {
        yaml.path(manifest.root, &["metadata", "annotations"])
            .is_some_and(|a| keys.iter().any(|k| yaml.get(a, k).is_some()))
    };
    if annotated(&TLS_AT_LOAD_BALANCER) {
        return;
    }
    let Some(spec) = yaml.get(manifest.root, "spec").map(|m| m.value) else {
        return;
    };
    let tls = yaml.get(spec, "tls");
    let covered: Vec<String> = tls
        .map(|t| yaml.items(t.value))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&entry| yaml.get(entry, "hosts"))
        .flat_map(|h| strings(yaml, h.value))
        .map(|(host, _)| host)
        .collect();
    let hosts: Vec<(String, crate::model::yaml::NodeId)> = yaml
        .get(spec, "rules")
        .map(|r| yaml.items(r.value))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&rule| yaml.get(rule, "host"))
        .filter_map(|h| Some((yaml.str(h.value)?.to_owned(), h.value)))
        .filter(|(host, _)| public(host) && !covered.iter().any(|c| covers(c, host)))
        .collect();
    if hosts.is_empty() {
        return;
    }
    // Only an Ingress with no `tls` at all gets one: a partial list is the author's to complete.
    let fix = tls
        .is_none()
        .then(|| add_tls(cx, manifest, spec, &hosts, annotated(&ISSUERS)))
        .flatten();
    for (i, (host, node)) in hosts.iter().enumerate() {
        out.push(
            Diagnostic::new(
                RuleId::IngressWithoutTls,
                yaml.node(*node).range,
                format!(
                    "{} serves `{host}` without TLS: no `tls` entry covers it",
                    owner(manifest)
                ),
            )
            .with_fixes(if i == 0 { fix.clone() } else { None }),
        );
    }
}

/// A `tls` entry for `hosts` with the Secret `<name>-tls`.
fn add_tls(
    cx: &KubernetesContext,
    manifest: &Manifest,
    spec: crate::model::yaml::NodeId,
    hosts: &[(String, crate::model::yaml::NodeId)],
    issuer: bool,
) -> Option<Fix> {
    let name = manifest.name.as_deref().unwrap_or("ingress");
    let secret = format!("{name}-tls");
    let entry = Y::Map(vec![
        (
            "hosts".to_owned(),
            Y::List(hosts.iter().map(|(h, _)| string_scalar(h)).collect()),
        ),
        ("secretName".to_owned(), Y::text(&secret)),
    ]);
    let edit = insert_entries(
        cx.source,
        cx.yaml,
        spec,
        &[("tls".to_owned(), Y::Seq(vec![entry]))],
    )?;
    let note = if issuer {
        "cert-manager issues it".to_owned()
    } else {
        format!(
            "the Secret `{secret}` must exist, or the controller serves a self-signed certificate"
        )
    };
    Some(
        Fix::unsafe_(
            format!("Serve over TLS with the Secret `{secret}` ({note})"),
            vec![edit],
        )
        .preferred(issuer),
    )
}

fn gateway(cx: &KubernetesContext, manifest: &Manifest, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let Some(listeners) = yaml.path(manifest.root, &["spec", "listeners"]) else {
        return;
    };
    let field = |listener, key: &str| {
        yaml.get(listener, key)
            .and_then(|m| yaml.str(m.value).map(str::to_owned))
    };
    let secure: Vec<Option<String>> = yaml
        .items(listeners)
        .iter()
        .filter(|&&l| matches!(field(l, "protocol").as_deref(), Some("HTTPS" | "TLS")))
        .map(|&l| field(l, "hostname"))
        .collect();
    for &listener in yaml.items(listeners) {
        if field(listener, "protocol").as_deref() != Some("HTTP") {
            continue;
        }
        let Some(host) = yaml.get(listener, "hostname") else {
            continue;
        };
        let Some(name) = yaml.str(host.value).filter(|h| public(h)) else {
            continue;
        };
        let served = secure
            .iter()
            .any(|s| s.as_deref().is_none_or(|pattern| covers(pattern, name)));
        if served {
            continue;
        }
        out.push(Diagnostic::new(
            RuleId::IngressWithoutTls,
            yaml.node(host.value).range,
            format!(
                "{} listens for `{name}` over plain HTTP and has no HTTPS listener for it",
                owner(manifest)
            ),
        ));
    }
}

/// Whether a hostname is reachable from outside: a dotted name not under a local or cluster suffix.
fn public(host: &str) -> bool {
    const PRIVATE: [&str; 5] = [
        ".local",
        ".internal",
        ".localhost",
        ".cluster.local",
        ".svc",
    ];
    host.contains('.')
        && !PRIVATE.iter().any(|suffix| host.ends_with(suffix))
        && host != "localhost"
}

/// Whether the TLS host `pattern` (`*.example.com` for one label) covers `host`.
fn covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(domain) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == domain),
        None => pattern == host,
    }
}
