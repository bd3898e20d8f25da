//! `RUN` bodies read as shell scripts, with tree-sitter-bash: the commands they run with their arguments,
//! assignments and redirections, and the pipelines that join them. Every piece keeps its range in the
//! Dockerfile, across line continuations and into heredoc bodies.
//!
//! What is parsed, as the shell would see it:
//! - shell form: the instruction's text after its `--flags`, with its heredocs appended in order (each body
//!   followed by its terminator), so `cat <<EOF > ~/.npmrc` gets its body as stdin;
//! - a `RUN` made of heredoc markers only (`RUN <<EOF`): each body is a script of its own, which is what
//!   BuildKit runs;
//! - a shell fed a heredoc (`RUN bash <<EOF`): the body is a script too;
//! - exec form: the argv as one command; `["sh", "-c", "…"]` also parses the script (its pieces are placed
//!   on the whole instruction, since JSON escapes do not map byte for byte).
//!
//! A `SHELL` that is not a POSIX shell (PowerShell, `cmd`) leaves its `RUN`s unread.
//!
//! The scripts are kept compactly (see [`store`]) and read through views: [`Script`], [`Command`], [`Arg`]
//! and the others are small `Copy` values made on access, borrowing their texts from the store.

mod read;
mod store;
mod view;

use std::collections::HashMap;

use crate::document::{TextRange, shift, unchanged_ends};
use crate::model::dockerfile::{Dockerfile, Instruction, Keyword};
use crate::model::shell::read::read_run;
use crate::model::shell::store::Store;

pub use read::SHELLS;
pub use store::{
    ArgRecord, AssignmentRecord, CommandRecord, ListOperator, PipelineRecord, RedirectRecord, Text,
};
pub use view::{
    Arg, Args, Assignment, Command, Commands, List, Pipeline, Record, Redirect, Script,
};

/// The scripts of a Dockerfile's `RUN` instructions, by instruction index.
#[derive(Debug, Default)]
pub struct Scripts {
    /// In instruction order, each holding the scripts of some consecutive `RUN`s.
    stores: Vec<Store>,
}

/// `RUN`s per store when a large file is read on all cores.
const STORE_RUNS: usize = 256;

/// A file with more `RUN`s than this has them read on all cores (below, it takes well under a
/// millisecond).
const PARALLEL_RUNS: usize = 4096;

impl Scripts {
    /// Read every `RUN` script of `file`. A file too large for 32-bit offsets (over 4 GiB, far above any
    /// `max-file-size`) has none read.
    pub fn read(source: &str, file: &Dockerfile) -> Self {
        Self::read_reusing(source, file, |_, _| None)
    }

    /// The scripts of `source` (whose model is `file`), an edit of `old_source`, whose instructions were
    /// `old_extents` (see `Instruction::extent`), read with `old_escape`, with scripts `old`: the `RUN`s
    /// around the edit, unchanged, keep their scripts (moved to where they now are); only the others are
    /// read again. The same scripts as [`Scripts::read`].
    pub fn reread(
        source: &str,
        file: &Dockerfile,
        (old_source, old_extents, old_escape): (&str, &[TextRange], char),
        old: Scripts,
    ) -> Self {
        if old_escape != file.escape {
            return Self::read(source, file);
        }
        let new = &file.instructions;
        let (prefix, suffix) = unchanged_ends(old_extents.len(), new.len(), |o, n| {
            old_extents[o].slice(old_source) == new[n].extent().slice(source)
        });
        // (a store read one `RUN` at a time holds that `RUN`'s scripts only)
        let mut by_instruction: Vec<Option<Store>> = vec![None; old_extents.len()];
        for store in old.stores {
            let one = store.scripts.first().map(|h| h.instruction);
            if let Some(slot) = one
                .filter(|i| store.scripts.iter().all(|h| h.instruction == *i))
                .and_then(|i| by_instruction.get_mut(i))
            {
                *slot = Some(store);
            }
        }
        let (old_len, new_len) = (old_extents.len(), new.len());
        Self::read_reusing(source, file, |index, instruction| {
            let from = if index < prefix {
                index
            } else if index >= new_len - suffix {
                old_len - (new_len - index)
            } else {
                return None;
            };
            let store = by_instruction.get_mut(from)?.take()?;
            let delta = shift(instruction.range.start) - shift(old_extents[from].start);
            Some(store.shifted(delta, index))
        })
    }

