//! A YAML file's pipeline, once its stream is read: the Compose rules over the file (or the merged stack it
//! belongs to, with YAML merge keys folded), or the Kubernetes rules over its documents.

use crate::document::FileKind;
use crate::engine::compose_stack::Stack;
use crate::engine::run_rules::run_rules;
use crate::engine::surroundings::Surroundings;
use crate::model::compose::Compose;
use crate::model::kubernetes::Kubernetes;
use crate::model::yaml::Yaml;
use crate::rules::settings::Settings;
use crate::rules::{ComposeContext, Diagnostic, FileSource, KubernetesContext};

/// What the rules find in a YAML stream already read into `yaml` as `kind` (Compose or Kubernetes), before
/// suppressions and settings are applied to the whole file.
pub fn lint_yaml(
    source: &str,
    kind: FileKind,
    yaml: &Yaml,
    files: &dyn FileSource,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let out = match kind {
        // A file of a Compose stack (with its override, or listed in `COMPOSE_FILE`) is linted as the
        // merged project, and keeps the findings whose place is in it.
        FileKind::Compose => match Stack::find(source, yaml, files) {
            Some(stack) => {
                let merged = &stack.layered;
                let found = lint_compose(&merged.text, &merged.yaml, files, settings);
                stack.own_findings(found)
            }
            None => lint_compose(source, yaml, files, settings),
        },
        FileKind::Kubernetes => {
            let k8s = Kubernetes::read(yaml);
            let cx = KubernetesContext {
                source,
                yaml,
                k8s: &k8s,
                settings,
            };
            run_rules(source, settings, |rule| rule.checks().kubernetes, &cx)
        }
        // (no YAML is read as a Dockerfile; were it, it would be linted as one)
        FileKind::Dockerfile => {
            let around = Surroundings {
                files,
                settings,
                ..Surroundings::none()
            };
            return crate::engine::dockerfile::lint(source, &around);
        }
    };
    crate::rules::diagnostic::finish(out)
}

/// What the Compose rules find in one Compose file, or in the merged view of a stack.
fn lint_compose(
    source: &str,
    yaml: &Yaml,
    files: &dyn FileSource,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let compose = Compose::read(yaml);
    let cx = ComposeContext {
        source,
        yaml,
        compose: &compose,
        files,
        settings,
    };
    let out = run_rules(source, settings, |rule| rule.checks().compose, &cx);
    crate::engine::merge_keys::fold(source, yaml, &compose, out)
}
