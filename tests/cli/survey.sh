#!/bin/sh
# survey.sh - `shishi survey create|list`: closed satisfaction surveys with
# one-time codes. The codes go to a new file only (never over one that
# exists, mode 0600), as CSV with their links; the database holds their
# keyed digests and none of the codes; a refusal (a project the plan does
# not have, an unknown audience, a bad period, too many codes) stores no
# survey and writes no file; list shows each survey's codes used. On
# either backend (tests/run-all.sh, PG_SUITES); survey ids are not
# asserted (a refused insert spends a PostgreSQL identity value).
. "$(dirname "$0")/lib.sh"
DB=$(testdb survey) || exit 1

expect 0 "init" "$S" init --db "$DB"
expect 0 "30 codes for the deputies of project 10" \
    "$S" survey create --db "$DB" --project 10 --codes 30 --audience deputies --out "$T/codes.csv" \
    --base https://shishi.example.gov.cn
outhas "survey 1: project 10, 30 codes for deputies"
same "a header and 30 rows" "$(wc -l < "$T/codes.csv" | tr -d ' ')" 31
same "the header" "$(head -1 "$T/codes.csv")" "code,link"
same "each row a code and its link" \
    "$(tail -n +2 "$T/codes.csv" | grep -Ec '^[0-9A-HJKMNP-TV-Z]{20},https://shishi\.example\.gov\.cn/survey/[0-9A-HJKMNP-TV-Z]{20}$')" 30
same "thirty different codes" "$(tail -n +2 "$T/codes.csv" | cut -d, -f1 | sort -u | wc -l | tr -d ' ')" 30
same "the file is the owner's alone" "$(stat -c %a "$T/codes.csv")" 600
same "30 digests stored" "$(sql "SELECT count(*) FROM survey_code")" 30
CODE=$(sed -n 2p "$T/codes.csv" | cut -d, -f1)
same "no code in the clear" "$(sql "SELECT count(*) FROM survey_code WHERE digest LIKE '%$CODE%'")" 0
same "the period is the plan's year" "$(sql "SELECT period FROM survey")" 2026

expect 1 "an existing file is never overwritten" \
    "$S" survey create --db "$DB" --project 10 --codes 3 --out "$T/codes.csv"
errhas -F "exists: the codes go to a new file"
same "and no survey was stored" "$(sql "SELECT count(*) FROM survey")" 1
same "the codes are as they were" "$(wc -l < "$T/codes.csv" | tr -d ' ')" 31

expect 3 "a project the plan does not have" \
    "$S" survey create --db "$DB" --project 11 --codes 3 --out "$T/none.csv"
errhas -F "project: the plan has no project 11"
expect 1 "an unknown audience" \
    "$S" survey create --db "$DB" --project 10 --codes 3 --audience public --out "$T/none.csv"
errhas -F "audience: audience 'public' is not deputies or staff"
expect 1 "a bad period" \
    "$S" survey create --db "$DB" --project 10 --codes 3 --period 2026-Q5 --out "$T/none.csv"
errhas -F "period: period '2026-Q5' is not a year"
expect 1 "too many codes" \
    "$S" survey create --db "$DB" --project 10 --codes 2001 --out "$T/none.csv"
errhas -F "codes: a survey has 1 to 2000 codes, not 2001"
expect 2 "no --out" "$S" survey create --db "$DB" --project 10 --codes 3
errhas -F -- "--out is missing"
[ -e "$T/none.csv" ] && no "a refused survey wrote no file" || ok "a refused survey wrote no file"
same "none of them stored a survey" "$(sql "SELECT count(*) FROM survey")" 1

LANG=zh_CN.UTF-8 expect 1 "the refusal in Chinese" \
    "$S" survey create --db "$DB" --project 10 --codes 3 --audience x --out "$T/none.csv"
errhas -F "对象“x”不是 deputies（人大代表）或 staff（工作人员）"

expect 0 "staff, to standard output, for a half year" \
    "$S" survey create --db "$DB" --project 3 --codes 2 --audience staff --period 2026-H2 --out -
same "two codes on standard output" "$(tail -n +2 "$T/out" | grep -c '^[0-9A-Z]\{20\},/survey/')" 2
errhas -F "project 3, 2 codes for staff, written to -"

expect 0 "list" "$S" survey list --db "$DB" --json
check "both surveys, newest first, none used" \
    "[(s['project'], s['period'], s['audience'], s['codes'], s['used']) for s in d['surveys']] == [(3, '2026-H2', 'staff', 2, 0), (10, '2026', 'deputies', 30, 0)] and d['surveys'][0]['id'] > d['surveys'][1]['id']"
check "created by the admin" "all(s['created_by'].startswith('admin:') for s in d['surveys'])"
expect 0 "list of one period" "$S" survey list --db "$DB" --period 2026 --json
check "one survey" "len(d['surveys']) == 1 and d['surveys'][0]['project'] == 10"
expect 0 "list as text" "$S" survey list --db "$DB"
outhas "0/30 codes used"
expect 1 "list of a bad period" "$S" survey list --db "$DB" --period 26
expect 0 "the audit log verifies" "$S" audit verify --db "$DB"
finish survey
