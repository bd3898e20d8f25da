//! Which official images are full OS or language images, and the leaner images that replace them.
//!
//! The catalog is data (`server/data/base-images.json`, dated, with its sources), so keeping it current is an
//! edit to one file. This module only reads tags: `3.12-bookworm` is version `3.12`, codename `bookworm`;
//! `8.2-fpm` is version `8.2`, flavour `fpm`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::image_ref::ImageRef;

#[derive(Debug, Deserialize)]
pub struct Catalog {
    pub as_of: String,
    pub sources: Vec<String>,
    codenames: Vec<String>,
    lean_markers: Vec<String>,
    families: BTreeMap<String, Family>,
}

/// The base operating system of an image family, which decides how a user is created in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Debian,
    Rhel,
}

#[derive(Debug, Deserialize)]
pub struct Family {
    pub os: Os,
    /// Built on buildpack-deps: curl, wget, git, make and the compilers, which its leaner variants lack.
    #[serde(default)]
    pub build_tools: bool,
    /// An image to build with (compilers are fine there): only a problem as the final stage, and never
    /// replaced in a stage the final one builds on, where the build needs it.
    #[serde(default)]
    pub final_stage_only: bool,
    /// Tags that name a release line as a version does (`node:lts` is a line; `node:slim` another one).
    #[serde(default)]
    version_aliases: Vec<String>,
    /// Said when there is no leaner image of the family to switch to.
    #[serde(default)]
    pub advice: Option<String>,
    #[serde(default)]
    lean_markers: Vec<String>,
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Deserialize)]
struct Alternative {
    label: String,
    /// Parts of a new tag for the same repository, joined with `-`, empty parts skipped.
    #[serde(default)]
    tag: Option<Vec<String>>,
    /// The tag to use when the original has none (or `latest`).
    #[serde(default)]
    untagged: Option<String>,
    /// A different image altogether.
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    distroless: bool,
    #[serde(default)]
    preferred: bool,
    #[serde(default)]
    note: Option<String>,
    /// For images named per major version: the majors that exist.
    #[serde(default)]
    majors: Option<Vec<String>>,
    /// Only these flavours have this variant (`php:8.2-apache` has no Alpine image).
    #[serde(default)]
    flavors: Option<Vec<String>>,
    #[serde(default)]
    needs_version: bool,
}

/// The catalog, parsed once. The file is part of the binary; a test proves it parses.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/base-images.json")).unwrap_or_else(|_| {
            Catalog {
                as_of: String::new(),
                sources: Vec::new(),
                codenames: Vec::new(),
                lean_markers: Vec::new(),
                families: BTreeMap::new(),
            }
        })
    })
}

/// A tag read as version, flavour words and distribution codename.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TagParts {
    pub version: String,
    pub flavor: Vec<String>,
    pub codename: Option<String>,
}

impl Catalog {
    /// The family of an official image (`python`, `docker.io/library/node`, a mirror of them), if catalogued.
    pub fn family(&self, image: &ImageRef) -> Option<(&str, &Family)> {
        let name = image
            .repository
            .strip_prefix("library/")
            .unwrap_or(&image.repository);
        let name = name.rsplit_once("/library/").map_or(name, |(_, n)| n);
        let name = name.strip_prefix("docker/library/").unwrap_or(name);
        if name.contains('/') {
            return None;
        }
        self.families
            .get_key_value(name)
            .map(|(k, v)| (k.as_str(), v))
    }

    pub fn split_tag(&self, family: &Family, tag: Option<&str>) -> TagParts {
        let mut parts = TagParts::default();
        let tag = tag.filter(|t| *t != "latest").unwrap_or("");
        for (i, part) in tag.split('-').filter(|p| !p.is_empty()).enumerate() {
            let alias = family.version_aliases.iter().any(|a| a == part);
            if i == 0 && (part.starts_with(|c: char| c.is_ascii_digit()) || alias) {
                parts.version = part.to_owned();
            } else if self.codenames.iter().any(|c| c == part) {
                parts.codename = Some(part.to_owned());
            } else {
                parts.flavor.push(part.to_owned());
            }
        }
        parts
    }

    /// Whether the tag already names a lean variant (`-slim`, `-alpine`, a JRE…).
    pub fn is_lean(&self, family: &Family, tag: Option<&str>) -> bool {
        let tag = tag.unwrap_or("").to_ascii_lowercase();
        self.lean_markers
            .iter()
            .chain(&family.lean_markers)
            .any(|m| tag.contains(m.as_str()))
    }

