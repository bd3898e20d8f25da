//! Inline suppressions, and the settings applied to what the rules found.
//!
//! The forms (see README "Suppressions"):
//! - `# dockwarden-ignore: rule-a, rule-b -- reason` on the comment lines directly above a Dockerfile
//!   instruction (which it covers) or a YAML key or list item (which it covers with its whole subtree);
//! - `# dockwarden-ignore-file: rule -- reason` anywhere, for the whole file;
//! - hadolint's `# hadolint ignore=DL3002` (above an instruction) and `# hadolint global ignore=…`, and
//!   BuildKit's `# check=skip=…` parser directive, for the codes that map to our rules ([`HADOLINT`](crate::rules::hadolint::HADOLINT),
//!   [`BUILDKIT`]). Those comments belong to their own tools: one that maps to nothing here, or suppresses
//!   nothing, is not reported.
//!
//! After suppressions, the settings set each finding's severity and drop rules that are off. A dockwarden
//! comment that suppresses nothing becomes an `unused-suppression` finding; one the config does not allow
//! (`allow-suppressions: false`, or `require-reason: true` and no reason) suppresses nothing and becomes a
//! `disallowed-suppression` finding.
//!
//! YAML subtrees are found by indentation (a key's value is what is indented more than the key, or a block
//! sequence at the key's own indentation), which is how YAML delimits block nodes; comments are confirmed
//! against the syntax tree so a `#` inside a block scalar is never read as one.

use crate::document::TextRange;
use crate::edit::fix::{Edit, Fix};
use crate::model::dockerfile::Dockerfile;
use crate::rules::RuleId;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::settings::Settings;

/// BuildKit build-check names and the rule of ours each corresponds to (`all` skips every one of them).
pub const BUILDKIT: &[(&str, RuleId)] = &[
    ("JSONArgsRecommended", RuleId::ShellFormEntrypoint),
    ("SecretsUsedInArgOrEnv", RuleId::SecretInEnv),
];

/// Where a suppression comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `dockwarden-ignore:` or `dockwarden-ignore-file:`
    Own,
    /// hadolint or BuildKit.
    Foreign,
}

/// A rule named in a suppression, where it is written, and what it maps to (nothing: an unknown name, or a
/// foreign code without a rule of ours).
#[derive(Debug, Clone)]
struct Name {
    range: TextRange,
    rules: Vec<RuleId>,
}

#[derive(Debug, Clone)]
struct Suppression {
    form: Form,
    /// The comment line, without its line break.
    line: TextRange,
    names: Vec<Name>,
    has_reason: bool,
    /// What it covers; `None`: the whole file.
    scope: Option<TextRange>,
}

impl Suppression {
    fn covers(&self, rule: RuleId, at: usize) -> Option<usize> {
        if self.scope.is_some_and(|s| at < s.start || at > s.end) {
            return None;
        }
        self.names.iter().position(|n| n.rules.contains(&rule))
    }
}

/// Whether `text` may hold a suppression at all: most files do not, and skip the reading.
fn mentions_suppression(text: &str) -> bool {
    text.contains("dockwarden-ignore") || text.contains("hadolint") || text.contains("check=")
}

/// Apply the Dockerfile `file`'s suppressions and `settings` to `found`.
pub fn apply_dockerfile(
    source: &str,
    file: &Dockerfile,
    settings: &Settings,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let suppressions = if mentions_suppression(source) {
        dockerfile_suppressions(source, file)
    } else {
        Vec::new()
    };
    apply(source, &suppressions, settings, found)
}

/// Apply a YAML file's suppressions and `settings` to `found`; `is_comment(offset)` says whether the `#` at
/// `offset` starts a comment (and not, say, a line of a block scalar).
pub fn apply_yaml(
    source: &str,
    is_comment: &dyn Fn(usize) -> bool,
    settings: &Settings,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let suppressions = if yaml_mentions_suppression(source) {
        yaml_suppressions(source, is_comment)
    } else {
        Vec::new()
    };
    apply(source, &suppressions, settings, found)
}

