//! Builds the chat page's browser bundle and embeds it in the server.
//!
//! 1. A nested `cargo build` of `jeju-web` (features `hydrate`) for `wasm32-unknown-unknown`,
//!    into `<target>/wasm`, optimised for size.
//! 2. wasm-bindgen (as a library, `--target web`) on the result: `$OUT_DIR/pkg/jeju_web.js`
//!    and `jeju_web_bg.wasm`; `web/style/main.css` is copied to `$OUT_DIR/pkg/jeju_web.css`.
//! 3. `$OUT_DIR/web_bundle.rs`: `HYDRATE` and `WEB_BUNDLE` (file name under `/pkg/`, content
//!    type, bytes), which `src/bundle.rs` includes.
//!
//! Without the wasm32 target (or with `JEJU_WEB_NO_WASM=1`) the build warns and bundles only
//! the CSS with `HYDRATE = false`: the page then works server-rendered, through plain forms. Any
//! other failure of the nested build (a compile error in `web/`) fails this build.
//!
//! Needs in server/Cargo.toml (the same version as the `wasm-bindgen` in Cargo.lock, which
//! web/Cargo.toml pins; the wasm file's schema must match the bindgen that reads it):
//! ```toml
//! [build-dependencies]
//! wasm-bindgen-cli-support = "=0.2.130"
//! ```

use sha2::Digest;
use std::{
    env,
    ffi::OsString,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const OUT_NAME: &str = "jeju_web";

/// Environment variables of this build that must not reach the nested one: host flags, the
/// outer target dir and target, profile overrides, jobserver, clippy's wrapper.
const STRIPPED_VARS: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_JOBS",
    "CARGO_MAKEFLAGS",
    "MAKEFLAGS",
    "MFLAGS",
    "CARGO_INCREMENTAL",
    "RUSTC_WORKSPACE_WRAPPER",
    "CLIPPY_ARGS",
    "__CLIPPY_INTERNAL_ARGS",
    "CARGO_PRIMARY_PACKAGE",
    "OUT_DIR",
    "TARGET",
    "HOST",
    "NUM_JOBS",
    "OPT_LEVEL",
    "DEBUG",
    "PROFILE",
    "RUSTC_LINKER",
];
/// Prefixes of variables to strip (build settings and what cargo sets for this build script).
const STRIPPED_PREFIXES: &[&str] = &[
    "CARGO_BUILD_",
    "CARGO_PROFILE_",
    "CARGO_CFG_",
    "CARGO_FEATURE_",
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "DEP_",
];
/// The nested build's release profile: small code. Measured on 2 shared cores: opt-level z +
/// fat LTO + 1 codegen unit builds cold in ≈ 4.7 min (3.3 min CPU) and gives a 0.9 MB wasm
/// (0.29 MB gzipped); opt-level s without LTO took longer (6.9 min, 4.6 min CPU) for 12 % more
/// code. A change in web/ alone rebuilds in ≈ 20 s.
const WASM_PROFILE: &[(&str, &str)] = &[
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z"),
    ("CARGO_PROFILE_RELEASE_LTO", "fat"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1"),
    ("CARGO_PROFILE_RELEASE_DEBUG", "false"),
    ("CARGO_PROFILE_RELEASE_INCREMENTAL", "false"),
];

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("server/ sits in the workspace root")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let web = workspace.join("web");

    for path in [
        web.join("src"),
        web.join("style"),
        web.join("Cargo.toml"),
        workspace.join("api/src"),
        workspace.join("api/Cargo.toml"),
        workspace.join("Cargo.lock"),
    ] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-env-changed=JEJU_WEB_NO_WASM");

    // Start from an empty pkg/ so no stale file of an earlier build is bundled.
    let pkg = out_dir.join("pkg");
    if pkg.exists() {
        fs::remove_dir_all(&pkg).expect("clear $OUT_DIR/pkg");
    }
    fs::create_dir_all(&pkg).expect("create $OUT_DIR/pkg");
    fs::copy(
        web.join("style/main.css"),
        pkg.join(format!("{OUT_NAME}.css")),
    )
    .expect("copy web/style/main.css");

    let hydrate = match build_wasm(&workspace, &out_dir) {
        Ok(wasm) => {
            bindgen(&wasm, &pkg);
            true
        }
        Err(Skip(reason)) => {
            println!(
                "cargo:warning=jeju-web: {reason}; the chat page is served without its wasm \
                 bundle (server-rendered forms only, no streaming)"
            );
            false
        }
    };
    write_bundle_rs(&out_dir, &pkg, hydrate);
}

/// Why the wasm bundle is left out (not an error of the build).
struct Skip(String);

