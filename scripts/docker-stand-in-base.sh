#!/bin/sh
# Builds local images tagged node:20-bookworm and node:20-bookworm-slim, the Dockerfile's two base images.
# They stand in for Docker Hub's official images on a machine that has a Docker engine and the Debian mirror
# but cannot reach Docker Hub (the one intake's image was verified on: docs/operations.md, Deployment with
# Compose). On a machine that can reach Docker Hub, do not run this: `docker build` pulls the real ones.
#
# Each is a Debian bookworm rootfs made by debootstrap (minbase) plus this host's Node 20, copied to where the
# official images have it (/usr/local/bin/node, npm and npx, /usr/local/lib/node_modules, and the headers in
# /usr/local/include/node that node-gyp compiles against), and the `node` user with uid and gid 1000. The
# full image adds python3, make and g++ (the official one is buildpack-deps, which has them and much more),
# for better-sqlite3 and argon2 when no prebuilt binary fits. The host's node must be Node 20 built for
# glibc (the official images' binary is too; this host's comes from NodeSource's Debian package).
#
# A host whose HTTPS goes through an intercepting proxy trusts that proxy's CA through NODE_EXTRA_CA_CERTS
# (this one does); that file is copied into the full image, which runs `npm ci` in the build stage, and
# named there by the same variable. The slim image, the runtime's base, gets nothing of the host's.
#
# Usage, as root: sh scripts/docker-stand-in-base.sh [WORKDIR]   (needs debootstrap and docker; ~3 minutes)
set -eu

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=${1:-/tmp/intake-stand-in-base}
NODE_BIN=$(readlink -f "$(command -v node)")
NODE_PREFIX=$(dirname "$(dirname "$NODE_BIN")")

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot)" >&2; exit 1; }
case "$(node --version)" in
  v20.*) ;;
  *) echo "the host's node is $(node --version), not Node 20" >&2; exit 1 ;;
esac
[ -d "$NODE_PREFIX/lib/node_modules/npm" ] || { echo "npm not found under $NODE_PREFIX/lib/node_modules" >&2; exit 1; }
[ -d "$NODE_PREFIX/include/node" ] || { echo "node headers not found in $NODE_PREFIX/include/node" >&2; exit 1; }

mkdir -p "$WORK/debs"
slim="$WORK/slim"
full="$WORK/full"
rm -rf "$slim" "$full"

# --- the slim rootfs: Debian minbase, Node in /usr/local, the node user ---
debootstrap --variant=minbase --cache-dir="$WORK/debs" bookworm "$slim" "$MIRROR"
install -D -m 755 "$NODE_BIN" "$slim/usr/local/bin/node"
mkdir -p "$slim/usr/local/lib/node_modules" "$slim/usr/local/include"
cp -a "$NODE_PREFIX/lib/node_modules/npm" "$slim/usr/local/lib/node_modules/"
[ -d "$NODE_PREFIX/lib/node_modules/corepack" ] && cp -a "$NODE_PREFIX/lib/node_modules/corepack" "$slim/usr/local/lib/node_modules/"
cp -a "$NODE_PREFIX/include/node" "$slim/usr/local/include/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$slim/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$slim/usr/local/bin/npx"
[ -d "$slim/usr/local/lib/node_modules/corepack" ] && ln -sf ../lib/node_modules/corepack/dist/corepack.js "$slim/usr/local/bin/corepack"
# The same commands as the official images' Dockerfile.
chroot "$slim" groupadd --gid 1000 node
chroot "$slim" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$slim" /usr/local/bin/node --version

# --- the full rootfs: the slim one plus the compilers node-gyp needs ---
cp -a "$slim" "$full"
mount --bind /proc "$full/proc"
trap 'umount "$full/proc" 2>/dev/null || true' EXIT
cp /etc/resolv.conf "$full/etc/resolv.conf"
chroot "$full" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ ca-certificates git'
umount "$full/proc"
trap - EXIT
extra_ca=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  cp "$NODE_EXTRA_CA_CERTS" "$full/usr/local/share/host-extra-ca.pem"
  extra_ca=/usr/local/share/host-extra-ca.pem
fi

for rootfs in "$slim" "$full"; do
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  : > "$rootfs/etc/resolv.conf"
done

import_rootfs() {
  tar -C "$1" --numeric-owner -c . | docker import \
    ${3:+--change "ENV NODE_EXTRA_CA_CERTS=$3"} \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$(node --version | cut -c2-)" \
    --change 'CMD ["node"]' \
    - "$2"
}
import_rootfs "$slim" node:20-bookworm-slim
import_rootfs "$full" node:20-bookworm "$extra_ca"
docker run --rm --network none node:20-bookworm-slim sh -c 'node --version && npm --version && id node'
docker run --rm --network none node:20-bookworm sh -c 'node --version && g++ --version | head -1 && python3 --version'
docker image ls node
