use crate::Diagnostic;
use crate::base_images::{Os, catalog};
use crate::fix::Fix;
use crate::model::dockerfile::{Dockerfile, Instruction, Keyword, Stage};
use crate::model::image_ref::ImageRef;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::support::{insert_lines, replace_image};
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};
use crate::yaml_edit::replace_value;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs as root.
    /// - Dockerfile: the final stage never sets `USER` (nor inherits one from the stage it builds on), or its
    ///   last `USER` is `root`, `0`, `root:<group>` or `0:<group>`.
    /// - Compose: `user:` is `root` or `0`.
    /// - Kubernetes: a container with `runAsUser: 0`, or with neither `runAsNonRoot: true` nor a non-zero
    ///   `runAsUser` (its own, or its pod's); "not set" and "explicitly unsafe" are reported differently.
    ///   (A namespace that enforces Pod Security `restricted` still needs `runAsNonRoot: true`.)
    ///
    /// ## Why it matters
    /// A process that runs as root in a container is root on the host's kernel: one escape bug or one
    /// writable host mount away from owning the node. A non-root user costs nothing at runtime.
    /// A numeric `USER` lets Kubernetes' `runAsNonRoot` verify it without reading `/etc/passwd`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    /// Silent when the final stage is a distroless `:nonroot` image or ends with a non-root `USER`; in
    /// Kubernetes when the pod's `runAsNonRoot: true` covers containers that do not override it. A
    /// `FROM scratch` final stage without `USER` fires: the process runs as UID 0 (hadolint's DL3002 only
    /// looks at an explicit `USER root`).
    ///
    /// ## Fix
    /// Unsafe (the process loses root): insert a numeric `USER` before `CMD`/`ENTRYPOINT`, or at the end.
    /// Debian and Ubuntu bases get a system user 10001 created with `groupadd`/`useradd`; Alpine bases with
    /// BusyBox `addgroup -S`/`adduser -S`; distroless images switch to their `:nonroot` tag (uid 65532);
    /// `scratch` gets `USER 65534:65534` (numeric: it has no shell and no `/etc/passwd`);
    /// images that ship a user use it (`node` is uid 1000); unknown bases get `USER 10001:10001`.
    /// Files copied earlier belong to root and may need `--chown`. Compose: `user: "10001:10001"`.
    /// Kubernetes: "Harden this container" (preferred: every missing container setting at once), or just
    /// `runAsNonRoot: true` + `runAsUser: 10001`.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created"
    /// - hadolint DL3002; Kubernetes Pod Security Standards (restricted): `runAsNonRoot`
    /// - CWE-250: Execution with Unnecessary Privileges
    name: "run-as-root",
    severity: Warning,
    fix: Unsafe,
    summary: "the final stage runs as root",
}

/// The uid:gid the fix creates on bases without a user of their own.
const FIX_UID: &str = "10001";

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let Some((index, _)) = file.final_stage() else {
        return;
    };
    let Some(root) = file.root_stage(index) else {
        return;
    };
    if let Some(diagnostic) = stage_as_root(file, index) {
        out.push(diagnostic.with_fixes(fix(cx.source, file, index, root)));
    }
}

/// The finding, without fixes, when stage `index` (the final one, or the one a Compose service builds with
/// `target:`) runs as root.
fn stage_as_root(file: &Dockerfile, index: usize) -> Option<Diagnostic> {
    let stage = file.stages.get(index)?;
    let root = file.root_stage(index)?;
    if root.image.as_ref().is_some_and(runs_non_root_by_default) {
        return None;
    }
    let final_stage = file.final_stage().is_some_and(|(last, _)| last == index);
    let which = if final_stage {
        "the final stage"
    } else {
        "stage"
    };
    let named = match &stage.alias {
        Some(alias) => format!("{which} `{alias}`"),
        None => which.to_owned(),
    };
    match file.effective_user(index) {
        Some(user) => {
            let value = user.operands().first()?;
            is_root(&value.text).then(|| {
                Diagnostic::new(
                    RuleId::RunAsRoot,
                    value.range,
                    format!(
                        "the image runs as root: `USER {}` is the last user of {named}",
                        value.text
                    ),
                )
            })
        }
        None => {
            let image = if root.image.as_ref().is_some_and(ImageRef::is_scratch) {
                "scratch"
            } else {
                root.image_text.as_str()
            };
            Some(Diagnostic::new(
                RuleId::RunAsRoot,
                stage.image_range,
                format!("the image runs as root: {named} (`{image}`) never sets a non-root `USER`"),
            ))
        }
    }
}

