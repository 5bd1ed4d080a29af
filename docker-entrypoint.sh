#!/bin/sh
# Starts App in the container. With LITESTREAM_REPLICA_URL set, the server runs under Litestream, which streams
# every change of /data/app.db to the replica (see litestream.yml); on an empty volume it first brings the database
# back from the replica when there is one. Without it, or for a command (`tenant ...`, `backup ...`, `restore ...`),
# App runs on its own.
set -eu

LITESTREAM_CONFIG=/etc/litestream.yml
DATABASE=/data/app.db

if [ -n "${LITESTREAM_REPLICA_URL:-}" ] && [ "$#" -eq 0 ]; then
  litestream restore -config "$LITESTREAM_CONFIG" -if-db-not-exists -if-replica-exists "$DATABASE"
  exec litestream replicate -config "$LITESTREAM_CONFIG" -exec "dotnet App.dll"
fi

exec dotnet App.dll "$@"