    /// Read the scripts of `file`, with the store `reuse` gives for a `RUN` (by index) instead of reading it.
    fn read_reusing(
        source: &str,
        file: &Dockerfile,
        mut reuse: impl FnMut(usize, &Instruction) -> Option<Store>,
    ) -> Self {
        if u32::try_from(source.len()).is_err() {
            return Self::default();
        }
        // Each `SHELL` is read once, not once per `RUN` it applies to.
        let mut posix_shells: HashMap<Option<usize>, bool> = HashMap::new();
        let runs: Vec<(usize, &Instruction)> = file
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::Run)
            .filter(|(index, _)| {
                *posix_shells
                    .entry(file.shell_start(*index))
                    .or_insert_with(|| posix(&file.shell(*index)))
            })
            .collect();
        let read_one = |index: usize, instruction: &Instruction| {
            let mut store = Store::default();
            read_run(&mut store, source, index, instruction);
            store.shrink();
            store
        };
        let stores = if runs.len() > PARALLEL_RUNS {
            use rayon::prelude::*;
            runs.par_chunks(STORE_RUNS)
                .map(|runs| {
                    let mut store = Store::default();
                    for (index, instruction) in runs {
                        read_run(&mut store, source, *index, instruction);
                    }
                    store.shrink();
                    store
                })
                .collect()
        } else {
            runs.into_iter()
                .map(|(index, instruction)| {
                    reuse(index, instruction).unwrap_or_else(|| read_one(index, instruction))
                })
                .collect()
        };
        Self { stores }
    }

    /// The script of instruction `index`, if it is a `RUN` whose shell is a POSIX shell.
    pub fn of(&self, index: usize) -> Option<Script<'_>> {
        let first = |s: &Store| s.scripts.first().map_or(0, |h| h.instruction);
        let store = self
            .stores
            .partition_point(|s| first(s) <= index)
            .checked_sub(1)?;
        let store = &self.stores[store];
        let at = store
            .scripts
            .binary_search_by_key(&index, |h| h.instruction)
            .ok()?;
        Some(Script::of(store, at))
    }

    /// Every `RUN` script with its instruction index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, Script<'_>)> {
        self.stores.iter().flat_map(|store| {
            (0..store.scripts.len())
                .map(move |at| (store.scripts[at].instruction, Script::of(store, at)))
        })
    }
}

