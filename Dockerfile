# One image for the API and the worker: same build, different command (see docker-compose.yml).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so code changes do not invalidate the npm ci layer.
# .npmrc carries legacy-peer-deps=true, which npm ci needs for this lock file.
COPY package.json package-lock.json .npmrc ./
RUN npm ci

COPY . .
# Dev dependencies stay installed: the build needs them and the image is for local use.
RUN npm run build

# npm runs scripts through `sh -c`, which does not pass SIGTERM on to node; bash execs the single
# command instead, so a `docker stop` reaches the process and it shuts down gracefully.
ENV NPM_CONFIG_SCRIPT_SHELL=/bin/bash \
    PORT=3000

EXPOSE 3000
CMD ["npm", "run", "start:api"]
