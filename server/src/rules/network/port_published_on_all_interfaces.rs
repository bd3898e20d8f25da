use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{replace_value, styled_scalar};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{ComposeContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports Compose `ports:` that publish on every interface of the host (no host IP, or `0.0.0.0`).
    /// Database, cache and admin ports (5432, 3306, 6379, 27017, 9200, 11211, 2375/2376…) are warnings;
    /// other ports are info.
    ///
    /// ## Why it matters
    /// Docker publishes ports by writing its own firewall rules, ahead of the host's firewall (ufw, firewalld):
    /// `5432:5432` makes the database reachable from the whole network, whatever the host's firewall says.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17
    ///     ports: ["5432:5432"]
    /// ```
    /// Silent with a `127.0.0.1:` or `[::1]:` prefix, and for `expose:` (which publishes nothing).
    ///
    /// ## Fix
    /// Unsafe (other machines lose access): bind to `127.0.0.1`. Preferred (applied by `--unsafe-fixes`) for
    /// database, cache and admin ports only; for other ports (the information findings) it is offered, not
    /// preferred: binding a reverse proxy's `80:80` to 127.0.0.1 takes the site offline. A spec written with
    /// a variable (`${PORT}:80`) is not rewritten: the variable may hold an address of its own.
    ///
    /// ## References
    /// - Docker documentation: "Packet filtering and firewalls" (published ports bypass ufw)
    /// - CIS Docker Benchmark 5.14 "Ensure that incoming container traffic is bound to a specific host interface"
    name: "port-published-on-all-interfaces",
    severity: Warning,
    fix: Unsafe,
    summary: "a port is published on every host interface",
}

/// Ports of databases, caches, brokers and admin APIs.
const SENSITIVE: &[u16] = &[
    2375, 2376, 2379, 3306, 5432, 5984, 6379, 7000, 7001, 8086, 9042, 9092, 9200, 9300, 11211,
    27017, 15672, 5672, 1433, 1521, 8500,
];

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(ports) = yaml.get(service.node, "ports") else {
            continue;
        };
        for &item in yaml.items(ports.value) {
            // The long syntax (`- target: 80, published: 8080, host_ip: …`).
            if yaml.is_mapping(item) {
                let host_ip = yaml
                    .get(item, "host_ip")
                    .and_then(|m| yaml.str(m.value))
                    .unwrap_or("");
                let published = yaml.get(item, "published").is_some();
                if published && (host_ip.is_empty() || host_ip == "0.0.0.0") {
                    let field = |key: &str| {
                        yaml.get(item, key)
                            .and_then(|m| yaml.str(m.value))
                            .map(str::to_owned)
                    };
                    let port = Published {
                        host: field("published"),
                        container: field("target").and_then(|t| t.parse().ok()),
                    };
                    out.push(finding(&service.name, yaml.node(item).range, &port, None));
                }
                continue;
            }
            let Some(spec) = yaml.str(item) else { continue };
            let Some(port) = all_interfaces(spec) else {
                continue;
            };
            // A variable may hold an address of its own (`${BIND}:80` with `BIND=0.0.0.0:8080`): not rewritten.
            let fix = (!spec.contains('$')).then(|| {
                let bound = localhost(spec);
                let new = styled_scalar(yaml, item, &bound);
                Fix::unsafe_(
                    format!("Publish on 127.0.0.1 only (`{bound}`)"),
                    vec![replace_value(yaml, item, &new)],
                )
                .preferred(is_sensitive(&port))
            });
            out.push(finding(&service.name, yaml.node(item).range, &port, fix));
        }
    }
}

/// A port published on every interface: the host side (`None`: a random host port) and the container's.
#[derive(Debug, PartialEq, Eq)]
struct Published {
    host: Option<String>,
    container: Option<u16>,
}

impl Published {
    /// `host port 8080 (container port 80)`: the host side is what the network reaches.
    fn describe(&self) -> String {
        let container = self.container.map(|p| format!("container port {p}"));
        match (&self.host, container) {
            (Some(host), Some(container)) => format!("host port {host} ({container})"),
            (Some(host), None) => format!("host port {host}"),
            (None, Some(container)) => format!("a random host port for {container}"),
            (None, None) => "a port".to_owned(),
        }
    }
}

