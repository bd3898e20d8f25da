//! Compose environment files (`env_file:`, `.env`): `NAME=value` lines.
//!
//! Compose reads one variable per line: `#` starts a comment line, blank lines are skipped, an `export `
//! prefix is allowed, values may be single- or double-quoted, and an unquoted value ends at ` #` (an inline
//! comment). Lines without `=` name a variable taken from the shell; they hold no value.

/// One `NAME=value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable<'a> {
    pub name: &'a str,
    /// The value without its quotes; `None` for a bare `NAME` line.
    pub value: Option<&'a str>,
    /// 1-based line number.
    pub line: usize,
}

pub fn variables(text: &str) -> Vec<Variable<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let (name, value) = match line.split_once('=') {
                Some((name, value)) => (name.trim_end(), Some(unquote(value.trim_start()))),
                None => (line, None),
            };
            let valid = !name.is_empty() && !name.contains(char::is_whitespace);
            valid.then_some(Variable {
                name,
                value,
                line: i + 1,
            })
        })
        .collect()
}

/// Whether `text` names the variable `name` (with or without a value).
pub fn defines(text: &str, name: &str) -> bool {
    variables(text).iter().any(|v| v.name == name)
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(quote) {
            return rest.find(quote).map_or(rest, |end| &rest[..end]);
        }
    }
    match value.find(" #") {
        Some(comment) => value[..comment].trim_end(),
        None => value.trim_end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_compose_accepts() {
        let text = "# comment\n\nexport A=1\nB = \"two # not a comment\"\nC='3'\nD=4 # note\nE\nF=\nnot a line\n";
        let found: Vec<(&str, Option<&str>, usize)> = variables(text)
            .iter()
            .map(|v| (v.name, v.value, v.line))
            .collect();
        assert_eq!(
            found,
            [
                ("A", Some("1"), 3),
                ("B", Some("two # not a comment"), 4),
                ("C", Some("3"), 5),
                ("D", Some("4"), 6),
                ("E", None, 7),
                ("F", Some(""), 8),
            ]
        );
        assert!(defines(text, "E"));
        assert!(!defines(text, "G"));
    }
}
