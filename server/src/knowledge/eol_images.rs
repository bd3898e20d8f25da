//! Which image lines are past end of life, and the nearest supported line of the same variant.
//!
//! The table is data (`server/data/eol-images.json`), dated, with its sources, so keeping it current is an
//! edit to one file. Versions compare per numeric component (`3.4` < `3.10`, `1.9` < `1.10`). A tag is of a
//! listed line when the line's components begin the tag's version (`3.9.18-slim` is of `3.9`, `3.90` is not)
//! or when the tag names less than a line and the newest line it names is listed (`php:5` is `5.6`,
//! `mysql:8` is `8.4`), or when it starts with the line's codename (`buster-slim`). Support is not monotonic
//! (node's odd majors, MariaDB's short-term releases), so listed lines are judged as listed; a version the
//! table does not list is end of life when it is older than the oldest supported line (`node:8`,
//! `postgres:9.4`), and unknown — silent — otherwise (a newer line the table has not caught up with).
//! The bump keeps the rest of the tag (`-slim`, `-alpine`, `-fpm`), moving an end-of-life Debian or Ubuntu
//! codename in it to the nearest supported one and an end-of-life Alpine version to plain `alpine`, so the new tag names the same variant.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::image_ref::ImageRef;

#[derive(Debug, Deserialize)]
pub struct EolTable {
    pub as_of: String,
    pub sources: Vec<String>,
    pub note: String,
    /// Keyed by the official image's name (`python`), or by a registry path ending in `/*` for images
    /// outside Docker Hub's library (`mcr.microsoft.com/dotnet/*`).
    pub images: BTreeMap<String, Image>,
    /// Images published on the same lines as an official one, by canonical name: the official image's name
    /// (`docker.io/nginxinc/nginx-unprivileged` builds every nginx release, with the same tags).
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct Image {
    #[serde(default)]
    pub eol: Vec<Line>,
    #[serde(default)]
    pub supported: Vec<String>,
    /// Codenames of the supported lines, in the same order (Debian, Ubuntu, Node.js).
    #[serde(default)]
    pub supported_aliases: Vec<String>,
    /// The whole image is deprecated in favour of another.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
    /// The tag suffixes a supported line is published with, when not every old variant has a new
    /// counterpart (.NET moved from Debian to Ubuntu): a bump is offered only to one of these.
    #[serde(default)]
    pub fix_variants: Option<Vec<String>>,
    /// Repository prefixes the project moved (`mcr.microsoft.com/dotnet/core/` is now
    /// `mcr.microsoft.com/dotnet/`): a bump names the new place.
    #[serde(default)]
    pub renamed: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct Line {
    pub line: String,
    #[serde(default)]
    pub alias: Option<String>,
    pub date: String,
}

#[derive(Debug, Deserialize)]
pub struct Deprecated {
    pub date: String,
    pub replacement: String,
    /// The versions the replacement has.
    pub lines: Vec<String>,
    /// The version to use when the old one has no counterpart.
    pub fallback: String,
}

/// Why an image is past end of life, and what to move to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `python 3.8`, or `the openjdk image` for a deprecated image.
    pub what: String,
    pub ended: Ended,
    /// The reference to switch to; `None` when no supported line exists (CentOS) or the variant has no
    /// supported counterpart.
    pub replacement: Option<String>,
}

/// How the table knows the line ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// A listed line, with its end-of-life date.
    On(String),
    /// An unlisted version below a listed end-of-life line (`python 3.4` below `3.5`).
    Before { line: String, date: String },
    /// An unlisted version below the oldest supported line, with no listed line between.
    BelowSupported { line: String },
    /// No line of the image is supported at all (CentOS).
    NoneSupported,
}

impl fmt::Display for Verdict {
    /// The second half of the finding's message: `python 3.8 stopped getting security fixes on 2024-10-07`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = &self.what;
        match &self.ended {
            Ended::On(date) => write!(f, "{what} stopped getting security fixes on {date}"),
            Ended::Before { line, date } => write!(
                f,
                "{what} is older than {line}, which stopped getting security fixes on {date}"
            ),
            Ended::BelowSupported { line } => {
                write!(
                    f,
                    "{what} is older than {line}, the oldest line still supported"
                )
            }
            Ended::NoneSupported => {
                write!(f, "{what} gets no security fixes: no line is supported")
            }
        }
    }
}

