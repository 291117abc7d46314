#!/bin/bash
# The official mysql/mariadb images' first-start contract on Debian's mariadb-server: an empty data folder is
# initialized, then MYSQL_ROOT_PASSWORD, MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD (or their MARIADB_*
# names) are applied through a server that listens on no network, so the healthcheck (TCP) only passes once the
# real server is up with them. A data folder that is already initialized is used as it is.
set -euo pipefail

env_of() { local v="MYSQL_$1" m="MARIADB_$1"; printf '%s' "${!v:-${!m:-}}"; }
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")"; }
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }

if [ "${1:-}" = mariadbd ] || [ "${1:-}" = mysqld ]; then
  DATADIR=/var/lib/mysql
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld "$DATADIR"
  if [ ! -d "$DATADIR/mysql" ]; then
    ROOT_PASSWORD="$(env_of ROOT_PASSWORD)"
    if [ -z "$ROOT_PASSWORD" ] && [ -z "$(env_of ALLOW_EMPTY_PASSWORD)" ]; then
      echo >&2 'error: the database is uninitialized and MYSQL_ROOT_PASSWORD is not set'
      echo >&2 '  hint: set MYSQL_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD=yes)'
      exit 1
    fi
    echo 'entrypoint: initializing the database folder'
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
      --skip-name-resolve >/dev/null
    SOCKET=/run/mysqld/init.sock
    mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
    pid=$!
    for _ in $(seq 60); do mariadb-admin --socket="$SOCKET" ping >/dev/null 2>&1 && break; sleep 1; done
    {
      echo "DELETE FROM mysql.user WHERE user = '';"
      if [ -n "$ROOT_PASSWORD" ]; then
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$ROOT_PASSWORD");"
        echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$ROOT_PASSWORD");"
        echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
      fi
      DATABASE="$(env_of DATABASE)"
      [ -n "$DATABASE" ] && echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$DATABASE");"
      USER="$(env_of USER)"
      if [ -n "$USER" ]; then
        echo "CREATE USER $(sql_string "$USER")@'%' IDENTIFIED BY $(sql_string "$(env_of PASSWORD)");"
        [ -n "$DATABASE" ] && echo "GRANT ALL ON $(sql_name "$DATABASE").* TO $(sql_string "$USER")@'%';"
      fi
      echo 'FLUSH PRIVILEGES;'
    } | mariadb --socket="$SOCKET" -uroot
    mariadb-admin --socket="$SOCKET" -uroot ${ROOT_PASSWORD:+-p"$ROOT_PASSWORD"} shutdown
    wait "$pid" || true
    echo 'entrypoint: initialized'
  fi
  exec "$@" --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --skip-name-resolve
fi
exec "$@"
