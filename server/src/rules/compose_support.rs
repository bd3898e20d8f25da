//! Helpers for Compose rules: reading list-or-string options and editing a service's mapping.

use crate::knowledge::official_images::{self, Image};
use crate::model::compose::{Compose, Service};
use crate::model::image_ref::ImageRef;
use crate::model::yaml::{NodeId, Yaml};

/// The string items of an option written as a list (`cap_drop: [ALL]`) or a single string.
pub fn strings(yaml: &Yaml, value: NodeId) -> Vec<(String, NodeId)> {
    let items = yaml.items(value);
    if items.is_empty() {
        return yaml
            .str(value)
            .map(|s| vec![(s.to_owned(), value)])
            .unwrap_or_default();
    }
    items
        .iter()
        .filter_map(|&i| yaml.str(i).map(|s| (s.to_owned(), i)))
        .collect()
}

/// What a service builds: its `build:` context (`.` when not given) and Dockerfile (`Dockerfile`), from
/// `build: ./dir` or `build: {context: …, dockerfile: …}`; `None` without `build:`.
pub fn build_of(yaml: &Yaml, service: &Service) -> Option<(String, String)> {
    let build = yaml.get(service.node, "build")?;
    if let Some(context) = yaml.str(build.value) {
        return Some((context.to_owned(), "Dockerfile".to_owned()));
    }
    let field = |key: &str| {
        yaml.get(build.value, key)
            .and_then(|m| yaml.str(m.value))
            .map(str::to_owned)
    };
    Some((
        field("context").unwrap_or_else(|| ".".to_owned()),
        field("dockerfile").unwrap_or_else(|| "Dockerfile".to_owned()),
    ))
}

/// The files a service's `env_file:` names: a string, a list of strings, or a list of `{path: …}` entries.
pub fn env_files(yaml: &Yaml, service: &Service) -> Vec<(String, NodeId)> {
    let Some(member) = yaml.get(service.node, "env_file") else {
        return Vec::new();
    };
    let mut out = strings(yaml, member.value);
    for &item in yaml.items(member.value) {
        if let Some(path) = yaml.get(item, "path").and_then(|m| yaml.str(m.value)) {
            out.push((path.to_owned(), item));
        }
    }
    out
}

/// A volume of a Compose service, short (`./data:/data:ro`) or long syntax.
#[derive(Debug, Clone)]
pub struct Volume {
    pub source: String,
    /// A host path (bind mount), not a named or anonymous volume.
    pub bind: bool,
    pub read_only: bool,
    /// An access mode is written (`:rw`, `:z`…), so `ro` joins it with a comma.
    pub has_mode: bool,
    /// The item in `volumes:`.
    pub node: NodeId,
    /// Written as one string (`source:target[:mode]`).
    pub short: bool,
    /// The path inside the container.
    pub target: String,
}

pub fn volumes(yaml: &Yaml, compose: &Compose, service: &Service) -> Vec<Volume> {
    let Some(member) = yaml.get(service.node, "volumes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &item in yaml.items(member.value) {
        if let Some(spec) = yaml.str(item) {
            let parts = split_spec(spec);
            let (source, target, mode) = match parts.as_slice() {
                [target] => ("", *target, ""),
                [source, target] => (*source, *target, ""),
                [source, target, mode, ..] => (*source, *target, *mode),
                [] => continue,
            };
            let bound = bound_device(yaml, compose, source);
            out.push(Volume {
                bind: bound.is_some() || is_host_path(source),
                source: bound.unwrap_or(source).to_owned(),
                read_only: mode.split(',').any(|m| m == "ro"),
                has_mode: !mode.is_empty(),
                node: item,
                short: true,
                target: target.to_owned(),
            });
        } else if yaml.is_mapping(item) {
            let field = |key: &str| {
                yaml.get(item, key)
                    .and_then(|m| yaml.str(m.value))
                    .unwrap_or("")
                    .to_owned()
            };
            let source = field("source");
            let kind = field("type");
            let bound = bound_device(yaml, compose, &source).map(str::to_owned);
            let named_bind = kind == "volume" && bound.is_some();
            let source = bound.unwrap_or(source);
            out.push(Volume {
                bind: kind == "bind" || named_bind || (kind.is_empty() && is_host_path(&source)),
                read_only: yaml.get(item, "read_only").is_some_and(|m| {
                    yaml.bool(m.value, crate::model::yaml::Booleans::Compose) == Some(true)
                }),
                has_mode: false,
                target: field("target"),
                source,
                node: item,
                short: false,
            });
        }
    }
    out
}

/// The host directory a named volume binds (`driver_opts: {type: none, o: bind, device: /etc}` in the
/// top-level `volumes:`), if `name` is such a volume: the local driver mounts that directory as it is.
fn bound_device<'a>(yaml: &'a Yaml, compose: &Compose, name: &str) -> Option<&'a str> {
    if name.is_empty() || is_host_path(name) {
        return None;
    }
    let definition = yaml.path(compose.root?, &["volumes", name])?;
    let options = yaml.get(definition, "driver_opts")?.value;
    let option = |key: &str| yaml.get(options, key).and_then(|m| yaml.str(m.value));
    let binds = option("o").is_some_and(|o| o.split(',').any(|o| o.trim() == "bind"));
    let device = option("device")?;
    (binds && device.starts_with('/')).then_some(device)
}