/// The table, parsed once. The file is part of the binary; a test proves it parses.
pub fn table() -> &'static EolTable {
    static TABLE: OnceLock<EolTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/eol-images.json")).unwrap_or_else(|_| {
            EolTable {
                as_of: String::new(),
                sources: Vec::new(),
                note: String::new(),
                images: BTreeMap::new(),
                variants: BTreeMap::new(),
            }
        })
    })
}

/// A dotted numeric version, compared per component.
type Version = Vec<u64>;

/// The numeric version a tag starts with and the rest: `3.9.18-slim` → `[3, 9, 18]`, `-slim`.
fn split_version(tag: &str) -> Option<(Version, &str)> {
    let end = tag
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(tag.len());
    let written = tag[..end].trim_end_matches('.');
    if !written.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let version = written
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<Version>>()?;
    Some((version, &tag[written.len()..]))
}

fn version_of(line: &str) -> Option<Version> {
    split_version(line)
        .filter(|(_, rest)| rest.is_empty())
        .map(|(v, _)| v)
}

/// A line of the table as a tag is matched against it.
enum Listed<'a> {
    Eol(&'a Line),
    Supported,
}

impl EolTable {
    /// Whether the table has lines for this official image (`nginx`, `postgres`…).
    pub fn knows(&self, image: &ImageRef) -> bool {
        image.is_official() && self.images.contains_key(image.short_name())
    }

    /// The table's entry for an image: the official image of that name, or a registry path it is under.
    fn entry(&self, image: &ImageRef) -> Option<(&str, &Image)> {
        if image.is_official() {
            let family = image.short_name();
            return self
                .images
                .get_key_value(family)
                .map(|(k, v)| (k.as_str(), v));
        }
        let name = image.canonical_name();
        if let Some(family) = self.variants.get(&name) {
            return self
                .images
                .get_key_value(family)
                .map(|(k, v)| (k.as_str(), v));
        }
        self.images.iter().find_map(|(key, entry)| {
            let prefix = key.strip_suffix('*')?;
            name.starts_with(prefix).then(|| {
                (
                    key.strip_suffix("/*")
                        .unwrap_or(key)
                        .rsplit('/')
                        .next()
                        .unwrap_or(key),
                    entry,
                )
            })
        })
    }

    /// The verdict on an image, `None` when it is not past end of life (or the table cannot tell).
    pub fn judge(&self, image: &ImageRef) -> Option<Verdict> {
        let (family, entry) = self.entry(image)?;
        let tag = image.tag.as_deref().unwrap_or("latest");
        if let Some(deprecated) = &entry.deprecated {
            return Some(deprecated_verdict(family, deprecated, tag));
        }
        if let Some(verdict) = judge_codename(family, entry, image, tag) {
            return verdict;
        }
        let (version, rest) = split_version(tag)?;
        let written = &tag[..tag.len() - rest.len()];
        let bump = |above: &Version| {
            nearest(entry, above, false).and_then(|new| bumped(entry, image, new, rest))
        };
        match listed_line(entry, &version) {
            Some(Listed::Supported) => base_verdict(image, written, rest),
            Some(Listed::Eol(line)) => Some(Verdict {
                what: format!("{family} {}", line.line),
                ended: Ended::On(line.date.clone()),
                replacement: bump(&version_of(&line.line).unwrap_or_default()),
            }),
            None => {
                let oldest_supported = entry.supported.iter().filter_map(|s| version_of(s)).min();
                if oldest_supported
                    .as_ref()
                    .is_some_and(|oldest| version >= *oldest)
                {
                    return base_verdict(image, written, rest);
                }
                let above = entry
                    .eol
                    .iter()
                    .filter_map(|l| Some((version_of(&l.line)?, l)))
                    .filter(|(v, _)| {
                        *v > version && oldest_supported.as_ref().is_none_or(|s| v < s)
                    })
                    .min_by(|a, b| a.0.cmp(&b.0));
                let ended = match (above, &oldest_supported) {
                    (Some((_, line)), _) => Ended::Before {
                        line: format!("{family} {}", line.line),
                        date: line.date.clone(),
                    },
                    (None, Some(_)) => Ended::BelowSupported {
                        line: format!("{family} {}", nearest(entry, &version, false)?),
                    },
                    (None, None) => Ended::NoneSupported,
                };
                Some(Verdict {
                    what: format!("{family} {written}"),
                    ended,
                    replacement: bump(&version),
                })
            }
        }
    }
}

