#!/bin/sh
# testdb.test.sh - the shell harness's databases on either backend
# (tests/cli/lib.sh: testdb, sql). make check runs it once per backend
# (tests/run-all.sh, PG_SUITES): on SQLite, NAME's file in the test's
# scratch directory, not there yet; with SHISHI_TEST_BACKEND=pg, the URL
# of a fresh, empty database on the run's cluster, a new one for each
# call; and sql reads either.
. "$(dirname "$0")/../cli/lib.sh"

backend=${SHISHI_TEST_BACKEND:-sqlite}
a=$(testdb one) || no "testdb one"
b=$(testdb two) || no "testdb two"
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] && ok "two names, two databases" ||
    no "two names, two databases ($a, $b)"

if [ "$backend" = pg ]; then
    case $a in
    postgresql://*) ok "a postgresql:// URL" ;;
    *) no "a postgresql:// URL: $a" ;;
    esac
    again=$(testdb one) || no "testdb one again"
    [ "$again" != "$a" ] && ok "one name twice, two databases" || no "one name twice: $a twice"
    # on the run's cluster: the URL is SHISHI_TEST_PG's but for the database
    nodb() { echo "$1" | sed 's|^\(postgres[a-z]*://[^/]*/\)[^?]*|\1|'; }
    same "on the run's cluster" "$(nodb "$a")" "$(nodb "${SHISHI_TEST_PG:-}")"
    DB=$a
    na=$(sql "SELECT current_database()")
    DB=$b
    nb=$(sql "SELECT current_database()")
    [ -n "$na" ] && [ "$na" != "$nb" ] && ok "each URL reaches its own database ($na, $nb)" ||
        no "each URL reaches its own database ($na, $nb)"
    DB=$a
    same "a fresh database holds no table" "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
else
    same "NAME's file in the scratch directory" "$a" "$T/one.db"
    [ ! -e "$a" ] && [ -d "$(dirname "$a")" ] && ok "not there yet, in a directory that is" ||
        no "not there yet, in a directory that is ($a)"
fi
DB=$a
same "sql reads the database" "$(sql "SELECT 40 + 2")" 42

finish "testdb [$backend]"
