//! How Compose services reach each other: the networks a service is on, which services are databases, and
//! whether a service needs one (it depends on it, links it, or names it as a host). Read by the rule that
//! segments databases and by the fixes that would move a service onto a network.

use crate::model::compose::Service;
use crate::model::image_ref::ImageRef;
use crate::model::yaml::Yaml;
use crate::rules::ComposeContext;
use crate::rules::compose_support::strings;

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

pub fn is_data_store(yaml: &Yaml, service: &Service) -> bool {
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
pub fn networks(yaml: &Yaml, service: &Service) -> Option<Vec<String>> {
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

/// The names other services reach `store` by: its service name, `hostname`, `container_name` and network
/// aliases.
pub fn host_names(yaml: &Yaml, store: &Service) -> Vec<String> {
    let mut names = vec![store.name.clone()];
    for key in ["hostname", "container_name"] {
        if let Some(name) = yaml.get(store.node, key).and_then(|m| yaml.str(m.value)) {
            names.push(name.to_owned());
        }
    }
    if let Some(networks) = yaml.get(store.node, "networks") {
        for member in yaml.members(networks.value) {
            if let Some(aliases) = yaml.get(member.value, "aliases") {
                names.extend(strings(yaml, aliases.value).into_iter().map(|(a, _)| a));
            }
        }
    }
    names
}

/// Whether `service` needs `store`: it depends on it, links it, or names it as a host.
pub fn needs(yaml: &Yaml, service: &Service, store: &Service, names: &[String]) -> bool {
    let listed = |key: &str| {
        yaml.get(service.node, key).is_some_and(|m| {
            let value = yaml.resolve(m.value);
            let items = strings(yaml, value);
            let keys = yaml.members(value);
            items
                .iter()
                .map(|(s, _)| s.split(':').next().unwrap_or_default())
                .chain(keys.iter().map(|k| k.key))
                .any(|name| name == store.name)
        })
    };
    if listed("depends_on") || listed("links") {
        return true;
    }
    let mut texts: Vec<String> = Vec::new();
    for key in ["environment", "command", "entrypoint"] {
        let Some(member) = yaml.get(service.node, key) else {
            continue;
        };
        let value = yaml.resolve(member.value);
        texts.extend(strings(yaml, value).into_iter().map(|(s, _)| s));
        texts.extend(
            yaml.members(value)
                .iter()
                .filter_map(|m| yaml.str(m.value).map(str::to_owned)),
        );
    }
    texts
        .iter()
        .any(|text| names.iter().any(|name| names_host(text, name)))
}

/// Whether `text` names the host `name`: as a whole word of a host name (`postgres://db:5432`,
/// `DB_HOST=db`, `db`), not inside a longer name (`dbadmin`, `my-db`).
fn names_host(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(host_char) && !after.is_some_and(host_char)
    })
}

/// Whether `service`, put on the `default` network (when `network_mode: host` goes), would share it with a
/// database it does not need.
pub fn would_meet_a_stranger_database(cx: &ComposeContext, service: &Service) -> bool {
    let yaml = cx.yaml;
    cx.compose.services.iter().any(|store| {
        store.name != service.name
            && is_data_store(yaml, store)
            && networks(yaml, store).is_some_and(|n| n.iter().any(|n| n == "default"))
            && !needs(yaml, service, store, &host_names(yaml, store))
    })
}
