//! The container files (`Dockerfile`, `docker-compose.yml`) against the binary and the code.
//! No Docker engine runs on the development or CI machines, so what can be checked without
//! one is checked here: the `jeju` commands and options they run exist, the variables they
//! set are read by the code, images are pinned, services start in a working order, and the
//! image is built with the Cargo features the compose file relies on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use serde_norway::Value;

/// Prefixes of the variables the project's code reads (its own and the ecosystem's
/// fallbacks); a container setting one the code does not read is a typo or a stale name.
const READ_PREFIXES: [&str; 3] = ["JEJU_", "NEO4J_", "OPENAI_"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace holds app/")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A `jeju` command line that a container runs, and where it is written.
#[derive(Debug)]
struct JejuCommand {
    origin: String,
    args: Vec<String>,
}

impl JejuCommand {
    fn subcommand(&self) -> &str {
        self.args.get(1).map(String::as_str).unwrap_or("")
    }
}

/// `jeju ARGS… --help`: its output (the command must exist).
fn help(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jeju"))
        .args(args)
        .arg("--help")
        .env("JEJU_HOME", home.path())
        .output()
        .expect("run jeju");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "jeju {args:?} --help: {text}");
    text
}

/// The subcommands a `--help` lists under "Commands:".
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Does `help` name the option `--name` (not only a longer one that starts with it)?
fn names_option(help: &str, option: &str) -> bool {
    help.match_indices(option).any(|(at, _)| {
        help[at + option.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    })
}

/// Checks one command against the binary: its subcommand (and sub-subcommand) exists and
/// every `--option` it passes is one that subcommand has.
fn check_against_the_binary(command: &JejuCommand) {
    let args = &command.args;
    assert_eq!(args[0], "jeju", "{command:?}");
    let sub = command.subcommand();
    assert!(
        !sub.is_empty() && !sub.starts_with('-'),
        "{}: no subcommand in {args:?}",
        command.origin
    );
    let mut path = vec![sub];
    let mut text = help(&path);
    if let Some(next) = args.get(2).filter(|a| !a.starts_with('-')) {
        if subcommands(&text).iter().any(|s| s == next) {
            path.push(next);
            text = help(&path);
        }
    }
    for option in args.iter().filter(|a| a.starts_with("--")) {
        let name = option.split('=').next().unwrap();
        assert!(
            names_option(&text, name),
            "{}: `jeju {}` has no {name} option:\n{text}",
            command.origin,
            path.join(" ")
        );
    }
}

/// The text of a scalar YAML value (`4` in `["--timeout", 4]` is a number).
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// The argv of a compose `command` (a list, or a string split on whitespace).
fn command_argv(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().map(scalar).collect(),
        Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        other => panic!("command is neither a list nor a string: {other:?}"),
    }
}

/// The argv of a compose healthcheck `test`: `["CMD", …]` is one; `["CMD-SHELL", "…"]` and a
/// string are shell lines (split on whitespace); `["NONE"]` is none.
fn healthcheck_argv(test: &Value) -> Option<Vec<String>> {
    match test {
        Value::String(s) => Some(s.split_whitespace().map(str::to_owned).collect()),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(scalar).collect();
            match items.first().map(String::as_str) {
                Some("CMD") => Some(items[1..].to_vec()),
                Some("CMD-SHELL") => Some(
                    items[1..]
                        .join(" ")
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                ),
                Some("NONE") => None,
                other => panic!("healthcheck test starts with {other:?}"),
            }
        }
        other => panic!("healthcheck test is neither a list nor a string: {other:?}"),
    }
}

/// docker-compose.yml with its YAML merge keys (`<<: *jeju-env`) applied.
fn compose() -> Value {
    let mut value: Value = serde_norway::from_str(&read("docker-compose.yml"))
        .unwrap_or_else(|e| panic!("docker-compose.yml: {e}"));
    value.apply_merge().expect("merge keys");
    value
}

fn services(compose: &Value) -> BTreeMap<String, Value> {
    let map = compose["services"]
        .as_mapping()
        .expect("docker-compose.yml has services");
    map.iter().map(|(k, v)| (scalar(k), v.clone())).collect()
}

/// The `jeju` commands a service runs: its command and its healthcheck.
fn jeju_commands(name: &str, service: &Value) -> Vec<JejuCommand> {
    let mut found = Vec::new();
    if let Some(command) = service.get("command") {
        found.push(JejuCommand {
            origin: format!("docker-compose.yml service {name}: command"),
            args: command_argv(command),
        });
    }
    let healthcheck = &service["healthcheck"];
    if healthcheck["disable"].as_bool() != Some(true) {
        if let Some(args) = healthcheck.get("test").and_then(healthcheck_argv) {
            found.push(JejuCommand {
                origin: format!("docker-compose.yml service {name}: healthcheck"),
                args,
            });
        }
    }
    found.retain(|c| c.args.first().is_some_and(|a| a == "jeju"));
    found
}