/// Split a short-syntax volume or port spec at its colons, leaving those inside `${…}` alone.
pub fn split_spec(spec: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = spec.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
}

/// `/etc`, `./data`, `~/x`, `${HOME}/x`: a path on the host rather than a volume name.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~', '$'])
}

/// The container ports a service publishes or exposes (`ports:` short and long syntax, `expose:`), with the
/// item each comes from.
pub fn container_ports(yaml: &Yaml, service: &Service) -> Vec<(u16, NodeId)> {
    let mut out = Vec::new();
    for key in ["ports", "expose"] {
        let Some(member) = yaml.get(service.node, key) else {
            continue;
        };
        for &item in yaml.items(member.value) {
            let port = if yaml.is_mapping(item) {
                yaml.get(item, "target")
                    .and_then(|m| yaml.str(m.value))
                    .and_then(|t| t.parse().ok())
            } else {
                yaml.str(item).and_then(|spec| {
                    let spec = spec.split('/').next().unwrap_or(spec);
                    spec.rsplit(':').next()?.split('-').next()?.parse().ok()
                })
            };
            out.extend(port.map(|p| (p, item)));
        }
    }
    out
}

/// The `image:` values of the services that build theirs: the name given to what is built, which Compose
/// pulls instead of building when it finds it in a registry (unless `pull_policy: build`).
pub fn built_images<'a>(
    yaml: &'a Yaml,
    compose: &'a Compose,
) -> impl Iterator<Item = (&'a Service, NodeId)> + 'a {
    compose.services.iter().filter_map(|service| {
        yaml.get(service.node, "build")?;
        Some((service, yaml.get(service.node, "image")?.value))
    })
}

/// Whether a service builds its image and never pulls it (`pull_policy: build`).
pub fn only_built(yaml: &Yaml, service: &Service) -> bool {
    yaml.get(service.node, "pull_policy")
        .and_then(|m| yaml.str(m.value))
        == Some("build")
}

/// Whether `image` is one of Docker Hub's official images dockwarden knows (`nginx`, `python`…).
pub fn names_official_image(image: &crate::model::image_ref::ImageRef) -> bool {
    image.is_official()
        && (crate::knowledge::base_images::catalog()
            .family(image)
            .is_some()
            || crate::knowledge::eol_images::table().knows(image))
}

/// The official image a service pulls (not one it builds), with what the image table knows of it.
pub fn known_image(yaml: &Yaml, service: &Service) -> Option<(ImageRef, &'static Image)> {
    if yaml.get(service.node, "build").is_some() {
        return None;
    }
    let reference = ImageRef::parse(yaml.str(yaml.get(service.node, "image")?.value)?)?;
    let image = official_images::table().lookup(&reference)?;
    Some((reference, image))
}

/// Why the service's image needs the host, when the image table lists it as a node agent (an exporter, a
/// log shipper, a CNI or CSI plugin).
pub fn host_agent(yaml: &Yaml, service: &Service) -> Option<&'static str> {
    let reference = ImageRef::parse(yaml.str(yaml.get(service.node, "image")?.value)?)?;
    official_images::table().host_agent(&reference)
}

/// Whether the service keeps its image's entrypoint (no `entrypoint:`) and runs the image's server, so that
/// an entrypoint that drops root does so. `command:` is a string split on blanks, or a list.
pub fn entrypoint_drops_root(yaml: &Yaml, service: &Service, image: &Image) -> bool {
    if yaml.get(service.node, "entrypoint").is_some() {
        return false;
    }
    let command = yaml.get(service.node, "command").map(|m| {
        let value = yaml.resolve(m.value);
        match yaml.items(value).first() {
            Some(&first) => yaml.str(first).unwrap_or_default().to_owned(),
            None => yaml
                .str(value)
                .and_then(|s| s.split_whitespace().next())
                .unwrap_or_default()
                .to_owned(),
        }
    });
    match command.as_deref() {
        Some("") => image.drops_root_for(None),
        other => image.drops_root_for(other),
    }
}

/// The `image:` values of the services that pull their image (with `build:`, `image:` names what is built,
/// not what it is built from).
pub fn pulled_images<'a>(
    yaml: &'a Yaml,
    compose: &'a Compose,
) -> impl Iterator<Item = NodeId> + 'a {
    compose.services.iter().filter_map(|service| {
        if yaml.get(service.node, "build").is_some() {
            return None;
        }
        yaml.get(service.node, "image").map(|m| m.value)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn specs_split_outside_variables() {
        assert_eq!(
            super::split_spec("${A:-/mnt}/x:/data:ro"),
            ["${A:-/mnt}/x", "/data", "ro"]
        );
        assert_eq!(super::split_spec("/a:/b"), ["/a", "/b"]);
    }
}
