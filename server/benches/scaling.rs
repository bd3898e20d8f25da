//! Lint time and peak memory per input size, for inputs built to be large or deeply nested (hostile input
//! must cost time linear in its size). Not a timed test: it prints figures to compare against the budgets in
//! the README (50 MiB in under 10 s, memory under 10× the file).
//!
//!     cargo bench --bench scaling                # generates the inputs into target/scaling-inputs
//!     cargo bench --bench scaling -- 1mib.Dockerfile nested-substitutions.Dockerfile
//!
//! Each input is linted in a fresh child process (this binary, `--child FILE`) through the library's `lint`,
//! so its peak resident memory (`VmHWM`) is its own. The inputs come from `hostile_inputs.py` beside this
//! file (Python 3).
#![allow(clippy::print_stdout, reason = "a bench binary reports on stdout")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use dockwarden::{FileKind, lint};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, file] = args.as_slice() {
        if flag == "--child" {
            child(Path::new(file));
            return;
        }
    }
    let inputs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/scaling-inputs");
    if !inputs.join("50mib.k8s.yaml").exists() {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("server/benches/hostile_inputs.py");
        let status = Command::new("python3")
            .arg(script)
            .arg(&inputs)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "the input generator failed");
    }
    let wanted: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let mut names: Vec<String> = std::fs::read_dir(&inputs)
        .expect("inputs")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| wanted.is_empty() || wanted.contains(&n))
        .collect();
    names.sort_by_key(|n| {
        (
            n.split('.').skip(1).collect::<Vec<_>>().join("."),
            size_of(&inputs.join(n)),
        )
    });
    println!(
        "{:<34} {:>9} {:>9} {:>8} {:>10} {:>7}",
        "input", "MiB", "seconds", "s/MiB", "peak MiB", "× size"
    );
    let me = std::env::current_exe().expect("this bench");
    for name in names {
        let path = inputs.join(&name);
        let output = Command::new(&me)
            .args(["--child", path.to_str().expect("UTF-8 path")])
            .output()
            .expect("child runs");
        let report = String::from_utf8_lossy(&output.stdout);
        let mut fields = report.split_whitespace();
        let (Some(seconds), Some(peak_kib)) = (fields.next(), fields.next()) else {
            println!(
                "{name:<34} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            continue;
        };
        let seconds: f64 = seconds.parse().unwrap_or(f64::NAN);
        let peak = peak_kib.parse::<f64>().unwrap_or(f64::NAN) / 1024.0;
        let mib = size_of(&path) as f64 / (1024.0 * 1024.0);
        println!(
            "{name:<34} {mib:>9.2} {seconds:>9.2} {:>8.2} {peak:>10.0} {:>7.1}",
            seconds / mib,
            peak / mib
        );
    }
}

fn size_of(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Lint one file and print `seconds peak-KiB`.
fn child(path: &Path) {
    let text = std::fs::read_to_string(path).expect("a UTF-8 input");
    let kind = if path.to_string_lossy().ends_with("Dockerfile") {
        FileKind::Dockerfile
    } else if path.to_string_lossy().contains("compose") {
        FileKind::Compose
    } else {
        FileKind::Kubernetes
    };
    let start = Instant::now();
    let found = lint(&text, kind);
    let seconds = start.elapsed().as_secs_f64();
    std::hint::black_box(found);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("{seconds:.3} {peak}");
}