/// Apply `settings` alone to `found`: for the findings of a text without suppression comments (each
/// document of a YAML file that has none is finished on its own).
pub fn apply_settings(settings: &Settings, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    apply("", &[], settings, found)
}

/// Whether a YAML text has suppression comments: its findings are then finished as a whole (a comment may
/// cover the whole file).
pub fn yaml_mentions_suppression(text: &str) -> bool {
    text.contains("dockwarden-ignore")
}

fn apply(
    source: &str,
    suppressions: &[Suppression],
    settings: &Settings,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    // used[s][n]: name n of suppression s suppressed a finding; wanted[s]: it would have, were it allowed.
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.names.len()])
        .collect();
    let mut wanted = vec![false; suppressions.len()];
    let allowed =
        |s: &Suppression| settings.allow_suppressions && (!settings.require_reason || s.has_reason);
    let mut out = Vec::with_capacity(found.len());
    for mut d in found {
        if !settings.enabled(d.rule) {
            continue;
        }
        if let Some(severity) = settings.configured(d.rule) {
            d.severity = severity;
        }
        let mut suppressed = false;
        for (i, s) in suppressions.iter().enumerate() {
            if let Some(n) = s.covers(d.rule, d.range.start) {
                if allowed(s) {
                    used[i][n] = true;
                    suppressed = true;
                } else {
                    wanted[i] = true;
                }
            }
        }
        if !suppressed {
            out.push(d);
        }
    }
    let kept = out.len();
    for (i, s) in suppressions.iter().enumerate() {
        let report = |rule: RuleId, d: Diagnostic| {
            settings
                .enabled(rule)
                .then(|| d.with_severity(settings.severity(rule)))
        };
        if !allowed(s) {
            if s.form == Form::Own || wanted[i] {
                let message = if !settings.allow_suppressions {
                    "inline suppressions are not allowed here (`allow-suppressions: false` in .dockwarden.yaml)"
                        .to_owned()
                } else if s.form == Form::Own {
                    "a suppression needs a reason here (`require-reason: true`): write it after `--`".to_owned()
                } else {
                    "this comment carries no reason (`require-reason: true`): use `# dockwarden-ignore: <rule> -- <reason>`"
                        .to_owned()
                };
                let d = Diagnostic::new(RuleId::DisallowedSuppression, s.line, message);
                out.extend(report(RuleId::DisallowedSuppression, d));
            }
            continue;
        }
        if s.form == Form::Foreign {
            continue;
        }
        let unused: Vec<usize> = (0..s.names.len()).filter(|n| !used[i][*n]).collect();
        if unused.is_empty() {
            continue;
        }
        if unused.len() == s.names.len() {
            let d = Diagnostic::new(
                RuleId::UnusedSuppression,
                s.line,
                format!(
                    "this suppression suppresses nothing: {}",
                    why_unused(source, s, &unused, settings)
                ),
            )
            .with_fix(Fix::safe(
                "Remove the unused suppression",
                vec![delete_line(source, s.line)],
            ));
            out.extend(report(RuleId::UnusedSuppression, d));
            continue;
        }
        for n in unused {
            let name = &s.names[n];
            let d = Diagnostic::new(
                RuleId::UnusedSuppression,
                name.range,
                format!(
                    "{} suppresses nothing here",
                    why_unused(source, s, &[n], settings)
                ),
            )
            .with_fix(Fix::safe(
                format!("Remove `{}` from the suppression", name.range.slice(source)),
                vec![delete_name(s, n)],
            ));
            out.extend(report(RuleId::UnusedSuppression, d));
        }
    }
    // Filtering kept the order; findings about the comments themselves are sorted into place.
    if out.len() > kept {
        crate::rules::diagnostic::finish(out)
    } else {
        out
    }
}

