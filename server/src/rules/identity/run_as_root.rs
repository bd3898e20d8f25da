use crate::document::Severity;
use crate::edit::dockerfile_edit::{replace_image, user_lines};
use crate::edit::fix::Fix;
use crate::edit::yaml_edit::replace_value;
use crate::knowledge::base_images::{Os, catalog};
use crate::knowledge::official_images::{self, Image};
use crate::knowledge::pod_security::Control;
use crate::model::dockerfile::{Dockerfile, Keyword, Stage};
use crate::model::image_ref::ImageRef;
use crate::rules::compose_security::add_tmpfs;
use crate::rules::compose_support::{entrypoint_drops_root, known_image, volumes};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::identity::unprivileged_variant;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe,
    entrypoint_drops_root as container_drops_root, fix_uid, harden_fix,
    known_image as known_container_image, single_fix, state,
};
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

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
    /// Silent when the final stage is a distroless `:nonroot` image, an official image whose own `USER` is
    /// not root (memcached, Grafana, Prometheus) or ends with a non-root `USER`; in Kubernetes when the
    /// pod's `runAsNonRoot: true` covers containers that do not override it. A `FROM scratch` final stage
    /// without `USER` fires: the process runs as UID 0 (hadolint's DL3002 only looks at an explicit
    /// `USER root`).
    ///
    /// Information, not a warning, for an official image whose entrypoint starts as root only to prepare
    /// its directories and re-execute itself as its own user with `gosu`/`su-exec` (postgres, mysql,
    /// mariadb, redis, mongo, rabbitmq: the image table, `server/data/official-images.json`, cites the
    /// entrypoint lines), as long as nothing replaces that entrypoint (`ENTRYPOINT`, Compose
    /// `entrypoint:`, Kubernetes `command:`) and the command is the image's server. In Kubernetes an image
    /// whose `USER` is not root is information too: `runAsNonRoot: true` is what makes the kubelet check it.
    ///
    /// ## Fix
    /// Unsafe (the process loses root): insert a numeric `USER` before `CMD`/`ENTRYPOINT`, or at the end.
    /// Debian and Ubuntu bases get a system user 10001 created with `groupadd`/`useradd`; Alpine bases with
    /// BusyBox `addgroup -S`/`adduser -S`; distroless images switch to their `:nonroot` tag (uid 65532);
    /// `scratch` gets `USER 65534:65534` (numeric: it has no shell and no `/etc/passwd`);
    /// official images run as the user they ship (postgres 999, or 70 on Alpine; node 1000; nginx 101);
    /// unknown bases get `USER 10001:10001`. Files copied earlier belong to root and may need `--chown`.
    /// An image whose root master process writes root-owned paths (nginx's `/var/cache/nginx` and pid
    /// file, httpd, php's Apache and FPM images) gets the `USER` offered, not preferred: its title names
    /// the paths to make writable. Where the table lists a maintained unprivileged variant
    /// (`nginxinc/nginx-unprivileged`: uid 101, port 8080), the switch to it with the same tag is preferred:
    /// it moves `EXPOSE`, the Compose `ports`/`expose` targets of the service that builds the image, and
    /// keeps `RUN` steps as root (`USER root` before them, `USER 101` after). It is offered, not preferred,
    /// when something it cannot rewrite names the old port (a `HEALTHCHECK`, the Compose healthcheck, a
    /// copied nginx config, a manifest skaffold deploys the image in), and not offered for a digest, a tag
    /// the variant does not publish, or an image outside `trusted-registries`. In Kubernetes the switch
    /// (with `runAsNonRoot: true`, the `containerPort` and probe ports moved) is offered, not preferred:
    /// the Services' `targetPort` are other manifests.
    /// Compose: `user:` with the image's own ids (`"999:999"` for postgres; `"10001:10001"` otherwise), a
    /// `tmpfs` for the root-owned paths such an image writes, and a title that says the volumes it writes
    /// must belong to that uid. Kubernetes: "Harden this container" (preferred: every missing container
    /// setting at once, as the image's own uid, with `fsGroup` when it writes a persistent volume, `emptyDir`
    /// mounts for the paths the image writes under the read-only root, and the Pod Security safe sysctl
    /// `net.ipv4.ip_unprivileged_port_start: "0"` for an image that listens below port 1024), or just
    /// `runAsNonRoot: true` + `runAsUser`.
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
        // Information (the entrypoint drops root) needs no new image; an explicit `USER root` stays root on any.
        let switch = (diagnostic.severity != Severity::Info
            && file.effective_user(index).is_none())
        .then(|| unprivileged_variant::dockerfile_switch(cx, index))
        .flatten();
        let fixes = switch.into_iter().chain(fix(cx.source, file, index, root));
        out.push(diagnostic.with_fixes(fixes));
    }
}

