use crate::model::dockerfile::Keyword;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a final stage with no `HEALTHCHECK` of its own or inherited from an earlier stage of the file.
    /// Off by default: turn it on in `.dockwarden.yaml` (`rules: {missing-healthcheck: warning}`).
    ///
    /// ## Why it matters
    /// Without a health check, Docker and Compose report a hung or half-started container as running:
    /// nothing restarts it, and `depends_on: condition: service_healthy` cannot wait for it. (Kubernetes
    /// ignores `HEALTHCHECK` and uses probes, which is why the rule is opt-in.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    /// Silent when the final stage (or a stage it builds on) has a `HEALTHCHECK`, including
    /// `HEALTHCHECK NONE`, which says so on purpose.
    ///
    /// ## Fix
    /// None: the right probe depends on the application.
    ///
    /// ## References
    /// - hadolint DL3057; CIS Docker Benchmark 4.6 "Ensure that HEALTHCHECK instructions have been added to
    ///   container images"
    name: "missing-healthcheck",
    severity: Off,
    fix: None,
    summary: "the final stage has no HEALTHCHECK (opt-in)",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let file = cx.file;
    let Some((index, stage)) = file.final_stage() else {
        return;
    };
    let has_healthcheck = file.lineage(index).into_iter().any(|s| {
        file.stage_body(s)
            .iter()
            .any(|i| i.keyword == Keyword::Healthcheck && i.in_this_image())
    });
    if has_healthcheck {
        return;
    }
    let Some(from) = file.instructions.get(stage.from) else {
        return;
    };
    out.push(Diagnostic::new(
        RuleId::MissingHealthcheck,
        from.keyword_range,
        "the final stage has no `HEALTHCHECK`: a hung container still counts as running",
    ));
}