/// What the unused names are: unknown, off, or simply without a finding in their scope.
fn why_unused(source: &str, s: &Suppression, names: &[usize], settings: &Settings) -> String {
    names
        .iter()
        .map(|n| {
            let name = &s.names[*n];
            let text = name.range.slice(source);
            match name.rules.first() {
                None => format!("`{text}` is not a rule"),
                Some(rule) if !settings.enabled(*rule) => format!("`{text}` is off"),
                Some(_) => format!("`{text}`"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Remove a whole comment line, with its line break.
fn delete_line(source: &str, line: TextRange) -> Edit {
    let end = match source[line.end..].find('\n') {
        Some(i) => line.end + i + 1,
        None => source.len(),
    };
    Edit::delete(TextRange::new(line.start, end))
}

/// Remove one name of a list, with the separator that joins it to a neighbour.
fn delete_name(s: &Suppression, n: usize) -> Edit {
    let name = s.names[n].range;
    let range = match (s.names.get(n + 1), n.checked_sub(1).map(|p| &s.names[p])) {
        // Up to the next name: `a, b` loses `a, `.
        (Some(next), _) => TextRange::new(name.start, next.range.start),
        // From the previous name's end: `a, b` loses `, b`.
        (None, Some(previous)) => TextRange::new(previous.range.end, name.end),
        (None, None) => name,
    };
    Edit::delete(range)
}

/// Read a comment's text (from its `#`) as a suppression of ours: its names (with their ranges, relative to
/// `offset`, where the comment starts), whether it has a reason, and whether it covers the whole file.
fn parse_own(comment: &str, offset: usize) -> Option<(Vec<Name>, bool, bool)> {
    let body = comment.strip_prefix('#')?;
    let trimmed = body.trim_start();
    let (rest, file) = if let Some(rest) = trimmed.strip_prefix("dockwarden-ignore-file:") {
        (rest, true)
    } else {
        (trimmed.strip_prefix("dockwarden-ignore:")?, false)
    };
    let rest_start = offset + comment.len() - rest.len();
    let (list, reason) = match rest.find("--") {
        Some(i) => (&rest[..i], Some(rest[i + 2..].trim())),
        None => (rest, None),
    };
    let names = words(list, rest_start, |c| c == ',' || c.is_whitespace())
        .map(|(range, text)| Name {
            range,
            rules: RuleId::from_name(text).into_iter().collect(),
        })
        .collect();
    Some((names, reason.is_some_and(|r| !r.is_empty()), file))
}

/// Read a comment as hadolint's: `# hadolint ignore=DL3002,DL3008` or `# hadolint global ignore=…`.
fn parse_hadolint(comment: &str, offset: usize) -> Option<(Vec<Name>, bool)> {
    let body = comment.strip_prefix('#')?.trim_start();
    let rest = body.strip_prefix("hadolint")?.trim_start();
    let (rest, global) = match rest.strip_prefix("global") {
        Some(r) => (r.trim_start(), true),
        None => (rest, false),
    };
    let list = rest.strip_prefix("ignore=")?;
    let start = offset + comment.len() - list.len();
    let names = words(list, start, |c| c == ',' || c.is_whitespace())
        .map(|(range, code)| Name {
            range,
            rules: crate::rules::hadolint::rule_of(code).into_iter().collect(),
        })
        .collect();
    Some((names, global))
}

/// The words of `text` split at `separator`, with their ranges (`text` starts at `offset`).
fn words(
    text: &str,
    offset: usize,
    separator: impl Fn(char) -> bool + Copy,
) -> impl Iterator<Item = (TextRange, &str)> {
    text.split(separator)
        .filter(|w| !w.is_empty())
        .map(move |w| {
            let start = offset + (w.as_ptr() as usize - text.as_ptr() as usize);
            (TextRange::new(start, start + w.len()), w)
        })
}

/// The suppressions of a Dockerfile: its comment lines between instructions, and its `check` directive.
fn dockerfile_suppressions(source: &str, file: &Dockerfile) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut previous_end = 0;
    let gaps = file
        .instructions
        .iter()
        .map(|i| (i.range.start, Some(i.range)))
        .chain(std::iter::once((source.len(), None)));
    for (gap_end, instruction) in gaps {
        let gap = TextRange::new(previous_end.min(gap_end), gap_end);
        // The comment lines directly above the instruction (no blank line between) cover it.
        let lines = line_ranges(source, gap);
        let mut directly_above = lines.len();
        while directly_above > 0 && is_comment_line(lines[directly_above - 1].slice(source)) {
            directly_above -= 1;
        }
        for (index, line) in lines.iter().enumerate() {
            let text = line.slice(source);
            let Some(hash) = text.find('#').filter(|_| is_comment_line(text)) else {
                continue;
            };
            let comment = &text[hash..];
            let at = line.start + hash;
            let above = index >= directly_above && instruction.is_some();
            if let Some((names, has_reason, whole)) = parse_own(comment, at) {
                out.push(Suppression {
                    form: Form::Own,
                    line: *line,
                    names,
                    has_reason,
                    // A line suppression that is not directly above an instruction covers nothing.
                    // The comment lines between it and the instruction are covered too (a credential in
                    // a comment can be suppressed like one in the instruction).
                    scope: if whole {
                        None
                    } else {
                        Some(
                            instruction
                                .filter(|_| above)
                                .map_or(TextRange::empty(line.start), |i| {
                                    TextRange::new(line.end, i.end)
                                }),
                        )
                    },
                });
            } else if let Some((names, global)) = parse_hadolint(comment, at) {
                if global || above {
                    out.push(Suppression {
                        form: Form::Foreign,
                        line: *line,
                        names,
                        has_reason: false,
                        scope: if global { None } else { instruction },
                    });
                }
            }
        }
        if let Some(range) = instruction {
            previous_end = range.end;
        }
    }
    if let Some(check) = file.directive("check") {
        out.extend(buildkit_skips(check));
    }
    out
}

/// BuildKit's `# check=skip=A,B;error=true`: the skipped checks that map to ours, for the whole file.
fn buildkit_skips(check: &crate::model::dockerfile::Directive) -> Option<Suppression> {
    let value = check.value.as_str();
    let mut names = Vec::new();
    for part in value.split(';') {
        let Some(list) = part.trim().strip_prefix("skip=") else {
            continue;
        };
        for code in list.split(',').map(str::trim) {
            let rules = if code.eq_ignore_ascii_case("all") {
                BUILDKIT.iter().map(|(_, r)| *r).collect()
            } else {
                BUILDKIT
                    .iter()
                    .filter(|(c, _)| c.eq_ignore_ascii_case(code))
                    .map(|(_, r)| *r)
                    .collect()
            };
            names.push(Name {
                range: check.value_range,
                rules,
            });
        }
    }
    (!names.is_empty()).then_some(Suppression {
        form: Form::Foreign,
        line: check.range,
        names,
        has_reason: false,
        scope: None,
    })
}

/// The suppressions of a YAML file: comments of ours, each covering the key or item below it.
fn yaml_suppressions(source: &str, is_comment: &dyn Fn(usize) -> bool) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut searched = 0;
    while let Some(found) = source[searched..].find("dockwarden-ignore") {
        let at = searched + found;
        searched = at + 1;
        let line = line_around(source, at);
        let text = line.slice(source);
        let Some(hash) = text.find('#').filter(|_| is_comment_line(text)) else {
            continue;
        };
        if !is_comment(line.start + hash) {
            continue;
        }
        let Some((names, has_reason, whole)) = parse_own(&text[hash..], line.start + hash) else {
            continue;
        };
        let scope = if whole {
            None
        } else {
            Some(yaml_scope_below(source, line).unwrap_or(TextRange::empty(line.start)))
        };
        out.push(Suppression {
            form: Form::Own,
            line,
            names,
            has_reason,
            scope,
        });
        searched = line.end.max(searched);
    }
    out
}

/// What a comment line covers in YAML: the next line that is not a comment (other comments may sit between,
/// a blank line may not) and the block it opens.
fn yaml_scope_below(source: &str, comment: TextRange) -> Option<TextRange> {
    let mut start = next_line_start(source, comment.end)?;
    loop {
        let line = line_around(source, start);
        let text = line.slice(source);
        if text.trim().is_empty() {
            return None;
        }
        if !is_comment_line(text) {
            return Some(yaml_block(source, line));
        }
        start = next_line_start(source, line.end)?;
    }
}

/// The block a YAML line opens: the line, and the lines after it indented more (a key's value, an item's
/// content), or at its indentation when they are items of a sequence that is the key's value.
pub fn yaml_block(source: &str, line: TextRange) -> TextRange {
    let text = line.slice(source);
    let indent = indentation(text);
    let content = text[indent..].trim_end();
    let is_item = content == "-" || content.starts_with("- ");
    let opens_sequence = !is_item && strip_comment(content).ends_with(':');
    let mut end = line.end;
    let mut cursor = next_line_start(source, line.end);
    while let Some(start) = cursor {
        let next = line_around(source, start);
        let text = next.slice(source);
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            cursor = next_line_start(source, next.end);
            continue;
        }
        if text.starts_with("---") || text.starts_with("...") {
            break;
        }
        let level = indentation(text);
        let item = trimmed == "-" || trimmed.starts_with("- ");
        if level > indent || (level == indent && opens_sequence && item) {
            end = next.end;
            cursor = next_line_start(source, next.end);
        } else {
            break;
        }
    }
    TextRange::new(line.start, end)
}

/// A line's content without a trailing comment (a ` #` outside quotes).
fn strip_comment(content: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in content.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return content[..i].trim_end(),
            _ => {}
        }
        previous = c;
    }
    content
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// The line holding `offset`, without its line break.
fn line_around(source: &str, offset: usize) -> TextRange {
    let start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let end = if source[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    TextRange::new(start, end.max(start))
}

fn next_line_start(source: &str, line_end: usize) -> Option<usize> {
    let newline = source[line_end..].find('\n')?;
    let start = line_end + newline + 1;
    (start < source.len()).then_some(start)
}

/// The lines of `range`, without line breaks.
fn line_ranges(source: &str, range: TextRange) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let line = line_around(source, start);
        if line.end > range.end {
            break;
        }
        out.push(line);
        match next_line_start(source, line.end) {
            Some(next) if next <= range.end => start = next,
            _ => break,
        }
    }
    out
}

