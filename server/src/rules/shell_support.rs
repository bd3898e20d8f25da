//! Helpers for rules that read `RUN` scripts: package-manager commands, downloads, and edits that take an
//! option out of a command.

use crate::document::TextRange;
use crate::edit::fix::Edit;
use crate::model::shell::{Arg, Command};

/// A package manager's command that installs packages, with the package operands.
pub struct Install<'a> {
    pub manager: Manager,
    /// The subcommand word (`install`, `add`).
    pub subcommand: Arg<'a>,
    pub packages: Vec<Arg<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    Apt,
    Apk,
    Yum,
}

/// Options of apt, apk and yum/dnf that take a value as the next word.
const VALUE_OPTIONS: [&str; 12] = [
    "-o",
    "-t",
    "-c",
    "--option",
    "--target-release",
    "--config-file",
    "-X",
    "--repository",
    "--root",
    "-p",
    "--setopt",
    "--installroot",
];

/// The operands of `command` (its arguments that are not options or option values), in order.
pub fn operands<'a>(command: &Command<'a>) -> Vec<Arg<'a>> {
    let mut out = Vec::new();
    let mut skip_value = false;
    let mut options_done = false;
    for arg in &command.args {
        if skip_value {
            skip_value = false;
            continue;
        }
        if !options_done && arg.text == "--" {
            options_done = true;
            continue;
        }
        if !options_done && arg.text.starts_with('-') && arg.text.len() > 1 {
            skip_value = VALUE_OPTIONS.contains(&arg.text);
            continue;
        }
        out.push(arg);
    }
    out
}

/// `apt-get install …`, `apt install …`, `apk add …`, `yum|dnf|microdnf install …`.
pub fn install<'a>(command: &Command<'a>) -> Option<Install<'a>> {
    let (manager, verbs): (Manager, &[&str]) = match command.program()? {
        "apt-get" | "apt" | "aptitude" => (Manager::Apt, &["install"]),
        "apk" => (Manager::Apk, &["add"]),
        "yum" | "dnf" | "microdnf" | "tdnf" => (Manager::Yum, &["install"]),
        _ => return None,
    };
    let operands = operands(command);
    let (subcommand, packages) = operands.split_first()?;
    verbs.contains(&subcommand.text).then(|| Install {
        manager,
        subcommand: *subcommand,
        packages: packages.to_vec(),
    })
}

/// Whether the command downloads something and writes it to stdout (`curl URL`, `wget -O- URL`).
pub fn downloads_to_stdout(command: &Command) -> bool {
    match command.program() {
        Some("curl") => {
            let to_file = command.option(Some('o'), &["--output"], CURL_VALUES);
            let remote_name = command.option(
                Some('O'),
                &["--remote-name", "--remote-name-all"],
                CURL_VALUES,
            );
            match to_file {
                // `-o -` writes to stdout; `-o file` does not.
                Some(arg) => {
                    let value = value_after(command, &arg, 'o');
                    value.is_some_and(|v| v == "-" || v == "/dev/stdout")
                }
                None => remote_name.is_none(),
            }
        }
        Some("wget") => command.args.iter().enumerate().any(|(i, arg)| {
            let text = arg.text;
            let next = command.args.get(i + 1).map(|a| a.text);
            let stdout = |v: &str| v == "-" || v == "/dev/stdout";
            if let Some(value) = text.strip_prefix("--output-document=") {
                return stdout(value);
            }
            if text == "--output-document" {
                return next.is_some_and(stdout);
            }
            match text.strip_prefix('-').filter(|t| !t.starts_with('-')) {
                Some(cluster) => match cluster.split_once('O') {
                    Some((_, "")) => next.is_some_and(stdout),
                    Some((_, value)) => stdout(value),
                    None => false,
                },
                None => false,
            }
        }),
        _ => false,
    }
}

/// curl's short options that take a value.
pub const CURL_VALUES: &str = "AbcCdDeEFHhKmoQrTuUwxXyYz";

