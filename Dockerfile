# The app image, in three stages, with nothing fetched but Debian packages and
# the npm registry (the image is built inside closed government networks):
#   deps    npm packages, install scripts of mediasoup off (it would download
#           a prebuilt worker from GitHub);
#   worker  the mediasoup worker, built by the same script `npm start` and
#           `npm test` use on a machine (scripts/mediasoup-worker/build.sh:
#           Debian's libraries, libsrtp2 rebuilt with OpenSSL); this stage is
#           cached as long as package-lock.json and that folder are unchanged;
#   app     Debian with the worker's run-time libraries, the built web app and
#           the worker binary; Node 24 comes from the npm `node` package, as on
#           every machine of ours.
# tests/integration/deploy-files.test.ts runs the worker stage's build step as
# written, with the same script, and checks the app stage installs every
# library the binary links.

FROM debian:bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# MEDIASOUP_WORKER_BIN set: mediasoup's own postinstall skips its download and build.
RUN MEDIASOUP_WORKER_BIN=/opt/phong-hop-so/mediasoup-worker npm install --no-audit --no-fund

FROM debian:bookworm-slim AS worker
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates bash \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY --from=deps /app/node_modules/mediasoup ./node_modules/mediasoup
COPY scripts/mediasoup-worker ./scripts/mediasoup-worker
# Installs its own Debian build packages (as root), then prints the binary's path last.
RUN bash scripts/mediasoup-worker/build.sh --skip-srtp-tests ./node_modules/mediasoup | tail -n 1 > /build/worker-path \
 && install -D -m 0755 "$(cat /build/worker-path)" /opt/phong-hop-so/mediasoup-worker

FROM debian:bookworm-slim AS app
# libuv1, libssl3: the worker's run-time libraries (libsrtp2 is linked in statically). ffmpeg: conference recording.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl fonts-dejavu-core poppler-utils ffmpeg libuv1 libssl3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=worker /opt/phong-hop-so/mediasoup-worker /opt/phong-hop-so/mediasoup-worker
COPY . .
RUN node_modules/node/bin/node node_modules/vite/bin/vite.js build
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 MEDIASOUP_WORKER_BIN=/opt/phong-hop-so/mediasoup-worker
# 3000: HTTP behind the proxy. 40000-40003: conference media, UDP and TCP, one port per worker (MEDIA_WORKERS=4 in compose).
EXPOSE 3000 40000-40003/udp 40000-40003/tcp
CMD ["node_modules/node/bin/node", "server/main.ts"]
