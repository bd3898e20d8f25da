//! `run-as-root`'s switch to an image's maintained unprivileged variant (`nginx` →
//! `nginxinc/nginx-unprivileged`, which runs as uid 101 and listens on 8080, not 80). The new image changes
//! the port the server listens on, so the switch moves every reference to the old port it can see with it:
//! `EXPOSE`, the Compose `ports`/`expose` targets of the service that builds the Dockerfile, a container's
//! `containerPort` and probe ports. What it cannot rewrite (a copied nginx config with its own `listen`, a
//! health check, the manifests skaffold deploys the image in, a Service's `targetPort`) is named in the
//! title, and the switch is then not preferred.

use crate::edit::dockerfile_edit::{insert_lines, replace_image, user_lines};
use crate::edit::fix::{Edit, FileChange, Fix};
use crate::edit::yaml_edit::replace_value;
use crate::knowledge::official_images::{self, Unprivileged};
use crate::model::dockerfile::Keyword;
use crate::model::image_ref::ImageRef;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::DockerfileContext;
use crate::rules::KubernetesContext;
use crate::rules::pod_security::{ContainerRef, Want, edits as container_edits, known_image};
use crate::rules::settings::Settings;

/// The tags the unprivileged images publish as the official ones do: a version, `mainline`, `stable` or
/// `latest`, with an optional `alpine`, `alpine-slim`, `perl` or `alpine-perl` flavour. A tag with a
/// distribution release (`1.27-bookworm`, `alpine3.20`) is not offered: the variant does not mirror those.
fn mirrored_tag(tag: &str) -> bool {
    const FLAVOURS: [&str; 5] = ["", "-alpine", "-alpine-slim", "-perl", "-alpine-perl"];
    let base = FLAVOURS
        .iter()
        .filter_map(|f| {
            if f.is_empty() {
                Some(tag)
            } else {
                tag.strip_suffix(f)
            }
        })
        .find(|base| {
            matches!(*base, "mainline" | "stable" | "latest")
                || (!base.is_empty()
                    && base.split('.').count() <= 3
                    && base
                        .split('.')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
        });
    base.is_some() || matches!(tag, "alpine" | "alpine-slim" | "perl" | "alpine-perl")
}

/// The variant of `reference` and its reference with the same tag, when the table has one, the tag is
/// one the variant publishes, no digest pins the image, and the configuration trusts where it comes from.
fn variant(reference: &ImageRef, settings: &Settings) -> Option<(&'static Unprivileged, String)> {
    if reference.digest.is_some() {
        return None;
    }
    let known = official_images::table().lookup(reference)?;
    let variant = known.unprivileged.as_ref()?;
    let written = match reference.tag.as_deref() {
        Some(tag) if !mirrored_tag(tag) => return None,
        Some(tag) => format!("{}:{tag}", variant.image),
        None => variant.image.clone(),
    };
    let parsed = ImageRef::parse(&written)?;
    (settings.trusts(&parsed) != Some(false)).then_some((variant, written))
}

/// The port the image listens on, and the one its variant listens on.
struct Ports {
    from: u16,
    to: u16,
}

/// Dockerfile: the switch of the root stage of stage `index` (the final one, which runs as root).
pub fn dockerfile_switch(cx: &DockerfileContext, index: usize) -> Option<Fix> {
    let file = cx.file;
    let root = file.root_stage(index)?;
    let reference = root.image.as_ref()?;
    let (variant, written) = variant(reference, cx.settings)?;
    let known = official_images::table().lookup(reference)?;
    let ports = Ports {
        from: *known.ports.first()?,
        to: variant.port,
    };
    let uid = variant.ids.split(':').next()?;
    let to = ports.to;
    let mut edits = vec![replace_image(root, &written)?];
    let mut unseen: Vec<String> = Vec::new();
    let mut first_run = None;
    let lineage = file.lineage(index);
    let instructions = lineage
        .iter()
        .rev()
        .flat_map(|&s| file.stage_body(s).iter())
        .filter(|i| i.in_this_image());
    for instruction in instructions {
        match instruction.keyword {
            Keyword::Expose => edits.extend(instruction.operands().iter().filter_map(|word| {
                let (port, protocol) = match word.text.split_once('/') {
                    Some((port, protocol)) => (port, format!("/{protocol}")),
                    None => (word.text.as_str(), String::new()),
                };
                (port.parse() == Ok(ports.from))
                    .then(|| Edit::replace(word.range, format!("{to}{protocol}")))
            })),
            Keyword::Healthcheck => unseen.push(format!("the `HEALTHCHECK` must probe port {to}")),
            Keyword::Copy | Keyword::Add => {
                let config = instruction
                    .operands()
                    .last()
                    .is_some_and(|dest| dest.text.starts_with("/etc/nginx"));
                if config {
                    unseen.push(format!(
                        "the copied config must `listen {to}` and keep its pid under /tmp"
                    ));
                }
            }
            Keyword::Run => {
                first_run.get_or_insert(instruction.range.start);
            }
            _ => {}
        }
    }
    // The variant ends with `USER 101`: the stage's own steps keep running as root, as they did, and the
    // image runs as the variant's user again after them.
    if first_run.is_some() {
        edits.push(insert_lines(
            cx.source,
            first_run,
            &["USER root".to_owned()],
        ));
        edits.push(user_lines(cx.source, file, index, &[format!("USER {uid}")]));
    }
    let mut moved: Vec<&str> = Vec::new();
    if edits.len() > 1 + 2 * usize::from(first_run.is_some()) {
        moved.push("`EXPOSE`");
    }
    let mut fix = Fix::unsafe_(String::new(), edits);
    let mut fallback = None;
    if let Some(builder) = cx.builder() {
        let yaml = &builder.yaml;
        let service = builder.service.node;
        if yaml.get(service, "healthcheck").is_some() {
            unseen.push(format!(
                "the healthcheck of Compose service `{}` must probe port {to}",
                builder.service.name
            ));
        }
        let mut compose_edits = Vec::new();
        for key in ["ports", "expose"] {
            let Some(member) = yaml.get(service, key) else {
                continue;
            };
            for &item in yaml.items(member.value) {
                match retarget(&builder.text, yaml, item, &ports) {
                    Ok(edit) => compose_edits.extend(edit),
                    Err(spec) => unseen.push(format!("`{spec}` must target port {to}")),
                }
            }
        }
        if !compose_edits.is_empty() {
            moved.push("the Compose ports");
            fallback = Some(format!(
                "the ports of Compose service `{}` must target {to}",
                builder.service.name
            ));
            fix = fix.with_file_change(FileChange::edit(
                &builder.path,
                &builder.text,
                compose_edits,
            ));
        }
    }
    for deployment in cx.deployments() {
        let manifest = &deployment.path;
        let name = manifest.rsplit('/').next().unwrap_or(manifest).to_owned();
        unseen.push(format!(
            "the ports, probes and Services of `{name}`, which runs the image, must move to {to}"
        ));
    }
    let mut said = std::collections::BTreeSet::new();
    unseen.retain(|u| said.insert(u.clone()));
    let title = |moved: &[&str], unseen: &[String]| {
        let mut title = format!(
            "Build on `{written}`, which runs as uid {uid} and listens on {to}{}",
            moved_to(moved, to)
        );
        if !unseen.is_empty() {
            title.push_str(&format!(" — {}", unseen.join("; ")));
        }
        title
    };
    fix.title = title(&moved, &unseen);
    fix = fix.preferred(unseen.is_empty());
    // Where the Compose file cannot be changed, the Dockerfile alone: its service's ports are then stale.
    if let Some(stale) = fallback {
        let mut alone = Fix::unsafe_(String::new(), fix.edits.clone());
        alone.title = title(&moved[..moved.len() - 1], &[unseen, vec![stale]].concat());
        fix = fix.with_fallback(alone);
    }
    Some(fix)
}

/// `: the container port and the probes move to 8080`, for the parts a switch moves.
fn moved_to(moved: &[&str], to: u16) -> String {
    match moved {
        [] => String::new(),
        [one] => format!(": {one} moves to {to}"),
        [rest @ .., last] => format!(": {} and {last} move to {to}", rest.join(", ")),
    }
}

/// The edit that moves one Compose `ports`/`expose` item from the old container port to the new one:
/// `None` when it targets another port; the spec as written when it cannot be read (a range, a variable).
fn retarget(
    source: &str,
    yaml: &Yaml,
    item: NodeId,
    ports: &Ports,
) -> Result<Option<Edit>, String> {
    if yaml.is_mapping(item) {
        let Some(target) = yaml.get(item, "target") else {
            return Ok(None);
        };
        return Ok(match yaml.str(target.value).map(str::parse::<u16>) {
            Some(Ok(port)) if port == ports.from => {
                Some(replace_value(yaml, target.value, &ports.to.to_string()))
            }
            Some(Ok(_)) => None,
            _ => {
                return Err(source
                    [yaml.node(target.value).range.start..yaml.node(target.value).range.end]
                    .to_owned());
            }
        });
    }
    let Some(spec) = yaml.str(item) else {
        return Ok(None);
    };
    let (mapping, protocol) = match spec.rsplit_once('/') {
        Some((m, p)) => (m, Some(p)),
        None => (spec, None),
    };
    let parts = crate::rules::compose_support::split_spec(mapping);
    let container = parts.last().copied().unwrap_or_default();
    match container.parse::<u16>() {
        Ok(port) if port == ports.from => {
            let mut new = parts[..parts.len() - 1].join(":");
            if !new.is_empty() {
                new.push(':');
            }
            new.push_str(&ports.to.to_string());
            if let Some(protocol) = protocol {
                new.push('/');
                new.push_str(protocol);
            }
            let raw = &source[yaml.node(item).range.start..yaml.node(item).range.end];
            let quote = raw.chars().next().filter(|c| matches!(c, '"' | '\''));
            let text = match quote {
                Some(q) => format!("{q}{new}{q}"),
                None if parts.len() > 1 => format!("\"{new}\""),
                None => new,
            };
            Ok(Some(Edit::replace(yaml.node(item).range, text)))
        }
        Ok(_) => Ok(None),
        Err(_) if container.contains(['$', '-']) => Err(spec.to_owned()),
        Err(_) => Ok(None),
    }
}

/// Kubernetes: the switch of one container, with `runAsNonRoot: true` (the variant's numeric `USER` is
/// what the kubelet then checks), its `containerPort` and its probes. Never preferred: hardening the
/// official image keeps it working as it is, and the Services that reach the pod are other manifests (each
/// document is read on its own), whose `targetPort` the title says must move.
pub fn container_switch(cx: &KubernetesContext, c: ContainerRef) -> Option<Fix> {
    let yaml = cx.yaml;
    let (reference, known) = known_image(yaml, c)?;
    let (variant, written) = variant(&reference, cx.settings)?;
    let ports = Ports {
        from: *known.ports.first()?,
        to: variant.port,
    };
    let image = yaml.get(c.container.node, "image")?;
    let mut edits = vec![replace_value(yaml, image.value, &written)];
    let mut moved: Vec<&str> = Vec::new();
    let port_value =
        |node: NodeId| yaml.str(node).and_then(|p| p.parse::<u16>().ok()) == Some(ports.from);
    let list = yaml
        .get(c.container.node, "ports")
        .map_or(&[][..], |m| yaml.items(m.value));
    let container_ports: Vec<NodeId> = list
        .iter()
        .filter_map(|&port| yaml.get(port, "containerPort").map(|m| m.value))
        .filter(|&v| port_value(v))
        .collect();
    if !container_ports.is_empty() {
        moved.push("the container port");
    }
    let probes: Vec<NodeId> = ["livenessProbe", "readinessProbe", "startupProbe"]
        .iter()
        .flat_map(|probe| {
            ["httpGet", "tcpSocket", "grpc"]
                .iter()
                .filter_map(|handler| yaml.path(c.container.node, &[probe, handler, "port"]))
        })
        .filter(|&v| port_value(v))
        .collect();
    if !probes.is_empty() {
        moved.push("the probes");
    }
    edits.extend(
        container_ports
            .into_iter()
            .chain(probes)
            .map(|v| replace_value(yaml, v, &ports.to.to_string())),
    );
    edits.extend(container_edits(cx, c, &[Want::RunAsNonRoot]));
    let (uid, to, from) = (variant.ids.split(':').next()?, ports.to, ports.from);
    let title = format!(
        "Switch to `{written}` (uid {uid}, port {to}) with `runAsNonRoot: true`{} — the Services that target port {from} must move too",
        moved_to(&moved, to)
    );
    Some(Fix::unsafe_(title, edits).preferred(false))
}

#[cfg(test)]
mod tests {
    use super::mirrored_tag;
    use crate::document::FileKind;
    use crate::engine::lint::lint;
    use crate::rules::RuleId;

    /// The switch moves every port of the pod and of the Services that select it, and nothing else.
    #[test]
    fn the_kubernetes_switch_moves_the_ports_that_reach_the_pod() {
        let text = include_str!(
            "../../../../tests/fixtures/kubernetes/run-as-root.unprivileged-variant.yaml"
        );
        let finding = lint(text, FileKind::Kubernetes)
            .into_iter()
            .find(|d| d.rule == RuleId::RunAsRoot)
            .expect("run-as-root");
        let switch = finding
            .fixes
            .iter()
            .find(|f| {
                f.title
                    .starts_with("Switch to `nginxinc/nginx-unprivileged:1.30`")
            })
            .expect("the switch");
        assert!(!switch.preferred);
        assert!(
            switch
                .title
                .contains("the container port and the probes move to 8080 — the Services that target port 80 must move too"),
            "{}",
            switch.title
        );
        let fixed = switch.apply(text).expect("applies");
        assert!(
            fixed.contains("image: nginxinc/nginx-unprivileged:1.30"),
            "{fixed}"
        );
        assert!(fixed.contains("- containerPort: 8080"), "{fixed}");
        assert!(fixed.contains("              port: 8080"), "{fixed}");
        assert!(fixed.contains("runAsNonRoot: true"), "{fixed}");
        let after = lint(&fixed, FileKind::Kubernetes);
        assert!(
            !after.iter().any(|d| d.rule == RuleId::RunAsRoot),
            "{after:?}"
        );
    }

    #[test]
    fn only_tags_the_variant_publishes_are_kept() {
        for tag in [
            "1.27",
            "1.27.3",
            "1",
            "mainline",
            "stable-alpine",
            "1.27-alpine-slim",
            "alpine",
            "latest",
            "1.27-perl",
        ] {
            assert!(mirrored_tag(tag), "{tag}");
        }
        for tag in [
            "1.27-bookworm",
            "alpine3.20",
            "1.27.3-alpine3.20",
            "mainline-otel",
            "",
        ] {
            assert!(!mirrored_tag(tag), "{tag}");
        }
    }
}
