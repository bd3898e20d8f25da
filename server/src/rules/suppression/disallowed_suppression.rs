use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an inline suppression the project's `.dockwarden.yaml` does not accept: any suppression under
    /// `allow-suppressions: false`, and one without a reason (`-- why`) under `require-reason: true`. Such a
    /// comment suppresses nothing. A hadolint or BuildKit comment is reported only when it would have hidden
    /// a finding, since it cannot carry a reason.
    ///
    /// ## Why it matters
    /// A CI policy that findings are fixed, not hidden, or hidden only with a written justification, must
    /// hold in every file: the comment is reported where it is written, and the finding it tried to hide
    /// stays visible.
    ///
    /// ## Example
    /// ```yaml
    /// # .dockwarden.yaml
    /// require-reason: true
    /// ```
    /// ```dockerfile
    /// # dockwarden-ignore: run-as-root
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## Fix
    /// None: write the reason after `--`, or fix the finding and remove the comment.
    ///
    /// ## References
    /// - ruff's `lint.external` / `noqa` policies and hadolint's `--no-inline-ignore`… the same kind of CI
    ///   policy
    name: "disallowed-suppression",
    severity: Warning,
    fix: None,
    summary: "an inline suppression the config does not allow",
}