/// Distroless `:nonroot` tags run as 65532. (`scratch` has no users at all, so its process is UID 0.)
fn runs_non_root_by_default(image: &ImageRef) -> bool {
    image.is_distroless() && image.tag.as_deref().is_some_and(|t| t.contains("nonroot"))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

fn fix(source: &str, file: &Dockerfile, index: usize, root: &Stage) -> Option<Fix> {
    let image = root.image.as_ref()?;
    let chown_note = copies_without_chown(file, index);
    if image.is_scratch() {
        // No tool to create a user with and no user database: `nobody`'s numeric ids.
        return Some(user_fix(
            source,
            file,
            index,
            "65534:65534",
            &[],
            chown_note,
        ));
    }
    if image.is_distroless() {
        if let Some(tag) = nonroot_tag(image) {
            let reference = format!("{}:{tag}", image.name());
            let title = format!("Switch to `{reference}`, which runs as uid 65532{chown_note}");
            if let Some(edit) = replace_image(root, &reference) {
                return Some(Fix::unsafe_(title, vec![edit]).preferred(true));
            }
        }
        return Some(user_fix(
            source,
            file,
            index,
            "65532:65532",
            &[],
            chown_note,
        ));
    }
    let alpine = image.repository.ends_with("alpine")
        || image.tag.as_deref().is_some_and(|t| t.contains("alpine"));
    let family = catalog().family(image).map(|(_, f)| f);
    if let Some(user) = family.and_then(|f| f.user.as_deref()) {
        return Some(user_fix(source, file, index, user, &[], chown_note));
    }
    let ids = format!("{FIX_UID}:{FIX_UID}");
    let name = unused_name(source);
    let create = if alpine {
        Some(format!(
            "RUN addgroup -S -g {FIX_UID} {name} && adduser -S -D -H -u {FIX_UID} -G {name} -s /sbin/nologin {name}"
        ))
    } else if family.is_some_and(|f| f.os == Os::Debian) {
        Some(format!(
            "RUN groupadd --system --gid {FIX_UID} {name} && useradd --system --uid {FIX_UID} --gid {name} \
             --no-create-home --shell /usr/sbin/nologin {name}"
        ))
    } else {
        None
    };
    Some(user_fix(
        source,
        file,
        index,
        &ids,
        create.as_slice(),
        chown_note,
    ))
}

/// A user name the Dockerfile does not mention yet, so creating it cannot clash with a user it makes itself.
fn unused_name(source: &str) -> &'static str {
    const CANDIDATES: [&str; 4] = ["app", "appuser", "nonroot", "dockwarden"];
    let mentioned = |name: &str| {
        source.match_indices(name).any(|(at, _)| {
            let before = source[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            let after = source[at + name.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            !before && !after
        })
    };
    CANDIDATES
        .into_iter()
        .find(|n| !mentioned(n))
        .unwrap_or("dockwarden")
}

/// Insert `lines` and `USER ids` before the final stage's `CMD`/`ENTRYPOINT` that follows its last `USER`.
fn user_fix(
    source: &str,
    file: &Dockerfile,
    index: usize,
    ids: &str,
    lines: &[String],
    chown_note: &str,
) -> Fix {
    let body = file.stage_body(index);
    let last_user = body
        .iter()
        .rposition(|i| i.keyword == Keyword::User && i.in_this_image())
        .map_or(0, |p| p + 1);
    let before = body[last_user..]
        .iter()
        .find(|i| matches!(i.keyword, Keyword::Cmd | Keyword::Entrypoint) && i.in_this_image())
        .map(|i: &Instruction| i.range.start);
    let mut new_lines = lines.to_vec();
    new_lines.push(format!("USER {ids}"));
    let title = if lines.is_empty() {
        format!("Run as non-root `USER {ids}`{chown_note}")
    } else {
        format!("Create a system user and run as `USER {ids}`{chown_note}")
    };
    Fix::unsafe_(title, vec![insert_lines(source, before, &new_lines)]).preferred(true)
}

/// Distroless images have a `nonroot` variant of their usual tags.
fn nonroot_tag(image: &ImageRef) -> Option<&'static str> {
    if image.digest.is_some() {
        return None;
    }
    match image.tag.as_deref() {
        None | Some("latest") => Some("nonroot"),
        Some("debug") => Some("debug-nonroot"),
        _ => None,
    }
}

/// A note for the title when the final stage copies files without `--chown` (they will belong to root).
fn copies_without_chown(file: &Dockerfile, index: usize) -> &'static str {
    let copies = file
        .stage_body(index)
        .iter()
        .any(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add) && i.flag("chown").is_none());
    if copies {
        " (files copied earlier may need --chown)"
    } else {
        ""
    }
}

