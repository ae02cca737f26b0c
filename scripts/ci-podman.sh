#!/usr/bin/env bash
# Makes this machine able to run the container test (test/container.test.ts) with no Docker engine and no
# container registry: Debian's podman as the engine, its Docker-compatible API socket for testcontainers, and a
# local base image (a debootstrap root filesystem plus this machine's Node.js) to build the Dockerfile FROM.
# Idempotent: a second run only checks, and starts the API service if it is not answering.
#
#   bash scripts/ci-podman.sh            # then: DOCKER_HOST=unix:///run/podman/podman.sock npx vitest run test/container.test.ts
#
# Needs root (apt-get, /etc/containers, /run/podman). Prints one line per step; exits non-zero with the reason.
set -euo pipefail

SOCK=/run/podman/podman.sock
BASE_IMAGE=${CERTCONFORM_BASE_IMAGE:-localhost/certconform-base:node20}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
NODE_BIN=$(command -v node)
NODE_VERSION=$("$NODE_BIN" --version)
say() { echo "ci-podman: $*"; }

# 1. Packages: podman, and runc (Debian's default crun refuses this machine's hybrid cgroup v1/v2 hierarchy:
#    "crun: cgroups in hybrid mode not supported").
missing=()
for p in podman runc debootstrap curl; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  # One line per package as it is unpacked and set up, so a long install shows progress.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" | grep --line-buffered -E '^(Unpacking|Setting up) ' || true
fi

# 2. Engine settings: runc; cgroupfs (no systemd here); no default ulimits (podman's default nofile=1048576 is
#    above this sandbox's hard limit: "error setting rlimit type 7: operation not permitted"); events to a file
#    (no journald).
conf=/etc/containers/containers.conf
want='# written by certconform scripts/ci-podman.sh
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
  mkdir -p /etc/containers
  printf '%s\n' "$want" >"$conf"
  say "wrote $conf"
fi

# 3. The Docker-compatible API socket that testcontainers talks to (DOCKER_HOST=unix://$SOCK).
if ! curl -fsS --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; then
  mkdir -p "$(dirname "$SOCK")" /var/log
  rm -f "$SOCK"
  # From /: the service outlives this checkout, and conmon, which it starts for every container, fails ("Failed to
  # get working directory") once the folder the service was started in is deleted.
  setsid nohup env --chdir=/ podman system service --time=0 "unix://$SOCK" >/var/log/podman-service.log 2>&1 </dev/null &
  for _ in $(seq 1 50); do
    curl -fsS --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS --unix-socket "$SOCK" http://d/_ping >/dev/null || {
    say "podman system service did not answer on $SOCK:"
    tail -20 /var/log/podman-service.log
    exit 1
  }
  say "podman API service listening on $SOCK"
fi

# 4. The local base image: Debian bookworm (minbase) + this machine's Node.js and npm + its CA bundle (npm ci in
#    the build reaches the npm registry through the same TLS trust as the host). Rebuilt when Node changes.
if [ "$(podman image inspect --format '{{index .Labels "node.version"}}' "$BASE_IMAGE" 2>/dev/null)" != "$NODE_VERSION" ]; then
  work=$(mktemp -d /var/tmp/certconform-base.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  say "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log"
    exit 1
  }
  R=$work/rootfs
  install -m 755 "$NODE_BIN" "$R/usr/local/bin/node"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  mkdir -p "$R/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$R/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || {
    mkdir -p "$R/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"
  }
  rm -rf "$R/usr/share/doc" "$R/usr/share/man" "$R/usr/share/locale" "$R/var/cache/apt/archives/"*.deb \
    "$R/var/lib/apt/lists/"*
  tar -C "$R" -c . | podman import \
    --change "LABEL node.version=$NODE_VERSION" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  say "imported $BASE_IMAGE (node $NODE_VERSION)"
fi
podman run --rm "$BASE_IMAGE" node --version >/dev/null
say "ready: DOCKER_HOST=unix://$SOCK, base image $BASE_IMAGE"
