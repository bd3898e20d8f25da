//! `.dockwarden.yaml` and the editor's settings, resolved into the [`Settings`] one lint runs with: the
//! files found above each linted file (up to the project root), parsed, layered over the editor's.
//!
//! The file and the editor speak the same language (the same keys, deserialised into one [`Config`]); the
//! file's word wins wherever both speak, so the editor shows what CI will report. The nearest file above a
//! linted file applies to it. A file that does not parse, or holds an unknown key or a bad value, is a
//! [`ConfigError`] with the line and column to show on the config file itself; the lint then runs with the
//! editor's settings alone rather than not at all.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::document::Severity;
use crate::engine::disk;
use crate::knowledge::pod_security::Level;
use crate::rules::id::RuleId;
use crate::rules::settings::{GoldenImage, RegistryPattern, Settings};

/// The file names dockwarden looks for, in this order, in every folder from a file's up.
pub const FILE_NAMES: [&str; 2] = [".dockwarden.yaml", ".dockwarden.yml"];

/// What a config file (or the editor) says. Every field is optional: unsaid means "the default, or what
/// the other layer says".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// Severity per rule (`off` turns a rule off, any other level turns an opt-in rule on), or a map with
    /// `severity` and the rule's options (`unpinned-image: {require-digest: true}`).
    #[serde(default, deserialize_with = "rules_by_name")]
    pub rules: BTreeMap<RuleId, RuleSetting>,
    /// Registries (and repositories) images may come from; unset, `untrusted-registry` stays silent.
    pub trusted_registries: Option<Vec<RegistryPattern>>,
    /// The organisation's golden images by family (`python: registry.example.com/python-hardened`), offered
    /// first by the base-image fix.
    pub base_images: Option<BTreeMap<String, GoldenImage>>,
    /// Paths (gitignore syntax, relative to the config file) that are not linted.
    pub ignore_paths: Option<Vec<String>>,
    /// `false`: inline suppressions have no effect and are reported (a CI policy).
    pub allow_suppressions: Option<bool>,
    /// `true`: a suppression without a reason (`-- why`) has no effect and is reported.
    pub require_reason: Option<bool>,
    /// Bytes of a file that are read (64 MiB unsaid, `rules::settings::DEFAULT_MAX_FILE_SIZE`): a larger
    /// file is linted in its first part only, without shell parsing or other files, and a `skipped-file`
    /// finding says so.
    pub max_file_size: Option<u64>,
    /// The Pod Security level the cluster enforces in every namespace (`baseline` or `restricted`): a
    /// violation of it is an error that says the pod will be refused.
    pub pod_security: Option<Level>,
}