/// The edit of "Ignore <rule> here": a `# dockwarden-ignore: rule` comment above the instruction, YAML key or
/// list item the finding at `offset` is in, indented like it; or the rule added to such a comment already
/// there. `None` where no comment can go (a finding outside any instruction or block).
pub fn ignore_edit(
    source: &str,
    kind: crate::document::FileKind,
    rule: RuleId,
    offset: usize,
) -> Option<Edit> {
    let line = match kind {
        crate::document::FileKind::Dockerfile => {
            let file = Dockerfile::parse(source);
            let next = file.instructions.iter().find(|i| offset <= i.range.end)?;
            if next.range.start <= offset {
                line_around(source, next.range.start)
            } else {
                // A finding in a comment line: the suppression goes above it, and covers the comment lines
                // down to the next instruction, if only comment lines lie between.
                let line = line_around(source, offset);
                let between = TextRange::new(line.start, next.range.start);
                let all_comments = line_ranges(source, between)
                    .iter()
                    .all(|l| is_comment_line(l.slice(source)));
                if !all_comments {
                    return None;
                }
                line
            }
        }
        _ => {
            let tree = crate::syntax::parse(crate::syntax::Language::Yaml, source, None)?;
            let start = yaml_owner(&tree, offset)?;
            line_around(source, start)
        }
    };
    let text = line.slice(source);
    let indent = &text[..indentation(text)];
    // A comment of ours directly above: add the rule to its list.
    if line.start > 0 {
        let above = line_around(source, line.start - 1);
        let above_text = above.slice(source);
        if let Some(hash) = above_text.find('#').filter(|_| is_comment_line(above_text)) {
            if let Some((names, _, false)) = parse_own(&above_text[hash..], above.start + hash) {
                if names.iter().any(|n| n.rules.contains(&rule)) {
                    return None;
                }
                let at = names.last().map_or(above.end, |n| n.range.end);
                let separator = if names.is_empty() { " " } else { ", " };
                return Some(Edit::insert(at, format!("{separator}{rule}")));
            }
        }
    }
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Some(Edit::insert(
        line.start,
        format!("{indent}# dockwarden-ignore: {rule}{newline}"),
    ))
}

