# The app image used by docker-compose.yml (Neo4j runs in its own container there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
EXPOSE 4000
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node
CMD ["npx", "tsx", "api/src/main.ts"]