impl Config {
    /// Parse a config file's text; an error carries the line and column it is about.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        // An empty file (or one of comments only) is an empty config, not an error.
        if text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "---"
        }) {
            return Ok(Config::default());
        }
        let config: Config =
            serde_yaml_ng::from_str(text).map_err(|e| ConfigError::from_yaml(&e))?;
        match config.misplaced_option() {
            Some(message) => {
                let offset = text.find("require-digest").unwrap_or(0);
                let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
                Err(ConfigError {
                    message,
                    line: text[..offset].matches('\n').count() + 1,
                    column: text[line_start..offset].chars().count() + 1,
                    offset,
                })
            }
            None => Ok(config),
        }
    }

    /// An option given to a rule it does not belong to.
    fn misplaced_option(&self) -> Option<String> {
        self.rules
            .iter()
            .find(|(rule, s)| s.require_digest.is_some() && **rule != RuleId::UnpinnedImage)
            .map(|(rule, _)| {
                format!("`require-digest` is an option of `unpinned-image`, not of `{rule}`")
            })
    }

    /// Read settings given as JSON, strictly (every key known, every value valid).
    pub fn from_json(value: serde_json::Value) -> Result<Config, String> {
        if value.is_null() {
            return Ok(Config::default());
        }
        let config: Config = serde_json::from_value(value).map_err(|e| e.to_string())?;
        match config.misplaced_option() {
            Some(message) => Err(message),
            None => Ok(config),
        }
    }

    /// Read the editor's settings (`initializationOptions`, `workspace/configuration`, or
    /// `didChangeConfiguration`, with or without a `dockwarden` section around them), leniently: keys may be
    /// kebab-case or camelCase, keys of the editor's own (`enable`, `trace`) are skipped, and a bad value
    /// leaves out its key only; the problems are returned to be logged.
    pub fn from_editor(value: &serde_json::Value) -> (Config, Vec<String>) {
        let section = value.get("dockwarden").unwrap_or(value);
        let mut config = Config::default();
        let mut problems = Vec::new();
        let Some(object) = section.as_object() else {
            return (config, problems);
        };
        for (key, value) in object {
            let kebab = kebab_case(key);
            if !KEYS.contains(&kebab.as_str()) {
                continue;
            }
            let one = serde_json::json!({ kebab.clone(): value });
            match Config::from_json(one) {
                Ok(part) => config = part.over(&config),
                Err(e) => problems.push(format!("setting `{key}`: {e}")),
            }
        }
        (config, problems)
    }

    /// This config over `under`: every field this one sets wins; rule severities merge, this one's first.
    pub fn over(&self, under: &Config) -> Config {
        let mut rules = under.rules.clone();
        for (rule, setting) in &self.rules {
            let below = rules.get(rule).copied().unwrap_or_default();
            rules.insert(*rule, setting.over(below));
        }
        Config {
            rules,
            trusted_registries: self
                .trusted_registries
                .clone()
                .or_else(|| under.trusted_registries.clone()),
            base_images: self
                .base_images
                .clone()
                .or_else(|| under.base_images.clone()),
            ignore_paths: self
                .ignore_paths
                .clone()
                .or_else(|| under.ignore_paths.clone()),
            allow_suppressions: self.allow_suppressions.or(under.allow_suppressions),
            require_reason: self.require_reason.or(under.require_reason),
            max_file_size: self.max_file_size.or(under.max_file_size),
            pod_security: self.pod_security.or(under.pod_security),
        }
    }

    /// What a lint needs of this config: what it says, the defaults where it says nothing.
    pub fn settings(&self) -> Settings {
        let defaults = Settings::default();
        Settings {
            rules: self
                .rules
                .iter()
                .filter_map(|(rule, setting)| Some((*rule, setting.severity?)))
                .collect(),
            require_digest: self
                .rules
                .get(&RuleId::UnpinnedImage)
                .and_then(|s| s.require_digest)
                .unwrap_or(defaults.require_digest),
            trusted_registries: self.trusted_registries.clone(),
            base_images: self.base_images.clone().unwrap_or_default(),
            allow_suppressions: self
                .allow_suppressions
                .unwrap_or(defaults.allow_suppressions),
            require_reason: self.require_reason.unwrap_or(defaults.require_reason),
            max_file_size: self.max_file_size.unwrap_or(defaults.max_file_size),
            pod_security: self.pod_security,
        }
    }
}

/// The keys of a [`Config`].
const KEYS: [&str; 8] = [
    "rules",
    "trusted-registries",
    "base-images",
    "ignore-paths",
    "allow-suppressions",
    "require-reason",
    "max-file-size",
    "pod-security",
];

/// `trustedRegistries` → `trusted-registries`; kebab-case stays as it is.
fn kebab_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What the config says of one rule: its severity, and its options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleSetting {
    pub severity: Option<Severity>,
    /// `unpinned-image` only: report every image not pinned by digest.
    pub require_digest: Option<bool>,
}

impl RuleSetting {
    /// This setting over `under`: what this one says wins, field by field.
    fn over(self, under: RuleSetting) -> RuleSetting {
        RuleSetting {
            severity: self.severity.or(under.severity),
            require_digest: self.require_digest.or(under.require_digest),
        }
    }
}

/// A rule's setting is a severity (`run-as-root: error`) or a map (`unpinned-image: {severity: warning,
/// require-digest: true}`).
impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{IntoDeserializer, MapAccess, Visitor, value::MapAccessDeserializer};

        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        struct Options {
            severity: Option<Severity>,
            #[serde(alias = "requireDigest")]
            require_digest: Option<bool>,
        }

        struct Setting;
        impl<'de> Visitor<'de> for Setting {
            type Value = RuleSetting;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a severity (error, warning, info, off) or a map with `severity` and options",
                )
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RuleSetting, E> {
                let severity = Severity::deserialize(text.into_deserializer())?;
                Ok(RuleSetting {
                    severity: Some(severity),
                    require_digest: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleSetting, A::Error> {
                let options = Options::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RuleSetting {
                    severity: options.severity,
                    require_digest: options.require_digest,
                })
            }
        }
        deserializer.deserialize_any(Setting)
    }
}