/// Whether a `SHELL` argv (`["/bin/sh", "-c"]` by default) runs a POSIX shell.
fn posix(shell: &[String]) -> bool {
    shell.first().is_none_or(|program| {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        SHELLS.contains(&name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dockerfile: &str) -> (Dockerfile, Scripts) {
        let file = Dockerfile::parse(dockerfile);
        let scripts = Scripts::read(dockerfile, &file);
        (file, scripts)
    }

    fn names<'a>(script: &Script<'a>) -> Vec<&'a str> {
        script.commands.iter().filter_map(|c| c.program()).collect()
    }

    fn command<'a>(script: &Script<'a>, at: usize) -> Command<'a> {
        script.commands.get(at).expect("a command")
    }

    fn texts<'a>(args: &Args<'a>) -> Vec<&'a str> {
        args.iter().map(|a| a.text).collect()
    }

    #[test]
    fn commands_arguments_and_pipelines_keep_their_source_ranges() {
        let text = "FROM a\nRUN --mount=type=cache,target=/c curl -fsSLk \"https://x/$V\" \\\n    | sh -s -- -y && echo 'a b' > /tmp/f\n";
        let (_, scripts) = script(text);
        let run = scripts.of(1).expect("script");
        assert_eq!(names(&run), ["curl", "sh", "echo"]);
        let curl = command(&run, 0);
        assert_eq!(texts(&curl.args), ["-fsSLk", "https://x/$V"]);
        assert!(curl.option(Some('k'), &["--insecure"], "o").is_some());
        assert!(curl.option(Some('o'), &["--output"], "o").is_none());
        let url = curl.args.get(1).expect("url");
        assert!(!url.literal);
        assert_eq!(url.range.slice(text), "\"https://x/$V\"");
        assert_eq!(url.variables.iter().collect::<Vec<_>>(), ["V"]);
        assert_eq!(run.pipelines.len(), 1);
        assert_eq!(run.pipelines.first().expect("pipeline").commands, [0, 1]);
        assert_eq!(command(&run, 1).then, Some(ListOperator::And));
        assert_eq!(command(&run, 2).then, None);
        // A redirected command before `&&` (`echo x > f && y`) is followed by it too.
        let (_, scripts) = script("FROM a\nRUN echo x > /f && y\n");
        let redirected = scripts.of(1).expect("script");
        assert_eq!(command(&redirected, 0).then, Some(ListOperator::And));
        assert_eq!(command(&run, 1).range.slice(text), "sh -s -- -y");
        let echo = command(&run, 2);
        assert_eq!(texts(&echo.args), ["a b"]);
        let redirect = echo.redirects.first().expect("redirect");
        assert_eq!(redirect.operator, ">");
        assert_eq!(redirect.target.map(|t| t.text), Some("/tmp/f"));
    }

    #[test]
    fn heredocs_are_stdin_or_scripts() {
        let text = "FROM a\nRUN cat <<EOF > /root/.npmrc\n//r/:_authToken=abc\nEOF\nRUN <<EOT\napt-get update\ncurl x | bash\nEOT\nRUN bash -e <<X\nsudo ls\nX\n";
        let (_, scripts) = script(text);
        let cat = command(&scripts.of(1).expect("cat"), 0);
        assert_eq!(cat.program(), Some("cat"));
        let body = cat
            .redirects
            .iter()
            .find_map(|r| r.heredoc)
            .expect("heredoc");
        assert_eq!(body.slice(text), "//r/:_authToken=abc\n");
        assert!(
            cat.redirects
                .iter()
                .any(|r| r.target.is_some_and(|t| t.text == "/root/.npmrc"))
        );
        let bare = scripts.of(2).expect("script heredoc");
        assert_eq!(names(&bare), ["apt-get", "curl", "bash"]);
        assert_eq!(command(&bare, 1).range.slice(text), "curl x");
        let fed = scripts.of(3).expect("bash heredoc");
        assert_eq!(names(&fed), ["bash", "sudo"]);
    }

    #[test]
    fn exec_form_assignments_and_other_shells() {
        let text = "FROM a\nRUN [\"sh\", \"-c\", \"apt-get install -y x | tee log\"]\nRUN export A=b; FOO=1 make\nSHELL [\"pwsh\", \"-c\"]\nRUN iwr x | iex\n";
        let (_, scripts) = script(text);
        let exec = scripts.of(1).expect("exec");
        assert_eq!(names(&exec), ["sh", "apt-get", "tee"]);
        assert_eq!(exec.pipelines.len(), 1);
        let assigned = scripts.of(2).expect("assignments");
        let export = command(&assigned, 0).assignments.first().expect("A=b");
        assert_eq!((export.name, export.value.text), ("A", "b"));
        let make = command(&assigned, 1);
        assert_eq!(make.assignments.first().map(|a| a.value.text), Some("1"));
        assert_eq!(make.program(), Some("make"));
        assert!(scripts.of(4).is_none(), "PowerShell is not read as sh");
    }

    #[test]
    fn backtick_escape_continuations() {
        let text = "# escape=`\nFROM a\nRUN apt-get install `\n    curl\n";
        let (_, scripts) = script(text);
        let run = scripts.of(1).expect("script");
        let install = command(&run, 0);
        assert_eq!(texts(&install.args), ["install", "curl"]);
        let curl = install.args.get(1).expect("curl");
        assert_eq!(curl.range.slice(text), "curl");
    }

    /// Scripts read on all cores into shared stores (a file of many `RUN`s) and one by one (the server's
    /// case) are the same scripts.
    #[test]
    fn a_script_reads_the_same_in_a_large_file_and_a_small_one() {
        let runs = [
            "RUN curl -fsSL https://x/$V | sh -s -- -y && echo 'a b' > /tmp/f",
            "RUN <<EOT\napt-get update\ncurl x | bash\nEOT",
            "RUN cat <<EOF > /root/.npmrc\n//r/:_authToken=${TOKEN}\nEOF",
            "RUN [\"sh\", \"-c\", \"a | b && c\"]",
            "RUN export A=b; FOO=1 make 2>&1 | tee log || true",
            "RUN sudo -E bash - < <(wget -qO- x) $(nested $(deeper | x))",
        ];
        let mut large = String::from("FROM a\n");
        for i in 0..PARALLEL_RUNS + 10 {
            large.push_str(runs[i % runs.len()]);
            large.push('\n');
        }
        let (_, all) = script(&large);
        let mut small = String::from("FROM a\n");
        for i in 0..runs.len() * 3 {
            small.push_str(runs[i % runs.len()]);
            small.push('\n');
        }
        let (_, few) = script(&small);
        let few: Vec<String> = few.iter().map(|(i, s)| format!("{i} {s:?}")).collect();
        let many: Vec<String> = all.iter().map(|(i, s)| format!("{i} {s:?}")).collect();
        assert_eq!(many.len(), PARALLEL_RUNS + 10);
        assert_eq!(few, many[..few.len()]);
        assert!(few.iter().all(|s| s.contains("Command")), "{few:?}");
    }

    proptest::proptest! {
        /// Any `RUN` text reads without a panic, and every range it gives lies inside the file.
        #[test]
        fn any_run_reads(body in "([ -~]|\\n|\\t|<<EOF|\\$\\(|é|`){0,120}") {
            for text in [format!("FROM a\nRUN {body}\n"), format!("# escape=`\nFROM a\nRUN {body}\nEOF\n")] {
                let file = Dockerfile::parse(&text);
                let scripts = Scripts::read(&text, &file);
                for (_, script) in scripts.iter() {
                    for command in &script.commands {
                        proptest::prop_assert!(command.range.end <= text.len());
                        for arg in command.args.iter().chain(command.name) {
                            proptest::prop_assert!(arg.range.end <= text.len());
                            proptest::prop_assert!(text.is_char_boundary(arg.range.start) && text.is_char_boundary(arg.range.end));
                        }
                    }
                }
            }
        }
    }

    const SEED: &str = "FROM a\nRUN curl x | sh\nRUN <<EOF\napt-get update\nEOF\nSHELL [\"pwsh\", \"-c\"]\nRUN a\nFROM b\nRUN cat <<X > /f\ny\nX\n";
    const PIECES: &[&str] = &[
        "RUN b && c\n",
        "\\\n",
        "\n",
        "# c\n",
        "<<EOF\n",
        "EOF\n",
        "SHELL [\"sh\", \"-c\"]\n",
        " ",
        "|",
        "é",
        "# escape=`\n",
        "FROM c\n",
        "$(d)",
    ];

    proptest::proptest! {
        /// After any edits, the scripts read again from the last ones are the scripts read afresh.
        #[test]
        fn scripts_read_again_are_the_scripts_read_afresh(
            edits in proptest::collection::vec((0.0f64..1.0, 0usize..12, proptest::collection::vec(0..PIECES.len(), 0..3)), 1..30)
        ) {
            let mut text = SEED.to_owned();
            let (mut file, mut scripts) = script(&text);
            for (at, delete, insert) in edits {
                let edited = crate::model::dockerfile::tests::edited(&text, at, delete, insert.iter().map(|&i| PIECES[i]));
                let extents: Vec<TextRange> = file.instructions.iter().map(Instruction::extent).collect();
                let new_file = Dockerfile::parse(&edited);
                scripts = Scripts::reread(&edited, &new_file, (&text, &extents, file.escape), scripts);
                (file, text) = (new_file, edited);
                let listed = |s: &Scripts| s.iter().map(|(i, s)| format!("{i} {s:?}")).collect::<Vec<_>>();
                proptest::prop_assert_eq!(listed(&scripts), listed(&script(&text).1), "text: {:?}", text);
            }
        }
    }
}
