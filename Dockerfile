# syntax=docker/dockerfile:1
# partner-ledger: compiled in a build stage with the dev dependencies, run from dist/ with the
# production dependencies only, as the unprivileged `node` user, data in the /data volume.
# Not built where this project is developed (no Docker engine there): kept to Docker's Node
# guidance rather than tested. `docker compose up` builds and runs it (see README, Deployment).

ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# The application's files belong to root: the server, running as `node`, cannot change them.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN install -d -o node -g node -m 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: the process answers. Readiness (read models caught up) is /health/ready, for a load
# balancer or an orchestrator's readiness probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1: it handles SIGTERM itself (a graceful shutdown: writers stop, stores close) and
# starts no child processes to reap. The CLI runs in the same image: node dist/src/cli.js <verb>.
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
