//! The security settings of Compose services, shared by the rules that read them and the fixes that harden
//! them: one "Harden this service" action, or one setting at a time.
//!
//! What an image needs to keep working comes from the image table ([`crate::knowledge::official_images`]): a read-only
//! root gets a `tmpfs` for each path the image writes, and `cap_drop: [ALL]` keeps the capabilities its root
//! entrypoint needs (`gosu` switching users, `chown` of its data). An image the table does not know gets
//! `tmpfs: [/tmp]` and nothing added back, and the action says what may need adjusting.

use crate::edit::fix::{Edit, Fix};
use crate::edit::yaml_edit::{
    Y, append_item, insert_entries, replace_value, string_scalar, styled_scalar,
};
use crate::knowledge::official_images::Image;
use crate::model::compose::Service;
use crate::model::yaml::NodeId;
use crate::rules::ComposeContext;
use crate::rules::compose_support::{known_image, strings, volumes};
use crate::rules::pod_security::is_all;

/// One hardening setting of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    NoNewPrivileges,
    DropAllCapabilities,
    ReadOnlyRoot,
}

impl Setting {
    pub const ALL: [Setting; 3] = [
        Setting::NoNewPrivileges,
        Setting::DropAllCapabilities,
        Setting::ReadOnlyRoot,
    ];
}

/// What a service's image needs beside the hardened settings.
pub struct Needs {
    /// The image, when the table knows it.
    pub image: Option<&'static Image>,
    /// Capabilities to keep (`cap_add`) once all are dropped.
    pub capabilities: Vec<String>,
    /// Paths that need a `tmpfs` under a read-only root.
    pub tmpfs: Vec<String>,
    /// Data directories that would be read-only: neither a volume of the service nor a `VOLUME` of the image.
    pub unmounted_data: Vec<String>,
}

/// What `service` needs to keep working with a read-only root and no capabilities.
pub fn needs(cx: &ComposeContext, service: &Service) -> Needs {
    let yaml = cx.yaml;
    let mounted = mounted(cx, service);
    let covered = |path: &str| mounted.iter().any(|m| Image::covers(m, path));
    let Some((_, image)) = known_image(yaml, service) else {
        return Needs {
            image: None,
            capabilities: Vec::new(),
            tmpfs: (!covered("/tmp"))
                .then(|| "/tmp".to_owned())
                .into_iter()
                .collect(),
            unmounted_data: Vec::new(),
        };
    };
    let capabilities = if starts_as_root(cx, service, image) {
        image.entrypoint_caps.clone()
    } else {
        Vec::new()
    };
    Needs {
        image: Some(image),
        capabilities,
        tmpfs: image
            .writes
            .iter()
            .filter(|p| !covered(p))
            .cloned()
            .collect(),
        unmounted_data: image
            .data
            .iter()
            .filter(|p| !covered(p) && !image.image_volumes.iter().any(|v| Image::covers(v, p)))
            .cloned()
            .collect(),
    }
}

/// Where the service mounts volumes and tmpfs: the paths it can write under a read-only root.
fn mounted(cx: &ComposeContext, service: &Service) -> Vec<String> {
    volumes(cx.yaml, cx.compose, service)
        .into_iter()
        .map(|v| v.target)
        .chain(tmpfs_paths(cx, service))
        .collect()
}

/// An edit that adds `paths` to the service's `tmpfs:` (created when absent), leaving out the paths a
/// volume or tmpfs already covers; `None` when nothing is left to add.
pub fn add_tmpfs(cx: &ComposeContext, service: &Service, paths: &[&str]) -> Option<Edit> {
    let mounted = mounted(cx, service);
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| !mounted.iter().any(|m| Image::covers(m, p)))
        .map(|p| (*p).to_owned())
        .collect();
    if missing.is_empty() {
        return None;
    }
    match cx.yaml.get(service.node, "tmpfs") {
        Some(member) => append(cx, cx.yaml.resolve(member.value), &missing),
        None => insert_entries(
            cx.source,
            cx.yaml,
            service.node,
            &[("tmpfs".to_owned(), Y::List(missing))],
        ),
    }
}

