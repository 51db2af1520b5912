#!/bin/sh
# Builds local images tagged redis:7-bookworm and postgres:16-bookworm, docker-compose.yml's two service
# images, from Debian bookworm's own packages. Like scripts/docker-stand-in-base.sh, they stand in for Docker
# Hub's official images on a machine that cannot reach Docker Hub; do not run this where it can.
#
# What they share with the official images, and only that: the commands docker-compose.yml uses
# (redis-server and redis-cli; pg_isready), the data directories it mounts (/data, /var/lib/postgresql/data),
# an unprivileged user, Redis without protected mode, and PostgreSQL initialised on first start from
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, reachable from the network with a password (scram).
# Caveats: Debian bookworm ships PostgreSQL 15 (and Redis 7.0), so the "postgres:16" stand-in runs 15; and
# `docker import` cannot set STOPSIGNAL, so it stops on SIGTERM (smart shutdown), not the official SIGINT.
#
# Usage, as root: sh scripts/docker-stand-in-services.sh [WORKDIR]   (needs debootstrap and docker)
set -eu

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=${1:-/tmp/intake-stand-in-base}
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot)" >&2; exit 1; }
mkdir -p "$WORK/debs"
base="$WORK/service-base"
rm -rf "$base" "$WORK/redis" "$WORK/postgres"
debootstrap --variant=minbase --cache-dir="$WORK/debs" bookworm "$base" "$MIRROR"
# Packages' maintainer scripts must not start daemons in the chroot, nor Debian create its own cluster.
printf '#!/bin/sh\nexit 101\n' > "$base/usr/sbin/policy-rc.d"
chmod 755 "$base/usr/sbin/policy-rc.d"
mkdir -p "$base/etc/postgresql-common"
echo 'create_main_cluster = false' > "$base/etc/postgresql-common/createcluster.conf"

install_into() { # rootfs packages...
  rootfs=$1
  shift
  cp -a "$base" "$rootfs"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  chroot "$rootfs" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs/usr/sbin/policy-rc.d"
  : > "$rootfs/etc/resolv.conf"
}

# --- Redis: Debian's redis-server as user redis, working directory /data ---
redis="$WORK/redis"
install_into "$redis" redis-server
mkdir -p "$redis/data"
chroot "$redis" chown redis:redis /data
cat > "$redis/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# The official image builds Redis without protected mode: other containers reach it on the network.
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
EOF
chmod 755 "$redis/usr/local/bin/docker-entrypoint.sh"

# --- PostgreSQL: Debian's server as user postgres, data in /var/lib/postgresql/data ---
postgres="$WORK/postgres"
install_into "$postgres" postgresql
pgbin=$(ls -d "$postgres"/usr/lib/postgresql/*/bin | sed "s|^$postgres||")
mkdir -p "$postgres/var/lib/postgresql/data"
chroot "$postgres" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
chmod 700 "$postgres/var/lib/postgresql/data"
cat > "$postgres/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
user=${POSTGRES_USER:-postgres}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$user\"" | postgres --single -D "$PGDATA" postgres > /dev/null
  fi
fi
[ "${1:-}" = postgres ] && shift
exec postgres -D "$PGDATA" "$@"
EOF
chmod 755 "$postgres/usr/local/bin/docker-entrypoint.sh"

tar -C "$redis" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'USER redis' --change 'WORKDIR /data' --change 'EXPOSE 6379' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["redis-server"]' \
  - redis:7-bookworm
tar -C "$postgres" --numeric-owner -c . | docker import \
  --change "ENV PATH=$pgbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'USER postgres' --change 'EXPOSE 5432' \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
  - postgres:16-bookworm
docker run --rm --network none --entrypoint redis-server redis:7-bookworm --version
docker run --rm --network none --entrypoint postgres postgres:16-bookworm --version
docker image ls redis
docker image ls postgres