/// `rules:`, keyed by rule names or the hadolint codes that stand for them. Two keys for one rule
/// (`DL3002` and `run-as-root`, or `DL3006` and `DL3007`) must agree: which one wins would otherwise depend
/// on the order of the keys.
fn rules_by_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<RuleId, RuleSetting>, D::Error> {
    use serde::de::{MapAccess, Visitor};

    struct Rules;
    impl<'de> Visitor<'de> for Rules {
        type Value = BTreeMap<RuleId, RuleSetting>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of rule names (or hadolint codes) to settings")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut rules = BTreeMap::new();
            let mut keys: BTreeMap<RuleId, String> = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let rule = RuleId::named(&key).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown rule `{key}` (`dockwarden rules` lists them)"
                    ))
                })?;
                let setting: RuleSetting = map.next_value()?;
                if let Some(earlier) = rules.insert(rule, setting) {
                    if earlier != setting {
                        return Err(serde::de::Error::custom(format!(
                            "`{}` and `{key}` both set `{rule}`, differently: keep one",
                            keys[&rule]
                        )));
                    }
                }
                keys.entry(rule).or_insert(key);
            }
            Ok(rules)
        }
    }
    deserializer.deserialize_map(Rules)
}

/// A config file that cannot be used, and where it goes wrong (1-based line and column, byte offset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ConfigError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl ConfigError {
    fn from_yaml(error: &serde_yaml_ng::Error) -> Self {
        let location = error.location();
        let mut message = error.to_string();
        // The crate writes the position into the message; it is shown separately.
        if let Some(l) = &location {
            message = message.replacen(
                &format!(" at line {} column {}", l.line(), l.column()),
                "",
                1,
            );
        }
        ConfigError {
            message,
            line: location.as_ref().map_or(1, |l| l.line()),
            column: location.as_ref().map_or(1, |l| l.column()),
            offset: location.as_ref().map_or(0, |l| l.index()),
        }
    }
}

/// The config file that applies to a file in `folder`: the nearest one in it or a folder above, not above
/// `root` when one is given (the server reads nothing outside its workspace).
pub fn find(folder: &Path, root: Option<&Path>) -> Option<PathBuf> {
    for dir in folder.ancestors() {
        if root.is_some_and(|r| !dir.starts_with(r)) {
            break;
        }
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            // Anything by that name is the config, so one that cannot be read is reported, not passed over.
            if candidate.symlink_metadata().is_ok() {
                return Some(candidate);
            }
        }
    }
    None
}

/// A config file as loaded: its folder (what `ignore-paths` are relative to) and what it says, or why it
/// cannot be used.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// What `ignore-paths` are relative to: the file's folder, or the project root for `--config`.
    pub folder: PathBuf,
    pub text: String,
    pub config: Result<Config, ConfigError>,
}

impl ConfigFile {
    pub fn load(path: &Path) -> ConfigFile {
        let (text, config) = match disk::read_regular(path, disk::MAX_BYTES) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let config = Config::parse(&text);
                (text, config)
            }
            Err(e) => (
                String::new(),
                Err(ConfigError {
                    message: format!("cannot read the file: {e}"),
                    line: 1,
                    column: 1,
                    offset: 0,
                }),
            ),
        };
        ConfigFile {
            path: path.to_path_buf(),
            folder: path.parent().unwrap_or(Path::new("")).to_path_buf(),
            text,
            config,
        }
    }

    /// What applies under this file: it over the editor's settings (`None` = the defaults).
    pub fn over(&self, editor: &Config) -> Config {
        match &self.config {
            Ok(config) => config.over(editor),
            Err(_) => editor.clone(),
        }
    }

    /// The `ignore-paths` pattern that excludes `path` (a file under this config's folder), if any.
    pub fn ignores(&self, editor: &Config, path: &Path) -> Option<String> {
        let config = self.over(editor);
        let patterns = config.ignore_paths?;
        ignored(&self.folder, &patterns, path)
    }
}

/// The pattern of `patterns` (gitignore syntax, relative to `folder`) that `path`, or a folder it lies in,
/// matches, if any.
pub fn ignored(folder: &Path, patterns: &[String], path: &Path) -> Option<String> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(folder);
    for pattern in patterns {
        // A bad pattern was reported when the file was read; it matches nothing.
        let _ = builder.add_line(None, pattern);
    }
    let matcher = builder.build().ok()?;
    if !path.starts_with(folder) {
        return None;
    }
    match matcher.matched_path_or_any_parents(path, false) {
        ignore::Match::Ignore(glob) => Some(glob.original().to_owned()),
        _ => None,
    }
}

