//! Fix quality: realistic projects (multi-service Compose stacks, manifests, Dockerfiles) and the corpus, fixed
//! with `check --fix --unsafe-fixes` through the built binary, then checked the way a reviewer reads the diff:
//! no duplicate list items, block lists still block, digests kept, no database moved across a major
//! version, no finding of a rule that was not there before, the writable mounts of the image table wherever
//! a read-only root was added, and a second pass that changes nothing. Nothing here runs containers: the
//! image table's sources carry the runtime claims; this suite checks the edits.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use dockwarden::knowledge::official_images::{Image, table};
use dockwarden::model::image_ref::ImageRef;
use serde_json::Value;

fn dockwarden(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

/// Every `(file, rule)` the project reports.
fn findings(dir: &Path) -> BTreeSet<(String, String)> {
    let output = dockwarden(dir, &["check", "--format", "json", "."]);
    let found: Vec<Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    found
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The text of every file of the project, by relative path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.strip_prefix(dir).expect("inside").to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

/// Fix the project, check every property, and return the problems found.
fn fix_and_review(dir: &Path) -> Vec<String> {
    let before = snapshot(dir);
    let findings_before = findings(dir);
    dockwarden(dir, &["check", "--fix", "--unsafe-fixes", "."]);
    let after = snapshot(dir);
    let mut problems = Vec::new();
    for (path, new) in &after {
        let old = before
            .iter()
            .find(|(p, _)| p == path)
            .map_or("", |(_, t)| t.as_str());
        let name = path.display().to_string();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            review_yaml(&name, old, new, &mut problems);
        }
        review_images(&name, old, new, &mut problems);
    }
    for (path, rule) in findings(dir).difference(&findings_before) {
        problems.push(format!(
            "{path}: a `{rule}` finding appeared after the fixes"
        ));
    }
    dockwarden(dir, &["check", "--fix", "--unsafe-fixes", "."]);
    if snapshot(dir) != after {
        problems.push("a second `--fix --unsafe-fixes` pass changed the project".to_owned());
    }
    problems
}

/// Lists without repeated items, block lists still block, and the image table's writable paths mounted
/// wherever a read-only root was added.
fn review_yaml(name: &str, old: &str, new: &str, problems: &mut Vec<String>) {
    // What the input already had (repeated items, documents serde cannot read) is not the fixes' doing.
    let mut had = Vec::new();
    let mut unreadable = 0;
    for document in old.split("\n---") {
        match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(document) {
            Ok(value) => duplicates(name, &value, &mut had),
            Err(_) => unreadable += 1,
        }
    }
    let mut found = Vec::new();
    for document in new.split("\n---") {
        let Ok(value) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(document) else {
            unreadable -= 1;
            if unreadable < 0 {
                problems.push(format!("{name}: a document no longer parses"));
            }
            continue;
        };
        duplicates(name, &value, &mut found);
        mounts(name, &value, problems);
    }
    problems.extend(found.into_iter().filter(|p| !had.contains(p)));
    // A `key:` line followed by `- item` lines keeps its block list.
    let lines: Vec<&str> = old.lines().collect();
    for pair in lines.windows(2) {
        let [header, item] = pair else { continue };
        let is_header = header.trim_end().ends_with(':') && !header.trim_start().starts_with('#');
        if is_header && item.trim_start().starts_with("- ") {
            let kept = new
                .lines()
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == *header && w[1].trim_start().starts_with("- "));
            let gone = !new.lines().any(|l| l == *header);
            if !kept && !gone {
                problems.push(format!(
                    "{name}: `{}` is no longer a block list",
                    header.trim()
                ));
            }
        }
    }
}

fn duplicates(name: &str, value: &serde_yaml_ng::Value, problems: &mut Vec<String>) {
    match value {
        serde_yaml_ng::Value::Sequence(items) => {
            let scalars: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            let unique: BTreeSet<&String> = scalars.iter().collect();
            if unique.len() != scalars.len() {
                problems.push(format!("{name}: a list repeats an item: {scalars:?}"));
            }
            for item in items {
                duplicates(name, item, problems);
            }
        }
        serde_yaml_ng::Value::Mapping(map) => {
            for (_, v) in map {
                duplicates(name, v, problems);
            }
        }
        _ => {}
    }
}