/// The value of short option `letter` in `arg` (`-ofile`) or the next argument (`-o file`).
fn value_after<'a>(command: &Command<'a>, arg: &Arg<'a>, letter: char) -> Option<&'a str> {
    let cluster = arg.text.strip_prefix('-')?;
    if cluster.starts_with('-') {
        // `--output file` / `--output=file`
        return match arg.text.split_once('=') {
            Some((_, value)) => Some(value),
            None => next_arg(command, arg).map(|a| a.text),
        };
    }
    let at = cluster.find(letter)?;
    let rest = &cluster[at + letter.len_utf8()..];
    if rest.is_empty() {
        next_arg(command, arg).map(|a| a.text)
    } else {
        Some(rest)
    }
}

/// The argument after `arg`.
pub fn next_arg<'a>(command: &Command<'a>, arg: &Arg) -> Option<Arg<'a>> {
    let at = command.args.iter().position(|a| a.is_same(arg))?;
    command.args.get(at + 1)
}

/// Programs that run the command given as their arguments.
const WRAPPERS: [&str; 8] = [
    "sudo", "doas", "env", "exec", "nice", "nohup", "time", "command",
];

/// The command a wrapper runs (`sudo -E bash -` → `bash -`), or the command itself.
pub fn unwrapped<'a>(command: &Command<'a>) -> Command<'a> {
    let mut current = *command;
    for _ in 0..4 {
        if !current.is(&WRAPPERS) {
            break;
        }
        // sudo's options that take a value: -u user, -g group, -C fd, -p prompt, -h host, -r role, -t type.
        const SUDO_VALUES: [&str; 8] = ["-u", "-g", "-C", "-p", "-h", "-r", "-t", "-U"];
        let args = current.args;
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            let text = arg.text;
            if text.starts_with('-') && text.len() > 1 {
                i += if SUDO_VALUES.contains(&text) { 2 } else { 1 };
            } else if current.is(&["env"]) && text.contains('=') {
                i += 1;
            } else {
                break;
            }
        }
        let Some(name) = args.get(i) else {
            break;
        };
        current = Command {
            name: Some(name),
            args: args.from(i + 1),
            ..current
        };
    }
    current
}

/// Whether the program reads a script from stdin: a shell without `-c` (and no script file, or `-s`/`-`),
/// or an interpreter with no script operand.
pub fn runs_stdin(command: &Command) -> bool {
    let command = &unwrapped(command);
    let Some(program) = command.program() else {
        return false;
    };
    let shell = crate::model::shell::SHELLS.contains(&program);
    let interpreter = [
        "python", "python2", "python3", "perl", "ruby", "node", "php",
    ]
    .contains(&program)
        || program.starts_with("python3.");
    if !shell && !interpreter {
        return false;
    }
    if command.has_arg("-c") || (interpreter && command.has_arg("-e")) {
        return false;
    }
    let operands = operands(command);
    operands.is_empty() || operands[0].text == "-" || command.has_arg("-s")
}

/// `pip`, `pip3`, `python -m pip`.
pub fn is_pip(command: &Command) -> bool {
    let program = command.program().unwrap_or("");
    let args = command.args.iter();
    program.starts_with("pip")
        || (program.starts_with("python")
            && args
                .clone()
                .zip(args.skip(1))
                .any(|(a, b)| a.text == "-m" && b.text == "pip"))
}

/// Whether the argument can be edited on its own: exec-form arguments all carry the whole instruction's
/// range, so they cannot.
pub fn editable(command: &Command, arg: &Arg) -> bool {
    arg.range != command.range && !arg.range.is_empty()
}

/// Delete `arg` (and `value`, a separate word that belongs to it) with the blank before it.
pub fn remove_args(source: &str, command: &Command, arg: &Arg, value: Option<Arg>) -> Option<Edit> {
    if !editable(command, arg) {
        return None;
    }
    let end = value.map_or(arg.range.end, |v| v.range.end);
    let before = &source[..arg.range.start];
    let start = before.trim_end_matches([' ', '\t']).len();
    // Never join with a line continuation's escape: keep what precedes the blanks on its own line.
    let start = if source[..start].ends_with(['\\', '`', '\n', '\r']) {
        arg.range.start
    } else {
        start
    };
    let end = if start == arg.range.start {
        // Deleting from the argument itself: take the blanks after it instead.
        end + source[end..].len() - source[end..].trim_start_matches([' ', '\t']).len()
    } else {
        end
    };
    Some(Edit::delete(TextRange::new(start, end)))
}

