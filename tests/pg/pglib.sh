# pglib.sh - what the throwaway PostgreSQL clusters of the tests share,
# sourced by cluster.sh, newdb.sh and ha.sh (not a test itself).
#
# A cluster lives whole in one directory DIR, made for it:
#   DIR/data      the data directory (initdb)
#   DIR/log       the server's log (pg_ctl -l)
#   DIR/.s.PGSQL.PORT   its Unix socket: unix_socket_directories = DIR
#   DIR/pgpass    the superuser's password (a random one) for TCP, in
#                 libpq's passfile format, mode 0600
#   DIR/port, DIR/url   the port it listens on and its conninfo URL
#   DIR/.shishi-pg      the mark that DIR is such a cluster: stop removes
#                 only a directory that carries it
# The server runs as an unprivileged user: `postgres` (SHISHI_PG_USER)
# when we are root, as CI is, since PostgreSQL refuses to run as root;
# ourselves otherwise. DIR is made that user's, mode 0700; every directory
# above DIR must let that user through (tests/run-all.sh makes $SHISHI_TMP
# 0711 for it), or start says which one does not.
# Local (socket) connections are trusted: only that user and root can
# reach DIR. TCP connections, where a cluster has them, need the password
# (scram-sha-256), which the URL names by its passfile.
# PostgreSQL 15's programs are looked for in SHISHI_PG_BIN, else Debian's
# /usr/lib/postgresql/15/bin.

PG_BIN=${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_SUPER=postgres # the cluster's superuser (initdb -U)

pg_die() {
    echo "${pg_me:-pg}: $*" >&2
    exit 1
}

# pg_need PROGRAM...: each is in $PG_BIN, else stop saying what to install
pg_need() {
    for p in "$@"; do
        [ -x "$PG_BIN/$p" ] && continue
        pg_die "PostgreSQL 15 is missing: no $PG_BIN/$p (apt-get install -y postgresql-15 postgresql-client-15, or sh scripts/deps.sh as root; SHISHI_PG_BIN names another directory)"
    done
}

# the user the server runs as, and pg_as CMD...: run CMD as that user, in
# $pg_dir (a directory above may be closed to it: never run from there)
if [ "$(id -u)" = 0 ]; then
    PG_USER=${SHISHI_PG_USER:-postgres}
else
    PG_USER=$(id -un)
fi
pg_as() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$pg_dir" && runuser -u "$PG_USER" -- "$@")
    else
        (cd "$pg_dir" && "$@")
    fi
}

