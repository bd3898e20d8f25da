use crate::edit::fix::{Edit, Fix};
use crate::edit::yaml_edit::{
    Y, append_item, insert_entries, remove_entry, remove_item, replace_value,
};
use crate::model::compose::Service;
use crate::model::yaml::NodeId;
use crate::rules::compose_networks::{host_names, is_data_store, needs, networks};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{ComposeContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Compose database or cache service (PostgreSQL, MySQL/MariaDB, Redis/Valkey, MongoDB,
    /// Memcached, Elasticsearch/OpenSearch, Cassandra, CouchDB, InfluxDB, ClickHouse, Neo4j…) that shares a
    /// network with other services, until it is only on `internal: true` networks shared with exactly the
    /// services that need it. A service needs it when it `depends_on` or `links` it, or names it (its
    /// service name, `hostname`, `container_name` or a network alias) in its `environment`, `command` or
    /// `entrypoint` (`DATABASE_URL=postgres://db:5432/app`). So it fires when the database shares a network
    /// with a service that does not need it, or shares a network that is not internal.
    ///
    /// ## Why it matters
    /// Compose puts every service on one flat `default` network. Whoever compromises the published web
    /// front, or any other service, reaches the database's port directly; an internal network also keeps
    /// the database from opening connections to the outside (exfiltration).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web: {image: example/web:1, ports: ["8080:80"], depends_on: [db]}
    ///   mail: {image: example/mail:1}
    ///   db: {image: postgres:17}
    /// ```
    /// Silent when the database is alone on its networks, or only on internal networks shared with the
    /// services that need it (which may publish ports: they keep their other networks).
    ///
    /// ## Fix
    /// Unsafe (a service that reached the database without saying so loses it): put the database only on an
    /// `internal: true` network (an existing one, else a new `backend`), add that network to each service
    /// that needs it (in the list's own style, never twice), and take it off the services that do not.
    ///
    /// ## References
    /// - Docker documentation: "Networking in Compose", `internal` networks
    /// - CIS Docker Benchmark 5.29 "Ensure that Docker's default bridge docker0 is not used"
    name: "network-not-segmented",
    severity: Warning,
    fix: Unsafe,
    summary: "a database shares a network with services that do not need it, or a network that is not internal",
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

/// A service that shares a network with the database, and whether it needs the database.
struct Peer<'a> {
    service: &'a Service,
    needs: bool,
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
        let names = host_names(yaml, store);
        let peers: Vec<Peer> = cx
            .compose
            .services
            .iter()
            .filter(|s| s.name != store.name)
            .filter(|s| networks(yaml, s).is_some_and(|n| n.iter().any(|n| own.contains(n))))
            .map(|service| Peer {
                service,
                needs: needs(yaml, service, store, &names),
            })
            .collect();
        let shared_with = |peer: &Service| {
            let theirs = networks(yaml, peer).unwrap_or_default();
            own.iter()
                .find(|n| theirs.contains(n))
                .cloned()
                .unwrap_or_else(|| "default".to_owned())
        };
        let message = if let Some(stranger) = peers.iter().find(|p| !p.needs) {
            format!(
                "`{}` shares network `{}` with `{}`, which does not use it (no `depends_on`, `links` or mention of `{}`)",
                store.name,
                shared_with(stranger.service),
                stranger.service.name,
                store.name
            )
        } else if let Some(open) = own
            .iter()
            .find(|n| !internal.contains(n) && peers.iter().any(|p| shared_with(p.service) == **n))
        {
            format!(
                "`{}` is on network `{open}`, which is not internal: it can open connections to the outside",
                store.name
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(RuleId::NetworkNotSegmented, store.name_range, message)
                .with_fixes(fix(cx, store, &peers, &internal)),
        );
    }
}

fn fix(cx: &ComposeContext, store: &Service, peers: &[Peer], internal: &[String]) -> Option<Fix> {
    let yaml = cx.yaml;
    let root = cx.compose.root?;
    let own = networks(yaml, store)?;
    let mut edits: Vec<Edit> = Vec::new();
    let mut definition_edit = None;
    // An internal network to use: one the database is on (the services there that do not need it leave
    // it), else one whose services all need the database, else a new one with a free name.
    let names = host_names(yaml, store);
    let fits = |network: &String| {
        cx.compose.services.iter().all(|s| {
            s.name == store.name
                || !networks(yaml, s).is_some_and(|n| n.contains(network))
                || needs(yaml, s, store, &names)
        })
    };
    let existing = internal
        .iter()
        .find(|n| own.contains(n))
        .or_else(|| internal.iter().find(|n| fits(n)));
    let name = match existing {
        Some(existing) => existing.clone(),
        None => {
            let taken = |n: &str| {
                cx.compose
                    .networks
                    .is_some_and(|m| yaml.get(m, n).is_some())
            };
            let name = [
                "backend".to_owned(),
                format!("{}-backend", store.name),
                format!("dockwarden-{}", store.name),
            ]
            .into_iter()
            .find(|n| !taken(n))?;
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
    if own != [name.clone()] {
        edits.push(set_networks(cx, store, &name)?);
    }
    let mut users = Vec::new();
    let mut strangers = Vec::new();
    for peer in peers {
        let on = networks(yaml, peer.service).unwrap_or_default();
        if peer.needs {
            users.push(format!("`{}`", peer.service.name));
            if !on.contains(&name) {
                edits.push(join(cx, peer.service, &name)?);
            }
        } else {
            strangers.push(format!("`{}`", peer.service.name));
            if on.contains(&name) {
                edits.push(leave(cx, peer.service, &name)?);
            }
        }
    }
    // Last: where it meets a service's insertion at the end of the file, the top-level key must come after.
    edits.extend(definition_edit);
    let mut title = format!("Move `{}` onto the internal network `{name}`", store.name);
    if !users.is_empty() {
        title.push_str(&format!(", shared with {}", users.join(", ")));
    }
    if !strangers.is_empty() {
        let verb = if strangers.len() == 1 {
            "reaches"
        } else {
            "reach"
        };
        title.push_str(&format!("; {} no longer {verb} it", strangers.join(", ")));
    }
    Some(Fix::unsafe_(title, edits).preferred(true))
}

/// Put `service` on network `name` only, in the style its `networks:` is written in.
fn set_networks(cx: &ComposeContext, service: &Service, name: &str) -> Option<Edit> {
    let yaml = cx.yaml;
    match yaml.get(service.node, "networks") {
        Some(member) => {
            let value = yaml.resolve(member.value);
            let node = yaml.node(value);
            let text = match (node.flow, yaml.is_mapping(value)) {
                (true, true) => format!("{{{name}: {{}}}}"),
                (true, false) => format!("[{name}]"),
                // A block value starts at its first item or key, whose indentation stays before it.
                (false, true) => format!("{name}: {{}}"),
                (false, false) => format!("- {name}"),
            };
            Some(replace_value(yaml, value, &text))
        }
        None => insert_entries(
            cx.source,
            yaml,
            service.node,
            &[("networks".to_owned(), Y::List(vec![name.to_owned()]))],
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

/// Take network `name` off `service` (a list item, or a key of its `networks:` mapping).
fn leave(cx: &ComposeContext, service: &Service, name: &str) -> Option<Edit> {
    let yaml = cx.yaml;
    let value: NodeId = yaml.resolve(yaml.get(service.node, "networks")?.value);
    if let Some(&item) = yaml
        .items(value)
        .iter()
        .find(|&&i| yaml.str(i) == Some(name))
    {
        return remove_item(cx.source, yaml, value, item);
    }
    let entry = yaml
        .entries(value)
        .iter()
        .find(|e| yaml.str(e.key) == Some(name))?;
    Some(remove_entry(cx.source, yaml, value, entry.range))
}