/// Whether the service's process starts as root: no non-root `user:`, and an image whose own `USER` is root.
pub fn starts_as_root(cx: &ComposeContext, service: &Service, image: &Image) -> bool {
    let user = cx
        .yaml
        .get(service.node, "user")
        .and_then(|m| cx.yaml.str(m.value));
    match user {
        Some(user) => matches!(user.split(':').next(), Some("root" | "0")),
        None => !image.runs_as_user,
    }
}

/// The paths of the service's `tmpfs:` (a string or a list; `/run:size=64m` is the path `/run`).
fn tmpfs_paths(cx: &ComposeContext, service: &Service) -> Vec<String> {
    cx.yaml
        .get(service.node, "tmpfs")
        .map(|m| strings(cx.yaml, m.value))
        .unwrap_or_default()
        .into_iter()
        .map(|(spec, _)| spec.split(':').next().unwrap_or_default().to_owned())
        .collect()
}

/// What a `security_opt` item says of `no-new-privileges`: set (`no-new-privileges`, `:true`, `=true`),
/// explicitly disabled (`:false`, `=false`), or nothing.
pub fn no_new_privileges(option: &str) -> Option<bool> {
    let option = option.trim().to_ascii_lowercase();
    match option.strip_prefix("no-new-privileges")? {
        "" => Some(true),
        rest => match rest.strip_prefix([':', '='])? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
    }
}

/// Whether the service already satisfies `setting`.
pub fn satisfied(cx: &ComposeContext, service: &Service, setting: Setting) -> bool {
    let yaml = cx.yaml;
    let list = |key: &str| {
        yaml.get(service.node, key)
            .map(|m| strings(yaml, m.value))
            .unwrap_or_default()
    };
    match setting {
        Setting::NoNewPrivileges => list("security_opt")
            .iter()
            .any(|(s, _)| no_new_privileges(s) == Some(true)),
        Setting::DropAllCapabilities => list("cap_drop").iter().any(|(s, _)| is_all(s)),
        Setting::ReadOnlyRoot => yaml.get(service.node, "read_only").is_some_and(|m| {
            yaml.bool(m.value, crate::model::yaml::Booleans::Compose) == Some(true)
        }),
    }
}

/// The edits that give `service` every setting of `settings` it lacks, with what its image needs: new keys
/// go into one insertion after the service's last key, items are appended to the lists it has.
pub fn edits(cx: &ComposeContext, service: &Service, settings: &[Setting]) -> Vec<Edit> {
    let yaml = cx.yaml;
    let needs = needs(cx, service);
    let mut replaced = Vec::new();
    let mut lists: Vec<(&str, Vec<String>)> = Vec::new();
    for &setting in settings {
        if satisfied(cx, service, setting) {
            continue;
        }
        match setting {
            Setting::NoNewPrivileges => {
                let disabled = yaml.get(service.node, "security_opt").and_then(|m| {
                    strings(yaml, m.value)
                        .into_iter()
                        .find(|(s, _)| no_new_privileges(s) == Some(false))
                });
                match disabled {
                    Some((_, node)) => replaced.push(replace_value(
                        yaml,
                        node,
                        &styled_scalar(yaml, node, "no-new-privileges:true"),
                    )),
                    None => lists.push(("security_opt", vec!["no-new-privileges:true".to_owned()])),
                }
            }
            Setting::DropAllCapabilities => {
                lists.push(("cap_drop", vec!["ALL".to_owned()]));
                let added: Vec<String> = yaml
                    .get(service.node, "cap_add")
                    .map(|m| strings(yaml, m.value))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(s, _)| crate::rules::pod_security::capability_name(&s))
                    .collect();
                let missing: Vec<String> = needs
                    .capabilities
                    .iter()
                    .filter(|c| !added.contains(c))
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    lists.push(("cap_add", missing));
                }
            }
            Setting::ReadOnlyRoot => {
                match yaml.get(service.node, "read_only") {
                    Some(m) => replaced.push(replace_value(yaml, m.value, "true")),
                    None => lists.push(("read_only", Vec::new())),
                }
                if !needs.tmpfs.is_empty() {
                    lists.push(("tmpfs", needs.tmpfs.clone()));
                }
            }
        }
    }
    // At one offset edits apply in the order given: items appended to the service's last list come before
    // keys inserted after it.
    let mut appended = Vec::new();
    let mut inserted: Vec<(String, Y)> = Vec::new();
    for (key, items) in lists {
        if key == "read_only" {
            inserted.push((key.to_owned(), Y::scalar("true")));
            continue;
        }
        match yaml.get(service.node, key) {
            Some(member) => match append(cx, yaml.resolve(member.value), &items) {
                Some(edit) => appended.push(edit),
                None => return Vec::new(),
            },
            None => inserted.push((key.to_owned(), Y::List(items))),
        }
    }
    replaced.extend(appended);
    replaced.extend(insert_entries(cx.source, yaml, service.node, &inserted));
    replaced
}

