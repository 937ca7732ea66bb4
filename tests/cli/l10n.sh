#!/bin/sh
# l10n.sh - the CLI's errors in the user's locale, as gettext reads it: the
# first set of LC_ALL, LC_MESSAGES and LANG; Chinese for zh*, Uyghur for
# ug*, English otherwise. The message is the same refusal in each (its
# flags named, as the CLI's voice does), the exit code and the field too.
# On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb l10n) || exit 1
export SHISHI_TODAY=2026-11-29
# the commands below are split from strings: no pathname expansion of
# their words (a PostgreSQL URL holds a ?)
set -f
# says WANT-EXIT TEXT DESCRIPTION -- env assignments... -- command...
says() {
    want=$1; text=$2; what=$3; shift 4
    vars=""
    while [ "$1" != "--" ]; do vars="$vars $1"; shift; done
    shift
    # shellcheck disable=SC2086
    env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE $vars "$@" > "$T/out" 2> "$T/err"; got=$?
    if [ "$got" -ne "$want" ]; then no "$what (exit $got, wanted $want)"; cat "$T/err"
    elif grep -qF -- "$text" "$T/err"; then ok "$what"
    else no "$what: stderr lacks '$text'"; cat "$T/err"; fi
}

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
"$S" report add --db "$DB" --target 47 --org 650102 --date 2026-11-01 --value 10 > /dev/null 2>&1 ||
    { echo "not ok - a first report"; exit 1; }
neg="report add --db $DB --target 47 --org 650102 --date 2026-11-02 --value -1"
says 1 "shishi report add: value: value -1 is negative; progress is counted from 0" \
    "no locale: English" -- -- "$S" $neg
says 1 "shishi report add: value: 数值 -1 为负数；进度从 0 起算" \
    "LANG=zh_CN.UTF-8: Chinese" -- LANG=zh_CN.UTF-8 -- "$S" $neg
says 1 "shishi report add: value: -1 قىممىتى مەنپىي؛ ئىلگىرىلەش 0 دىن باشلاپ ھېسابلىنىدۇ" \
    "LANG=ug_CN.UTF-8: Uyghur" -- LANG=ug_CN.UTF-8 -- "$S" $neg
says 1 "value -1 is negative" "LC_ALL=C beats LANG=zh" -- LC_ALL=C LANG=zh_CN.UTF-8 -- "$S" $neg
says 1 "数值 -1 为负数" "LC_MESSAGES=zh beats LANG=en" -- LC_MESSAGES=zh_CN.UTF-8 LANG=en_US.UTF-8 -- "$S" $neg
says 1 "value -1 is negative" "another language: English" -- LANG=fr_FR.UTF-8 -- "$S" $neg
# the CLI's voice in Chinese still names its flags; nothing is stored
low="report add --db $DB --target 47 --org 650102 --date 2026-11-05 --value 3"
says 1 "3 低于截至 2026-11-01 已审核的 10；累计值只增不减（如需更正错误，请使用 --correction 并以 --note 写明原因）" \
    "a lower value, in Chinese, names --correction and --note" -- LANG=zh_CN.UTF-8 -- "$S" $low
says 3 "没有代码为“999999”的区划" "an unknown org unit: exit 3, in Chinese" -- LANG=zh_CN.UTF-8 -- \
    "$S" report add --db "$DB" --target 47 --org 999999 --date 2026-11-05 --value 30
same "nothing refused was stored" "$(sql "SELECT count(*) FROM report")" 1
finish l10n