/// The nested `cargo build` of the hydrate bundle; the path of the built `.wasm`.
fn build_wasm(workspace: &Path, out_dir: &Path) -> Result<PathBuf, Skip> {
    if env::var_os("JEJU_WEB_NO_WASM").is_some_and(|v| v != "0" && !v.is_empty()) {
        return Err(Skip("JEJU_WEB_NO_WASM is set".into()));
    }
    if !wasm_target_installed() {
        return Err(Skip(format!(
            "the Rust target {WASM_TARGET} is not installed (`rustup target add {WASM_TARGET}`)"
        )));
    }
    let target_dir = target_dir(out_dir).join("wasm");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args(["build", "--release", "--lib", "--locked", "-p", "jeju-web"])
        .args(["--no-default-features", "--features", "hydrate"])
        .args(["--target", WASM_TARGET])
        .arg("--target-dir")
        .arg(&target_dir);
    if let Some(jobs) = env::var("NUM_JOBS").ok().filter(|j| !j.is_empty()) {
        cmd.args(["--jobs", &jobs]);
    }
    for (key, _) in env::vars_os() {
        let Some(name) = key.to_str() else { continue };
        if STRIPPED_VARS.contains(&name) || STRIPPED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            cmd.env_remove(&key);
        }
    }
    cmd.envs(WASM_PROFILE.iter().copied());

    let started = Instant::now();
    let output = cmd
        .output()
        .expect("run the nested cargo build of jeju-web");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        if stderr.contains("target may not be installed")
            || stderr.contains("can't find crate for `core`")
            || stderr.contains("can't find crate for `std`")
        {
            return Err(Skip(format!(
                "the Rust target {WASM_TARGET} is not usable (`rustup target add {WASM_TARGET}`)"
            )));
        }
        eprintln!("{stderr}");
        panic!(
            "the nested `cargo build -p jeju-web --features hydrate --target {WASM_TARGET}` \
             failed ({}): see its output above",
            output.status
        );
    }
    eprintln!(
        "jeju-web wasm build: {:.1} s\n{stderr}",
        started.elapsed().as_secs_f64()
    );
    let wasm = target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{OUT_NAME}.wasm"));
    assert!(
        wasm.is_file(),
        "the nested build made no {}",
        wasm.display()
    );
    Ok(wasm)
}

/// Whether the standard library of the wasm32 target is installed.
fn wasm_target_installed() -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let Ok(output) = Command::new(rustc)
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
    else {
        return false;
    };
    if !output.status.success() {
        return false;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    fs::read_dir(&dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
    })
}

/// The workspace's target directory: `CARGO_TARGET_DIR` when absolute, else derived from
/// `OUT_DIR` = `<target>/[<triple>/]<profile>/build/<pkg>-<hash>/out`.
fn target_dir(out_dir: &Path) -> PathBuf {
    if let Some(dir) = env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        if dir.is_absolute() {
            return dir;
        }
    }
    let profile_dir = out_dir
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .and_then(Path::parent)
        .expect("OUT_DIR is <target>/<profile>/build/<pkg>/out");
    let mut target = profile_dir.parent().expect("OUT_DIR has a target dir");
    if let Ok(triple) = env::var("TARGET") {
        if target.file_name().is_some_and(|n| n == triple.as_str()) {
            target = target.parent().expect("OUT_DIR has a target dir");
        }
    }
    target.to_path_buf()
}

/// wasm-bindgen `--target web --out-name jeju_web` into `pkg`.
fn bindgen(wasm: &Path, pkg: &Path) {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(wasm)
        .out_name(OUT_NAME)
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true);
    bindgen
        .web(true)
        .expect("wasm-bindgen: --target web")
        .generate(pkg)
        .unwrap_or_else(|err| {
            panic!(
                "wasm-bindgen on {} failed: {err:#}\n(the `wasm-bindgen` crate in Cargo.lock and \
                 the build-dependency `wasm-bindgen-cli-support` must be the same version)",
                wasm.display()
            )
        });
}

/// Every file under `dir`, as paths relative to it with `/` separators, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read pkg dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let parts: Vec<_> = rel
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn write_bundle_rs(out_dir: &Path, pkg: &Path, hydrate: bool) {
    let mut src = String::from("// Generated by server/build.rs.\n\n");
    let _ = writeln!(
        src,
        "/// Whether the wasm bundle was built (the page hydrates only then).\n\
         pub const HYDRATE: bool = {hydrate};\n"
    );
    // The bundle's version: the first 12 hex digits of the SHA-256 of every file's name and
    // content, so that a changed bundle gets new URLs and an unchanged one keeps them.
    let names = files_under(pkg);
    let mut hasher = sha2::Sha256::new();
    for name in &names {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(fs::read(pkg.join(name)).expect("read a bundle file"));
        hasher.update([0]);
    }
    let version: String = hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let _ = writeln!(
        src,
        "/// The bundle's content hash: the page links `/pkg/<VERSION>/…` (cached for a year).\n\
         pub const VERSION: &str = {version:?};\n"
    );
    src.push_str(
        "/// The files served under `/pkg/`: (name, content type, bytes). Names may contain `/`\n\
         /// (wasm-bindgen snippets).\n\
         pub static WEB_BUNDLE: &[(&str, &str, &[u8])] = &[\n",
    );
    for name in names {
        let path = pkg.join(&name);
        let _ = writeln!(
            src,
            "    ({name:?}, {:?}, include_bytes!({:?})),",
            content_type(&name),
            path.display().to_string()
        );
    }
    src.push_str("];\n");
    fs::write(out_dir.join("web_bundle.rs"), src).expect("write web_bundle.rs");
}
