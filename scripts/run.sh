#!/bin/sh
# run.sh DB - the main job of `make run`: create the default database if it
# is absent, show where the plan stands, then serve the portal.
set -eu
db=${1:-shishi.db}
listen=${SHISHI_LISTEN:-127.0.0.1:8080}
if [ ! -f "$db" ]; then
    build/shishi init --db "$db"
fi
build/shishi status --db "$db" | tail -n 3
echo "shishi: serving http://$listen/ (Ctrl-C stops)"
exec build/shishi serve --db "$db" --listen "$listen"
