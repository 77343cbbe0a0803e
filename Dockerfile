# One image for every Workpoint app; docker-compose.yml picks the app with APP.
FROM node:20-bookworm-slim AS build
WORKDIR /workpoint
COPY package.json package-lock.json ./
COPY apps apps
COPY libs libs
COPY tools tools
COPY nx.json tsconfig.base.json ./
RUN npm ci && npx nx run-many -t build --output-style=static && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /workpoint
ENV NODE_ENV=production
COPY --from=build /workpoint /workpoint
ARG APP=gateway
ENV APP=${APP}
USER node
CMD ["sh", "-c", "exec node apps/${APP}/dist/main.js"]
