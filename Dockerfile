# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies, which stay here.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are skipped: nothing here needs one, and `prepare` would build before the sources exist.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && chmod +x dist/cli.js

# Runtime stage: production dependencies, the compiled service and its rules, run as a non-root user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY rules ./rules
# The image's own `node` user (uid 1000); the file system can be mounted read-only: nothing is written.
USER node
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["--help"]