/// A supported line on an end-of-life base (`python:3.12-buster`, `node:22-alpine3.16`): the Debian or
/// Ubuntu codename or Alpine version in the rest of the tag is judged, and the bump keeps the version and
/// moves the base to the nearest supported one.
fn base_verdict(image: &ImageRef, written: &str, rest: &str) -> Option<Verdict> {
    let ended = rest.split('-').find_map(|part| {
        let base = if let Some(version) = part.strip_prefix("alpine").filter(|v| !v.is_empty()) {
            vec![format!("alpine:{version}")]
        } else if part.starts_with(|c: char| c.is_ascii_lowercase()) && !part.starts_with("alpine")
        {
            vec![format!("debian:{part}"), format!("ubuntu:{part}")]
        } else {
            Vec::new()
        };
        base.into_iter()
            .find_map(|reference| table().judge(&ImageRef::parse(&reference)?))
    })?;
    let variant = current_variant(rest);
    let replacement = (variant != rest).then(|| format!("{}:{written}{variant}", image.name()));
    Some(Verdict {
        what: format!("its base, {}", ended.what),
        ended: ended.ended,
        replacement,
    })
}

/// An image replaced as a whole (openjdk → eclipse-temurin): every tag is judged.
fn deprecated_verdict(family: &str, deprecated: &Deprecated, tag: &str) -> Verdict {
    let major: String = tag.chars().take_while(char::is_ascii_digit).collect();
    let version = if deprecated.lines.contains(&major) {
        major
    } else {
        deprecated.fallback.clone()
    };
    let mut flavour = if tag.contains("jre") { "jre" } else { "jdk" }.to_owned();
    if tag.contains("alpine") {
        flavour.push_str("-alpine");
    }
    Verdict {
        what: format!("the {family} image"),
        ended: Ended::On(deprecated.date.clone()),
        replacement: Some(format!("{}:{version}-{flavour}", deprecated.replacement)),
    }
}

/// A tag written as a codename (`buster-slim`, `jammy`), or a named non-numeric line (`centos:latest`):
/// `Some(None)` for a supported codename, `Some(Some(_))` for an end-of-life one.
fn judge_codename(
    family: &str,
    entry: &Image,
    image: &ImageRef,
    tag: &str,
) -> Option<Option<Verdict>> {
    let names = |name: &str| {
        tag.strip_prefix(name)
            .filter(|rest| rest.is_empty() || rest.starts_with('-'))
    };
    if entry
        .supported_aliases
        .iter()
        .any(|alias| names(alias).is_some())
    {
        return Some(None);
    }
    entry.eol.iter().find_map(|line| {
        let (name, rest) = match &line.alias {
            Some(alias) => (alias.as_str(), names(alias)?),
            None if version_of(&line.line).is_none() => (line.line.as_str(), names(&line.line)?),
            None => return None,
        };
        let replacement = version_of(&line.line)
            .and_then(|v| nearest(entry, &v, line.alias.is_some()))
            .and_then(|new| bumped(entry, image, new, rest));
        Some(Some(Verdict {
            what: format!("{family} {name}"),
            ended: Ended::On(line.date.clone()),
            replacement,
        }))
    })
}

/// The listed line a version is of: the most specific line that begins it (`3.9` for `3.9.18`), else the
/// newest line it begins (`5.6` for `5`).
fn listed_line<'a>(entry: &'a Image, version: &Version) -> Option<Listed<'a>> {
    let lines = entry
        .eol
        .iter()
        .filter_map(|l| Some((version_of(&l.line)?, Listed::Eol(l))))
        .chain(
            entry
                .supported
                .iter()
                .filter_map(|s| Some((version_of(s)?, Listed::Supported))),
        );
    let mut general: Option<(Version, Listed)> = None;
    let mut specific: Option<(Version, Listed)> = None;
    for (line, listed) in lines {
        if version.starts_with(&line) {
            if general.as_ref().is_none_or(|(g, _)| line.len() > g.len()) {
                general = Some((line, listed));
            }
        } else if line.starts_with(version) && specific.as_ref().is_none_or(|(s, _)| line > *s) {
            specific = Some((line, listed));
        }
    }
    general.or(specific).map(|(_, listed)| listed)
}