/// Does the service run the image of ./Dockerfile (so the `jeju` binary)?
fn runs_jeju(service: &Value) -> bool {
    service.get("build").is_some()
        || service
            .get("command")
            .is_some_and(|c| command_argv(c).first().is_some_and(|a| a == "jeju"))
}

/// The names of the variables a service sets (`environment:` as a map or as `K=V` lines).
fn environment(service: &Value) -> Vec<String> {
    match service.get("environment") {
        None => Vec::new(),
        Some(Value::Mapping(map)) => map.keys().map(scalar).collect(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|i| scalar(i).split('=').next().unwrap().to_owned())
            .collect(),
        Some(other) => panic!("environment is neither a map nor a list: {other:?}"),
    }
}

/// Every `.rs` file under the workspace members' `src/` (not their tests: a name that only a
/// test sets is not read by the binary).
fn sources() -> &'static str {
    static SOURCES: OnceLock<String> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let manifest: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
        let members = manifest["workspace"]["members"].as_array().unwrap();
        let mut all = String::new();
        let mut stack: Vec<PathBuf> = members
            .iter()
            .map(|m| root().join(m.as_str().unwrap()).join("src"))
            .collect();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    all.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        assert!(all.len() > 100_000, "the workspace sources were not found");
        all
    })
}

/// Is `name` read by the code (a string literal `"NAME"` in a member's `src/`)?
fn code_reads(name: &str) -> bool {
    sources().contains(&format!("\"{name}\""))
}

/// `name:tag` with a tag other than `latest`, or a digest.
fn pinned(image: &str) -> bool {
    if image.contains('@') {
        return true;
    }
    let last = image.rsplit('/').next().unwrap();
    last.split_once(':')
        .is_some_and(|(_, tag)| !tag.is_empty() && tag != "latest" && !tag.contains('$'))
}

/// A compose duration: `35s`, `1m30s`, `500ms`.
fn duration(text: &str) -> Duration {
    let mut total = Duration::ZERO;
    let mut rest = text.trim();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits]
            .parse()
            .unwrap_or_else(|_| panic!("duration {text:?}"));
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" => 0.000_001,
            unit => panic!("duration {text:?}: unit {unit:?}"),
        };
        total += Duration::from_secs_f64(number * seconds);
        rest = &rest[unit_len..];
    }
    total
}

/// The `jeju` commands of the Dockerfile (`CMD`, `ENTRYPOINT`, `HEALTHCHECK … CMD`, as JSON
/// arrays).
fn dockerfile_commands(dockerfile: &str) -> Vec<JejuCommand> {
    let mut found = Vec::new();
    for (n, line) in dockerfile.lines().enumerate() {
        let instruction = line.split_whitespace().next().unwrap_or("");
        if !["CMD", "ENTRYPOINT", "HEALTHCHECK"].contains(&instruction) {
            continue;
        }
        let Some(start) = line.find('[') else {
            continue;
        };
        let end = line.rfind(']').expect("a closed JSON array") + 1;
        let args: Vec<String> = serde_json::from_str(&line[start..end])
            .unwrap_or_else(|e| panic!("Dockerfile line {}: {e}", n + 1));
        if args.first().is_some_and(|a| a == "jeju") {
            found.push(JejuCommand {
                origin: format!("Dockerfile line {} ({instruction})", n + 1),
                args,
            });
        }
    }
    found
}

/// The names the Dockerfile's `ENV` instructions set (`ENV A=1 \` and its continuation
/// lines).
fn dockerfile_env(dockerfile: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_env = false;
    for line in dockerfile.lines() {
        let words = match line.strip_prefix("ENV ") {
            Some(rest) => rest,
            None if in_env => line,
            None => continue,
        };
        names.extend(
            words
                .split_whitespace()
                .filter_map(|w| w.split_once('=').map(|(k, _)| k.to_owned())),
        );
        in_env = line.trim_end().ends_with('\\');
    }
    names
}

/// The features the Dockerfile's `cargo build` enables (`--features a,b`, `--features=a`).
fn dockerfile_features(dockerfile: &str) -> Vec<String> {
    let build = dockerfile
        .lines()
        .find(|l| l.contains("cargo build"))
        .expect("the Dockerfile runs cargo build");
    let words: Vec<&str> = build.split_whitespace().collect();
    let mut features = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let list = match word.strip_prefix("--features") {
            Some("") => words.get(i + 1).copied().unwrap_or(""),
            Some(rest) => rest.strip_prefix('=').unwrap_or(""),
            None => continue,
        };
        features.extend(
            list.split([',', ' '])
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
        );
    }
    features
}

