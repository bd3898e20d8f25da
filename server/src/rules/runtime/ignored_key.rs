use crate::document::TextRange;
use crate::edit::fix::{Edit, Fix};
use crate::edit::yaml_edit::remove_entry;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe, owner};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a security setting whose key is spelled in another case, or with look-alike characters
    /// (Cyrillic or Greek letters, full-width forms, zero-width characters), so that the tool never reads it:
    /// `Privileged: true`, `readOnlyRootFileSystem`, `privіleged` with a Cyrillic `і`.
    ///
    /// ## Why it matters
    /// Kubernetes matches field names exactly and drops unknown fields (at most with a warning), so the pod
    /// runs without the setting while the manifest looks hardened to a reviewer; Compose refuses the file.
    /// Lint rules that read names loosely would be fooled the same way, so every other rule reads keys
    /// exactly as the tools do, and this one says why a setting has no effect.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   ReadOnlyRootFilesystem: true
    ///   runAsNonRoot: true
    /// ```
    ///
    /// ## Fix
    /// Unsafe (the setting starts to apply): the key is renamed to the one the tool reads.
    ///
    /// ## References
    /// - Kubernetes API conventions: field names are case-sensitive; unknown fields are dropped
    /// - CWE-178: Improper Handling of Case Sensitivity
    name: "ignored-key",
    severity: Info,
    fix: Unsafe,
    summary: "a security key in the wrong case or with look-alike characters, which the tool ignores",
}

/// Keys of a pod spec, a container and a security context (pod or container) that settings depend on.
const POD_KEYS: &[&str] = &[
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostUsers",
    "securityContext",
    "automountServiceAccountToken",
    "serviceAccountName",
    "volumes",
    "containers",
    "initContainers",
];
const CONTAINER_KEYS: &[&str] = &["securityContext", "image", "env", "ports", "resources"];
const SECURITY_CONTEXT_KEYS: &[&str] = &[
    "privileged",
    "allowPrivilegeEscalation",
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "readOnlyRootFilesystem",
    "capabilities",
    "seccompProfile",
    "seLinuxOptions",
    "appArmorProfile",
    "procMount",
    "windowsOptions",
    "sysctls",
];
const CAPABILITIES_KEYS: &[&str] = &["add", "drop"];
const SERVICE_KEYS: &[&str] = &[
    "privileged",
    "cap_add",
    "cap_drop",
    "security_opt",
    "read_only",
    "user",
    "network_mode",
    "pid",
    "ipc",
    "userns_mode",
    "volumes",
    "ports",
    "environment",
    "devices",
    "image",
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let reason = "Kubernetes matches field names exactly and ignores this one";
    let check = |map: NodeId, known: &[&str], place: &str, out: &mut Vec<Diagnostic>| {
        check_map(cx.source, yaml, map, known, reason, place, out);
    };
    // A pod spec or a container, and the `securityContext` inside it (returned).
    let check_with_context = |node: NodeId,
                              known: &[&str],
                              place: &str,
                              context_place: &str,
                              out: &mut Vec<Diagnostic>| {
        check(node, known, place, out);
        let context = yaml.get(node, "securityContext")?.value;
        check(context, SECURITY_CONTEXT_KEYS, context_place, out);
        Some(context)
    };
    let mut pods_seen: Vec<NodeId> = Vec::new();
    for c in containers(cx) {
        if !pods_seen.contains(&c.pod.node) {
            pods_seen.push(c.pod.node);
            check_with_context(
                c.pod.node,
                POD_KEYS,
                &format!("the pod spec of {}", owner(c.manifest)),
                "the pod's `securityContext`",
                out,
            );
        }
        let who = describe(c);
        let context = check_with_context(
            c.container.node,
            CONTAINER_KEYS,
            &who,
            &format!("the `securityContext` of {who}"),
            out,
        );
        if let Some(context) = context {
            if let Some(capabilities) = yaml.get(context, "capabilities") {
                check(
                    capabilities.value,
                    CAPABILITIES_KEYS,
                    &format!("the capabilities of {who}"),
                    out,
                );
            }
        }
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let reason = "Compose matches keys exactly and refuses the file";
    for service in &cx.compose.services {
        check_map(
            cx.source,
            cx.yaml,
            service.node,
            SERVICE_KEYS,
            reason,
            &format!("service `{}`", service.name),
            out,
        );
    }
}

/// Report every key of the mapping `map` that reads as one of `known` only once case and look-alikes are
/// folded, while not being it.
fn check_map(
    source: &str,
    yaml: &Yaml,
    map: NodeId,
    known: &[&str],
    reason: &str,
    place: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !yaml.is_mapping(map) {
        return;
    }
    let map = yaml.resolve(map);
    for entry in yaml.entries(map) {
        let Some(key) = yaml.str(entry.key) else {
            continue;
        };
        if known.contains(&key) {
            continue;
        }
        let folded = folded(key);
        let Some(meant) = known.iter().find(|k| k.to_ascii_lowercase() == folded) else {
            continue;
        };
        let range: TextRange = yaml.node(entry.key).range;
        let shown = shown(key);
        // Renamed to what the tool reads; where that key is written too, the ignored one goes instead.
        let fix = if yaml.get(map, meant).is_some() {
            Fix::unsafe_(
                format!("Remove `{shown}` (the mapping has `{meant}`)"),
                vec![remove_entry(source, yaml, map, entry.range)],
            )
        } else {
            Fix::unsafe_(
                format!("Rename the key to `{meant}`"),
                // The whole entry, so the edit holds the value that moves under the new key.
                vec![Edit::replace(
                    entry.range,
                    format!(
                        "{meant}{}",
                        source.get(range.end..entry.range.end).unwrap_or("")
                    ),
                )],
            )
        }
        .preferred(true);
        out.push(
            Diagnostic::new(
                RuleId::IgnoredKey,
                range,
                format!(
                    "`{shown}` in {place} is not `{meant}`: {reason}, so the setting has no effect"
                ),
            )
            .with_fix(fix),
        );
    }
}

/// A key with every character outside printable ASCII shown as its code point, so a look-alike is visible.
fn shown(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                c.to_string()
            } else {
                format!("\\u{{{:x}}}", u32::from(c))
            }
        })
        .collect()
}

