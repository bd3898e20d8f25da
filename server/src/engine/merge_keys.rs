//! Findings that several Compose services inherit through a YAML merge key (`<<: *defaults`) are one
//! finding, at the anchor where the value is written: one place to fix, one suppression above the anchor,
//! one fingerprint. The services that inherit it are named in the message and in related information, at
//! their `<<` pairs. A service that overrides the key after the merge key does not inherit the value.

use crate::document::TextRange;
use crate::model::compose::Compose;
use crate::model::yaml::Yaml;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::diagnostic::Related;

/// Where a service inherits a pair through `<<`: the pair as written (at the anchor) and the `<<` pair.
struct Inherited<'a> {
    service: &'a str,
    pair: TextRange,
    merge: TextRange,
}

/// Fold the findings each service inherits from one anchored pair into one.
pub fn fold(
    source: &str,
    yaml: &Yaml,
    compose: &Compose,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let inherited: Vec<Inherited> = compose
        .services
        .iter()
        .flat_map(|service| {
            yaml.members(service.node).into_iter().filter_map(|m| {
                Some(Inherited {
                    service: &service.name,
                    pair: m.range,
                    merge: m.merged_at?,
                })
            })
        })
        .collect();
    if inherited.is_empty() {
        return found;
    }
    let heirs = |range: TextRange| -> Vec<&Inherited> {
        inherited
            .iter()
            .filter(|i| i.pair.start <= range.start && range.end <= i.pair.end)
            .collect()
    };
    // Each finding, and whether a later one at the same place was folded into it.
    let mut out: Vec<(Diagnostic, bool)> = Vec::with_capacity(found.len());
    for diagnostic in found {
        let same = out
            .iter()
            .position(|(d, _)| d.rule == diagnostic.rule && d.range == diagnostic.range);
        match same {
            Some(index) if heirs(diagnostic.range).len() > 1 => out[index].1 = true,
            _ => out.push((diagnostic, false)),
        }
    }
    out.into_iter()
        .map(|(mut diagnostic, folded)| {
            if folded {
                let heirs = heirs(diagnostic.range);
                name_heirs(source, &mut diagnostic, &heirs);
            }
            diagnostic
        })
        .collect()
}

/// How many services a message names before it counts the rest.
const NAMED: usize = 4;

/// Name every service that inherits the finding: in the message, after the first service it names, and
/// as related information at each `<<` pair.
fn name_heirs(source: &str, primary: &mut Diagnostic, heirs: &[&Inherited]) {
    let named = heirs.iter().position(|h| {
        primary
            .message
            .contains(&format!("service `{}`", h.service))
    });
    let merge_text = |h: &Inherited| {
        source
            .get(h.merge.start..h.merge.end)
            .unwrap_or("<<")
            .trim()
    };
    let mut others: Vec<String> = heirs
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != named)
        .map(|(_, h)| format!("`{}`", h.service))
        .collect();
    // The message stays readable; related information lists every service.
    if others.len() > NAMED {
        let more = others.len() - NAMED;
        others.truncate(NAMED);
        others.push(format!("{more} more"));
    }
    let through = heirs.first().map_or("<<", |h| merge_text(h));
    primary.message = match named {
        Some(i) => {
            let first = format!("service `{}`", heirs[i].service);
            let with = format!("{first} (and {}, through `{through}`)", others.join(", "));
            primary.message.replacen(&first, &with, 1)
        }
        None => format!(
            "{} (in services {}, through `{through}`)",
            primary.message,
            others.join(", ")
        ),
    };
    for heir in heirs {
        // The rule may already point at the first service's `<<` pair.
        if primary.related.iter().any(|r| r.range == heir.merge) {
            continue;
        }
        primary.related.push(Related {
            range: heir.merge,
            message: format!(
                "service `{}` inherits this through `{}`",
                heir.service,
                merge_text(heir)
            ),
        });
    }
}
