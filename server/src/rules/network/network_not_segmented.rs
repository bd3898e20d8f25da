use crate::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::compose::Service;
use crate::model::image_ref::ImageRef;
use crate::model::yaml::Yaml;
use crate::rules::{ComposeContext, RuleId, declare_rule};
use crate::yaml_edit::{Y, append_item, insert_entries, replace_value};

declare_rule! {
    /// ## What it does
    /// Reports a Compose database or cache service (PostgreSQL, MySQL/MariaDB, Redis/Valkey, MongoDB,
    /// Memcached, Elasticsearch/OpenSearch, Cassandra, CouchDB, InfluxDB, ClickHouse, Neo4j…) that shares a
    /// network with a service that publishes ports, when none of its networks is `internal: true`.
    ///
    /// ## Why it matters
    /// Compose puts every service on one flat `default` network. Whoever compromises the published web
    /// front reaches the database's port directly, and an internal network also keeps the database from
    /// opening connections to the outside (exfiltration).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: {image: example/web:1, ports: ["8080:80"]}
    ///   db: {image: postgres:17}
    /// ```
    ///
    /// ## Fix
    /// Unsafe (what reached the database over the shared network must now join the new one): add an
    /// `internal: true` network, put the database only on it, and add it to every service that shared a
    /// network with the database.
    ///
    /// ## References
    /// - Docker documentation: "Networking in Compose", `internal` networks
    /// - CIS Docker Benchmark 5.29 "Ensure that Docker's default bridge docker0 is not used"
    name: "network-not-segmented",
    severity: Warning,
    fix: Unsafe,
    summary: "a database shares a network with a published service",
}

/// Images of databases, caches and search engines.
const DATA_STORES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "keydb",
    "mongo",
    "memcached",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "couchdb",
    "influxdb",
    "clickhouse-server",
    "neo4j",
    "percona",
    "cockroach",
];

fn is_data_store(yaml: &Yaml, service: &Service) -> bool {
    let Some(image) = yaml
        .get(service.node, "image")
        .and_then(|m| yaml.str(m.value))
    else {
        return false;
    };
    let Some(image) = ImageRef::parse(image) else {
        return false;
    };
    let name = image.base_name();
    DATA_STORES
        .iter()
        .any(|store| name == *store || name.starts_with(&format!("{store}-")))
}

/// The networks a service is on (`default` when it names none); `None` for host or container networking.
fn networks(yaml: &Yaml, service: &Service) -> Option<Vec<String>> {
    if yaml.get(service.node, "network_mode").is_some() {
        return None;
    }
    let Some(member) = yaml.get(service.node, "networks") else {
        return Some(vec!["default".to_owned()]);
    };
    let items = yaml.items(member.value);
    let names: Vec<String> = if items.is_empty() {
        yaml.members(member.value)
            .iter()
            .map(|m| m.key.to_owned())
            .collect()
    } else {
        items
            .iter()
            .filter_map(|&i| yaml.str(i).map(str::to_owned))
            .collect()
    };
    Some(if names.is_empty() {
        vec!["default".to_owned()]
    } else {
        names
    })
}

fn publishes(yaml: &Yaml, service: &Service) -> bool {
    yaml.get(service.node, "ports")
        .is_some_and(|m| !yaml.items(m.value).is_empty())
}

