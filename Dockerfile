# syntax=docker/dockerfile:1
# dockwarden in a container: one static (musl) binary on `scratch` — no shell, no package manager, no libc,
# nothing for an attacker to use — running as a numeric non-root user.
#
#   docker build -t dockwarden .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/src" -w /src dockwarden check .
#
# The binary is compiled in the `compiled` stage (Alpine's Rust builds for musl, statically linked), or, with
# `--build-arg BINARY=prebuilt`, taken from dist/<os>/<arch>/dockwarden in the build context (the release
# workflow's static binaries; the tests' locally built one).
ARG BINARY=compiled

FROM rust:1.95-alpine3.22 AS compiled
RUN apk add --no-cache musl-dev
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY server server
COPY queries queries
COPY third_party third_party
RUN cargo build --release --locked --bin dockwarden \
    && install -D -m 0755 target/release/dockwarden /out/dockwarden

FROM scratch AS prebuilt
ARG TARGETPLATFORM=linux/amd64
COPY --chmod=0755 dist/${TARGETPLATFORM}/dockwarden /out/dockwarden

FROM ${BINARY} AS binary

FROM scratch
COPY --from=binary /out/dockwarden /usr/local/bin/dockwarden
# Any numeric user works (`docker run --user "$(id -u):$(id -g)"` keeps the files it fixes yours); this one
# owns nothing in the image.
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/dockwarden"]
CMD ["check", "."]
