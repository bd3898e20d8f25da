//! Which official image lines are past end of life, and the nearest supported line of the same variant.
//!
//! The table is data (`server/data/eol-images.json`), dated, with its sources, so keeping it current is an
//! edit to one file. A tag belongs to a line when it starts with the line's version at a component boundary
//! (`3.9`, `3.9.18-slim`, but not `3.90`) or with its codename (`buster`, `buster-slim`). The bump keeps the
//! rest of the tag (`-slim`, `-alpine`, `-fpm`), moving an end-of-life Debian codename in it to `bookworm`
//! and an end-of-life Alpine version to plain `alpine`, so the new tag names the same variant.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::image_ref::ImageRef;

#[derive(Debug, Deserialize)]
pub struct EolTable {
    pub as_of: String,
    pub sources: Vec<String>,
    pub note: String,
    pub images: BTreeMap<String, Image>,
}

#[derive(Debug, Deserialize)]
pub struct Image {
    #[serde(default)]
    pub eol: Vec<Line>,
    #[serde(default)]
    pub supported: Vec<String>,
    /// Codenames of the supported lines, in the same order (Debian, Ubuntu).
    #[serde(default)]
    pub supported_aliases: Vec<String>,
    /// The whole image is deprecated in favour of another.
    #[serde(default)]
    pub deprecated: Option<Deprecated>,
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
    /// `python 3.8`, or `openjdk` for a deprecated image.
    pub what: String,
    pub date: String,
    /// The reference to switch to; `None` when no supported line exists (CentOS).
    pub replacement: Option<String>,
}

/// The table, parsed once. The file is part of the binary; a test proves it parses.
pub fn table() -> &'static EolTable {
    static TABLE: OnceLock<EolTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("../data/eol-images.json")).unwrap_or_else(|_| EolTable {
            as_of: String::new(),
            sources: Vec::new(),
            note: String::new(),
            images: BTreeMap::new(),
        })
    })
}

/// Debian codenames past end of life, as they appear inside other images' tags (`3.9-slim-buster`).
const EOL_CODENAMES: [&str; 4] = ["jessie", "stretch", "buster", "bullseye"];
const CURRENT_CODENAME: &str = "bookworm";

impl EolTable {
    /// Whether the table has lines for this official image (`nginx`, `postgres`…).
    pub fn knows(&self, image: &ImageRef) -> bool {
        image.is_official() && self.images.contains_key(image.short_name())
    }

    /// The verdict on an official image, `None` when it is not past end of life (or not in the table).
    pub fn judge(&self, image: &ImageRef) -> Option<Verdict> {
        if !image.is_official() {
            return None;
        }
        let family = image.short_name();
        let entry = self.images.get(family)?;
        let tag = image.tag.as_deref().unwrap_or("latest");
        if let Some(deprecated) = &entry.deprecated {
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
            return Some(Verdict {
                what: format!("the {family} image"),
                date: deprecated.date.clone(),
                replacement: Some(format!("{}:{version}-{flavour}", deprecated.replacement)),
            });
        }
        let (line, rest, by_alias) = entry.eol.iter().find_map(|l| {
            if let Some(rest) = version_rest(tag, &l.line) {
                return Some((l, rest, false));
            }
            let alias = l.alias.as_deref()?;
            let rest = tag.strip_prefix(alias)?;
            (rest.is_empty() || rest.starts_with('-')).then_some((l, rest, true))
        })?;
        let replacement = nearest(entry, &line.line, by_alias)
            .map(|new| format!("{}:{new}{}", image.name(), current_variant(rest)));
        Some(Verdict {
            what: format!(
                "{family} {}",
                line.alias
                    .as_deref()
                    .filter(|_| by_alias)
                    .unwrap_or(&line.line)
            ),
            date: line.date.clone(),
            replacement,
        })
    }
}

/// What follows `line` in `tag` when the tag is of that line (`3.9` in `3.9.18-slim` leaves `-slim`).
fn version_rest<'a>(tag: &'a str, line: &str) -> Option<&'a str> {
    let rest = tag.strip_prefix(line)?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // A patch version of the line (`3.9.18`) goes with the old line.
    let rest = match rest.strip_prefix('.') {
        Some(after) => after.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.'),
        None => rest,
    };
    (rest.is_empty() || rest.starts_with('-')).then_some(rest)
}

/// The supported line nearest above `line` (else the newest), as a version or a codename.
fn nearest<'a>(entry: &'a Image, line: &str, by_alias: bool) -> Option<&'a str> {
    let position = entry
        .supported
        .iter()
        .position(|s| version_key(s) > version_key(line))
        .or_else(|| entry.supported.len().checked_sub(1))?;
    if by_alias {
        entry.supported_aliases.get(position).map(String::as_str)
    } else {
        entry.supported.get(position).map(String::as_str)
    }
}

fn version_key(version: &str) -> Vec<u64> {
    version.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The rest of a tag with end-of-life Debian codenames and Alpine versions moved to current ones.
fn current_variant(rest: &str) -> String {
    rest.split('-')
        .map(|part| {
            if EOL_CODENAMES.contains(&part) {
                return CURRENT_CODENAME.to_owned();
            }
            if let Some(version) = part.strip_prefix("alpine").filter(|v| !v.is_empty()) {
                let alpine = table().images.get("alpine");
                let eol = alpine.is_some_and(|a| a.eol.iter().any(|l| l.line == version));
                if eol {
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

    #[test]
    fn every_line_in_the_table_is_a_parseable_tag_and_every_bump_is_supported() {
        let table = table();
        assert_eq!(table.as_of, "2026-11-28");
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
                let reference = format!("{family}:{tag}");
                let parsed = ImageRef::parse(&reference).unwrap_or_else(|| panic!("{reference}"));
                assert_eq!(parsed.tag.as_deref(), Some(tag.as_str()), "{reference}");
                assert_eq!(parsed.short_name(), family, "{reference}");
            }
            for line in &image.eol {
                assert!(
                    line.date.len() == 10 && line.date.as_bytes()[4] == b'-',
                    "{family} {}",
                    line.line
                );
                let verdict = judge(&format!("{family}:{}", line.line))
                    .unwrap_or_else(|| panic!("{family}:{} is not judged", line.line));
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
                assert_eq!(judge(&format!("{family}:{tag}")), None, "{family}:{tag}");
            }
        }
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
        assert_eq!(judge("centos:7").map(|v| v.replacement), Some(None));
        assert_eq!(judge("python:3.12"), None);
        assert_eq!(judge("python:3.90"), None);
        assert_eq!(judge("python"), None);
        assert_eq!(judge("ghcr.io/acme/python:3.8"), None);
    }
}
