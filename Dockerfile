# syntax=docker/dockerfile:1
#
# Built and run on 2026-11-26 with Docker Engine 20.10 (classic builder) from stand-in base images of the
# same names, made from Debian bookworm and Node 20.20.2 by scripts/docker-stand-in-base.sh because that
# machine could not reach Docker Hub: 71 s from an empty cache, a 353 MB image; scripts/container-check.ts
# ran it read-only as uid 1000 end to end, scripts/compose-check.ts brought docker-compose.yml up healthy
# (docs/operations.md, "Verified on a Docker engine").

# Build stage: the full Debian image, because better-sqlite3 is a native module. Its install script takes a
# prebuilt binary when one matches, and otherwise compiles with python3, make and g++, which this image has
# and the slim one lacks.
FROM node:20-bookworm AS build
WORKDIR /app
# node-gyp compiles against the headers shipped in the image instead of downloading them.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Install scripts skipped here: `prepare` would build before the sources are copied, and only
# better-sqlite3's and argon2's scripts are wanted (package.json "allowScripts": esbuild is a dev tool,
# msgpackr-extract an optional speed-up with a pure-JS fallback). They run alone on the next line; argon2's
# loads its prebuilt binary in a child process and compiles from source when that binary does not load (it
# crashes under Debian's own nodejs package, for one).
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npm rebuild better-sqlite3 argon2
COPY tsconfig.json ./
COPY src ./src
# The build validates the rules and snapshots them (dist/rules-snapshot.json, src/rule-engine/rules-snapshot.ts).
COPY rules ./rules
RUN npm run build
# Dependencies are installed once, with the native binary just built, then reduced to production ones.
RUN npm prune --omit=dev --no-audit --no-fund

# Runtime stage: the same Debian release (bookworm), so the binary finds the glibc it was built against.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# SQLite by default; the file lives in a volume the unprivileged user can write (/app is root's, read-only).
ENV DATABASE_URL=file:/data/intake.db
# The worker's /metrics, /healthz and /readyz, reachable from outside the container (loopback by default).
ENV INTAKE_METRICS_HOST=0.0.0.0
EXPOSE 9464
WORKDIR /app
RUN mkdir /data && chown node:node /data
# package.json is needed at run time: it makes dist/ ES modules and gives `intake --version`.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY rules ./rules
VOLUME ["/data"]
# The image's own `node` user (uid 1000). Nothing is written outside /data and /tmp, so the container runs
# with a read-only root file system (docker-compose.yml; checked without Docker by scripts/read-only-check.ts).
USER node
# The flags are NODE_FLAGS (src/node-flags.ts), which says why.
ENTRYPOINT ["node", "--no-regexp-tier-up", "/app/dist/cli.js"]
# The service; `check-config` and `parse FILE.eml` are the other commands.
CMD ["worker"]
