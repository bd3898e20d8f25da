//! The engine's layout, checked: `server/src` is read as the compiler would see its imports, and no module
//! may import a module of a higher stage, nor take part in an import cycle.
//!
//! Every `use` tree and every `crate::`, `$crate::` (macro bodies), `super::`, `self::` and child-module path
//! is an edge, resolved through re-exports (`pub use`) to the module that defines the item: `crate::Diagnostic`
//! is an edge to `rules::diagnostic`, not to the crate root. Declaring a child (`mod x;`) and re-exporting
//! it are not edges. Test code (`#[cfg(test)]` items) is left out: a unit test may drive the whole pipeline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, lowest first: each may import its own and lower stages only. The crate root sits above them
/// all (it re-exports the public names).
const STAGES: &[(&str, usize)] = &[
    ("document", 0),
    ("syntax", 1),
    ("model", 2),
    ("knowledge", 3),
    ("edit", 4),
    ("rules", 5),
    ("engine", 6),
    ("cli", 7),
    ("lsp", 7),
];

/// The two faces share a stage and never import each other.
const FACES: [&str; 2] = ["cli", "lsp"];

type Module = Vec<String>;

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// One lexical token: what the import reader needs of Rust (words, `::` and single punctuation);
/// comments, strings and character literals are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Path,
    Punct(char),
}

fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if (c == 'r' && matches!(at(i + 1), '#' | '"'))
            || (c == 'b' && at(i + 1) == 'r' && matches!(at(i + 2), '#' | '"'))
        {
            // A raw string: `r#"…"#` with as many hashes at both ends.
            i += 1 + usize::from(c == 'b');
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            if at(i) != '"' {
                // A raw identifier (`r#type`): the word follows.
                continue;
            }
            i += 1;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
        } else if c == 'b' && at(i + 1) == '"' {
            i += 1;
        } else if c == '\'' {
            // A character literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime (`'a`).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' || (c == '$' && at(i + 1).is_alphabetic()) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token::Path);
            i += 2;
        } else if c.is_whitespace() || c.is_ascii_digit() {
            i += 1;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

/// The tokens without test code: the item after each `#[cfg(test)]` is skipped (to its `;`, or to the `}`
/// that closes its first `{`).
fn without_tests(all: Vec<Token>) -> Vec<Token> {
    let attribute = [
        Token::Punct('#'),
        Token::Punct('['),
        Token::Word("cfg".into()),
        Token::Punct('('),
        Token::Word("test".into()),
        Token::Punct(')'),
        Token::Punct(']'),
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if all[i..].starts_with(&attribute) {
            i += attribute.len();
            let mut depth = 0;
            while i < all.len() {
                match all[i] {
                    Token::Punct('{') => depth += 1,
                    Token::Punct('}') => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    Token::Punct(';') if depth == 0 => {
                        i += 1;
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            out.push(all[i].clone());
            i += 1;
        }
    }
    out
}

/// One file's imports: the paths it uses, and what it re-exports (name → path).
#[derive(Default)]
struct Imports {
    uses: Vec<Vec<String>>,
    exports: BTreeMap<String, Vec<String>>,
}

/// Read a `use` tree from `tokens[*i]` (after `use`) up to its `;`: every full path, with the name it is
/// brought in as.
fn use_tree(
    tokens: &[Token],
    i: &mut usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, String)>,
) {
    let mut path = prefix.to_vec();
    while *i < tokens.len() {
        match &tokens[*i] {
            Token::Word(w) if w == "as" => {
                *i += 1;
                if let Some(Token::Word(alias)) = tokens.get(*i) {
                    out.push((path.clone(), alias.clone()));
                    path.clear();
                }
                *i += 1;
            }
            Token::Word(w) => {
                path.push(w.clone());
                *i += 1;
            }
            Token::Path => *i += 1,
            Token::Punct('*') => {
                path.clear();
                *i += 1;
            }
            Token::Punct('{') => {
                *i += 1;
                loop {
                    use_tree(tokens, i, &path, out);
                    match tokens.get(*i) {
                        Some(Token::Punct(',')) => *i += 1,
                        _ => break,
                    }
                    if tokens.get(*i) == Some(&Token::Punct('}')) {
                        break;
                    }
                }
                *i += 1;
                path.clear();
            }
            Token::Punct(',' | '}' | ';') | Token::Punct(_) => break,
        }
    }
    if path.len() > prefix.len() {
        let last = path.last().cloned().unwrap_or_default();
        let named = if last == "self" {
            path.pop();
            path.last().cloned().unwrap_or_default()
        } else {
            last
        };
        out.push((path, named));
    }
}

fn imports(source: &str) -> Imports {
    let tokens = without_tests(tokens(source));
    let mut found = Imports::default();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == Token::Word("use".into()) {
            // `pub use` and `pub(crate) use` re-export.
            let public = (i >= 1 && tokens[i - 1] == Token::Word("pub".into()))
                || (i >= 4
                    && tokens[i - 4] == Token::Word("pub".into())
                    && tokens[i - 1] == Token::Punct(')'));
            i += 1;
            let mut trees = Vec::new();
            use_tree(&tokens, &mut i, &[], &mut trees);
            for (path, as_name) in trees {
                if public {
                    found.exports.insert(as_name, path);
                } else {
                    found.uses.push(path);
                }
            }
            continue;
        }
        // A path in code: it starts at a word not preceded by `::`, and goes on while `::` follows.
        let starts = matches!(&tokens[i], Token::Word(_))
            && tokens.get(i + 1) == Some(&Token::Path)
            && (i == 0 || tokens[i - 1] != Token::Path);
        if starts {
            let mut path = Vec::new();
            while let Some(Token::Word(w)) = tokens.get(i) {
                path.push(w.clone());
                if tokens.get(i + 1) != Some(&Token::Path) {
                    break;
                }
                i += 2;
            }
            found.uses.push(path);
        }
        i += 1;
    }
    found
}

/// The crate as modules: their imports, resolved.
struct Crate {
    files: BTreeMap<Module, Imports>,
}

impl Crate {
    fn read(sources: &BTreeMap<Module, String>) -> Crate {
        Crate {
            files: sources
                .iter()
                .map(|(m, s)| (m.clone(), imports(s)))
                .collect(),
        }
    }

    /// `path` as written in `module`, made absolute; `None` for another crate's path.
    fn absolute(&self, module: &Module, path: &[String]) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        let mut base = match first.as_str() {
            "crate" | "$crate" => Vec::new(),
            "self" => module.clone(),
            "super" => {
                let mut up = module.clone();
                up.pop()?;
                let mut rest = rest;
                while rest.first().map(String::as_str) == Some("super") {
                    up.pop()?;
                    rest = &rest[1..];
                }
                return Some(up.into_iter().chain(rest.iter().cloned()).collect());
            }
            child
                if self
                    .files
                    .contains_key(&[module.clone(), vec![child.to_owned()]].concat()) =>
            {
                let mut base = module.clone();
                base.push(child.to_owned());
                base
            }
            _ => return None,
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The module that defines what the absolute `path` names, through re-exports.
    fn defining(&self, path: &[String], depth: usize) -> Module {
        let mut module: Module = Vec::new();
        for (k, segment) in path.iter().enumerate() {
            let child = [module.clone(), vec![segment.clone()]].concat();
            if self.files.contains_key(&child) {
                module = child;
                continue;
            }
            let exported = self.files.get(&module).and_then(|f| f.exports.get(segment));
            if let Some(target) = exported.filter(|_| depth < 16) {
                if let Some(absolute) = self.absolute(&module, target) {
                    let mut full = absolute;
                    full.extend(path[k + 1..].iter().cloned());
                    return self.defining(&full, depth + 1);
                }
            }
            return module;
        }
        module
    }

    /// Every import edge between two different modules (re-exports are followed, never edges themselves).
    fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for (module, imports) in &self.files {
            let targets = edges.entry(module.clone()).or_default();
            for path in &imports.uses {
                let Some(absolute) = self.absolute(module, path) else {
                    continue;
                };
                let target = self.defining(&absolute, 0);
                if &target != module {
                    targets.insert(target);
                }
            }
        }
        edges
    }
}

fn stage(module: &Module) -> Option<(&'static str, usize)> {
    let first = module.first()?;
    STAGES.iter().copied().find(|(name, _)| name == first)
}

/// The import cycles: strongly connected components of more than one module (Tarjan's algorithm, iterated
/// per root so deep graphs do not recurse).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    let nodes: Vec<&Module> = edges.keys().collect();
    let index_of: BTreeMap<&Module, usize> =
        nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let next: Vec<Vec<usize>> = nodes
        .iter()
        .map(|m| {
            edges[*m]
                .iter()
                .filter_map(|t| index_of.get(t).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut found, mut counter) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, child)) = work.pop() {
            if child == 0 {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = next[v].get(child) {
                work.push((v, child + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    found.push(component);
                }
            }
        }
    }
    found
}

/// What is wrong with a crate's layout, one line each.
fn problems(sources: &BTreeMap<Module, String>) -> Vec<String> {
    let krate = Crate::read(sources);
    let edges = krate.edges();
    let mut out = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            let upward = match (stage(from), stage(to)) {
                (Some((a, rank_a)), Some((b, rank_b))) => {
                    rank_b > rank_a || (a != b && FACES.contains(&a) && FACES.contains(&b))
                }
                (Some(_), None) => true,
                (None, _) => false,
            };
            if upward {
                out.push(format!(
                    "{} imports the higher stage {}",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(name).collect();
        out.push(format!("import cycle: {}", names.join(", ")));
    }
    out
}

/// `server/src` as module paths and their text.
fn sources(root: &Path) -> BTreeMap<Module, String> {
    let mut out = BTreeMap::new();
    let mut pending: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read server/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(root).expect("under server/src");
            let mut module: Module = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            match module.last().map(String::as_str) {
                // The binary is its own crate.
                Some("main") if module.len() == 1 => continue,
                Some("lib") if module.len() == 1 => module.clear(),
                Some("mod") => {
                    module.pop();
                }
                _ => {}
            }
            out.insert(module, std::fs::read_to_string(&path).expect("read source"));
        }
    }
    out
}

#[test]
fn no_module_imports_a_higher_stage_or_takes_part_in_a_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src");
    let sources = sources(&root);
    // A layout check over nothing passes vacuously: the crate is known to have well over a hundred modules.
    assert!(
        sources.len() > 100,
        "read only {} modules under {}",
        sources.len(),
        root.display()
    );
    let edges: usize = Crate::read(&sources)
        .edges()
        .values()
        .map(BTreeSet::len)
        .sum();
    assert!(edges > 300, "found only {edges} imports");
    let problems = problems(&sources);
    assert!(
        problems.is_empty(),
        "{} layout problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn fake(files: &[(&str, &str)]) -> BTreeMap<Module, String> {
    files
        .iter()
        .map(|(path, text)| {
            let module = path
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            (module, (*text).to_owned())
        })
        .collect()
}

#[test]
fn the_check_sees_cycles_upward_imports_and_re_exports() {
    let sources = fake(&[
        (
            "",
            "pub mod document; pub mod rules; pub use rules::diagnostic::Diagnostic;",
        ),
        ("document", "pub use kind::FileKind; mod kind;"),
        (
            "document::kind",
            "// use crate::rules::Nothing;\nconst S: &str = \"crate::rules::x\";",
        ),
        (
            "rules",
            "pub mod diagnostic; pub mod id; pub use id::RuleId;",
        ),
        (
            "rules::diagnostic",
            "use crate::rules::RuleId; use crate::document::FileKind;",
        ),
        (
            "rules::id",
            "use super::diagnostic::Diagnostic;\n#[cfg(test)]\nmod tests { use crate::lsp::X; }",
        ),
        ("lsp", "pub struct X;"),
    ]);
    let krate = Crate::read(&sources);
    let edges = krate.edges();
    let of = |m: &str| {
        edges[&m.split("::").map(str::to_owned).collect::<Module>()]
            .iter()
            .map(name)
            .collect::<Vec<_>>()
    };
    // Re-exports lead to the defining module; comments, strings and test code are not imports.
    assert_eq!(of("rules::diagnostic"), ["document::kind", "rules::id"]);
    assert!(of("document::kind").is_empty());
    assert_eq!(of("rules::id"), ["rules::diagnostic"]);
    assert_eq!(
        problems(&sources),
        ["import cycle: rules::diagnostic, rules::id"]
    );
    let upward = fake(&[
        ("", "pub mod document; pub mod engine;"),
        ("engine", ""),
        ("document", "fn f() { crate::engine::run(); }"),
    ]);
    assert_eq!(
        problems(&upward),
        ["document imports the higher stage engine"]
    );
    let faces = fake(&[
        ("", "pub mod cli; pub mod lsp;"),
        ("lsp", "pub fn f() {}"),
        ("cli", "use crate::lsp::f;"),
    ]);
    assert_eq!(problems(&faces), ["cli imports the higher stage lsp"]);
}