/// The finding, without fixes, when stage `index` (the final one, or the one a Compose service builds with
/// `target:`) runs as root. An official image whose own entrypoint drops root is information.
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
    let diagnostic = match file.effective_user(index) {
        Some(user) => {
            let value = user.operands().first()?;
            if !is_root(&value.text) {
                return None;
            }
            Diagnostic::new(
                RuleId::RunAsRoot,
                value.range,
                format!(
                    "the image runs as root: `USER {}` is the last user of {named}",
                    value.text
                ),
            )
        }
        None => {
            let image = if root.image.as_ref().is_some_and(ImageRef::is_scratch) {
                "scratch"
            } else {
                root.image_text.as_str()
            };
            Diagnostic::new(
                RuleId::RunAsRoot,
                stage.image_range,
                format!("the image runs as root: {named} (`{image}`) never sets a non-root `USER`"),
            )
        }
    };
    Some(match dropping_entrypoint(file, index) {
        Some((image, reference)) => Diagnostic::new(
            RuleId::RunAsRoot,
            diagnostic.range,
            format!(
                "{named} starts as root, but the image's entrypoint drops to `{}` (uid {}) with {} itself; \
                 `USER {}` would start it as that user",
                image.user.name,
                image.uid(reference),
                image.drops_privileges.as_ref().map_or("", |d| d.tool.as_str()),
                image.ids(reference),
            ),
        )
        .with_severity(Severity::Info),
        None => diagnostic,
    })
}

/// The official image of stage `index` when its own entrypoint starts as root and drops to its user: no
/// `ENTRYPOINT` of this file replaces it, and the `CMD` runs the image's server (a shell-form `CMD` reaches
/// the entrypoint as `/bin/sh`, which it runs as root).
fn dropping_entrypoint(file: &Dockerfile, index: usize) -> Option<(&'static Image, &ImageRef)> {
    let reference = file.root_stage(index)?.image.as_ref()?;
    let image = official_images::table().lookup(reference)?;
    let last = |keyword: Keyword| {
        file.lineage(index).into_iter().find_map(|s| {
            file.stage_body(s)
                .iter()
                .rev()
                .find(|i| i.keyword == keyword && i.in_this_image())
        })
    };
    if last(Keyword::Entrypoint).is_some() {
        return None;
    }
    let command = last(Keyword::Cmd).map(|cmd| {
        cmd.exec_form()
            .and_then(|argv| argv.into_iter().next())
            .unwrap_or_else(|| "/bin/sh".to_owned())
    });
    image
        .drops_root_for(command.as_deref())
        .then_some((image, reference))
}

