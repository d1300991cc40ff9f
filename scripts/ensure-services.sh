#!/usr/bin/env bash
# Start PostgreSQL and Redis on loopback when they do not answer, then wait
# until they do. DATABASE_URL and REDIS_URL name other servers if you have them.
set -euo pipefail

pg_answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ -z "${DATABASE_URL:-}" ] && ! pg_answers; then
  echo "Starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
if [ -z "${REDIS_URL:-}" ] && ! redis_answers; then
  echo "Starting Redis"
  $sudo mkdir -p /var/lib/redis /var/log/redis
  $sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/shop.log
fi

for _ in $(seq 1 30); do
  ok=1
  [ -n "${DATABASE_URL:-}" ] || pg_answers || ok=0
  [ -n "${REDIS_URL:-}" ] || redis_answers || ok=0
  [ "$ok" -eq 1 ] && exit 0
  sleep 1
done
echo "PostgreSQL or Redis did not start; see the README's 'Tests' section." >&2
exit 1
