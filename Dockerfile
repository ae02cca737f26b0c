# certconform as an image: the reference mocks (`mock <api>`, the default) and the harness (`run`).
#   docker build -t certconform .                      # mock image (default target)
#   docker run -p 8443:8443 certconform                # the Keyfactor mock on https://localhost:8443
#   docker run certconform mock redfish --port 8443 --host 0.0.0.0 --variant dmtf-async
#   docker build --target harness -t certconform-harness .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" certconform-harness run --profile /work/lab.yaml --out /work/reports
#   (--user: the reports are written as you, into your folder; the image runs as any user)
# BASE is any Debian-like image with Node.js 20 at /usr/local/bin/node (CI builds FROM a local one: scripts/ci-podman.sh).
ARG BASE=node:20-bookworm-slim

# Production dependencies only. tsx is one of them: the TypeScript sources run as they are, there is no build.
FROM ${BASE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf /root/.npm/_logs

FROM ${BASE} AS runtime
ENV NODE_ENV=production \
    CERTCONFORM_IN_CONTAINER=1
WORKDIR /app
RUN groupadd --system --gid 10001 certconform \
    && useradd --system --uid 10001 --gid certconform --home-dir /app --no-create-home --shell /usr/sbin/nologin certconform \
    && printf '#!/bin/sh\nexec node /app/bin/certconform.js "$@"\n' > /usr/local/bin/certconform \
    && chmod 755 /usr/local/bin/certconform
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY suites ./suites
COPY mocks ./mocks
COPY fixtures ./fixtures
COPY specs ./specs
COPY scripts/build.mjs ./scripts/
# The CLI bundle (starts without compiling TypeScript), and the Redfish validators compiled into ajv's cache: both
# written as root, where the non-root user only reads.
RUN node scripts/build.mjs \
    && node --import tsx --input-type=module -e "(await import('./suites/redfish/schemas.ts')).compileAll()"
# Reports land in /app/reports unless --out says otherwise: writable by any user, since the harness may run as the
# caller's own (--user "$(id -u):$(id -g)") to write into a mounted folder the caller owns. Nothing else is written
# at run time (the schema cache above is only read; a cache that cannot be written is skipped).
RUN mkdir -p /app/reports && chown certconform:certconform /app/reports && chmod 1777 /app/reports
ENV HOME=/tmp
USER certconform
ENTRYPOINT ["certconform"]

# The harness: `run` against the profiles you mount (the default, no profile, runs every suite against the bundled mocks).
FROM runtime AS harness
CMD ["run"]

# The mock (last stage = the default target). The port is fixed so EXPOSE and the health check know it; Oracle SBC's
# plain-HTTP listener is on MOCK_PORT + 1.
FROM runtime AS mock
ENV MOCK_PORT=8443
EXPOSE 8443 8444
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "require('net').connect(+process.env.MOCK_PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]
CMD ["mock", "keyfactor", "--port", "8443", "--host", "0.0.0.0"]