/// Distroless `:nonroot` tags run as 65532, and some official images set their own `USER` (memcached,
/// Grafana, Prometheus). (`scratch` has no users at all, so its process is UID 0.)
fn runs_non_root_by_default(image: &ImageRef) -> bool {
    image.is_distroless() && image.tag.as_deref().is_some_and(|t| t.contains("nonroot"))
        || official_images::table()
            .lookup(image)
            .is_some_and(|i| i.runs_as_user)
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
    if let Some(known) = official_images::table().lookup(image) {
        let fix = user_fix(source, file, index, known.ids(image), &[], chown_note);
        let root_owned = known.root_owned_writes();
        if root_owned.is_empty() {
            return Some(fix);
        }
        // A root master process (nginx, httpd) writes paths its image leaves to root: a bare `USER` stops it.
        let title = format!(
            "{} — {} belong to root in the image: make them writable for uid {}",
            fix.title,
            root_owned
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            known.uid(image)
        );
        return Some(Fix::unsafe_(title, fix.edits).preferred(false));
    }
    let family = catalog().family(image).map(|(_, f)| f);
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
    let title = if lines.is_empty() {
        format!("Run as non-root `USER {ids}`{chown_note}")
    } else {
        format!("Create a system user and run as `USER {ids}`{chown_note}")
    };
    let mut new_lines = lines.to_vec();
    new_lines.push(format!("USER {ids}"));
    Fix::unsafe_(title, vec![user_lines(source, file, index, &new_lines)]).preferred(true)
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
/// user is not in the workspace. An official image whose own entrypoint drops root is information.
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
        let known = known_image(yaml, service);
        let ids = known.as_ref().map_or_else(
            || format!("{FIX_UID}:{FIX_UID}"),
            |(r, i)| i.ids(r).to_owned(),
        );
        // A root master process (nginx, httpd) writes paths its image leaves to root: they get a tmpfs.
        let root_owned = known
            .as_ref()
            .map(|(_, image)| image.root_owned_writes())
            .unwrap_or_default();
        let tmpfs = add_tmpfs(cx, service, &root_owned);
        let tmpfs_note = match &tmpfs {
            Some(_) => format!(" with tmpfs {}", root_owned.join(", ")),
            None => String::new(),
        };
        let mut edits = vec![replace_value(yaml, user.value, &format!("\"{ids}\""))];
        edits.extend(tmpfs);
        let fix = Fix::unsafe_(
            format!(
                "Run service `{}` as `user: \"{ids}\"`{tmpfs_note}{}",
                service.name,
                volume_owner_note(cx, service, &ids)
            ),
            edits,
        )
        .preferred(true);
        let range = yaml.node(user.value).range;
        let diagnostic = match known {
            Some((reference, image)) if entrypoint_drops_root(yaml, service, image) => {
                Diagnostic::new(
                    RuleId::RunAsRoot,
                    range,
                    format!(
                        "service `{}` starts as root (`user: {value}`), but the image's entrypoint drops to `{}` (uid {}) itself",
                        service.name,
                        image.user.name,
                        image.uid(&reference)
                    ),
                )
                .with_severity(Severity::Info)
            }
            _ => Diagnostic::new(
                RuleId::RunAsRoot,
                range,
                format!("service `{}` runs as root (`user: {value}`)", service.name),
            ),
        };
        out.push(diagnostic.with_fix(fix));
    }
}

