//! The Kubernetes containers that run the image built from the linted Dockerfile, found the way skaffold
//! ties them together: a `skaffold.yaml` in the Dockerfile's folder or up to three above, an entry of its
//! `build.artifacts` that builds this Dockerfile (`context`, `docker.dockerfile`), and the manifests it
//! deploys (`manifests.rawYaml`, `deploy.kubectl.manifests`, the `resources` of the kustomizations under
//! `manifests.kustomize.paths` or `deploy.kustomize.paths`). Skaffold gives every container whose `image:`
//! names the artifact the image it built, so those containers' exec probes run in this image.
//!
//! Without such a file nothing links a Dockerfile to a manifest (an image name alone may be built from
//! anywhere), and nothing is assumed.

use crate::document::KUSTOMIZATIONS;
use crate::model::kubernetes::Kubernetes;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::FileSource;
use crate::rules::compose_support::strings;

/// How many folders up a `skaffold.yaml` is looked for.
const MAX_LEVELS: usize = 3;

/// How many manifest files one artifact's deploy section may bring in.
const MAX_MANIFESTS: usize = 200;

/// The probes whose `exec` runs a command inside the container.
const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

/// A command an exec probe runs in the built image: its program, and where it is said (for messages).
pub struct ProbeCommand {
    pub program: String,
    pub place: String,
}

/// A manifest file that runs this Dockerfile's image, with the commands its containers' exec probes run.
pub struct Deployment {
    /// Relative to the Dockerfile's folder.
    pub path: String,
    pub probes: Vec<ProbeCommand>,
}

/// The manifest files skaffold deploys this Dockerfile's image in (read once per lint: see
/// `DockerfileContext::deployments`).
pub fn deployments(files: &dyn FileSource) -> Vec<Deployment> {
    let Some((up, text)) = skaffold_config(files) else {
        return Vec::new();
    };
    let yaml = Yaml::read(&text);
    let mut out = Vec::new();
    for root in yaml.documents.iter().filter_map(|d| d.root) {
        let Some(image) = built_artifact(files, &yaml, root, &up) else {
            continue;
        };
        for path in manifests(files, &yaml, root, &up) {
            let Some(manifest) = files.read(&path) else {
                continue;
            };
            if let Some(probes) = probes_of_image(&manifest, &image, &path) {
                out.push(Deployment { path, probes });
            }
        }
    }
    out
}

/// Whether the container at `node` names `image` (any tag or digest).
fn runs(yaml: &Yaml, node: NodeId, image: &str) -> bool {
    yaml.get(node, "image")
        .and_then(|m| yaml.str(m.value))
        .is_some_and(|written| without_tag(written) == image)
}

/// The nearest `skaffold.yaml`, with the `../` prefix that reaches its folder.
fn skaffold_config(files: &dyn FileSource) -> Option<(String, String)> {
    files.file_name()?;
    (0..=MAX_LEVELS).find_map(|level| {
        let up = "../".repeat(level);
        files
            .read(&format!("{up}skaffold.yaml"))
            .map(|text| (up, text))
    })
}

/// The image name of the artifact of config `root` that builds the linted Dockerfile.
fn built_artifact(files: &dyn FileSource, yaml: &Yaml, root: NodeId, up: &str) -> Option<String> {
    let artifacts = yaml.path(root, &["build", "artifacts"])?;
    yaml.items(artifacts).iter().find_map(|&artifact| {
        let image = yaml
            .get(artifact, "image")
            .and_then(|m| yaml.str(m.value))?;
        let context = yaml
            .get(artifact, "context")
            .and_then(|m| yaml.str(m.value))
            .unwrap_or(".");
        let dockerfile = yaml
            .path(artifact, &["docker", "dockerfile"])
            .and_then(|n| yaml.str(n))
            .unwrap_or("Dockerfile");
        let path = format!("{up}{}/{dockerfile}", context.trim_end_matches('/'));
        files.is_this_file(&path).then(|| image.to_owned())
    })
}

/// The manifest files config `root` deploys, relative to the Dockerfile's folder.
fn manifests(files: &dyn FileSource, yaml: &Yaml, root: NodeId, up: &str) -> Vec<String> {
    let listed = |keys: &[&str]| {
        yaml.path(root, keys)
            .map(|n| strings(yaml, n))
            .unwrap_or_default()
    };
    let mut patterns = listed(&["manifests", "rawYaml"]);
    patterns.extend(listed(&["deploy", "kubectl", "manifests"]));
    let mut out: Vec<String> = Vec::new();
    for (pattern, _) in patterns {
        out.extend(expand(files, &format!("{up}{}", clean(&pattern))));
    }
    let mut kustomizations = listed(&["manifests", "kustomize", "paths"]);
    kustomizations.extend(listed(&["deploy", "kustomize", "paths"]));
    for (dir, _) in kustomizations {
        let dir = format!("{up}{}", clean(&dir));
        out.extend(kustomize_resources(files, &dir));
    }
    out.truncate(MAX_MANIFESTS);
    out
}

