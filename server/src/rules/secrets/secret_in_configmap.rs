use crate::document::Severity;
use crate::knowledge::secrets::{Reason, judge};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports ConfigMap `data` that holds credentials: a secret-named key with a literal value
    /// (`DB_PASSWORD: hunter2`), a value in a credential format, or a configuration file kept in the
    /// ConfigMap whose lines set one (`spring.datasource.password=…` in `application.properties`,
    /// `password: …` in a YAML file, `"apiKey": "…"` in JSON). Scripts and code kept in a ConfigMap are not
    /// read as settings, and neither are keyword values (`passwd: compat` in `nsswitch.conf`).
    ///
    /// ## Why it matters
    /// ConfigMaps are not secret: any workload or user allowed to read configuration reads them, they are
    /// printed by `kubectl describe`, and they are not encrypted at rest. Credentials belong in a Secret (or
    /// an external secret store), mounted the same way.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap
    /// data:
    ///   DB_PASSWORD: hunter2
    /// ```
    /// Silent for settings, references (`${DB_PASSWORD}`), empty values and public material.
    ///
    /// ## Fix
    /// None: move the key to a Secret (`kubectl create secret generic …`) and reference it with
    /// `secretKeyRef` or a secret volume.
    ///
    /// ## References
    /// - Kubernetes: "ConfigMaps" (not for confidential data); CWE-312: Cleartext Storage of Sensitive
    ///   Information
    name: "secret-in-configmap",
    severity: Warning,
    fix: None,
    summary: "a ConfigMap holds credentials",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in cx.k8s.manifests.iter().filter(|m| m.kind == "ConfigMap") {
        let Some(data) = yaml.get(manifest.root, "data") else {
            continue;
        };
        let name = manifest.name.as_deref().unwrap_or("?");
        for entry in yaml.members(data.value) {
            let Some(value) = yaml.str(entry.value) else {
                continue;
            };
            let mut found: Vec<(String, Severity, String)> = Vec::new();
            if value.contains('\n') {
                if is_code(entry.key) {
                    continue;
                }
                for (line, setting, setting_value) in settings(value) {
                    if let Some(verdict) = judge(setting, setting_value) {
                        found.push((
                            format!("line {line} of `{}` sets `{setting}`", entry.key),
                            verdict.severity,
                            why(&verdict.reasons),
                        ));
                    }
                }
            } else if let Some(verdict) = judge(entry.key, value) {
                found.push((
                    format!("`{}`", entry.key),
                    verdict.severity,
                    why(&verdict.reasons),
                ));
            }
            for (what, severity, why) in found {
                let (severity, message) = if severity == Severity::Info {
                    (
                        Severity::Info,
                        format!(
                            "ConfigMap `{name}`: {what}, a placeholder for a secret ({why}): the real value belongs in a Secret"
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        format!(
                            "ConfigMap `{name}`: {what}, which holds a secret ({why}); ConfigMaps are not secret, use a Secret"
                        ),
                    )
                };
                out.push(
                    Diagnostic::new(RuleId::SecretInConfigmap, entry.range, message)
                        .with_severity(severity),
                );
            }
        }
    }
}

fn why(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(Reason::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Source files kept in a ConfigMap (scripts, code): their `name = value` lines are code, not settings.
fn is_code(key: &str) -> bool {
    let extension = key.rsplit_once('.').map_or("", |(_, e)| e);
    [
        "py", "js", "mjs", "ts", "sh", "bash", "rb", "go", "java", "lua", "pl", "php", "sql", "tpl",
    ]
    .contains(&extension)
}

/// `name=value`, `name: value` and `"name": "value"` lines of a configuration file kept in a ConfigMap,
/// with their 1-based line numbers. Comments (`#`, `//`, `;`) are skipped, and so are values that are
/// keywords (only lower-case letters), expressions or references — unless in a credential format.
fn settings(file: &str) -> Vec<(usize, &str, &str)> {
    file.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with(['#', ';']) || line.starts_with("//") {
                return None;
            }
            let at = line.find(['=', ':'])?;
            let name = line[..at].trim().trim_matches(['"', '\'']);
            let value = line[at + 1..]
                .trim()
                .trim_end_matches(',')
                .trim_matches(['"', '\'']);
            let plain_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            // A keyword (`passwd: compat` in nsswitch.conf) or an expression is not a value someone chose.
            let keyword = value.chars().all(|c| c.is_ascii_lowercase());
            let expression = value.contains(['(', '[', '{', '$']);
            let chosen = crate::knowledge::secrets::credential_format(value).is_some()
                || !(keyword || expression);
            (plain_name && chosen).then_some((i + 1, name, value))
        })
        .collect()
}
