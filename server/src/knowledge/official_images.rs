//! What the official images do at run time: the user they ship, whether their entrypoint starts as root and
//! drops to that user itself, the paths they write, the capabilities that entrypoint needs, and the agents
//! that need the host by design.
//!
//! The fixes read this before they change a container's user, root file system or capabilities, so that the
//! service still starts: `postgres` runs as its own uid 999 (not an arbitrary 10001 that owns nothing), a
//! read-only root comes with a writable mount for `/var/run/postgresql`, and `cap_drop: [ALL]` keeps the
//! capabilities `gosu` needs. The facts are data (`server/data/official-images.json`, dated, each entry
//! with its sources), so keeping them current is an edit to one file.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::image_ref::ImageRef;

#[derive(Debug, Default, Deserialize)]
pub struct ImageTable {
    pub as_of: String,
    images: Vec<Image>,
    host_agents: Vec<HostAgent>,
}

/// One official image (or one flavour of it, such as `php:*-apache`).
#[derive(Debug, Deserialize)]
pub struct Image {
    names: Vec<String>,
    /// Only tags that contain this word (`php:8.3-apache`, `php:8.3-fpm-alpine`).
    #[serde(default)]
    tag_contains: Option<String>,
    pub user: User,
    /// The entrypoint starts as root, prepares its directories and re-executes itself as [`Image::user`].
    #[serde(default)]
    pub drops_privileges: Option<Drops>,
    /// The image's `USER` is already [`Image::user`]: it does not start as root at all.
    #[serde(default)]
    pub runs_as_user: bool,
    /// Why the image needs the host (its namespaces or its file system), when it is a node agent.
    #[serde(default)]
    pub host_agent: Option<String>,
    pub ports: Vec<u16>,
    /// Paths written at run time outside the data directories (sockets, pid files, caches).
    pub writes: Vec<String>,
    /// Where the image keeps its data (meant to be a volume).
    pub data: Vec<String>,
    /// The `VOLUME`s its Dockerfile declares: Docker gives each an anonymous volume when nothing else is
    /// mounted there, so they stay writable under a read-only root.
    #[serde(default)]
    pub image_volumes: Vec<String>,
    /// The capabilities its root entrypoint needs once every other one is dropped.
    pub entrypoint_caps: Vec<String>,
    #[serde(default)]
    pub unprivileged: Option<Unprivileged>,
    pub sources: Vec<String>,
    pub reviewed: String,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub name: String,
    /// `uid:gid`.
    ids: String,
    /// `uid:gid` on the Alpine variants, when they differ.
    #[serde(default)]
    alpine_ids: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Drops {
    pub tool: String,
    /// The commands for which it drops (any other command runs as root).
    commands: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Unprivileged {
    pub image: String,
    pub ids: String,
    pub port: u16,
}

#[derive(Debug, Deserialize)]
struct HostAgent {
    prefix: String,
    why: String,
}

/// The table, parsed once. The file is part of the binary; a test proves it parses.
pub fn table() -> &'static ImageTable {
    static TABLE: OnceLock<ImageTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/official-images.json")).unwrap_or_default()
    })
}

/// The image as Docker Hub names it: `postgres` for `docker.io/library/postgres` or a `…/library/postgres`
/// mirror, `quay.io/prometheus/prometheus` with its registry.
fn canonical_name(image: &ImageRef) -> String {
    let repository = image
        .repository
        .strip_prefix("library/")
        .unwrap_or(&image.repository);
    let repository = repository
        .rsplit_once("/library/")
        .map_or(repository, |(_, name)| name);
    match image.registry.as_deref() {
        None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
            repository.to_owned()
        }
        Some(_)
            if image.repository.starts_with("library/")
                || image.repository.contains("/library/") =>
        {
            repository.to_owned()
        }
        Some(registry) => format!("{registry}/{repository}"),
    }
}

impl ImageTable {
    /// What the table knows of `image`, if anything.
    pub fn lookup(&self, image: &ImageRef) -> Option<&Image> {
        if image.registry_is_variable() {
            return None;
        }
        let name = canonical_name(image);
        let tag = image.tag.as_deref().unwrap_or("latest");
        self.images.iter().find(|entry| {
            entry.names.contains(&name)
                && entry
                    .tag_contains
                    .as_deref()
                    .is_none_or(|word| tag.split('-').any(|part| part == word))
        })
    }

    /// Why `image` needs the host, when it is a node agent (exporters, log shippers, CNI and CSI plugins).
    pub fn host_agent(&self, image: &ImageRef) -> Option<&str> {
        if let Some(why) = self.lookup(image).and_then(|i| i.host_agent.as_deref()) {
            return Some(why);
        }
        let name = canonical_name(image);
        self.host_agents
            .iter()
            .find(|agent| match agent.prefix.strip_suffix('/') {
                Some(folder) => name.starts_with(&agent.prefix) || name == folder,
                None => name == agent.prefix,
            })
            .map(|agent| agent.why.as_str())
    }
}

impl Image {
    /// `uid:gid` of the image's user in this variant of it.
    pub fn ids(&self, image: &ImageRef) -> &str {
        let alpine = image
            .tag
            .as_deref()
            .is_some_and(|tag| tag.contains("alpine"));
        match (&self.user.alpine_ids, alpine) {
            (Some(ids), true) => ids,
            _ => &self.user.ids,
        }
    }

