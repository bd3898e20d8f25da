use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# dockwarden-ignore:` or `# dockwarden-ignore-file:` comment, or one rule named in it, that
    /// suppresses nothing: no finding of that rule where it applies, a rule that is off, or a name that is
    /// not a rule. hadolint and BuildKit comments are left to their own tools and never reported.
    ///
    /// ## Why it matters
    /// A suppression outlives the problem it hid: once the code is fixed, the stale comment would silently
    /// hide the next real finding at that place. A misspelt rule name suppresses nothing while looking like
    /// it does.
    ///
    /// ## Example
    /// ```dockerfile
    /// # dockwarden-ignore: run-as-root -- the entrypoint drops privileges
    /// USER 10001
    /// ```
    ///
    /// ## Fix
    /// Safe: remove the comment, or the unused name from its list.
    ///
    /// ## References
    /// - ruff RUF100 (unused `noqa`), the same idea for Python
    name: "unused-suppression",
    severity: Info,
    fix: Safe,
    summary: "a suppression comment that suppresses nothing",
}