#[test]
fn the_container_files_run_commands_the_binary_has() {
    let compose = compose();
    let mut commands = dockerfile_commands(&read("Dockerfile"));
    for (name, service) in services(&compose) {
        commands.extend(jeju_commands(&name, &service));
    }
    let subcommands: Vec<&str> = commands.iter().map(JejuCommand::subcommand).collect();
    for needed in ["serve", "health", "ingest"] {
        assert!(subcommands.contains(&needed), "{needed} in {commands:?}");
    }
    for command in &commands {
        check_against_the_binary(command);
    }
}

#[test]
fn the_variables_the_containers_set_are_read_by_the_code() {
    let mut set: Vec<(String, String)> = Vec::new();
    for (name, service) in services(&compose()) {
        if runs_jeju(&service) {
            for var in environment(&service) {
                set.push((format!("docker-compose.yml service {name}"), var));
            }
        }
    }
    for var in dockerfile_env(&read("Dockerfile")) {
        set.push(("Dockerfile ENV".into(), var));
    }
    let ours: Vec<&(String, String)> = set
        .iter()
        .filter(|(_, var)| READ_PREFIXES.iter().any(|p| var.starts_with(p)))
        .collect();
    assert!(
        ours.iter().any(|(_, v)| v == "JEJU_GRAPH_URI"),
        "the compose file sets no graph: {set:?}"
    );
    for (origin, var) in ours {
        assert!(code_reads(var), "{origin} sets {var}, which no code reads");
    }
    // The check itself: a name no code reads is caught.
    assert!(!code_reads("JEJU_NO_SUCH_SETTING"));
    assert!(code_reads("JEJU_QDRANT_URL"));
}