    pub fn uid<'a>(&'a self, image: &ImageRef) -> &'a str {
        let ids = self.ids(image);
        ids.split_once(':').map_or(ids, |(uid, _)| uid)
    }

    pub fn gid<'a>(&'a self, image: &ImageRef) -> &'a str {
        let ids = self.ids(image);
        ids.split_once(':').map_or(ids, |(_, gid)| gid)
    }

    /// Whether the image's own entrypoint drops root for `command` (its first word; `None` is the image's
    /// default command). Options (`-c …`) and config files are handed to the server by the entrypoint.
    pub fn drops_root_for(&self, command: Option<&str>) -> bool {
        let Some(drops) = &self.drops_privileges else {
            return false;
        };
        let Some(command) = command else {
            return true;
        };
        let program = command.rsplit('/').next().unwrap_or(command);
        command.starts_with('-')
            || command.ends_with(".conf")
            || drops.commands.iter().any(|c| c == program)
    }

    /// The paths a process of the image's own uid cannot write when the image starts as root and keeps its
    /// main process root (nginx, httpd: a root master with unprivileged workers): they belong to root.
    /// `/tmp` is world-writable. Empty for images that drop root themselves or already run as their user.
    pub fn root_owned_writes(&self) -> Vec<&str> {
        if self.drops_privileges.is_some() || self.runs_as_user {
            return Vec::new();
        }
        self.writes
            .iter()
            .map(String::as_str)
            .filter(|p| *p != "/tmp")
            .collect()
    }

    /// Whether it listens on a port below 1024, which a non-root process binds under Docker (whose network
    /// namespaces start unprivileged ports at 0) but not in Kubernetes without the sysctl that says so.
    pub fn listens_below_1024(&self) -> bool {
        self.ports.iter().any(|&p| p < 1024)
    }

    /// Every path the container writes at run time: its data directories and the rest.
    pub fn writable_paths(&self) -> impl Iterator<Item = &str> {
        self.data.iter().chain(&self.writes).map(String::as_str)
    }

    /// Whether `path` is covered by a mount at `mount`: the same path, a folder above it, or one below it
    /// (a volume inside the data directory, where the image lets it be chosen).
    pub fn covers(mount: &str, path: &str) -> bool {
        let mount = mount.trim_end_matches('/');
        let path = path.trim_end_matches('/');
        let inside = |outer: &str, inner: &str| {
            inner == outer || inner.starts_with(outer) && inner[outer.len()..].starts_with('/')
        };
        mount.is_empty() || inside(mount, path) || inside(path, mount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(reference: &str) -> Option<&'static Image> {
        table().lookup(&ImageRef::parse(reference)?)
    }

    #[test]
    fn the_table_parses_and_every_entry_is_sourced_and_dated() {
        let table = table();
        assert!(!table.as_of.is_empty());
        assert!(table.images.len() >= 10);
        for image in &table.images {
            assert!(!image.sources.is_empty(), "{:?} has no source", image.names);
            assert_eq!(image.reviewed.len(), 10, "{:?}: reviewed date", image.names);
            for ids in std::iter::once(&image.user.ids).chain(&image.user.alpine_ids) {
                let (uid, gid) = ids.split_once(':').expect("uid:gid");
                assert!(
                    uid.parse::<u32>().is_ok() && gid.parse::<u32>().is_ok(),
                    "{ids}"
                );
            }
            for path in image.writable_paths() {
                assert!(path.starts_with('/'), "{path}");
            }
        }
    }

    #[test]
    fn images_are_found_by_their_official_names_and_variants() {
        let postgres = lookup("postgres:16").expect("postgres");
        assert_eq!(
            postgres.uid(&ImageRef::parse("postgres:16").expect("reference")),
            "999"
        );
        let alpine = ImageRef::parse("docker.io/library/postgres:16-alpine").expect("reference");
        assert_eq!(
            table().lookup(&alpine).map(|i| i.ids(&alpine)),
            Some("70:70")
        );
        assert!(lookup("mirror.example.com/library/redis:7").is_some());
        assert!(lookup("quay.io/prometheus/prometheus:v3.0.0").is_some());
        assert!(lookup("example.com/postgres:16").is_none());
        assert!(lookup("bitnami/postgresql:16").is_none());
        assert_eq!(
            lookup("php:8.3-apache").map(|i| i.ports.clone()),
            Some(vec![80])
        );
        assert_eq!(
            lookup("php:8.3-fpm-alpine").map(|i| i.ports.clone()),
            Some(vec![9000])
        );
        assert!(lookup("php:8.3-cli").is_none());
    }

    #[test]
    fn the_entrypoint_drops_root_only_for_its_server() {
        let postgres = lookup("postgres").expect("postgres");
        assert!(postgres.drops_root_for(None));
        assert!(postgres.drops_root_for(Some("postgres")));
        assert!(postgres.drops_root_for(Some("-c")));
        assert!(!postgres.drops_root_for(Some("bash")));
        let node = lookup("node:22").expect("node");
        assert!(!node.drops_root_for(None));
    }

    #[test]
    fn node_agents_are_known_by_name_or_folder() {
        let agent = |r: &str| {
            table()
                .host_agent(&ImageRef::parse(r).expect("reference"))
                .is_some()
        };
        assert!(agent("prom/node-exporter:v1.8.2"));
        assert!(agent(
            "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.12.0"
        ));
        assert!(agent("quay.io/cilium/cilium:v1.16.0"));
        assert!(!agent("nginx:1.27"));
        assert!(!agent("prom/prometheus:v3.0.0"));
    }

    #[test]
    fn mounts_cover_the_path_they_hold_or_sit_in() {
        assert!(Image::covers(
            "/var/lib/postgresql",
            "/var/lib/postgresql/data"
        ));
        assert!(Image::covers(
            "/var/lib/postgresql/data/pgdata",
            "/var/lib/postgresql/data"
        ));
        assert!(Image::covers("/tmp/", "/tmp"));
        assert!(!Image::covers(
            "/var/lib/postgresql-old",
            "/var/lib/postgresql"
        ));
        assert!(!Image::covers("/data", "/var/run"));
    }
}
