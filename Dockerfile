# syntax=docker/dockerfile:1
# One image for every Sift service: `docker run sift registry|collector|sink --kind good|ui|…`.
# docker-compose.yml builds it once and runs each service from it.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Tools for native addons (better-sqlite3) when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY common/package.json common/
COPY validator/package.json validator/
COPY registry-client/package.json registry-client/
COPY event-log/package.json event-log/
COPY registry/package.json registry/
COPY collector/package.json collector/
COPY sinks/package.json sinks/
COPY console/package.json console/
COPY registry-ui/package.json registry-ui/
COPY codegen/package.json codegen/
COPY tracker/package.json tracker/
COPY cli/package.json cli/
# The root `prepare` script compiles the sources, which are not here yet: scripts run below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm rebuild --no-audit --no-fund \
  && npm run build \
  && npm run build --workspaces --if-present \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
  SIFT_REGISTRY_HOST=0.0.0.0 \
  SIFT_COLLECTOR_HOST=0.0.0.0 \
  SIFT_SINK_HOST=0.0.0.0 \
  SIFT_CONSOLE_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The registry's file store and other local state, when used.
RUN mkdir -p /app/.sift && chown node:node /app/.sift
USER node
EXPOSE 8080 8081 8082 8083 8084
ENTRYPOINT ["node", "/app/cli/dist/bin.js"]
CMD ["--help"]
