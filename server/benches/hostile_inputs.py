#!/usr/bin/env python3
"""Generate the large and deeply nested inputs the `scaling` bench lints (see README, Performance).

    python3 server/benches/hostile_inputs.py OUT_DIR

writes, for each size in MiB (1, 4, 16, 50): a Dockerfile of RUN lines, a Compose file of services, a stream
of Kubernetes Deployments; then a single 1 MiB ENV line, 300 nested command substitutions, 40,000 stages,
200,000 unknown instructions and 10,000 YAML documents. The content is synthetic but shaped like real files
(the corpus's common lines).
"""
import os
import sys

MIB = 1024 * 1024


def dockerfile(size):
    """RUN lines like the corpus's: most clean, one in 20 with findings (a pipe to a shell, an upgrade)."""
    lines = ["FROM debian:bookworm-slim\n", "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"]
    total = sum(map(len, lines))
    i = 0
    while total < size:
        if i % 20 == 0:
            line = f"RUN curl -fsSL https://example.com/install{i}.sh | sh && apt-get upgrade -y\n"
        else:
            line = (
                f"RUN set -eux; mkdir -p /opt/app{i}; cp /src/file{i}.conf /opt/app{i}/ "
                f"&& chmod 0644 /opt/app{i}/file{i}.conf && echo \"step {i}\" >> /var/log/build.log\n"
            )
        lines.append(line)
        total += len(line)
        i += 1
    lines.append("USER 10001:10001\n")
    return "".join(lines)


def compose(size):
    """Services like the corpus's: hardened, with one in 20 keeping a literal password."""
    out = ["services:\n"]
    total = len(out[0])
    i = 0
    while total < size:
        secret = f"      DB_PASSWORD: hunter2-{i}\n" if i % 20 == 0 else ""
        block = (
            f"  web{i}:\n    image: nginx:1.30\n    user: \"10001:10001\"\n    read_only: true\n"
            f"    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    mem_limit: 256m\n"
            f"    cpus: 0.5\n    ports: [\"127.0.0.1:{8000 + i % 1000}:80\"]\n"
            f"    environment:\n      MODE: prod\n      INDEX: \"{i}\"\n{secret}"
        )
        out.append(block)
        total += len(block)
        i += 1
    return "".join(out)


def kubernetes(size):
    """Deployments like the corpus's: hardened, with one in 20 privileged."""
    out = []
    total = 0
    i = 0
    while total < size:
        privileged = "true" if i % 20 == 0 else "false"
        doc = (
            f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  namespace: ns{i % 7}\n"
            f"spec:\n  template:\n    metadata:\n      labels: {{app: app{i}}}\n    spec:\n"
            f"      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n"
            f"        seccompProfile: {{type: RuntimeDefault}}\n      containers:\n"
            f"      - name: app\n        image: nginx:1.30\n        env:\n        - name: MODE\n"
            f"          value: prod\n        resources:\n          limits: {{memory: 128Mi, cpu: 100m}}\n"
            f"        securityContext:\n          privileged: {privileged}\n          allowPrivilegeEscalation: false\n"
            f"          readOnlyRootFilesystem: true\n          capabilities: {{drop: [ALL]}}\n"
        )
        out.append(doc)
        total += len(doc)
        i += 1
    return "".join(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for mib in (1, 4, 16, 50):
        for name, make in (("Dockerfile", dockerfile), ("compose.yaml", compose), ("k8s.yaml", kubernetes)):
            path = os.path.join(out, f"{mib}mib.{name}")
            with open(path, "w") as f:
                f.write(make(mib * MIB))
    with open(os.path.join(out, "long-env-line.Dockerfile"), "w") as f:
        f.write("FROM alpine:3.22\nENV " + " ".join(f"K{i}=v{i}" for i in range(110_000)) + "\n")
    with open(os.path.join(out, "nested-substitutions.Dockerfile"), "w") as f:
        f.write("FROM alpine:3.22\nRUN echo " + "$(" * 300 + "x" + ")" * 300 + "\n")
    with open(os.path.join(out, "stages.Dockerfile"), "w") as f:
        f.write("".join(f"FROM alpine:3.22 AS s{i}\nRUN echo {i}\n" for i in range(40_000)))
    with open(os.path.join(out, "unknown-instructions.Dockerfile"), "w") as f:
        f.write("FROM alpine:3.22\n" + "".join(f"FRM step{i}\n" for i in range(200_000)))
    with open(os.path.join(out, "documents.yaml"), "w") as f:
        f.write("".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{k: v}}\n" for i in range(10_000)))


if __name__ == "__main__":
    main()