/// Where the innermost block mapping pair or sequence item holding `offset` starts.
fn yaml_owner(tree: &tree_sitter::Tree, offset: usize) -> Option<usize> {
    let mut node = tree.root_node().descendant_for_byte_range(offset, offset)?;
    loop {
        if matches!(node.kind(), "block_mapping_pair" | "block_sequence_item") {
            return Some(node.start_byte());
        }
        node = node.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_block_is_what_its_line_opens() {
        let text = "a:\n  b: 1\n  # c\n  d:\n  - x\n  - y\n  e: 2\nf: 3\n";
        let line = |n: usize| line_around(text, text.lines().take(n).map(|l| l.len() + 1).sum());
        let block = |n: usize| yaml_block(text, line(n)).slice(text).to_owned();
        assert_eq!(block(0), "a:\n  b: 1\n  # c\n  d:\n  - x\n  - y\n  e: 2");
        assert_eq!(block(3), "  d:\n  - x\n  - y");
        assert_eq!(block(4), "  - x");
        assert_eq!(block(1), "  b: 1");
        assert_eq!(block(7), "f: 3");
    }

    #[test]
    fn ignore_comments_go_above_the_owner_indented_like_it() {
        let ignore = |text: &str, kind, rule, at: &str| {
            let offset = text.find(at).expect("marker");
            let edit = ignore_edit(text, kind, rule, offset).expect("a place");
            crate::edit::fix::apply_edits(text, &[edit]).expect("fits")
        };
        let docker = "FROM python:3.12\n  RUN sudo make \\\n    install\n";
        assert_eq!(
            ignore(
                docker,
                crate::document::FileKind::Dockerfile,
                RuleId::SudoInRun,
                "sudo"
            ),
            "FROM python:3.12\n  # dockwarden-ignore: sudo-in-run\n  RUN sudo make \\\n    install\n"
        );
        let existing = "# dockwarden-ignore: run-as-root -- why\nFROM python:3.12\n";
        assert_eq!(
            ignore(
                existing,
                crate::document::FileKind::Dockerfile,
                RuleId::BloatedBaseImage,
                "python"
            ),
            "# dockwarden-ignore: run-as-root, bloated-base-image -- why\nFROM python:3.12\n"
        );
        let yaml = "spec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: true\n";
        assert_eq!(
            ignore(
                yaml,
                crate::document::FileKind::Kubernetes,
                RuleId::PrivilegedContainer,
                "privileged:"
            ),
            "spec:\n  containers:\n    - name: a\n      securityContext:\n        # dockwarden-ignore: privileged-container\n        privileged: true\n"
        );
        let scalar = "data:\n  app.ini: |\n    password = hunter2\n";
        assert_eq!(
            ignore(
                scalar,
                crate::document::FileKind::Kubernetes,
                RuleId::SecretInConfigmap,
                "password"
            ),
            "data:\n  # dockwarden-ignore: secret-in-configmap\n  app.ini: |\n    password = hunter2\n"
        );
    }

    #[test]
    fn own_comments_parse_with_names_and_reasons() {
        let comment = "# dockwarden-ignore: run-as-root, nope -- a reason";
        let (names, reason, file) = parse_own(comment, 10).expect("ours");
        assert!(reason && !file);
        assert_eq!(names.len(), 2);
        assert_eq!(names[0].rules, [RuleId::RunAsRoot]);
        assert_eq!(names[0].range, TextRange::new(31, 42));
        assert!(names[1].rules.is_empty());
        let (_, reason, file) = parse_own("#dockwarden-ignore-file: x --", 0).expect("ours");
        assert!(!reason && file);
        assert!(parse_own("# a note about dockwarden-ignore", 0).is_none());
        let (names, global) =
            parse_hadolint("# hadolint global ignore=DL3008,SC2086", 0).expect("hadolint");
        assert!(global);
        assert_eq!(names[0].rules, [RuleId::UnpinnedPackages]);
        assert!(names[1].rules.is_empty());
    }
}