/// Said in a fix's title when the service writes to volumes: files a root process wrote there belong to
/// root, and a bind-mounted folder to its owner on the host.
fn volume_owner_note(
    cx: &ComposeContext,
    service: &crate::model::compose::Service,
    ids: &str,
) -> String {
    let written: Vec<String> = volumes(cx.yaml, cx.compose, service)
        .into_iter()
        .filter(|v| !v.read_only && !v.source.is_empty())
        .map(|v| format!("`{}`", v.source))
        .collect();
    if written.is_empty() {
        return String::new();
    }
    let uid = ids.split(':').next().unwrap_or(ids);
    format!(
        " (the volumes it writes, {}, must belong to uid {uid})",
        written.join(", ")
    )
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
    let in_dockerfile = stage_as_root(&file, index)?;
    // The service's own `entrypoint:` or `command:` decides whether the image's entrypoint still drops root.
    let drops = in_dockerfile.severity == Severity::Info
        && yaml.get(service.node, "entrypoint").is_none()
        && yaml.get(service.node, "command").is_none();
    let stage_note = target.map(|t| format!(", stage `{t}`")).unwrap_or_default();
    let ids = file
        .root_stage(index)
        .and_then(|s| s.image.as_ref())
        .and_then(|r| Some(official_images::table().lookup(r)?.ids(r).to_owned()))
        .unwrap_or_else(|| format!("{FIX_UID}:{FIX_UID}"));
    let fix = crate::edit::yaml_edit::insert_entries(
        cx.source,
        yaml,
        service.node,
        &[(
            "user".to_owned(),
            crate::edit::yaml_edit::Y::scalar(format!("\"{ids}\"")),
        )],
    )
    .map(|edit| {
        Fix::unsafe_(
            format!(
                "Run service `{}` as `user: \"{ids}\"`{}",
                service.name,
                volume_owner_note(cx, service, &ids)
            ),
            vec![edit],
        )
        .preferred(true)
    });
    let diagnostic = if drops {
        Diagnostic::new(
            RuleId::RunAsRoot,
            build.range,
            format!(
                "service `{}` starts as root: the Dockerfile it builds (`{relative}`{stage_note}) sets no non-root `USER`, but its base image's entrypoint drops root itself",
                service.name
            ),
        )
        .with_severity(Severity::Info)
    } else {
        Diagnostic::new(
            RuleId::RunAsRoot,
            build.range,
            format!(
                "service `{}` runs as root: the Dockerfile it builds (`{relative}`{stage_note}) sets no non-root `USER`",
                service.name
            ),
        )
    };
    Some(diagnostic.with_fixes(fix))
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
            // A non-zero `runAsUser` (its own or its pod's) is the user it runs as, whatever the image says;
            // Pod Security `restricted` still wants `runAsNonRoot: true`, which only a namespace that
            // enforces it makes a finding of.
            (State::Ok, State::Ok) => continue,
            (_, State::Ok) => {
                let fix = single_fix(cx, c, &[Want::RunAsNonRoot], "Set `runAsNonRoot: true`");
                out.push(
                    Diagnostic::new(
                        RuleId::RunAsRoot,
                        container_range(yaml, c),
                        format!(
                            "{} runs as a non-zero `runAsUser`, but without `runAsNonRoot: true`",
                            describe(c)
                        ),
                    )
                    .with_fixes(fix)
                    .with_control(Control::RunAsNonRoot)
                    .latent(),
                );
                continue;
            }
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
        let uid = fix_uid(yaml, c);
        let fixes = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::RunAsNonRoot, Want::RunAsUser],
                &format!("Set `runAsNonRoot: true` and `runAsUser: {uid}`"),
            ),
            unprivileged_variant::container_switch(cx, c),
        ];
        let diagnostic = match known_container_image(yaml, c) {
            // The image's `USER` is not root, or its entrypoint starts as root only to drop to its user.
            Some((reference, image))
                if image.runs_as_user && !matches!(user, State::Unsafe { .. }) =>
            {
                Diagnostic::new(
                    RuleId::RunAsRoot,
                    range,
                    format!(
                        "{}: its image runs as `{}` (uid {}), but without `runAsNonRoot: true` nothing checks it",
                        describe(c),
                        image.user.name,
                        image.uid(&reference)
                    ),
                )
                .with_severity(Severity::Info)
            }
            Some((reference, image)) if container_drops_root(yaml, c, image) => Diagnostic::new(
                RuleId::RunAsRoot,
                range,
                format!(
                    "{} starts as root, but the image's entrypoint drops to `{}` (uid {}) itself; `runAsUser: {}` starts it as that user",
                    describe(c),
                    image.user.name,
                    image.uid(&reference),
                    image.uid(&reference)
                ),
            )
            .with_severity(Severity::Info),
            _ => Diagnostic::new(RuleId::RunAsRoot, range, message),
        };
        let control = match user {
            State::Unsafe { .. } => Control::RunAsUser,
            _ => Control::RunAsNonRoot,
        };
        out.push(
            diagnostic
                .with_fixes(fixes.into_iter().flatten())
                .with_control(control),
        );
    }
}
