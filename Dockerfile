# The upkeep image: `upkeep controller` by default, and `upkeep run ...` for the Job
# executor's pods. Build from the repository root:
#   docker build -t REGISTRY/upkeep:0.1.0 .
# (ghcr.io/upkeep-dev/upkeep in deploy/ and helm/ is a placeholder for REGISTRY/upkeep.)

# --- build: the project's own setup script installs the Debian build packages and builds.
FROM debian:12 AS build
WORKDIR /src
COPY . .
# scripts/setup.sh runs apt-get as root and builds build/cmd/upkeep/upkeep (RelWithDebInfo).
RUN bash scripts/setup.sh \
 && strip --strip-debug -o /usr/local/bin/upkeep build/cmd/upkeep/upkeep \
 && /usr/local/bin/upkeep version

# --- runtime: the shared libraries the binary links (ldd build/cmd/upkeep/upkeep, mapped to
# packages with dpkg -S; libc6, libgcc-s1, libstdc++6 and zlib1g are already in the slim
# image), pg_dump/pg_restore for backups, CA roots for ACME, S3 and webhooks, and tzdata for
# schedules' timeZone. tests/e2e/test_deploy.py fails when the binary links a library whose
# package is not listed here.
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libabsl20220623 \
      libbrotli1 \
      libcpprest2.10 \
      libdate-tz3 \
      libprometheus-cpp-core1.0 \
      libsqlite3-0 \
      libssl3 \
      libyaml-cpp0.7 \
      libzstd1 \
      postgresql-client \
      ca-certificates \
      tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 upkeep \
 && useradd --uid 65532 --gid 65532 --home-dir /tmp --no-create-home \
      --shell /usr/sbin/nologin upkeep
COPY --from=build /usr/local/bin/upkeep /usr/local/bin/upkeep
# libpq looks the user up and reads ~/.pgpass; /tmp is the one writable path in the pod.
ENV HOME=/tmp
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
# metrics, probes (/healthz, /readyz), ACME HTTP-01 solver
EXPOSE 8080 8081 8089
ENTRYPOINT ["/usr/local/bin/upkeep"]
CMD ["controller"]