    /// Leaner images for `image` of `family`, preferred first. `distroless_ok` says whether the stage can live
    /// without a shell and package manager.
    pub fn alternatives(
        &self,
        family: &Family,
        image: &ImageRef,
        distroless_ok: bool,
    ) -> Vec<Replacement> {
        let parts = self.split_tag(family, image.tag.as_deref());
        let major = parts.version.split('.').next().unwrap_or("").to_owned();
        let mut out = Vec::new();
        for alt in &family.alternatives {
            if alt.distroless && !distroless_ok {
                continue;
            }
            if alt.needs_version && parts.version.is_empty() {
                continue;
            }
            if let Some(flavors) = &alt.flavors {
                if !flavors.iter().any(|f| *f == parts.flavor.join("-")) {
                    continue;
                }
            }
            if let Some(majors) = &alt.majors {
                if !majors.contains(&major) {
                    continue;
                }
            }
            let fill = |s: &str| {
                s.replace("{version}", &parts.version)
                    .replace("{major}", &major)
                    .replace("{codename}", parts.codename.as_deref().unwrap_or(""))
                    .replace("{flavor}", &parts.flavor.join("-"))
            };
            let reference = match (&alt.image, &alt.tag) {
                (Some(image), _) => fill(image),
                (None, Some(tag_parts)) => {
                    let untagged = parts.version.is_empty()
                        && parts.codename.is_none()
                        && parts.flavor.is_empty();
                    let tag = match (&alt.untagged, untagged) {
                        (Some(default), true) => default.clone(),
                        _ => tag_parts
                            .iter()
                            .map(|p| fill(p))
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join("-"),
                    };
                    format!("{}:{tag}", image.name())
                }
                (None, None) => continue,
            };
            out.push(Replacement {
                label: alt.label.clone(),
                reference,
                note: alt.note.as_ref().map(|n| fill(n)),
                preferred: alt.preferred,
            });
        }
        if !out.iter().any(|r| r.preferred) {
            if let Some(first) = out.first_mut() {
                first.preferred = true;
            }
        }
        out
    }
}

/// One leaner image to switch to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub label: String,
    pub reference: String,
    pub note: Option<String>,
    pub preferred: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alternatives(reference: &str, distroless_ok: bool) -> Vec<String> {
        let image = ImageRef::parse(reference).expect("valid reference");
        let catalog = catalog();
        let (_, family) = catalog.family(&image).expect("catalogued");
        catalog
            .alternatives(family, &image, distroless_ok)
            .into_iter()
            .map(|r| r.reference)
            .collect()
    }

    #[test]
    fn the_catalog_parses_and_is_dated() {
        assert!(catalog().as_of.starts_with("20"));
        assert!(!catalog().families.is_empty());
    }

    #[test]
    fn every_suggested_reference_parses() {
        for reference in [
            "python:3.12",
            "node:22",
            "golang:1.23",
            "rust:1.80",
            "debian",
            "ubuntu:24.04",
            "php:8.2-fpm",
        ] {
            for alt in alternatives(reference, true) {
                assert!(
                    ImageRef::parse(&alt).is_some_and(|r| r.tag.is_some()),
                    "{alt}"
                );
            }
        }
    }

    #[test]
    fn tags_keep_version_and_codename() {
        assert_eq!(
            alternatives("python:3.12", true),
            [
                "python:3.12-slim",
                "python:3.12-alpine",
                "gcr.io/distroless/python3-debian13:nonroot"
            ]
        );
        assert_eq!(
            alternatives("python:3.12-bookworm", false),
            ["python:3.12-slim-bookworm", "python:3.12-alpine"]
        );
        assert_eq!(
            alternatives("node:22-bookworm", false),
            ["node:22-bookworm-slim", "node:22-alpine"]
        );
        assert_eq!(
            alternatives("node:20", true),
            ["node:20-slim", "node:20-alpine"]
        );
        // A release line named by a word keeps its name: `node:slim` is the current line, not the LTS.
        assert_eq!(
            alternatives("node:lts", true),
            ["node:lts-slim", "node:lts-alpine"]
        );
        assert_eq!(
            alternatives("node:lts-bookworm", false),
            ["node:lts-bookworm-slim", "node:lts-alpine"]
        );
        assert_eq!(alternatives("node", false), ["node:slim", "node:alpine"]);
        assert_eq!(
            alternatives("debian:bookworm", false),
            ["debian:bookworm-slim"]
        );
        assert_eq!(alternatives("debian", false), ["debian:trixie-slim"]);
        assert!(alternatives("ubuntu:22.04", false).is_empty());
        assert_eq!(alternatives("php:8.2-fpm", false), ["php:8.2-fpm-alpine"]);
        assert!(alternatives("php:8.2-apache", false).is_empty());
        assert_eq!(
            alternatives("docker.io/library/ruby:3.3", false),
            [
                "docker.io/library/ruby:3.3-slim",
                "docker.io/library/ruby:3.3-alpine"
            ]
        );
    }
}