/// The supported line nearest above `version` (else the newest), as a version or a codename.
fn nearest<'a>(entry: &'a Image, version: &Version, by_alias: bool) -> Option<&'a str> {
    let position = entry
        .supported
        .iter()
        .position(|s| version_of(s).is_some_and(|s| s > *version))
        .or_else(|| entry.supported.len().checked_sub(1))?;
    if by_alias {
        entry.supported_aliases.get(position).map(String::as_str)
    } else {
        entry.supported.get(position).map(String::as_str)
    }
}

/// The reference with the new line and the old variant, when the variant exists on the new line.
fn bumped(entry: &Image, image: &ImageRef, new: &str, rest: &str) -> Option<String> {
    // `8u392-b08-jdk`, `3.9rc1`: a tag whose rest is not a `-variant` has no counterpart to name.
    if !(rest.is_empty() || rest.starts_with('-')) {
        return None;
    }
    let variant = current_variant(rest);
    if entry
        .fix_variants
        .as_ref()
        .is_some_and(|variants| !variants.contains(&variant))
    {
        return None;
    }
    let mut name = image.name();
    if let Some((from, to)) = entry
        .renamed
        .iter()
        .find(|(from, _)| name.starts_with(from.as_str()))
    {
        name = format!("{to}{}", &name[from.len()..]);
    }
    Some(format!("{name}:{new}{variant}"))
}

