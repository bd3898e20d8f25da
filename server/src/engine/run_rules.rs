//! Running the enabled rules' checks of one file kind over one file's context, side by side when the file is
//! large.

use crate::rules::settings::Settings;
use crate::rules::{Diagnostic, RuleId};

/// Text at least this long is worked on by all cores (its rules, its `RUN` scripts, its documents): below
/// it the work takes well under a millisecond (a keystroke), less than handing it to other threads costs.
pub const PARALLEL_FROM: usize = 256 * 1024;

/// The findings of the rules `settings` enable, each rule's `check` (when it has one for this kind) on `cx`,
/// in rule order whether they ran one after another or side by side.
pub fn run_rules<C: Sync>(
    source: &str,
    settings: &Settings,
    check: impl Fn(RuleId) -> Option<fn(&C, &mut Vec<Diagnostic>)> + Sync,
    cx: &C,
) -> Vec<Diagnostic> {
    let checks: Vec<fn(&C, &mut Vec<Diagnostic>)> = RuleId::ALL
        .iter()
        .filter(|r| settings.enabled(**r))
        .filter_map(|r| check(*r))
        .collect();
    let run = |check: &fn(&C, &mut Vec<Diagnostic>)| {
        let mut found = Vec::new();
        check(cx, &mut found);
        found
    };
    if source.len() < PARALLEL_FROM {
        return checks.iter().flat_map(run).collect();
    }
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = checks.par_iter().map(run).collect();
    found.into_iter().flatten().collect()
}