#[test]
fn images_are_pinned_and_services_start_in_order() {
    let services = services(&compose());
    for (name, service) in &services {
        match service.get("image").map(scalar) {
            Some(image) => assert!(
                pinned(&image),
                "service {name}: image {image} has no tag other than latest"
            ),
            None => assert!(
                service.get("build").is_some(),
                "service {name}: neither image nor build"
            ),
        }
        let Some(depends_on) = service.get("depends_on") else {
            continue;
        };
        let depends_on = depends_on.as_mapping().unwrap_or_else(|| {
            panic!("service {name}: depends_on is a list; give each a condition")
        });
        for (dependency, how) in depends_on {
            let dependency = scalar(dependency);
            let target = services
                .get(&dependency)
                .unwrap_or_else(|| panic!("service {name} depends on unknown {dependency}"));
            let condition = how.get("condition").map(scalar);
            match condition.as_deref() {
                Some("service_healthy") => {
                    let healthcheck = &target["healthcheck"];
                    assert!(
                        healthcheck.get("test").is_some()
                            && healthcheck["disable"].as_bool() != Some(true),
                        "service {name} waits for {dependency} to be healthy, which has no healthcheck"
                    );
                }
                Some("service_completed_successfully") => {
                    let restart = target.get("restart").map(scalar);
                    assert!(
                        restart.as_deref().is_none_or(|r| r == "no"),
                        "service {name} waits for {dependency} to exit, which restarts ({restart:?})"
                    );
                }
                Some("service_started") => {}
                other => panic!("service {name}: depends_on {dependency} with condition {other:?}"),
            }
        }
    }
    // Every image of the Dockerfile is pinned too.
    let dockerfile = read("Dockerfile");
    let mut stages: Vec<String> = Vec::new();
    for line in dockerfile.lines().filter(|l| l.starts_with("FROM ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let image = words[1];
        assert!(
            stages.iter().any(|s| s == image) || pinned(image),
            "Dockerfile: {line}"
        );
        if let Some(i) = words.iter().position(|w| w.eq_ignore_ascii_case("AS")) {
            stages.push(words[i + 1].to_owned());
        }
    }
}

#[test]
fn the_app_is_health_checked_drained_and_started_after_ingest() {
    let services = services(&compose());
    let runs = |service: &Value, sub: &str| {
        jeju_commands("", service)
            .iter()
            .any(|c| c.origin.ends_with("command") && c.subcommand() == sub)
    };
    let ingest: Vec<&String> = services
        .iter()
        .filter(|(_, s)| runs(s, "ingest"))
        .map(|(n, _)| n)
        .collect();
    let apps: Vec<(&String, &Value)> = services.iter().filter(|(_, s)| runs(s, "serve")).collect();
    assert!(!ingest.is_empty() && !apps.is_empty(), "{services:?}");
    for (name, app) in apps {
        let checks = jeju_commands(name, app);
        assert!(
            checks
                .iter()
                .any(|c| c.origin.ends_with("healthcheck") && c.subcommand() == "health"),
            "service {name} runs jeju serve without a `jeju health` healthcheck"
        );
        let grace = app
            .get("stop_grace_period")
            .map(|g| duration(&scalar(g)))
            .unwrap_or(Duration::from_secs(10));
        assert!(
            grace > Duration::from_secs(30),
            "service {name}: stop_grace_period {grace:?} cuts the 30 s drain of jeju serve"
        );
        for loader in &ingest {
            let condition = app["depends_on"][loader.as_str()]["condition"].as_str();
            assert_eq!(
                condition,
                Some("service_completed_successfully"),
                "service {name} must start after {loader} has loaded the data"
            );
        }
    }
}

#[test]
fn the_image_is_built_with_features_the_app_has() {
    let manifest: toml::Table = toml::from_str(&read("app/Cargo.toml")).unwrap();
    let features = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let used = dockerfile_features(&read("Dockerfile"));
    for feature in &used {
        assert!(
            features.contains_key(feature),
            "the Dockerfile builds with --features {feature}, which app/Cargo.toml lacks: {:?}",
            features.keys().collect::<Vec<_>>()
        );
    }
    // The compose file keeps review vectors in Qdrant: the image must have the client.
    let qdrant = services(&compose())
        .values()
        .any(|s| runs_jeju(s) && environment(s).iter().any(|v| v == "JEJU_QDRANT_URL"));
    if qdrant {
        assert!(
            used.iter().any(|f| f == "qdrant"),
            "docker-compose.yml sets JEJU_QDRANT_URL but the Dockerfile builds without --features qdrant"
        );
        let enables = features["qdrant"].as_array().unwrap();
        assert!(
            enables
                .iter()
                .any(|e| e.as_str().is_some_and(|e| e.ends_with("/qdrant"))),
            "app's qdrant feature enables no crate's qdrant: {enables:?}"
        );
    }
}

#[test]
fn the_helpers_read_what_compose_and_docker_write() {
    assert_eq!(duration("35s"), Duration::from_secs(35));
    assert_eq!(duration("1m30s"), Duration::from_secs(90));
    assert_eq!(duration("500ms"), Duration::from_millis(500));
    assert!(pinned("neo4j:5.26.30-community"));
    assert!(pinned("registry.example:5000/team/app:1.2"));
    assert!(pinned("qdrant/qdrant@sha256:0123"));
    assert!(!pinned("qdrant/qdrant:latest"));
    assert!(!pinned("neo4j"));
    assert!(!pinned("registry.example:5000/team/app"));
    assert!(names_option("  --no-start  Do not", "--no-start"));
    assert!(!names_option("  --no-start  Do not", "--no"));
    assert_eq!(
        dockerfile_env("ENV A=1 \\\n    B=2\nRUN C=3 make\nENV D=4\n"),
        ["A", "B", "D"]
    );
    assert_eq!(
        dockerfile_features("RUN cargo build --release --features qdrant,x"),
        ["qdrant", "x"]
    );
    assert_eq!(
        dockerfile_features("RUN cargo build --features=qdrant -p jeju-app"),
        ["qdrant"]
    );
    assert_eq!(
        healthcheck_argv(&serde_norway::from_str("[CMD-SHELL, jeju health || exit 1]").unwrap()),
        Some(vec![
            "jeju".into(),
            "health".into(),
            "||".into(),
            "exit".into(),
            "1".into()
        ])
    );
    assert_eq!(
        healthcheck_argv(&serde_norway::from_str("[NONE]").unwrap()),
        None
    );
    assert_eq!(
        subcommands("Usage: jeju graph <COMMAND>\n\nCommands:\n  start   Start\n  stop    Stop\n\nOptions:\n"),
        ["start", "stop"]
    );
}

/// The linters `setup.sh` installs (setup.d/70-container-lint.sh) pass on both files.
#[test]
fn hadolint_and_docker_compose_accept_the_files() {
    let hadolint = root().join(".venv/bin/hadolint");
    let out = std::process::Command::new(&hadolint)
        .arg(root().join("Dockerfile"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} does not run ({e}): ./setup.sh installs it",
                hadolint.display()
            )
        });
    assert!(
        out.status.success(),
        "hadolint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("docker-compose")
        .arg("-f")
        .arg(root().join("docker-compose.yml"))
        .args(["config", "-q"])
        .env("NEO4J_PASSWORD", "lint-only")
        .env("JEJU_LLM_URL", "http://llm.invalid/v1")
        .env("JEJU_LLM_MODEL", "lint-only")
        .output()
        .unwrap_or_else(|e| panic!("docker-compose does not run ({e}): ./setup.sh installs it"));
    assert!(
        out.status.success(),
        "docker-compose config:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
