//! What several Dockerfile rules ask: whether a stage runs commands, and how a message names a node agent.

use crate::model::dockerfile::{Dockerfile, Keyword};

/// Whether stage `index` has a `RUN` (itself or inherited from the stages it builds on).
pub fn lineage_runs(file: &Dockerfile, index: usize) -> bool {
    file.lineage(index)
        .into_iter()
        .any(|s| file.stage_body(s).iter().any(|i| i.keyword == Keyword::Run))
}

/// What the message says of a node agent: why it has the host's namespaces, so their removal is offered,
/// not preferred.
pub fn agent_note(agent: Option<&str>) -> String {
    agent.map_or_else(String::new, |why| {
        format!(" — its image is a node agent ({why}): removing it is for a person to decide")
    })
}