/// A path as skaffold configs write it, without a leading `./` or a trailing `/` (what leaves the root, the
/// file source refuses).
fn clean(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_end_matches('/')
        .to_owned()
}

/// The files a pattern names: itself, or with `*` (or skaffold's `**`) in its last part, the files of its
/// folder that match.
fn expand(files: &dyn FileSource, pattern: &str) -> Vec<String> {
    let (dir, name) = pattern.rsplit_once('/').unwrap_or((".", pattern));
    if !name.contains('*') {
        return vec![pattern.to_owned()];
    }
    if dir.contains('*') {
        return Vec::new();
    }
    files
        .list(dir)
        .into_iter()
        .filter(|file| glob_matches(name, file))
        .map(|file| format!("{dir}/{file}"))
        .collect()
}

/// Whether `name` matches `pattern`, whose `*` (or `**`) stands for any run of characters.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').filter(|p| !p.is_empty()).collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return true;
    };
    if !pattern.starts_with('*') && !name.starts_with(first) {
        return false;
    }
    if !pattern.ends_with('*') && !name.ends_with(last) {
        return false;
    }
    let mut rest = name;
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The files a kustomization in `dir` lists as `resources` (folders are not followed).
fn kustomize_resources(files: &dyn FileSource, dir: &str) -> Vec<String> {
    let Some(text) = KUSTOMIZATIONS
        .iter()
        .find_map(|name| files.read(&format!("{dir}/{name}")))
    else {
        return Vec::new();
    };
    let yaml = Yaml::read(&text);
    let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
        return Vec::new();
    };
    yaml.get(root, "resources")
        .map(|m| strings(&yaml, m.value))
        .unwrap_or_default()
        .into_iter()
        .map(|(resource, _)| format!("{dir}/{}", clean(&resource)))
        .collect()
}

/// The exec probe commands of the containers in `text` whose image is `image` (any tag or digest); `None`
/// when no container runs it.
fn probes_of_image(text: &str, image: &str, path: &str) -> Option<Vec<ProbeCommand>> {
    let yaml = Yaml::read(text);
    let k8s = Kubernetes::read(&yaml);
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut out = Vec::new();
    let mut runs_image = false;
    for pod in &k8s.pods {
        for container in &pod.containers {
            if !runs(&yaml, container.node, image) {
                continue;
            }
            runs_image = true;
            for probe in PROBES {
                let Some(command) = yaml.path(container.node, &[probe, "exec", "command"]) else {
                    continue;
                };
                let words: Vec<String> = strings(&yaml, command)
                    .into_iter()
                    .map(|(w, _)| w)
                    .collect();
                let place = format!(
                    "the `{probe}` of container `{}` in `{file}`",
                    container.name
                );
                for program in programs(&words) {
                    out.push(ProbeCommand {
                        program,
                        place: place.clone(),
                    });
                }
            }
        }
    }
    runs_image.then_some(out)
}

/// The programs an exec command runs: its first word, or for `sh -c '…'` the commands of the script.
fn programs(words: &[String]) -> Vec<String> {
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let shell = matches!(
        first.rsplit('/').next().unwrap_or(first),
        "sh" | "bash" | "ash" | "dash"
    );
    match words.iter().position(|w| w == "-c") {
        Some(at) if shell => words
            .get(at + 1)
            .map(|script| crate::rules::shell_support::script_commands(script))
            .unwrap_or_default(),
        _ => vec![first.clone()],
    }
}

/// An image reference without its tag or digest (`registry:5000/app:1.2@sha256:…` → `registry:5000/app`).
fn without_tag(reference: &str) -> &str {
    let reference = reference.split('@').next().unwrap_or(reference);
    let name_start = reference.rfind('/').map_or(0, |slash| slash + 1);
    match reference[name_start..].find(':') {
        Some(colon) => &reference[..name_start + colon],
        None => reference,
    }
}

#[cfg(test)]
mod tests {
    use super::{glob_matches, programs, without_tag};

    #[test]
    fn patterns_match_like_skaffold_globs() {
        assert!(glob_matches("*.yaml", "deployment.yaml"));
        assert!(glob_matches("**.yaml", "deployment.yaml"));
        assert!(glob_matches("app-*.yml", "app-web.yml"));
        assert!(!glob_matches("*.yaml", "deployment.yml"));
        assert!(!glob_matches("app-*.yml", "web-app.yml"));
    }

    #[test]
    fn images_lose_their_tag_and_digest_not_their_registry_port() {
        assert_eq!(without_tag("app"), "app");
        assert_eq!(without_tag("app:1.2"), "app");
        assert_eq!(
            without_tag("registry:5000/team/app:1.2"),
            "registry:5000/team/app"
        );
        assert_eq!(without_tag("app@sha256:abc"), "app");
    }

    #[test]
    fn shell_probes_name_the_programs_of_their_script() {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(programs(&words(&["curl", "-f", "http://x"])), ["curl"]);
        assert_eq!(
            programs(&words(&["/bin/sh", "-c", "wget -qO- http://x || exit 1"])),
            ["wget", "exit"]
        );
    }
}