/// A Compose service or Kubernetes container of a known image with a read-only root has a writable mount
/// (volume, tmpfs, emptyDir) over every path the image writes.
fn mounts(name: &str, value: &serde_yaml_ng::Value, problems: &mut Vec<String>) {
    let known = |image: Option<&str>| -> Option<&'static Image> {
        table().lookup(&ImageRef::parse(image?)?)
    };
    let strs = |v: Option<&serde_yaml_ng::Value>| -> Vec<String> {
        match v {
            Some(serde_yaml_ng::Value::Sequence(items)) => items
                .iter()
                .filter_map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .or_else(|| i.get("target").and_then(|t| t.as_str()).map(str::to_owned))
                        .or_else(|| {
                            i.get("mountPath")
                                .and_then(|t| t.as_str())
                                .map(str::to_owned)
                        })
                })
                .collect(),
            Some(serde_yaml_ng::Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let check = |what: &str, image: &Image, mounted: &[String], problems: &mut Vec<String>| {
        let targets: Vec<&str> = mounted
            .iter()
            .map(|m| {
                let parts: Vec<&str> = m.split(':').collect();
                match parts.as_slice() {
                    [_, target, ..] if m.starts_with(['.', '/', '~']) || parts.len() > 1 => target,
                    _ => parts[0],
                }
            })
            .collect();
        for path in &image.writes {
            if !targets.iter().any(|t| {
                Image::covers(t, path) || Image::covers(t.split(':').next().unwrap_or(t), path)
            }) {
                problems.push(format!(
                    "{name}: {what} has a read-only root but no writable mount for {path}"
                ));
            }
        }
    };
    if let Some(services) = value.get("services").and_then(|s| s.as_mapping()) {
        for (service_name, service) in services {
            if service.get("read_only").and_then(|r| r.as_bool()) != Some(true) {
                continue;
            }
            let Some(image) = known(service.get("image").and_then(|i| i.as_str())) else {
                continue;
            };
            let mut mounted = strs(service.get("volumes"));
            mounted.extend(strs(service.get("tmpfs")));
            let what = format!("service {}", service_name.as_str().unwrap_or("?"));
            check(&what, image, &mounted, problems);
        }
    }
    let pod = value
        .get("spec")
        .and_then(|s| s.get("template").and_then(|t| t.get("spec")).or(Some(s)));
    if let Some(containers) = pod
        .and_then(|p| p.get("containers"))
        .and_then(|c| c.as_sequence())
    {
        for container in containers {
            let read_only = container
                .get("securityContext")
                .and_then(|s| s.get("readOnlyRootFilesystem"))
                .and_then(|r| r.as_bool());
            if read_only != Some(true) {
                continue;
            }
            let Some(image) = known(container.get("image").and_then(|i| i.as_str())) else {
                continue;
            };
            let mounted = strs(container.get("volumeMounts"));
            let what = format!(
                "container {}",
                container
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("?")
            );
            check(&what, image, &mounted, problems);
        }
    }
}

/// Digests are kept, and no database image moves across a major version.
fn review_images(name: &str, old: &str, new: &str, problems: &mut Vec<String>) {
    for digest in old.split_whitespace().filter(|w| w.contains("@sha256:")) {
        if !new.contains(digest.trim_matches(['"', '\''])) {
            problems.push(format!("{name}: the digest-pinned `{digest}` was edited"));
        }
    }
    let images = |text: &str| -> Vec<ImageRef> {
        text.lines()
            .filter_map(|l| {
                let l = l.trim().trim_start_matches("- ");
                let reference = l
                    .strip_prefix("image:")
                    .or_else(|| l.strip_prefix("FROM "))?
                    .split_whitespace()
                    .next()?;
                ImageRef::parse(reference.trim_matches(['"', '\'']))
            })
            .collect()
    };
    let major = |image: &ImageRef| -> Option<(String, String)> {
        let engine = image.short_name().to_owned();
        if !["postgres", "mysql", "mariadb", "mongo", "redis"].contains(&engine.as_str()) {
            return None;
        }
        let tag = image.tag.clone().unwrap_or_default();
        let version = tag.split('-').next().unwrap_or_default().to_owned();
        let parts: Vec<&str> = version.split('.').collect();
        let x_only = engine == "redis"
            || (engine == "postgres" && parts[0].parse::<u32>().is_ok_and(|x| x >= 10));
        let major = if x_only {
            parts[0].to_owned()
        } else {
            parts.iter().take(2).copied().collect::<Vec<_>>().join(".")
        };
        Some((engine, major))
    };
    let old_majors: BTreeSet<(String, String)> = images(old).iter().filter_map(major).collect();
    for (engine, new_major) in images(new).iter().filter_map(major) {
        let kept = old_majors
            .iter()
            .any(|(e, m)| *e == engine && (*m == new_major || m.is_empty()));
        let had_engine = old_majors.iter().any(|(e, _)| *e == engine);
        if had_engine && !kept {
            problems.push(format!(
                "{name}: {engine} moved to a new major version ({new_major})"
            ));
        }
    }
}

