# The app image: Debian bookworm with the project's own Node 24 (from the npm
# `node` package, as on every machine of ours) and everything built inside;
# ffmpeg records conferences (RECORDING_*).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates curl fonts-dejavu-core poppler-utils ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN node_modules/node/bin/node node_modules/vite/bin/vite.js build
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
EXPOSE 3000
CMD ["node_modules/node/bin/node", "server/main.ts"]