# pg_mkdir DIR: make DIR, empty, the server user's, mode 0700, marked
pg_mkdir() {
    pg_dir=$1
    case $pg_dir in
    /*) ;;
    *) pg_dir=$(pwd)/$pg_dir ;;
    esac
    # the path goes into a URL and a config line unquoted: keep it plain
    case $pg_dir in
    *[!A-Za-z0-9/._+-]*) pg_die "$pg_dir: a cluster directory may hold only letters, digits and / . _ + -" ;;
    esac
    # a Unix socket's path has at most 107 bytes: DIR/.s.PGSQL.NNNNN
    [ "${#pg_dir}" -le 90 ] || pg_die "$pg_dir: too long for a Unix socket's directory (${#pg_dir} bytes, at most 90)"
    if [ -e "$pg_dir" ]; then
        [ -d "$pg_dir" ] || pg_die "$pg_dir exists and is not a directory"
        [ -z "$(ls -A "$pg_dir")" ] || pg_die "$pg_dir is not empty (a cluster already? stop it first)"
    fi
    if [ "$(id -u)" = 0 ]; then
        id "$PG_USER" > /dev/null 2>&1 ||
            pg_die "no user '$PG_USER' to run PostgreSQL as (the postgresql-15 package makes 'postgres'; SHISHI_PG_USER names another)"
        command -v runuser > /dev/null 2>&1 || pg_die "runuser is missing (apt-get install -y util-linux)"
    fi
    mkdir -p "$pg_dir" || pg_die "cannot make $pg_dir"
    chmod 700 "$pg_dir"
    [ "$(id -u)" = 0 ] && chown "$PG_USER:" "$pg_dir"
    if [ "$(id -u)" = 0 ] && ! runuser -u "$PG_USER" -- test -w "$pg_dir" 2> /dev/null; then
        up=$pg_dir
        while [ "$up" != / ] && [ -n "$up" ]; do
            up=$(dirname "$up")
            runuser -u "$PG_USER" -- test -x "$up" 2> /dev/null ||
                pg_die "$up is closed to user $PG_USER, who runs the cluster in $pg_dir (chmod o+x $up, or choose a directory below one it may pass)"
        done
        pg_die "$pg_dir is not writable by user $PG_USER"
    fi
    : > "$pg_dir/.shishi-pg"
}

# pg_initdb FSYNC: a fresh data directory in $pg_dir/data, UTF-8 with the
# C.UTF-8 locale (code point order, as SQLite compares text), superuser
# postgres with a random password written to $pg_dir/pgpass
pg_initdb() {
    pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    (
        umask 077
        echo "$pw" > "$pg_dir/pw"
        echo "*:*:*:$PG_SUPER:$pw" > "$pg_dir/pgpass"
    )
    [ "$(id -u)" = 0 ] && chown "$PG_USER:" "$pg_dir/pw" "$pg_dir/pgpass"
    # --no-sync: a throwaway cluster needs no fsync of its new files
    if ! pg_as "$PG_BIN/initdb" -D "$pg_dir/data" -U "$PG_SUPER" --pwfile="$pg_dir/pw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        --no-sync --no-instructions > "$pg_dir/initdb.log" 2>&1; then
        cat "$pg_dir/initdb.log" >&2
        pg_die "initdb failed in $pg_dir/data"
    fi
    rm -f "$pg_dir/pw"
    echo "include 'shishi.conf'" >> "$pg_dir/data/postgresql.conf"
    pg_fsync=$1
}

# pg_conf PORT TCP [LINE...]: write $pg_dir/data/shishi.conf, the settings
# postgresql.conf includes last: the port, the socket in $pg_dir, TCP on
# 127.0.0.1 or none (TCP = yes|no), and more lines as given
pg_conf() {
    port=$1
    tcp=$2
    shift 2
    listen=""
    [ "$tcp" = yes ] && listen=127.0.0.1
    {
        echo "# written by tests/pg/pglib.sh for a test cluster"
        echo "port = $port"
        echo "listen_addresses = '$listen'"
        echo "unix_socket_directories = '$pg_dir'"
        echo "shared_buffers = 32MB"
        # fsync = off: the cluster survives its processes being killed (the
        # kernel keeps what they wrote), not a power failure. Fine for a
        # test; never for a real cluster (docs/deploy.md)
        echo "fsync = $pg_fsync"
        echo "full_page_writes = $pg_fsync"
        for line in "$@"; do echo "$line"; done
    } > "$pg_dir/data/shishi.conf"
    [ "$(id -u)" = 0 ] && chown "$PG_USER:" "$pg_dir/data/shishi.conf"
    echo "$port" > "$pg_dir/port"
}

# a loopback port nobody listens on now (another may take it before the
# server does: pg_start_tcp tries again)
pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_start: start the server of $pg_dir and wait until it takes connections
pg_start() {
    if ! pg_as "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 120 start > /dev/null 2>&1; then
        tail -n 20 "$pg_dir/log" >&2
        return 1
    fi
}

# pg_start_tcp [LINE...]: configure TCP on a free loopback port and start,
# trying another port when one is taken meanwhile
pg_start_tcp() {
    tries=0
    while :; do
        pg_conf "$(pg_free_port)" yes "$@"
        pg_start 2> "$pg_dir/start.err" && return 0
        tries=$((tries + 1))
        if [ "$tries" -ge 5 ] || ! grep -q 'could not bind\|already in use' "$pg_dir/log"; then
            cat "$pg_dir/start.err" >&2
            return 1
        fi
    done
}

# pg_url_local DB / pg_url_tcp DB: the conninfo URL of database DB of
# $pg_dir's cluster, through its socket or over TCP
pg_url_local() {
    echo "postgresql:///$1?host=$pg_dir&port=$(cat "$pg_dir/port")&user=$PG_SUPER"
}
pg_url_tcp() {
    echo "postgresql://127.0.0.1:$(cat "$pg_dir/port")/$1?user=$PG_SUPER&passfile=$pg_dir/pgpass"
}

# pg_psql URL ARGS...: psql without the user's .psqlrc, stopping at an error
pg_psql() {
    url=$1
    shift
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
}

# pg_ours PID: PID is the postmaster of $pg_dir (not a process that took
# the number of one that is gone)
pg_ours() {
    tr '\0' ' ' 2> /dev/null < "/proc/$1/cmdline" | grep -qF -- "-D $pg_dir/data "
}

# pg_remove DIR: stop the server of DIR if it runs (immediately: nothing in
# it is kept), kill what is left of it, remove DIR. Nothing to do for no DIR.
pg_remove() {
    pg_dir=$1
    [ -e "$pg_dir" ] || return 0
    [ -f "$pg_dir/.shishi-pg" ] || pg_die "$pg_dir is no test cluster's directory (no .shishi-pg): not removing it"
    pid=""
    [ -f "$pg_dir/data/postmaster.pid" ] && pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
    if [ -n "$pid" ] && pg_ours "$pid"; then
        pg_as "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate -w -t 30 stop > /dev/null 2>&1 ||
            kill -KILL -- "-$pid" 2> /dev/null # the postmaster leads its process group
    fi
    rm -rf "$pg_dir"
}