/// The rest of a tag with end-of-life Debian and Ubuntu codenames and Alpine versions moved to the
/// nearest supported ones (`-slim-buster` → `-slim-bookworm`, `-bionic` → `-jammy`, `-alpine3.16` →
/// `-alpine`), judged by the same table.
fn current_variant(rest: &str) -> String {
    let bumped_tag = |reference: String| {
        let verdict = table().judge(&ImageRef::parse(&reference)?)?;
        let new = ImageRef::parse(verdict.replacement.as_deref()?)?;
        new.tag
    };
    rest.split('-')
        .map(|part| {
            if part.starts_with(|c: char| c.is_ascii_lowercase()) && !part.starts_with("alpine") {
                for distro in ["debian", "ubuntu"] {
                    if let Some(tag) = bumped_tag(format!("{distro}:{part}")) {
                        return tag;
                    }
                }
            }
            if let Some(version) = part.strip_prefix("alpine").filter(|v| !v.is_empty()) {
                let alpine = ImageRef::parse(&format!("alpine:{version}"));
                if alpine.is_some_and(|a| table().judge(&a).is_some()) {
                    return "alpine".to_owned();
                }
            }
            part.to_owned()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(reference: &str) -> Option<Verdict> {
        table().judge(&ImageRef::parse(reference).expect("a reference"))
    }

    /// How a tag of the family is written: `python:3.9`, or under a registry path
    /// (`mcr.microsoft.com/dotnet/sdk:8.0`).
    fn reference(family: &str, tag: &str) -> String {
        match family.strip_suffix('*') {
            Some(prefix) => format!("{prefix}sdk:{tag}"),
            None => format!("{family}:{tag}"),
        }
    }

    #[test]
    fn every_line_in_the_table_is_a_parseable_tag_and_every_bump_is_supported() {
        let table = table();
        assert_eq!(table.as_of, "2026-12-01");
        assert!(!table.sources.is_empty());
        for (family, image) in &table.images {
            let lines = image
                .eol
                .iter()
                .flat_map(|l| std::iter::once(&l.line).chain(&l.alias));
            for tag in lines
                .chain(&image.supported)
                .chain(&image.supported_aliases)
            {
                let reference = reference(family, tag);
                let parsed = ImageRef::parse(&reference).unwrap_or_else(|| panic!("{reference}"));
                assert_eq!(parsed.tag.as_deref(), Some(tag.as_str()), "{reference}");
                assert!(table.entry(&parsed).is_some(), "{reference}");
            }
            for line in &image.eol {
                assert!(
                    line.date.len() == 10 && line.date.as_bytes()[4] == b'-',
                    "{family} {}",
                    line.line
                );
                let verdict = judge(&reference(family, &line.line))
                    .unwrap_or_else(|| panic!("{family}:{} is not judged", line.line));
                assert_eq!(
                    verdict.ended,
                    Ended::On(line.date.clone()),
                    "{family}:{}",
                    line.line
                );
                if let Some(new) = verdict.replacement {
                    assert_eq!(
                        judge(&new),
                        None,
                        "{family}:{} bumps to an end-of-life {new}",
                        line.line
                    );
                }
            }
            for tag in &image.supported {
                assert_eq!(judge(&reference(family, tag)), None, "{family}:{tag}");
            }
        }
    }

    /// Old tags generated from the table itself — each end-of-life line with patch versions and variants,
    /// and versions in the gaps below the oldest supported line — are all reported; supported lines with
    /// patch versions and variants are all silent.
    #[test]
    fn generated_old_tags_are_reported_and_supported_ones_are_silent() {
        let mut reported = 0;
        for (family, image) in &table().images {
            if image.deprecated.is_some() {
                continue;
            }
            let variants = [
                "",
                ".1",
                ".0.7",
                "-slim",
                "-alpine",
                ".2-alpine3.22",
                "-bookworm",
            ];
            let oldest_supported = image.supported.iter().filter_map(|s| version_of(s)).min();
            for line in &image.eol {
                let Some(version) = version_of(&line.line) else {
                    continue;
                };
                for variant in variants {
                    let tag = format!("{}{variant}", line.line);
                    assert!(judge(&reference(family, &tag)).is_some(), "{family}:{tag}");
                    reported += 1;
                }
                // Below each line: the previous minor or major, when it is not listed itself.
                let mut below = version.clone();
                let last = below.len() - 1;
                if below[last] == 0 {
                    below.truncate(last);
                    if below.is_empty() {
                        continue;
                    }
                }
                let last = below.len() - 1;
                below[last] = below[last].saturating_sub(1);
                if below == version || listed_line(image, &below).is_some() {
                    continue;
                }
                if oldest_supported.as_ref().is_none_or(|s| below < *s) {
                    let tag = below
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(".");
                    let verdict = judge(&reference(family, &tag));
                    assert!(verdict.is_some(), "{family}:{tag} below {}", line.line);
                    reported += 1;
                }
            }
            for line in &image.supported {
                for variant in variants {
                    let tag = format!("{line}{variant}");
                    assert_eq!(judge(&reference(family, &tag)), None, "{family}:{tag}");
                }
            }
        }
        assert!(reported > 500, "{reported}");
    }

    #[test]
    fn versions_compare_per_component_and_older_than_listed_lines_are_old() {
        let ended = |r: &str| judge(r).map(|v| v.to_string());
        for old in [
            "node:8",
            "node:0.10",
            "node:9",
            "node:13-alpine",
            "node:carbon",
            "nginx:1.13-alpine",
            "alpine:3.4",
            "python:3.4",
            "python:2",
            "golang:1.10",
            "ruby:2.3",
            "postgres:9.4",
            "postgres:9",
            "redis:3",
            "redis:6",
            "redis:7.0.15-alpine",
            "php:5-apache",
            "mariadb:11.2",
            "mariadb:10.5.9",
            "mongo:4.4.6-bionic",
            "mongo:3.2",
            "mcr.microsoft.com/dotnet/aspnet:6.0",
            "mcr.microsoft.com/dotnet/sdk:7.0-alpine",
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "mcr.microsoft.com/dotnet/runtime:9.0-bookworm-slim",
            "mcr.microsoft.com/dotnet/core/sdk:3.1",
            "openjdk:22-slim",
            "eclipse-temurin:19-jre",
            "centos:5",
            "ubuntu:12.04",
        ] {
            assert!(ended(old).is_some(), "{old}");
        }
        for supported in [
            "python:3",
            "node:22",
            "node:jod",
            "node:24-alpine",
            "mysql:8",
            "redis:7",
            "php:8",
            "mariadb:10.11",
            "mariadb:11.4.2",
            "mariadb:11",
            "mariadb:10",
            "mongo:8.0",
            "nginx:1.30",
            "mcr.microsoft.com/dotnet/aspnet:10.0",
            "golang:1.27",
            "node:26",
            "alpine:3.23",
            "python:3.90",
            "node:lts",
            "node:alpine",
            "postgres:latest",
            "ghcr.io/acme/python:3.8",
            "mcr.microsoft.com/powershell:6.0",
        ] {
            assert_eq!(ended(supported), None, "{supported}");
        }
        assert_eq!(
            ended("python:3.2").as_deref(),
            Some(
                "python 3.2 is older than python 3.3, which stopped getting security fixes on 2017-09-29"
            )
        );
        assert_eq!(
            ended("postgres:9.4").as_deref(),
            Some(
                "postgres 9.4 is older than postgres 9.6, which stopped getting security fixes on 2021-11-11"
            )
        );
        assert_eq!(
            ended("redis:7.0").as_deref(),
            Some("redis 7.0 is older than redis 7.2, the oldest line still supported")
        );
        assert_eq!(
            ended("node:16.20.2").as_deref(),
            Some("node 16 stopped getting security fixes on 2023-09-11")
        );
    }

    #[test]
    fn bumps_keep_the_variant() {
        let bump = |r: &str| judge(r).and_then(|v| v.replacement);
        assert_eq!(
            bump("python:3.9.18-slim-bullseye").as_deref(),
            Some("python:3.11-slim-bookworm")
        );
        assert_eq!(
            bump("node:16-alpine3.16").as_deref(),
            Some("node:22-alpine")
        );
        assert_eq!(
            bump("node:gallium-alpine").as_deref(),
            Some("node:jod-alpine")
        );
        assert_eq!(bump("node:8").as_deref(), Some("node:22"));
        assert_eq!(
            bump("mongo:4.4.6-bionic").as_deref(),
            Some("mongo:7.0-jammy")
        );
        assert_eq!(
            bump("nginx:1.13-alpine").as_deref(),
            Some("nginx:1.30-alpine")
        );
        assert_eq!(
            bump("nginxinc/nginx-unprivileged:1.27-alpine").as_deref(),
            Some("nginxinc/nginx-unprivileged:1.30-alpine")
        );
        assert_eq!(
            bump("redis:3-alpine3.4").as_deref(),
            Some("redis:7.2-alpine")
        );
        assert_eq!(
            bump("debian:buster-slim").as_deref(),
            Some("debian:bookworm-slim")
        );
        assert_eq!(bump("ubuntu:18.04").as_deref(), Some("ubuntu:22.04"));
        assert_eq!(bump("ubuntu:focal").as_deref(), Some("ubuntu:jammy"));
        assert_eq!(
            bump("docker.io/library/php:7.4-fpm").as_deref(),
            Some("docker.io/library/php:8.2-fpm")
        );
        assert_eq!(
            bump("openjdk:11-jre-slim").as_deref(),
            Some("eclipse-temurin:11-jre")
        );
        assert_eq!(
            bump("openjdk:8-alpine").as_deref(),
            Some("eclipse-temurin:8-jdk-alpine")
        );
        assert_eq!(
            bump("mcr.microsoft.com/dotnet/core/sdk:3.1").as_deref(),
            Some("mcr.microsoft.com/dotnet/sdk:10.0")
        );
        assert_eq!(
            bump("mcr.microsoft.com/dotnet/aspnet:8.0-alpine").as_deref(),
            Some("mcr.microsoft.com/dotnet/aspnet:10.0-alpine")
        );
        // .NET 10 has no Debian images: no bump to name.
        assert_eq!(
            bump("mcr.microsoft.com/dotnet/aspnet:6.0-bullseye-slim"),
            None
        );
        assert_eq!(bump("eclipse-temurin:16.0.2_7-jdk"), None);
        assert_eq!(judge("centos:7").map(|v| v.replacement), Some(None));
        assert_eq!(judge("python:3.12"), None);
        assert_eq!(judge("python:3.90"), None);
        assert_eq!(judge("python"), None);
        assert_eq!(judge("ghcr.io/acme/python:3.8"), None);
    }
}
