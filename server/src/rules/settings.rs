//! What one lint runs with: every rule's severity and the options rules read (trusted registries, golden
//! images, suppressions, the size limit, the enforced Pod Security level). `engine::config` builds it from
//! `.dockwarden.yaml` and the editor's settings.

use std::collections::BTreeMap;

use globset::GlobMatcher;
use serde::{Deserialize, Deserializer};

use crate::document::Severity;
use crate::knowledge::pod_security::Level;
use crate::model::image_ref::ImageRef;
use crate::rules::id::RuleId;

/// The default `max-file-size`: 64 MiB, far above any real Dockerfile, Compose file or manifest.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// What one lint runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Severities the config sets; the other rules report at their default.
    pub(crate) rules: BTreeMap<RuleId, Severity>,
    pub(crate) trusted_registries: Option<Vec<RegistryPattern>>,
    pub(crate) base_images: BTreeMap<String, GoldenImage>,
    pub allow_suppressions: bool,
    pub require_reason: bool,
    pub max_file_size: u64,
    pub pod_security: Option<Level>,
    /// `unpinned-image` reports every image not pinned by digest.
    pub require_digest: bool,
}

/// What an empty config says: every rule at its default severity, suppressions allowed without reasons.
impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: BTreeMap::new(),
            trusted_registries: None,
            base_images: BTreeMap::new(),
            allow_suppressions: true,
            require_reason: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            pod_security: None,
            require_digest: false,
        }
    }
}

/// The rules the command line asks for (`check --select`, `--ignore`), over every config: `--select` runs
/// only the rules it names, turning on the ones that are off by default; `--ignore` turns rules off.
/// Fixes follow: `--fix` applies only the fixes of the rules that run.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    pub select: Option<Vec<RuleId>>,
    pub ignore: Vec<RuleId>,
}

impl Settings {
    /// These settings with the command line's rule selection applied.
    pub fn with_selection(mut self, selection: &RuleSelection) -> Settings {
        if let Some(selected) = &selection.select {
            for &rule in RuleId::ALL {
                if !selected.contains(&rule) {
                    self.rules.insert(rule, Severity::Off);
                } else if self.severity(rule) == Severity::Off {
                    let default = match rule.meta().severity {
                        Severity::Off => Severity::Warning,
                        severity => severity,
                    };
                    self.rules.insert(rule, default);
                }
            }
        }
        for &rule in &selection.ignore {
            self.rules.insert(rule, Severity::Off);
        }
        self
    }

    /// Settings that turn `rules` on (the opt-in ones at warning), for tests and fixtures.
    pub fn enabling(rules: &[RuleId]) -> Settings {
        let mut settings = Settings::default();
        for rule in rules.iter().filter(|r| r.meta().severity == Severity::Off) {
            settings.rules.insert(*rule, Severity::Warning);
        }
        settings
    }

    /// The severity `rule` reports at; `Off` when it does not run.
    pub fn severity(&self, rule: RuleId) -> Severity {
        self.rules
            .get(&rule)
            .copied()
            .unwrap_or(rule.meta().severity)
    }

    /// The severity the config gives `rule`, if it names one; findings keep their own otherwise (a rule may
    /// report some findings as information).
    pub fn configured(&self, rule: RuleId) -> Option<Severity> {
        self.rules.get(&rule).copied()
    }

    pub fn enabled(&self, rule: RuleId) -> bool {
        self.severity(rule) != Severity::Off
    }

    /// Whether images from `image` may be used; `None` when no list is configured, or when the registry is
    /// a variable.
    pub fn trusts(&self, image: &ImageRef) -> Option<bool> {
        let patterns = self.trusted_registries.as_ref()?;
        // `${REGISTRY}/app`: the registry is chosen at build or deploy time, not here.
        if image.registry_is_variable() {
            return None;
        }
        let name = image.canonical_name();
        let registry = name.split('/').next().unwrap_or_default();
        Some(patterns.iter().any(|p| p.matches(registry, &name)))
    }

    /// The organisation's image for the family `family` (`python`), if the config names one.
    pub fn golden_image(&self, family: &str) -> Option<&ImageRef> {
        self.base_images.get(family).map(|g| &g.image)
    }
}

/// A `trusted-registries` entry: a registry host (`registry.example.com`, every image in it), or a glob over
/// `registry/repository` (`docker.io/library/*`, `ghcr.io/acme/**`).
#[derive(Debug, Clone)]
pub struct RegistryPattern {
    text: String,
    matcher: GlobMatcher,
}

impl RegistryPattern {
    fn matches(&self, registry: &str, name: &str) -> bool {
        if self.text.contains('/') {
            self.matcher.is_match(name)
        } else {
            self.matcher.is_match(registry)
        }
    }
}

impl PartialEq for RegistryPattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<'de> Deserialize<'de> for RegistryPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let glob = globset::GlobBuilder::new(&text)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                serde::de::Error::custom(format!("`{text}` is not a valid pattern: {e}"))
            })?;
        Ok(RegistryPattern {
            matcher: glob.compile_matcher(),
            text,
        })
    }
}

/// A `base-images` value: an image reference without unresolved variables.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenImage {
    pub image: ImageRef,
}

impl<'de> Deserialize<'de> for GoldenImage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ImageRef::parse(&text)
            .map(|image| GoldenImage { image })
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not an image reference")))
    }
}
