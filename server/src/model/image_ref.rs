//! Image references: `[registry/]repository[:tag][@digest]`, as Docker reads them.

/// A parsed image reference. Byte offsets are relative to the reference string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `ghcr.io`, `localhost:5000`; `None` for Docker Hub.
    pub registry: Option<String>,
    /// `library/python` is written `python`; kept as written.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Offsets of the end of the name (registry + repository) and of the tag, within the reference.
    pub name_end: usize,
    pub tag_end: usize,
}

impl ImageRef {
    /// Parse a reference; `None` when it is empty or still contains an unresolved variable.
    pub fn parse(reference: &str) -> Option<Self> {
        let reference = reference.trim();
        if reference.is_empty() || reference.chars().any(char::is_whitespace) {
            return None;
        }
        if reference.contains('$') {
            return Self::parse_after_variable_registry(reference);
        }
        let (without_digest, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_owned())),
            None => (reference, None),
        };
        let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match without_digest[last_slash..].rfind(':') {
            Some(colon) => {
                let at = last_slash + colon;
                (
                    &without_digest[..at],
                    Some(without_digest[at + 1..].to_owned()),
                )
            }
            None => (without_digest, None),
        };
        if name.is_empty() {
            return None;
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_owned()), rest.to_owned())
            }
            _ => (None, name.to_owned()),
        };
        Some(Self {
            registry,
            repository,
            name_end: name.len(),
            tag_end: without_digest.len(),
            tag,
            digest,
        })
    }

    /// `${REGISTRY}/ubuntu`: a registry left to a variable, and a repository, tag and digest written out,
    /// which are judged as written (`ubuntu` has no tag). The registry keeps the variable's text, so rules
    /// that judge registries can tell it is unknown ([`ImageRef::registry_is_variable`]).
    fn parse_after_variable_registry(reference: &str) -> Option<Self> {
        let (registry, rest) = reference.split_once('/')?;
        if !registry.contains('$') || rest.contains('$') {
            return None;
        }
        let mut image = Self::parse(rest)?;
        if let Some(inner) = image.registry.take() {
            image.repository = format!("{inner}/{}", image.repository);
        }
        image.registry = Some(registry.to_owned());
        image.name_end += registry.len() + 1;
        image.tag_end += registry.len() + 1;
        Some(image)
    }

    /// Whether the registry is a build argument or an environment variable (`${REGISTRY}/ubuntu`).
    pub fn registry_is_variable(&self) -> bool {
        self.registry.as_deref().is_some_and(|r| r.contains('$'))
    }

    /// The repository without a Docker Hub `library/` prefix: `python`, `bitnami/redis`.
    pub fn short_name(&self) -> &str {
        let repo = self
            .repository
            .strip_prefix("library/")
            .unwrap_or(&self.repository);
        if self
            .registry
            .as_deref()
            .is_none_or(|r| r == "docker.io" || r == "index.docker.io")
        {
            repo
        } else {
            &self.repository
        }
    }

    /// The last path component of the repository: `python` for `docker.io/library/python`.
    pub fn base_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    pub fn is_official(&self) -> bool {
        self.registry
            .as_deref()
            .is_none_or(|r| r == "docker.io" || r == "index.docker.io")
            && !self.short_name().contains('/')
    }

    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository == "scratch"
    }

    pub fn is_distroless(&self) -> bool {
        self.repository.starts_with("distroless/")
            || self.repository.contains("/distroless/")
            || self.repository.starts_with("chainguard/")
            || self.registry.as_deref() == Some("cgr.dev")
    }

    /// The name Docker pulls, with its registry and Hub's `library/` spelled out:
    /// `docker.io/library/python`, `docker.io/bitnami/redis`, `ghcr.io/org/app`.
    pub fn canonical_name(&self) -> String {
        match self.registry.as_deref() {
            None | Some("docker.io" | "index.docker.io") if !self.repository.contains('/') => {
                format!("docker.io/library/{}", self.repository)
            }
            None | Some("index.docker.io") => format!("docker.io/{}", self.repository),
            Some(registry) => format!("{registry}/{}", self.repository),
        }
    }

    /// The name as written, with registry: `ghcr.io/org/app`.
    pub fn name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.repository),
            None => self.repository.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registries_tags_and_digests() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc").expect("valid");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let p = ImageRef::parse("python").expect("valid");
        assert_eq!((p.registry, p.tag, p.name_end), (None, None, 6));
        let d = ImageRef::parse("docker.io/library/python:3.12-slim").expect("valid");
        assert_eq!(d.short_name(), "python");
        assert!(d.is_official());
        assert_eq!(ImageRef::parse("${BASE}"), None);
        let v = ImageRef::parse("${REGISTRY}/ubuntu").expect("registry left to a variable");
        assert_eq!((v.repository.as_str(), v.tag.as_deref()), ("ubuntu", None));
        assert!(v.registry_is_variable() && !v.is_official());
        assert_eq!(v.name_end, "${REGISTRY}/ubuntu".len());
        assert_eq!(ImageRef::parse("python:${PY}-slim"), None);
        assert_eq!(ImageRef::parse("${REGISTRY}/python:${PY}"), None);
        assert_eq!(ImageRef::parse(""), None);
    }
}