/// Append `items` to a list option in its own style; a single string (`tmpfs: /run`) becomes a flow list.
fn append(cx: &ComposeContext, list: NodeId, items: &[String]) -> Option<Edit> {
    let yaml = cx.yaml;
    if let Some(single) = yaml.str(list) {
        let mut all = vec![string_scalar(single)];
        all.extend(items.iter().cloned());
        return Some(replace_value(yaml, list, &format!("[{}]", all.join(", "))));
    }
    if yaml.node(list).flow {
        return append_item(cx.source, yaml, list, &items.join(", "));
    }
    // One `- item` line each, all at the end of the list.
    let lines = items
        .iter()
        .map(|item| append_item(cx.source, yaml, list, item))
        .collect::<Option<Vec<Edit>>>()?;
    let at = lines.first()?.range.start;
    Some(Edit::insert(
        at,
        lines
            .iter()
            .map(|e| e.new_text.as_str())
            .collect::<String>(),
    ))
}

/// The preferred action on every service-hardening finding, for images the table knows: every missing
/// setting at once, with the tmpfs and capabilities the image needs. For other images it is offered, not
/// preferred, and says what may need adjusting.
pub fn harden_fix(cx: &ComposeContext, service: &Service) -> Option<Fix> {
    let edits = edits(cx, service, &Setting::ALL);
    if edits.is_empty() {
        return None;
    }
    let needs = needs(cx, service);
    let mut parts = vec!["no-new-privileges".to_owned()];
    parts.push(if needs.capabilities.is_empty() {
        "drop ALL".to_owned()
    } else {
        format!("drop ALL but {}", needs.capabilities.join(", "))
    });
    parts.push(if needs.tmpfs.is_empty() {
        "read-only root".to_owned()
    } else {
        format!("read-only root with tmpfs {}", needs.tmpfs.join(", "))
    });
    let known = needs.image.is_some() && needs.unmounted_data.is_empty();
    let caveat = if needs.image.is_none() {
        " (check which paths it writes and which capabilities it needs)".to_owned()
    } else if !needs.unmounted_data.is_empty() {
        format!(
            " ({} must be a volume: it is not one)",
            needs.unmounted_data.join(", ")
        )
    } else {
        String::new()
    };
    let title = format!(
        "Harden this service (`{}`): {}{caveat}",
        service.name,
        parts.join(", ")
    );
    Some(Fix::unsafe_(title, edits).preferred(known))
}

/// The actions on a service finding about `setting`: "Harden this service", and the one setting alone
/// (`title`), preferred when the harden action is not.
pub fn service_fixes(
    cx: &ComposeContext,
    service: &Service,
    setting: Setting,
    title: &str,
) -> Vec<Fix> {
    let harden = harden_fix(cx, service);
    let prefer_single = !harden.as_ref().is_some_and(|f| f.preferred);
    let edits = edits(cx, service, &[setting]);
    let single = (!edits.is_empty()).then(|| Fix::unsafe_(title, edits).preferred(prefer_single));
    harden.into_iter().chain(single).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn spellings() {
        for yes in [
            "no-new-privileges",
            "no-new-privileges:true",
            "no-new-privileges=true",
            "NO-NEW-PRIVILEGES:TRUE",
        ] {
            assert_eq!(super::no_new_privileges(yes), Some(true), "{yes}");
        }
        for off in ["no-new-privileges:false", "No-New-Privileges=FALSE"] {
            assert_eq!(super::no_new_privileges(off), Some(false), "{off}");
        }
        for no in ["seccomp:unconfined", "no-new-privilegesx"] {
            assert_eq!(super::no_new_privileges(no), None, "{no}");
        }
    }
}