/// Compose: `user:` set to root; or no `user:` and the service builds a Dockerfile (one the CLI or server
/// can read beside the Compose file) whose image runs as root. An image pulled by name is not judged: its
/// user is not in the workspace.
pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(user) = yaml.get(service.node, "user") else {
            out.extend(built_as_root(cx, service));
            continue;
        };
        let Some(value) = yaml.str(user.value) else {
            continue;
        };
        if !is_root(value) {
            continue;
        }
        let fix = Fix::unsafe_(
            format!("Run service `{}` as `user: \"10001:10001\"`", service.name),
            vec![replace_value(yaml, user.value, "\"10001:10001\"")],
        )
        .preferred(true);
        out.push(
            Diagnostic::new(
                RuleId::RunAsRoot,
                yaml.node(user.value).range,
                format!("service `{}` runs as root (`user: {value}`)", service.name),
            )
            .with_fix(fix),
        );
    }
}

/// A service without `user:` whose `build:` Dockerfile runs as root.
fn built_as_root(
    cx: &ComposeContext,
    service: &crate::model::compose::Service,
) -> Option<Diagnostic> {
    let yaml = cx.yaml;
    let build = yaml.get(service.node, "build")?;
    let (context, dockerfile) = crate::rules::compose_support::build_of(yaml, service)?;
    let relative = format!("{}/{dockerfile}", context.trim_end_matches('/'));
    let text = cx.files.read(&relative)?;
    let file = Dockerfile::parse(&text);
    // `build.target` builds that stage, not the last one.
    let target = yaml
        .get(yaml.resolve(build.value), "target")
        .and_then(|t| yaml.str(t.value));
    let index = match target {
        Some(target) => file.stages.iter().position(|s| {
            s.alias
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(target))
        })?,
        None => file.final_stage()?.0,
    };
    stage_as_root(&file, index)?;
    let stage_note = target.map(|t| format!(", stage `{t}`")).unwrap_or_default();
    let fix = crate::yaml_edit::insert_entries(
        cx.source,
        yaml,
        service.node,
        &[(
            "user".to_owned(),
            crate::yaml_edit::Y::scalar("\"10001:10001\""),
        )],
    )
    .map(|edit| {
        Fix::unsafe_(
            format!("Run service `{}` as `user: \"10001:10001\"`", service.name),
            vec![edit],
        )
        .preferred(true)
    });
    Some(
        Diagnostic::new(
            RuleId::RunAsRoot,
            build.range,
            format!(
                "service `{}` runs as root: the Dockerfile it builds (`{relative}`{stage_note}) sets no non-root `USER`",
                service.name
            ),
        )
        .with_fixes(fix),
    )
}

/// Kubernetes: `runAsUser: 0`, or neither `runAsNonRoot: true` nor a non-zero `runAsUser` for the
/// container (its own or its pod's).
pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let non_root = state(yaml, c, Want::RunAsNonRoot);
        let user = state(yaml, c, Want::RunAsUser);
        let (range, message) = match (non_root, user) {
            (_, State::Unsafe { value, .. }) => (
                yaml.node(value).range,
                format!("{} runs as root: `runAsUser: 0`", describe(c)),
            ),
            // A non-zero `runAsUser` (its own or its pod's) is the user it runs as, whatever the image says.
            (_, State::Ok) => continue,
            (State::Unsafe { value, .. }, _) => (
                yaml.node(value).range,
                format!(
                    "{} may run as root: `runAsNonRoot` is explicitly false",
                    describe(c)
                ),
            ),
            (State::Unset, _) => (
                container_range(yaml, c),
                format!(
                    "{} may run as root: `runAsNonRoot: true` is not set (the image's user decides)",
                    describe(c)
                ),
            ),
            (State::Ok, _) => continue,
        };
        let fixes = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::RunAsNonRoot, Want::RunAsUser],
                "Set `runAsNonRoot: true` and `runAsUser: 10001`",
            ),
        ];
        out.push(
            Diagnostic::new(RuleId::RunAsRoot, range, message)
                .with_fixes(fixes.into_iter().flatten()),
        );
    }
}
