//! `.dockerignore` with Docker's semantics, which are not gitignore's:
//! - patterns are anchored at the context root: `*.pem` matches `x.pem` but not `a/x.pem`; `**/*.pem`
//!   matches at any depth;
//! - `*` and `?` never cross a `/`; `**` matches any number of folders, none included; `[a-z]` classes;
//! - a leading `/` is ignored, and so are `./` and trailing `/`;
//! - a pattern that matches a folder excludes everything in it;
//! - `!pattern` re-includes, and the last matching line wins;
//! - `#` starts a comment line.

/// One line of the file.
#[derive(Debug, Clone)]
struct Pattern {
    segments: Vec<String>,
    exception: bool,
}

/// A parsed ignore file.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> Self {
        let patterns = text
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    return None;
                }
                let (exception, body) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let segments: Vec<String> = body
                    .split('/')
                    .filter(|s| !s.is_empty() && *s != ".")
                    .map(str::to_owned)
                    .collect();
                (!segments.is_empty()).then_some(Pattern {
                    segments,
                    exception,
                })
            })
            .collect();
        Self { patterns }
    }

    /// Whether the file at `path` (relative to the context root, `/`-separated) is left out of the build
    /// context.
    pub fn excludes(&self, path: &str) -> bool {
        let parts: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // The pattern matches the path or one of the folders it is in.
            let matches = (1..=parts.len()).any(|n| matches_path(&pattern.segments, &parts[..n]));
            if matches {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// Pattern segments against path segments, `**` spanning any number of segments (a table, not recursion).
fn matches_path(pattern: &[String], path: &[&str]) -> bool {
    // reach[j]: the first i pattern segments can match the first j path segments.
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    for segment in pattern {
        let mut next = vec![false; path.len() + 1];
        if segment == "**" {
            let mut any = false;
            for j in 0..=path.len() {
                any |= reach[j];
                next[j] = any;
            }
        } else {
            for j in 1..=path.len() {
                next[j] = reach[j - 1] && matches_segment(segment, path[j - 1]);
            }
        }
        reach = next;
    }
    reach[path.len()]
}

/// One segment with `*`, `?`, `[…]` and `\` escapes, as Go's `filepath.Match` reads it.
fn matches_segment(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // reach[j]: the pattern read so far can match the first j characters of the name.
    let mut reach = vec![false; n.len() + 1];
    reach[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; n.len() + 1];
        match p[i] {
            '*' => {
                let mut any = false;
                for j in 0..=n.len() {
                    any |= reach[j];
                    next[j] = any;
                }
                i += 1;
            }
            '[' => {
                let close = p[i + 1..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|at| i + 1 + at);
                let Some(close) = close else {
                    return false;
                };
                let class = &p[i + 1..close];
                for j in 1..=n.len() {
                    next[j] = reach[j - 1] && in_class(class, n[j - 1]);
                }
                i = close + 1;
            }
            c => {
                let (literal, width) = match c {
                    '\\' if i + 1 < p.len() => (Some(p[i + 1]), 2),
                    '?' => (None, 1),
                    _ => (Some(c), 1),
                };
                for j in 1..=n.len() {
                    next[j] = reach[j - 1] && literal.is_none_or(|l| l == n[j - 1]);
                }
                i += width;
            }
        }
        reach = next;
    }
    reach[n.len()]
}

fn in_class(class: &[char], c: char) -> bool {
    let (negated, class) = match class.first() {
        Some('^' | '!') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut found = false;
    let mut k = 0;
    while k < class.len() {
        if k + 2 < class.len() && class[k + 1] == '-' {
            found |= class[k] <= c && c <= class[k + 2];
            k += 3;
        } else {
            found |= class[k] == c;
            k += 1;
        }
    }
    found != negated
}

#[cfg(test)]
mod tests {
    use super::DockerIgnore;

    #[test]
    fn docker_semantics_not_gitignore() {
        let ignore =
            DockerIgnore::parse("# secrets\n*.pem\n/secrets\n**/.env\n!keep.pem\n./build/\n");
        assert!(ignore.excludes("x.pem"));
        assert!(
            !ignore.excludes("a/x.pem"),
            "anchored at the root, unlike .gitignore"
        );
        assert!(!ignore.excludes("keep.pem"), "exception");
        assert!(
            ignore.excludes("secrets/db/password.txt"),
            "a folder excludes its contents"
        );
        assert!(
            ignore.excludes(".env") && ignore.excludes("deep/down/.env"),
            "** spans folders, none included"
        );
        assert!(ignore.excludes("build/out.js"));
        assert!(!ignore.excludes("src/main.rs"));
        let deep = DockerIgnore::parse("**/*.key\n");
        assert!(deep.excludes("tls.key") && deep.excludes("a/b/tls.key"));
        let classes = DockerIgnore::parse("id_rsa?\n[abc]*.p12\n");
        assert!(classes.excludes("id_rsa1") && !classes.excludes("id_rsa"));
        assert!(classes.excludes("b-cert.p12") && !classes.excludes("d-cert.p12"));
        let last_wins = DockerIgnore::parse("!*.pem\n*.pem\n");
        assert!(last_wins.excludes("x.pem"));
    }
}