fn internal_networks(cx: &ComposeContext) -> Vec<String> {
    let Some(networks) = cx.compose.networks else {
        return Vec::new();
    };
    cx.yaml
        .members(networks)
        .into_iter()
        .filter(|m| {
            cx.yaml.get(m.value, "internal").is_some_and(|i| {
                cx.yaml.bool(i.value, crate::model::yaml::Booleans::Compose) == Some(true)
            })
        })
        .map(|m| m.key.to_owned())
        .collect()
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let internal = internal_networks(cx);
    for store in cx
        .compose
        .services
        .iter()
        .filter(|s| is_data_store(yaml, s))
    {
        let Some(own) = networks(yaml, store) else {
            continue;
        };
        if own.iter().any(|n| internal.contains(n)) {
            continue;
        }
        let peers: Vec<&Service> = cx
            .compose
            .services
            .iter()
            .filter(|s| s.name != store.name)
            .filter(|s| networks(yaml, s).is_some_and(|n| n.iter().any(|n| own.contains(n))))
            .collect();
        let Some(published) = peers.iter().find(|s| publishes(yaml, s)) else {
            continue;
        };
        let fix = fix(cx, store, &peers, &internal);
        out.push(
            Diagnostic::new(
                RuleId::NetworkNotSegmented,
                store.name_range,
                format!(
                    "`{}` shares network `{}` with `{}`, which publishes ports, and is on no internal network",
                    store.name,
                    own.iter().find(|n| networks(yaml, published).is_some_and(|p| p.contains(n))).map_or("default", String::as_str),
                    published.name
                ),
            )
            .with_fixes(fix),
        );
    }
}

fn fix(
    cx: &ComposeContext,
    store: &Service,
    peers: &[&Service],
    internal: &[String],
) -> Option<Fix> {
    let yaml = cx.yaml;
    let root = cx.compose.root?;
    let mut edits: Vec<Edit> = Vec::new();
    let mut definition_edit = None;
    // An internal network to use: an existing one, else a new one with a free name.
    let name = match internal.first() {
        Some(existing) => existing.clone(),
        None => {
            let taken = |n: &str| {
                cx.compose
                    .networks
                    .is_some_and(|m| yaml.get(m, n).is_some())
            };
            let name = ["backend", "internal", "dockwarden-backend"]
                .into_iter()
                .find(|n| !taken(n))?
                .to_owned();
            let definition = Y::map([("internal", Y::scalar("true"))]);
            definition_edit = Some(match cx.compose.networks.filter(|&m| yaml.is_mapping(m)) {
                Some(map) => insert_entries(cx.source, yaml, map, &[(name.clone(), definition)])?,
                None => insert_entries(
                    cx.source,
                    yaml,
                    root,
                    &[(
                        "networks".to_owned(),
                        Y::Map(vec![(name.clone(), definition)]),
                    )],
                )?,
            });
            name
        }
    };
    edits.push(set_networks(cx, store, std::slice::from_ref(&name))?);
    for peer in peers {
        edits.push(join(cx, peer, &name)?);
    }
    // Last: where it meets a service's insertion at the end of the file, the top-level key must come after.
    edits.extend(definition_edit);
    Some(
        Fix::unsafe_(
            format!("Move `{}` onto an internal network `{name}` (and add it to the services that reached it)", store.name),
            edits,
        )
        .preferred(true),
    )
}

/// Put `service` on exactly `names`.
fn set_networks(cx: &ComposeContext, service: &Service, names: &[String]) -> Option<Edit> {
    let list = format!("[{}]", names.join(", "));
    match cx.yaml.get(service.node, "networks") {
        Some(member) => Some(replace_value(cx.yaml, member.value, &list)),
        None => insert_entries(
            cx.source,
            cx.yaml,
            service.node,
            &[("networks".to_owned(), Y::List(names.to_vec()))],
        ),
    }
}

/// Add network `name` to `service`, keeping the networks it is on (`default` when it named none).
fn join(cx: &ComposeContext, service: &Service, name: &str) -> Option<Edit> {
    let yaml = cx.yaml;
    match yaml.get(service.node, "networks") {
        Some(member) if !yaml.items(member.value).is_empty() => {
            append_item(cx.source, yaml, yaml.resolve(member.value), name)
        }
        Some(member) if yaml.is_mapping(member.value) => insert_entries(
            cx.source,
            yaml,
            yaml.resolve(member.value),
            &[(name.to_owned(), Y::Map(Vec::new()))],
        ),
        _ => insert_entries(
            cx.source,
            yaml,
            service.node,
            &[(
                "networks".to_owned(),
                Y::List(vec!["default".to_owned(), name.to_owned()]),
            )],
        ),
    }
}
