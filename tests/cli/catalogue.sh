#!/bin/sh
# catalogue.sh - the message catalogues and the code agree: every message
# id the code uses (L, LC, ss_tr, N_, SS_M, the format of ss_err_set ...)
# has a translation in po/zh_CN.po, po/en.po and po/ug.po, no catalogue
# holds an id the code no longer uses, and every translation takes the
# same arguments and markup as its id (scripts/catalogue.py). GNU msgfmt
# checks the files too. Then the checker itself is shown to fail on each
# kind of mistake, in a copy of the tree.
set -u
T=${SHISHI_TMP:-$(mktemp -d)}/catalogue
fails=0
ok() { echo "ok - $*"; }
no() { echo "not ok - $*"; fails=$((fails + 1)); }

out=$(python3 scripts/catalogue.py 2>&1) && ok "code and catalogues agree" || { no "code and catalogues disagree"; echo "$out"; }
echo "$out" | grep -E '^catalogue: po/.*entries' | sed 's/^/# /'
for f in po/zh_CN.po po/en.po po/ug.po; do
    if msgfmt --check -o /dev/null "$f" 2>"$T.err"; then ok "msgfmt --check $f"; else no "msgfmt --check $f"; cat "$T.err"; fi
done
# the Uyghur catalogue is machine-made: every entry waits for a reviewer
n=$(grep -c '^#, fuzzy' po/ug.po); m=$(($(grep -c '^msgid ' po/ug.po) - 1))
[ "$n" -eq "$m" ] && ok "ug.po: all $m entries are marked fuzzy" || no "ug.po: $n of $m entries are fuzzy"

# The checker catches each mistake: a copy of src/ and po/ with one change.
fresh() { rm -rf "$T"; mkdir -p "$T"; cp -r src po scripts "$T"; }
expect_fail() { # what, then the text the checker must say
    what=$1; shift
    if python3 "$T/scripts/catalogue.py" --top "$T" > "$T.out" 2>&1; then
        no "$what: the checker passed"
    elif grep -q -- "$1" "$T.out"; then ok "$what"
    else no "$what: the checker did not say '$1'"; cat "$T.out"; fi
}
fresh
printf '%s\n' 'const char *ss_test_new(struct ss_wreq *r);' \
    'const char *ss_test_new(struct ss_wreq *r) { return L(r, "一个新的词"); }' >> "$T/src/web/render.c"
expect_fail "a new id without translations fails" "no entry for '一个新的词'"
fresh
python3 - "$T/po/ug.po" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
i = s.index('msgid "全部实事"'); j = s.index('msgstr "', i); k = s.index('\n', j)
open(p, 'w', encoding='utf-8').write(s[:j] + 'msgstr ""' + s[k:])
PY
expect_fail "an empty translation fails" "po/ug.po:.*no translation of '全部实事'"
fresh
printf '\nmsgid "一个没人用的词"\nmsgstr "a word nobody uses"\n' >> "$T/po/en.po"
expect_fail "an id the code no longer uses fails" "'一个没人用的词' is used nowhere"
fresh
python3 - "$T/po/zh_CN.po" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
old = 'msgstr "分子 %g 大于分母 %g"'
assert old in s
open(p, 'w', encoding='utf-8').write(s.replace(old, 'msgstr "分子 %s 大于分母 %g"'))
PY
expect_fail "a translation with another conversion fails" "conversions"
fresh
python3 - "$T/po/en.po" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
old = 'msgstr " <span class=\\"warn\\">differs from this unit\'s own report</span>"'
assert old in s, old
open(p, 'w', encoding='utf-8').write(s.replace(old, 'msgstr " <b>differs from this unit\'s own report</b>"'))
PY
expect_fail "a translation with other markup fails" "markup"
fresh
printf '%s\n' 'const char *ss_test_var(struct ss_wreq *r, const char *s);' \
    'const char *ss_test_var(struct ss_wreq *r, const char *s) { return L(r, s); }' >> "$T/src/web/render.c"
expect_fail "L() of a variable fails" "needs a literal message id"
rm -rf "$T" "$T.out" "$T.err"
[ "$fails" -eq 0 ]
