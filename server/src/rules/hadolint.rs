//! hadolint's codes and the rule of ours each stands for, so that what people wrote for hadolint keeps
//! working: `# hadolint ignore=DL3002` comments, `--select DL3002`, `explain DL3002`, `rules: {DL3002: off}`.
//! A code stands for its whole rule: `DL3007` (`:latest`) turns off all of `unpinned-image`, which also
//! covers `DL3006` (no tag). The README's "hadolint comments" table lists them.

use crate::rules::RuleId;

/// hadolint codes and the rule of ours each corresponds to.
pub const HADOLINT: &[(&str, RuleId)] = &[
    ("DL3002", RuleId::RunAsRoot),
    ("DL3004", RuleId::SudoInRun),
    ("DL3005", RuleId::PackageManagerUpgrade),
    ("DL3006", RuleId::UnpinnedImage),
    ("DL3007", RuleId::UnpinnedImage),
    ("DL3008", RuleId::UnpinnedPackages),
    ("DL3013", RuleId::UnpinnedPackages),
    ("DL3015", RuleId::InstallRecommends),
    ("DL3016", RuleId::UnpinnedPackages),
    ("DL3017", RuleId::PackageManagerUpgrade),
    ("DL3018", RuleId::UnpinnedPackages),
    ("DL3020", RuleId::AddInsteadOfCopy),
    ("DL3025", RuleId::ShellFormEntrypoint),
    ("DL3026", RuleId::UntrustedRegistry),
    ("DL3028", RuleId::UnpinnedPackages),
    ("DL3031", RuleId::PackageManagerUpgrade),
    ("DL3033", RuleId::UnpinnedPackages),
    ("DL3039", RuleId::PackageManagerUpgrade),
    ("DL3041", RuleId::UnpinnedPackages),
    ("DL3057", RuleId::MissingHealthcheck),
    ("DL4006", RuleId::MissingPipefail),
];

/// The rule a hadolint code stands for (`DL3002`, any case).
pub fn rule_of(code: &str) -> Option<RuleId> {
    HADOLINT
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|&(_, rule)| rule)
}