/// Take short option `letter` out of a cluster (`-fsSLk` → `-fsSL`), or the whole argument when it is
/// the only letter.
pub fn remove_short(source: &str, command: &Command, arg: &Arg, letter: char) -> Option<Edit> {
    let cluster = arg.text.strip_prefix('-')?;
    if cluster == letter.to_string() {
        return remove_args(source, command, arg, None);
    }
    if !editable(command, arg) || arg.range.slice(source) != arg.text {
        return None;
    }
    let kept: String = cluster.chars().filter(|c| *c != letter).collect();
    Some(Edit::replace(arg.range, format!("-{kept}")))
}

/// The first word of each command line of a shell script (after `exec`, `if`, `then`, `&&`…), roughly: a
/// tool named there is a tool it runs.
pub fn script_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().take(2_000) {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        for part in line.split(['|', ';', '&', '(', '`']) {
            let mut words = part.split_whitespace().skip_while(|w| {
                matches!(
                    *w,
                    "exec" | "if" | "then" | "else" | "do" | "!" | "while" | "until" | "command"
                ) || w.contains('=')
            });
            if let Some(word) = words.next() {
                out.push(word.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dockerfile::Dockerfile;
    use crate::model::shell::Scripts;

    /// `RUN {run}` read, with its scripts.
    fn read(run: &str) -> (String, Scripts) {
        let text = format!("FROM a\nRUN {run}\n");
        let file = Dockerfile::parse(&text);
        let scripts = Scripts::read(&text, &file);
        (text, scripts)
    }

    fn first(scripts: &Scripts) -> Command<'_> {
        scripts
            .of(1)
            .and_then(|s| s.commands.first())
            .expect("a command")
    }

    #[test]
    fn downloads_and_stdin() {
        for (run, expected) in [
            ("curl -fsSL https://x", true),
            ("curl -o - https://x", true),
            ("curl -o out https://x", false),
            ("curl -fsSLO https://x", false),
            ("wget -qO- https://x", true),
            ("wget -O - https://x", true),
            ("wget --output-document=- https://x", true),
            ("wget https://x", false),
        ] {
            assert_eq!(downloads_to_stdout(&first(&read(run).1)), expected, "{run}");
        }
        for (run, expected) in [
            ("sh", true),
            ("bash -s -- -y", true),
            ("sh -c 'x'", false),
            ("bash install.sh", false),
            ("python3 -", true),
            ("python3 get-pip.py", false),
            ("sudo -E bash -", true),
            ("sudo -u app python3 x.py", false),
        ] {
            assert_eq!(runs_stdin(&first(&read(run).1)), expected, "{run}");
        }
    }

    #[test]
    fn installs_with_their_packages() {
        let (_, scripts) = read(
            "apt-get -o Dpkg::Options::=--force-confdef install -y --no-install-recommends curl ca-certificates",
        );
        let install = install(&first(&scripts)).expect("install");
        assert_eq!(install.manager, Manager::Apt);
        let packages: Vec<&str> = install.packages.iter().map(|a| a.text).collect();
        assert_eq!(packages, ["curl", "ca-certificates"]);
        assert!(install_of("apk add --no-cache openssh").is_some());
        assert!(install_of("apt-get update").is_none());
    }

    fn install_of(run: &str) -> Option<Manager> {
        install(&first(&read(run).1)).map(|i| i.manager)
    }

    #[test]
    fn options_come_out_cleanly() {
        let (text, scripts) = read("curl -fsSLk https://x");
        let command = first(&scripts);
        let arg = command.args.first().expect("an argument");
        let edit = remove_short(&text, &command, &arg, 'k').expect("edit");
        assert_eq!(
            crate::edit::fix::apply_edits(&text, &[edit]).as_deref(),
            Some("FROM a\nRUN curl -fsSL https://x\n")
        );
        let (text, scripts) = read("wget --no-check-certificate -q https://x");
        let command = first(&scripts);
        let arg = command.args.first().expect("an argument");
        let edit = remove_args(&text, &command, &arg, None).expect("edit");
        assert_eq!(
            crate::edit::fix::apply_edits(&text, &[edit]).as_deref(),
            Some("FROM a\nRUN wget -q https://x\n")
        );
    }
}