/// A realistic project: a Compose stack of postgres, mysql, redis, nginx, php-apache, a node app, a
/// python app and a static site on nginx (three built from Dockerfiles), with comments, block lists and a digest pin.
const STACK: &[(&str, &str)] = &[
    (
        "compose.yaml",
        r#"services:
  # The public front.
  proxy:
    image: nginx:1.30-alpine
    ports:
      - "80:80"
    depends_on:
      - web
      - api
    volumes:
      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro

  # PHP front end talking to mysql.
  web:
    image: php:8.3-apache
    environment:
      DB_HOST: mysql
    networks:
      - default

  api:
    build: ./api
    environment:
      - DATABASE_URL=postgres://app@db:5432/app
      - REDIS_URL=redis://cache:6379/0
    ports:
      - "127.0.0.1:3000:3000"

  # The static site, built on nginx.
  static:
    build: ./static
    ports:
      - "127.0.0.1:8081:80"

  worker:
    build:
      context: ./worker
    depends_on:
      db:
        condition: service_healthy

  db:
    image: postgres:13-alpine
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db-password
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "app"]

  mysql:
    image: mysql:8.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
    volumes:
      - mysql-data:/var/lib/mysql

  cache:
    image: redis:6.2
    command: ["redis-server", "--appendonly", "yes"]

volumes:
  db-data:
  mysql-data:
"#,
    ),
    (
        "api/Dockerfile",
        "FROM node:22-bookworm\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nHEALTHCHECK CMD curl -fs http://localhost:3000/health || exit 1\n# Start the API\nCMD [\"node\", \"server.js\"]\n",
    ),
    (
        "api/package.json",
        "{\"name\": \"api\", \"dependencies\": {\"express\": \"4.21.0\"}}\n",
    ),
    (
        "static/Dockerfile",
        "FROM nginx:1.30-alpine\nCOPY public/ /usr/share/nginx/html/\nEXPOSE 80\n",
    ),
    (
        "worker/Dockerfile",
        "FROM python:3.12-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\nRUN git clone --depth 1 https://example.com/jobs.git /jobs\nCMD [\"python\", \"/jobs/run.py\"]\n",
    ),
];

/// Manifests: a postgres StatefulSet with a claim template, an nginx Deployment, and a node-exporter
/// DaemonSet that needs the host.
const MANIFESTS: &[(&str, &str)] = &[
    (
        "k8s/db.yaml",
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: postgres
          image: postgres:17.2
          ports:
            - containerPort: 5432
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 1Gi
"#,
    ),
    (
        "k8s/web.yaml",
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: nginx
          image: nginx:1.30
          ports:
            - containerPort: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress: [{}]
"#,
    ),
    (
        "k8s/node-exporter.yaml",
        r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
"#,
    ),
];

#[test]
fn fixing_a_realistic_project_gives_a_change_a_maintainer_would_merge() {
    let files: Vec<(&str, &str)> = STACK.iter().chain(MANIFESTS).copied().collect();
    let dir = common::write_tree("fix-quality", &files);
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&dir)
        .status()
        .expect("git init");
    let problems = fix_and_review(&dir);
    assert!(problems.is_empty(), "{problems:#?}");
    // What the fixes did, as the README says.
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).expect("read");
    assert!(
        compose.contains("image: postgres:13-alpine"),
        "no major bump:\n{compose}"
    );
    assert!(
        compose.contains("mysql:8.0@sha256:"),
        "digest kept:\n{compose}"
    );
    assert!(
        compose.contains("tmpfs: [/var/run/postgresql, /tmp]"),
        "{compose}"
    );
    assert!(
        compose.contains("\"80:80\""),
        "the proxy keeps its public port:\n{compose}"
    );
    let worker = std::fs::read_to_string(dir.join("worker/Dockerfile")).expect("read");
    assert!(
        worker.contains("FROM python:3.12-slim-bookworm")
            && worker.contains("libpq5 git ca-certificates"),
        "{worker}"
    );
    // nginx as root becomes nginx-unprivileged, and the port it now listens on moves with it.
    let site = std::fs::read_to_string(dir.join("static/Dockerfile")).expect("read");
    assert!(
        site.contains("FROM nginxinc/nginx-unprivileged:1.30-alpine")
            && site.contains("EXPOSE 8080"),
        "{site}"
    );
    assert!(compose.contains("\"127.0.0.1:8081:8080\""), "{compose}");
    let db = std::fs::read_to_string(dir.join("k8s/db.yaml")).expect("read");
    assert!(
        db.contains("runAsUser: 999") && db.contains("fsGroup: 999"),
        "{db}"
    );
    let exporter = std::fs::read_to_string(dir.join("k8s/node-exporter.yaml")).expect("read");
    assert!(
        exporter.contains("hostNetwork: true"),
        "a node agent keeps the host:\n{exporter}"
    );
}

/// The same review over every corpus Compose file and manifest, each fixed alone in a folder of its own.
#[test]
fn fixing_the_corpus_keeps_lists_digests_and_database_majors() {
    let Some(corpus) = common::corpus_dir("fix quality") else {
        return;
    };
    let mut reviewed = 0;
    let mut problems = Vec::new();
    for kind in ["compose", "k8s"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(kind))
            .expect("corpus folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("x.yaml");
            let dir =
                common::write_tree(&format!("fix-quality-{kind}-{reviewed}"), &[(name, &text)]);
            for problem in fix_and_review(&dir) {
                problems.push(format!("{}: {problem}", path.display()));
            }
            let _ = std::fs::remove_dir_all(&dir);
            reviewed += 1;
        }
    }
    assert!(reviewed > 400, "{reviewed} corpus files");
    eprintln!(
        "fix quality over the corpus: {reviewed} files, {} problems",
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{:#?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );
}
