# syntax=docker/dockerfile:1
# The production image: the API (default command) and the worker (`node dist/apps/worker/src/main.js`)
# from one build, the portal served by the API, migrations as their own step
# (`node dist/apps/cli/src/migrate.js`, the `migrate` service in docker-compose.yml). It holds no
# secret: JWT_SECRET, DATABASE_URL and the rest come from the environment at run time.
#
# The Node.js major here is the project's (package.json pins the `node` devDependency, which the
# scripts and CI run on); test/platform.e2e-spec.ts fails when the two drift apart.

# --- build: every dependency, compile the API, the worker and the CLI, build the portal ----------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The lock file first, so a code change does not invalidate the install layer.
# .npmrc carries legacy-peer-deps=true, which npm ci needs for this lock file.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only, installed from the same lock ----------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    WORKER_HEALTH_PORT=3001 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Owned by root and only readable by the app's user: the running process cannot change its own code.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/portal/dist ./apps/portal/dist
# The image's own unprivileged user (uid 1000).
USER node
EXPOSE 3000
# Asks /health/live of whichever process the container runs (the API on PORT, the worker on WORKER_HEALTH_PORT).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/apps/cli/src/healthcheck.js"]
# node itself as the command (not npm), so SIGTERM reaches the process and it stops gracefully.
CMD ["node", "dist/apps/api/src/main.js"]