/// What listens decides what is at stake: a database behind any host port is still a database. Any other
/// port is information, and binding it to 127.0.0.1 is offered, not preferred: a reverse proxy's `80:80` or
/// a public API would go offline.
fn is_sensitive(published: &Published) -> bool {
    published.container.is_some_and(|p| SENSITIVE.contains(&p))
}

fn finding(
    service: &str,
    range: crate::document::TextRange,
    published: &Published,
    fix: Option<Fix>,
) -> Diagnostic {
    let sensitive = is_sensitive(published);
    let port = published.describe();
    let diagnostic = if sensitive {
        Diagnostic::new(
            RuleId::PortPublishedOnAllInterfaces,
            range,
            format!(
                "service `{service}` publishes a database, cache or admin port on every host interface, past the host's firewall: {port}"
            ),
        )
    } else {
        Diagnostic::new(
            RuleId::PortPublishedOnAllInterfaces,
            range,
            format!("service `{service}` publishes {port} on every host interface; bind it to an address if it is not public"),
        )
        .with_severity(crate::document::Severity::Info)
    };
    diagnostic.with_fixes(fix)
}

/// The same port bound to 127.0.0.1: `8080:80` → `127.0.0.1:8080:80`, `0.0.0.0:80:80` → `127.0.0.1:80:80`, and
/// a container port alone (a random host port) → `127.0.0.1::80`.
fn localhost(spec: &str) -> String {
    let spec = spec.trim();
    let spec = spec.strip_prefix("0.0.0.0:").unwrap_or(spec);
    let ports = spec.split('/').next().unwrap_or(spec);
    if ports.contains(':') {
        format!("127.0.0.1:{spec}")
    } else {
        format!("127.0.0.1::{spec}")
    }
}

/// For a short-syntax port published without a host IP (or on `0.0.0.0`), its host and container ports.
/// `"8080:80"`, `"80"` (a random host port, still on every interface), `"0.0.0.0:5432:5432/tcp"`.
fn all_interfaces(spec: &str) -> Option<Published> {
    let spec = spec.trim();
    let without_proto = spec.split('/').next().unwrap_or(spec);
    let parts: Vec<&str> = if without_proto.starts_with('[') {
        return None; // an IPv6 host address is always explicit
    } else {
        without_proto.split(':').collect()
    };
    let host_ip = match parts.len() {
        1 | 2 => None,
        3 => Some(parts[0]),
        _ => return None,
    };
    if host_ip.is_some_and(|ip| !ip.is_empty() && ip != "0.0.0.0") {
        return None;
    }
    let container = parts.last()?.split('-').next()?.parse().ok();
    let host = (parts.len() > 1)
        .then(|| parts[parts.len() - 2])
        .filter(|h| !h.is_empty())
        .map(str::to_owned);
    Some(Published { host, container })
}

#[cfg(test)]
mod tests {
    use super::{Published, all_interfaces};

    fn container(spec: &str) -> Option<Option<u16>> {
        all_interfaces(spec).map(|p| p.container)
    }

    #[test]
    fn short_syntax() {
        assert_eq!(container("5432:5432"), Some(Some(5432)));
        assert_eq!(container("0.0.0.0:6379:6379/tcp"), Some(Some(6379)));
        assert_eq!(container("80"), Some(Some(80)));
        assert_eq!(container("127.0.0.1:5432:5432"), None);
        assert_eq!(container("[::1]:5432:5432"), None);
        assert_eq!(container("8000-8010:8000-8010"), Some(Some(8000)));
        assert_eq!(container("127.0.0.1::8008"), None);
        let web = all_interfaces("8080:80").expect("published");
        assert_eq!(web.describe(), "host port 8080 (container port 80)");
        let random = all_interfaces("80").expect("published");
        assert_eq!(
            random,
            Published {
                host: None,
                container: Some(80)
            }
        );
        assert_eq!(
            random.describe(),
            "a random host port for container port 80"
        );
        assert_eq!(super::localhost("8008"), "127.0.0.1::8008");
        assert_eq!(super::localhost("0.0.0.0:53:53/udp"), "127.0.0.1:53:53/udp");
    }
}
