# The FlowLens agent. Build from the repository root:
#   docker build -f provisioning/agent.Dockerfile -t flowlens-agent .
# better-sqlite3 compiles from source when no prebuilt binary can be fetched, hence the toolchain.
FROM node:20-bookworm-slim AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY agent/package.json agent/package.json
COPY grafana-plugin/package.json grafana-plugin/package.json

# Runtime dependencies only. --ignore-scripts skips the root `prepare` build (no sources yet); the native
# module is built explicitly.
FROM toolchain AS runtime-deps
RUN npm ci --omit=dev --workspace=agent --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && mkdir -p agent/node_modules

FROM toolchain AS build
RUN npm ci --workspace=agent --ignore-scripts
COPY agent/ agent/
RUN npm run build -w agent

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FLOWLENS_API_LISTEN=0.0.0.0:9470 \
    FLOWLENS_OTLP_HTTP=0.0.0.0:4318 \
    FLOWLENS_OTLP_GRPC=0.0.0.0:4317 \
    FLOWLENS_STORAGE_PATH=/data/flowlens.db
WORKDIR /app
COPY --from=runtime-deps /app/node_modules node_modules
COPY --from=runtime-deps /app/agent/node_modules agent/node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/agent/package.json agent/package.json
COPY --from=build /app/agent/bin agent/bin
COPY --from=build /app/agent/dist agent/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4317 4318 9470
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:9470/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "agent/bin/flowlens.js"]
CMD ["serve"]