/// A key with case folded, zero-width characters removed and look-alike letters (Cyrillic, Greek,
/// full-width Latin) replaced by the ASCII letters they imitate.
fn folded(key: &str) -> String {
    key.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
            )
        })
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            'а' | 'А' | 'α' | 'Α' => 'a',
            'в' | 'В' | 'β' | 'Β' => 'b',
            'с' | 'С' | 'ϲ' => 'c',
            'ԁ' => 'd',
            'е' | 'Е' | 'ε' | 'Ε' => 'e',
            'ɡ' => 'g',
            'һ' | 'Н' | 'Η' => 'h',
            'і' | 'І' | 'ι' | 'Ι' | 'ӏ' => 'i',
            'ј' | 'Ј' => 'j',
            'к' | 'К' | 'κ' | 'Κ' => 'k',
            'м' | 'М' | 'Μ' => 'm',
            'п' | 'ν' | 'Ν' => 'n',
            'о' | 'О' | 'ο' | 'Ο' => 'o',
            'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
            'ѕ' | 'Ѕ' => 's',
            'т' | 'Т' | 'τ' | 'Τ' => 't',
            'υ' | 'Υ' | 'у' | 'У' => 'y',
            'х' | 'Х' | 'χ' | 'Χ' => 'x',
            'ѵ' => 'v',
            'ԝ' => 'w',
            'ᴢ' | 'Ζ' => 'z',
            other => other,
        })
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn look_alikes_fold_to_the_letters_they_imitate() {
        assert_eq!(folded("Privileged"), "privileged");
        assert_eq!(folded("priv\u{0456}leged"), "privileged");
        assert_eq!(folded("ｐｒｉｖｉｌｅｇｅｄ"), "privileged");
        assert_eq!(folded("run\u{200b}AsNonRoot"), "runasnonroot");
        assert_eq!(folded("rеadOnlyRootFilesystem"), "readonlyrootfilesystem");
    }
}
