use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a final `USER` given by name (`USER app`) instead of a numeric uid.
    ///
    /// ## Why it matters
    /// Kubernetes' `runAsNonRoot: true` cannot verify a user name (it would have to read the image's
    /// `/etc/passwd`), so the pod is refused to start, or the check is skipped by setting `runAsUser` by hand.
    /// A numeric `USER 10001:10001` is verifiable and independent of the image's user database.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// USER node
    /// ```
    /// Silent for numeric users and for `root` (reported by `run-as-root`).
    ///
    /// ## Fix
    /// None: only the image knows the uid of the name.
    ///
    /// ## References
    /// - Kubernetes: `securityContext.runAsNonRoot` ("the kubelet will validate the image at runtime")
    /// - Pod Security Standards (restricted)
    name: "non-numeric-user",
    severity: Info,
    fix: None,
    summary: "the final USER is a name that runAsNonRoot cannot verify",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let Some((index, _)) = cx.file.final_stage() else {
        return;
    };
    let Some(user) = cx.file.effective_user(index) else {
        return;
    };
    let Some(value) = user.operands().first() else {
        return;
    };
    let name = value.text.split(':').next().unwrap_or("");
    let numeric = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
    if numeric || name == "root" || name.is_empty() || name.contains('$') {
        return;
    }
    out.push(Diagnostic::new(
        RuleId::NonNumericUser,
        value.range,
        format!(
            "`USER {}` is a name: Kubernetes `runAsNonRoot` can only verify a numeric uid",
            value.text
        ),
    ));
}
