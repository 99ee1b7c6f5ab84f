# syntax=docker/dockerfile:1
# keygate: build with the dev dependencies, run with production dependencies only, as a non-root user.
#   docker build -t keygate .
#   docker run -p 8080:8080 -v keygate-data:/data keygate      (embedded database in /data)
# The Node version is pinned to an exact release of Node 24, the LTS line (the one CI's second run
# uses, see .ci/run); bump it on purpose, with package.json's engines in mind.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---- build: the server bundle and the console into dist/ --------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The whole context (.dockerignore keeps out node_modules, dist, tests and local state): npm run build
# bundles src/ into dist/main.js (scripts/build-server.ts; one file starts faster than hundreds of
# modules) and the browser console from console/ into dist/console. src/gen is committed, so there
# is no buf generate here. Type checking is CI's job (npm run typecheck).
COPY . .
# The prune leaves the run-time dependencies only: the packages the bundle loads (PGlite, argon2);
# everything else, build tools included, is in the bundle or not needed.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    KEYGATE_DATA_DIR=/data \
    KEYGATE_SHUTDOWN_DELAY_MS=5000
WORKDIR /app
# The application files belong to root and are read-only for the service; only /data is writable
# (embedded database, and admin.pat when KEYGATE_ADMIN_TOKEN is not set).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# No package managers at run time: the service is started with node alone.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
# Node's own fetch: the slim image has no curl or wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1: keygate handles SIGTERM/SIGINT itself for a graceful shutdown
# (docker-compose.yml also sets init: true): /ready fails at once, calls are served for
# KEYGATE_SHUTDOWN_DELAY_MS while load balancers notice, then calls in flight drain.
# As `npm start`: with source maps, logged stack traces point at src/ (dist/main.js.map); the cost
# is paid only when a stack is printed.
CMD ["node", "--enable-source-maps", "dist/main.js"]
