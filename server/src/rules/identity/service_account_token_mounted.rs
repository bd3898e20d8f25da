use crate::document::shift;
use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{Y, insert_entries, replace_value};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::workspace::TokenMount;
use crate::rules::{KubernetesContext, RuleId, WorkspaceContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a pod that does not set `automountServiceAccountToken: false`, unless it leaves the key
    /// unset and its ServiceAccount (`serviceAccountName`, else `default`, in the pod's namespace) sets
    /// `automountServiceAccountToken: false` in a file of the workspace (this one or another; the CLI sees
    /// the files it was given). A pod's own `true` wins over its account's `false`.
    ///
    /// ## Why it matters
    /// Every pod gets its service account's token mounted by default. Most applications never call the
    /// Kubernetes API; for them the token only helps an attacker who got in move through the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [...]
    /// ```
    ///
    /// ## Fix
    /// Unsafe (a workload that calls the API loses its credentials): `automountServiceAccountToken: false` in
    /// the pod spec.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.6 "Ensure that Service Account Tokens are only mounted where necessary"
    name: "service-account-token-mounted",
    severity: Info,
    fix: Unsafe,
    summary: "the pod mounts its service account token",
}

/// Report the pods whose account no file of the workspace makes tokenless.
pub fn check_workspace(cx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for (start, mount) in cx.summary.token_mounts() {
        let tokenless = mount.account.as_ref().is_some_and(|account| {
            let key = (mount.namespace.clone(), account.clone());
            cx.facts.tokenless_accounts.contains(&key)
        });
        if !tokenless {
            out.push(mount.finding.clone().shifted(shift(start)));
        }
    }
}

/// The pods of one document that mount a token, with the account that could still say no (`None` as the
/// account when the pod itself sets `true`: then nothing else can).
pub fn mounts(cx: &KubernetesContext) -> Vec<TokenMount> {
    let yaml = cx.yaml;
    let mut mounts = Vec::new();
    for pod in &cx.k8s.pods {
        let manifest = &cx.k8s.manifests[pod.manifest];
        let member = yaml.get(pod.node, "automountServiceAccountToken");
        let account = ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|key| yaml.get(pod.node, key).and_then(|m| yaml.str(m.value)))
            .unwrap_or("default");
        let edit = match member {
            Some(m)
                if yaml.bool(m.value, crate::model::yaml::Booleans::Kubernetes) == Some(false) =>
            {
                continue;
            }
            Some(m) => Some(replace_value(yaml, m.value, "false")),
            None => insert_entries(
                cx.source,
                yaml,
                pod.node,
                &[(
                    "automountServiceAccountToken".to_owned(),
                    Y::scalar("false"),
                )],
            ),
        };
        let fix = edit.map(|e| {
            Fix::unsafe_("Set `automountServiceAccountToken: false`", vec![e]).preferred(true)
        });
        let name = manifest.name.as_deref().unwrap_or("?");
        // A manifest with several pods (Argo's templates) is reported at each pod's template.
        let several = cx
            .k8s
            .pods
            .iter()
            .filter(|p| p.manifest == pod.manifest)
            .count()
            > 1;
        let template = yaml.get(pod.node, "name").filter(|_| several);
        let (range, which) = match template {
            Some(t) => (
                t.range,
                format!(" (template `{}`)", yaml.str(t.value).unwrap_or("?")),
            ),
            None => (manifest.kind_range, String::new()),
        };
        let finding = Diagnostic::new(
            RuleId::ServiceAccountTokenMounted,
            range,
            format!("{} `{name}`{which} mounts its service account token: set `automountServiceAccountToken: false` unless it calls the API", manifest.kind),
        )
        .with_fixes(fix);
        mounts.push(TokenMount {
            namespace: manifest.namespace.clone(),
            // A pod's own `true` is not overridden by its account.
            account: member.is_none().then(|| account.to_owned()),
            finding,
        });
    }
    mounts
}