/// Why `ignore-paths` leaves a file out: the pattern, and the config file that holds it (`None`: the
/// editor's settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredBy {
    pub pattern: String,
    pub file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_parses() {
        let config = Config::parse(
            "rules:\n  run-as-root: error\n  missing-pipefail: off\n  unpinned-packages: info\n\
             trusted-registries:\n  - registry.example.com\n  - docker.io/library/*\n\
             base-images:\n  python: registry.example.com/python-hardened\n\
             ignore-paths: [vendor/]\nallow-suppressions: false\nrequire-reason: true\n",
        )
        .expect("valid config");
        let settings = config.settings();
        assert_eq!(settings.severity(RuleId::RunAsRoot), Severity::Error);
        assert!(!settings.enabled(RuleId::MissingPipefail));
        assert_eq!(settings.severity(RuleId::UnpinnedPackages), Severity::Info);
        let image = |s: &str| crate::model::image_ref::ImageRef::parse(s).expect("image");
        assert_eq!(settings.trusts(&image("python:3.12")), Some(true));
        assert_eq!(settings.trusts(&image("bitnami/redis:7")), Some(false));
        assert_eq!(
            settings.trusts(&image("registry.example.com/a/b:1")),
            Some(true)
        );
        assert_eq!(settings.trusts(&image("ghcr.io/acme/app:1")), Some(false));
        assert!(!settings.allow_suppressions && settings.require_reason);
        assert_eq!(Settings::default().trusts(&image("x:1")), None);
        assert!(!settings.require_digest);
    }

    #[test]
    fn a_rule_takes_a_map_of_its_severity_and_options() {
        let file =
            Config::parse("rules:\n  unpinned-image: {severity: warning, require-digest: true}\n")
                .expect("valid");
        let settings = file.settings();
        assert!(settings.require_digest);
        assert_eq!(settings.severity(RuleId::UnpinnedImage), Severity::Warning);
        // The editor's camelCase option, under the file's severity.
        let (editor, problems) = Config::from_editor(&serde_json::json!({
            "rules": {"unpinned-image": {"requireDigest": true}}
        }));
        assert!(problems.is_empty(), "{problems:?}");
        let only_level = Config::parse("rules: {unpinned-image: info}\n").expect("valid");
        let merged = only_level.over(&editor).settings();
        assert!(merged.require_digest);
        assert_eq!(merged.severity(RuleId::UnpinnedImage), Severity::Info);
    }

    #[test]
    fn errors_point_at_the_line_and_column() {
        let cases = [
            (
                "rules:\n  run-as-rot: error\n",
                2,
                3,
                "unknown rule `run-as-rot`",
            ),
            (
                "rules:\n  run-as-root: loud\n",
                2,
                16,
                "unknown variant `loud`",
            ),
            (
                "allow-suppressions: false\ntrusted: [a]\n",
                2,
                1,
                "unknown field `trusted`",
            ),
            ("require-reason: maybe\n", 1, 17, "invalid type"),
            (
                "base-images:\n  python: ${BASE}\n",
                2,
                3,
                "is not an image reference",
            ),
            ("rules: [\n", 1, 8, "expected a map"),
            (
                "rules:\n  run-as-root: {require-digest: true}\n",
                2,
                17,
                "an option of `unpinned-image`",
            ),
            (
                "ignore-paths: [\"a]\n",
                2,
                1,
                "while scanning a quoted scalar",
            ),
            (
                "rules:\n  run-as-root: error\n  DL3002: off\n",
                2,
                3,
                "`run-as-root` and `DL3002` both set `run-as-root`, differently",
            ),
            (
                "rules:\n  DL3006: off\n  DL3007: info\n",
                2,
                3,
                "`DL3006` and `DL3007` both set `unpinned-image`, differently",
            ),
        ];
        for (text, line, column, message) in cases {
            let error = Config::parse(text).expect_err(text);
            assert_eq!(
                (error.line, error.column),
                (line, column),
                "{text:?}: {error}"
            );
            assert!(error.message.contains(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_hadolint_code_sets_the_rule_it_stands_for() {
        let config = Config::parse(
            "rules:\n  DL3002: off\n  dl3008: warning\n  DL3006: info\n  DL3007: info\n",
        )
        .expect("valid");
        assert_eq!(
            config.rules[&RuleId::RunAsRoot].severity,
            Some(Severity::Off)
        );
        assert_eq!(
            config.rules[&RuleId::UnpinnedPackages].severity,
            Some(Severity::Warning)
        );
        assert_eq!(
            config.rules[&RuleId::UnpinnedImage].severity,
            Some(Severity::Info)
        );
        assert_eq!(config.rules.len(), 3);
    }

    #[test]
    fn the_file_wins_where_both_speak() {
        let file =
            Config::parse("rules: {run-as-root: error}\nrequire-reason: true\n").expect("ok");
        let (editor, problems) = Config::from_editor(&serde_json::json!({"dockwarden": {
            "enable": true,
            "rules": {"run-as-root": "off", "missing-pipefail": "off"},
            "requireReason": false,
            "allowSuppressions": false,
            "trustedRegistries": "not a list",
        }}));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(editor.trusted_registries.is_none());
        let settings = file.over(&editor).settings();
        assert_eq!(settings.severity(RuleId::RunAsRoot), Severity::Error);
        assert!(!settings.enabled(RuleId::MissingPipefail));
        assert!(settings.require_reason);
        assert!(!settings.allow_suppressions);
    }
}

/// Where the config of a run comes from. A repository's own `.dockwarden.yaml` is written by whoever writes
/// the repository — in CI, by the pull request under review — so a CI policy can replace it or set it aside.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The nearest `.dockwarden.yaml` of each file, up to the root.
    #[default]
    Repository,
    /// This file for every file (`--config FILE`), its `ignore-paths` relative to the root; the repository's
    /// configs are not read, and its `allow-suppressions: false` turns the repository's inline ignores into
    /// findings.
    File(PathBuf),
    /// No config file at all (`--no-repo-config`): the built-in defaults.
    Defaults,
}

/// The config files of a run (the CLI's) or a workspace (the server's), each read once, and the editor's
/// settings they lie over.
#[derive(Debug, Default, Clone)]
pub struct Configs {
    /// Config files are looked for up to this folder only (the server's workspace); `None`: up to `/`.
    root: Option<PathBuf>,
    source: ConfigSource,
    editor: Config,
    /// By config path.
    files: HashMap<PathBuf, ConfigFile>,
    /// The config that applies in a folder, by folder.
    nearest: HashMap<PathBuf, Option<PathBuf>>,
}

impl Configs {
    pub fn new(root: Option<PathBuf>, editor: Config) -> Self {
        Self {
            root,
            editor,
            ..Self::default()
        }
    }

    /// The same, with the config taken from `source` instead of the repository.
    pub fn with_source(mut self, source: ConfigSource) -> Self {
        self.source = source;
        self
    }

    /// Forget every file read (one changed on disk) and take the editor's settings again.
    pub fn reset(&mut self, editor: Config) {
        self.editor = editor;
        self.files.clear();
        self.nearest.clear();
    }

    /// The config file that applies to `path` (a file), read on first use.
    pub fn file_for(&mut self, path: &Path) -> Option<&ConfigFile> {
        match &self.source {
            ConfigSource::Repository => {}
            ConfigSource::Defaults => return None,
            ConfigSource::File(policy) => {
                let policy = policy.clone();
                if !self.files.contains_key(&policy) {
                    let mut file = ConfigFile::load(&policy);
                    if let Some(root) = &self.root {
                        file.folder.clone_from(root);
                    }
                    self.files.insert(policy.clone(), file);
                }
                return self.files.get(&policy);
            }
        }
        let folder = path.parent()?.to_path_buf();
        let config = match self.nearest.get(&folder) {
            Some(found) => found.clone(),
            None => {
                let found = find(&folder, self.root.as_deref());
                self.nearest.insert(folder, found.clone());
                found
            }
        }?;
        if !self.files.contains_key(&config) {
            self.files.insert(config.clone(), ConfigFile::load(&config));
        }
        self.files.get(&config)
    }

    /// The settings a lint of `path` runs with (`None`: a file without a path, such as standard input with
    /// no name: the editor's settings alone).
    pub fn settings_for(&mut self, path: Option<&Path>) -> Settings {
        let editor = self.editor.clone();
        match path.and_then(|p| self.file_for(p)) {
            Some(file) => file.over(&editor).settings(),
            None => editor.settings(),
        }
    }

    /// Whether `ignore-paths` excludes `path`.
    pub fn ignores(&mut self, path: &Path) -> bool {
        self.ignored_by(path).is_some()
    }

    /// The `ignore-paths` entry that excludes `path`, and where it is written.
    pub fn ignored_by(&mut self, path: &Path) -> Option<IgnoredBy> {
        let editor = self.editor.clone();
        match self.file_for(path) {
            Some(file) => Some(IgnoredBy {
                pattern: file.ignores(&editor, path)?,
                file: Some(file.path.clone()),
            }),
            None => Some(IgnoredBy {
                pattern: ignored(self.root.as_ref()?, editor.ignore_paths.as_ref()?, path)?,
                file: None,
            }),
        }
    }

    /// The config files read so far that cannot be used.
    pub fn errors(&self) -> impl Iterator<Item = (&ConfigFile, &ConfigError)> {
        self.files
            .values()
            .filter_map(|f| f.config.as_ref().err().map(|e| (f, e)))
    }
}
