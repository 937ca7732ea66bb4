#!/usr/bin/env python3
"""catalogue.py [--sync] [--top DIR] - the code's message ids against po/*.po.

Extracts every message id from src/ the way the lookups are called:

    L(r, "id")  LC(r, "ctx", "id")  ss_tr(lang, "id")  ss_trc(lang, "ctx", "id")
    N_("id")  NC_("ctx", "id")  SS_M("id")  and the format of every ss_err_set, ss_err_id and
    ss_api_error call (both branches of a `cond ? "a" : "b"`)

(adjacent literals joined, string macros of the same file expanded), and
fails, naming each one, when
  - an id the code uses has no translation in a catalogue (zh_CN.po, en.po,
    ug.po), or a catalogue holds an id the code no longer uses;
  - a translation's conversions differ from its id's (when the id is a
    format: it has conversions, or the entry is flagged c-format): the same
    arguments, each once, of the same type ("%s", "%lld", "%g"), reordered
    only with positions ("%2$s"); an id itself takes its arguments in order;
  - a translation's markup (<tags>, &entities;) differs from its id's;
  - an L() or LC() call passes something other than a literal (ids chosen
    at run time are tables of N_("...") looked up with ss_tr).

--sync adds the missing ids to every catalogue (with an empty msgstr, to
be translated; fuzzy in ug.po) and drops the unused ones, then checks.

--top DIR checks the tree at DIR (src/ and po/) instead of this one.

The one id left out is "%s" alone (a message passed through whole).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pofile import parse, write_entry, Entry, PoError  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUES = ['po/zh_CN.po', 'po/en.po', 'po/ug.po']

# name: (index of the context argument or None, index of the id argument,
#        whether a non-literal id is an error)
CALLS = {
    'L': (None, 1, True),
    'LC': (1, 2, True),
    'ss_tr': (None, 1, False),
    'ss_trc': (1, 2, False),
    'N_': (None, 0, True),
    'NC_': (0, 1, True),
    'SS_M': (None, 0, True),
    'ss_err_set': (None, 3, False),
    'ss_err_id': (None, 3, False),
    'ss_api_error': (None, 3, False),
}

TOKEN = re.compile(r'''
 (?P<ws>\s+)|(?P<lc>//[^\n]*)|(?P<bc>/\*.*?\*/)|
 (?P<pp>^[ \t]*\#(?:\\\n|[^\n])*)|
 (?P<str>(?:u8)?"(?:\\.|[^"\\\n])*")|(?P<chr>'(?:\\.|[^'\\\n])*')|
 (?P<id>[A-Za-z_]\w*)|(?P<num>\.?\d(?:[\w.]|[eEpP][+-])*)|
 (?P<p>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|\.\.\.|[^\s])
''', re.S | re.X | re.M)
DEFINE = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+((?:"(?:\\.|[^"\\\n])*"[ \t]*)+)$', re.M)
C_ESC = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", 'a': '\a', 'b': '\b',
         'f': '\f', 'v': '\v', '?': '?'}


def c_unescape(lit):
    body = lit[lit.index('"') + 1:-1].encode('utf-8')
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != 0x5c:
            out.append(c)
            i += 1
            continue
        n = chr(body[i + 1])
        if n in C_ESC:
            out += C_ESC[n].encode()
            i += 2
        elif n == 'x':
            j = i + 2
            while j < len(body) and chr(body[j]) in '0123456789abcdefABCDEF':
                j += 1
            out.append(int(body[i + 2:j], 16) & 0xFF)
            i = j
        elif n in '01234567':
            j = i + 1
            while j < len(body) and j < i + 4 and chr(body[j]) in '01234567':
                j += 1
            out.append(int(body[i + 1:j], 8) & 0xFF)
            i = j
        else:
            raise ValueError(f'unknown escape in {lit}')
    return out.decode('utf-8')


def tokens(text):
    for m in TOKEN.finditer(text):
        if m.lastgroup not in ('ws', 'lc', 'bc', 'pp'):
            yield m.lastgroup, m.group(), m.start()


def literal_runs(arg, macros):
    """The string literals of an argument, adjacent ones joined: one id per run."""
    runs, cur = [], None
    for kind, text, _ in arg:
        s = None
        if kind == 'str':
            s = c_unescape(text)
        elif kind == 'id' and text in macros:
            s = macros[text]
        if s is None:
            if cur is not None:
                runs.append(cur)
            cur = None
        else:
            cur = s if cur is None else cur + s
    if cur is not None:
        runs.append(cur)
    return runs


def extract(path):
    """{key: [where]} and [problems] for one source file."""
    text = open(path, encoding='utf-8').read()
    macros = {}
    for m in DEFINE.finditer(text):
        macros[m.group(1)] = ''.join(c_unescape(x) for x in re.findall(r'"(?:\\.|[^"\\\n])*"', m.group(2)))
    toks = list(tokens(text))
    found, problems = {}, []
    for i, (kind, name, pos) in enumerate(toks):
        if kind != 'id' or name not in CALLS or i + 1 >= len(toks) or toks[i + 1][1] != '(':
            continue
        if i > 0 and toks[i - 1][1] in ('->', '.'):
            continue
        ctx_at, id_at, strict = CALLS[name]
        depth, args, j = 0, [[]], i + 1
        while j < len(toks):
            t = toks[j][1]
            if t in '([{':
                depth += 1
                if depth == 1:
                    j += 1
                    continue
            elif t in ')]}':
                depth -= 1
                if depth == 0:
                    break
            if depth == 1 and t == ',':
                args.append([])
            else:
                args[-1].append(toks[j])
            j += 1
        line = text.count('\n', 0, pos) + 1
        where = f'{os.path.relpath(path, TOP)}:{line}'
        if len(args) <= id_at:
            continue  # a declaration or a call with fewer arguments
        # declarations and definitions: the "id" argument is a parameter
        if any(t[0] == 'id' and t[1] in ('const', 'char') for t in args[id_at]):
            continue
        ids = literal_runs(args[id_at], macros)
        if not ids:
            if strict:
                problems.append(f'{where}: {name}() needs a literal message id')
            continue
        ctx = None
        if ctx_at is not None:
            c = literal_runs(args[ctx_at], macros)
            if len(c) != 1:
                problems.append(f'{where}: {name}() needs a literal context')
                continue
            ctx = c[0]
        for s in ids:
            if s == '%s' or s == '':
                continue
            key = s if ctx is None else ctx + '\x04' + s
            found.setdefault(key, []).append(where)
    return found, problems


def extract_all():
    found, problems = {}, []
    for d, _, files in os.walk(os.path.join(TOP, 'src')):
        for f in sorted(files):
            if f.endswith(('.c', '.h')):
                fd, pr = extract(os.path.join(d, f))
                for k, w in fd.items():
                    found.setdefault(k, []).extend(w)
                problems += pr
    return found, problems


SPEC = re.compile(r'%(?:(\d+)\$)?([-+ #0\']*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?([diouxXcseEfFgGaAp%])')


def conversions(s):
    """[(position or None, type)] of a format; type joins length and class."""
    out = []
    for m in SPEC.finditer(s):
        pos, _, width, prec, length, conv = m.groups()
        if conv == '%':
            continue
        cls = 'i' if conv in 'di' else 'u' if conv in 'ouxX' else 'f' if conv in 'eEfFgGaA' else conv
        stars = (width == '*') + (prec == '*')
        out.append((int(pos) if pos else None, (length or '') + cls, stars))
    return out


def format_problem(msgid, msgstr):
    """Why msgstr cannot stand for the format msgid, or None."""
    a, b = conversions(msgid), conversions(msgstr)
    if any(p is not None for p, _, _ in a):
        return 'the id takes its arguments out of order (positions belong in translations)'
    want = [t for _, t, _ in a]
    if any(s for _, _, s in b) and any(p is not None for p, _, _ in b):
        return 'a "*" width with positions'
    if b and any(p is not None for p, _, _ in b):
        if any(p is None for p, _, _ in b):
            return 'positions on some conversions only'
        got = {}
        for p, t, _ in b:
            if p in got:
                return f'argument {p} placed twice'
            got[p] = t
        if sorted(got) != list(range(1, len(want) + 1)):
            return f'arguments {sorted(got)}, the id has {len(want)}'
        for p, t in got.items():
            if want[p - 1] != t:
                return f'argument {p} is %{t}, the id\'s is %{want[p - 1]}'
        return None
    got = [t for _, t, _ in b]
    if got != want:
        return f'conversions {got}, the id\'s are {want}'
    if [s for _, _, s in a] != [s for _, _, s in b]:
        return 'a "*" width or precision differs'
    return None


MARKUP = re.compile(r'<[^>]*>|&[#\w]+;')


def markup_problem(msgid, msgstr):
    a, b = sorted(MARKUP.findall(msgid)), sorted(MARKUP.findall(msgstr))
    if a != b:
        return f'markup {b}, the id\'s is {a}'
    return None


def sync(found):
    for rel in CATALOGUES:
        path = os.path.join(TOP, rel)
        header_text = open(path, encoding='utf-8').read().split('\n\n', 1)[0] + '\n\n'
        _, entries = parse(path)
        keep = [e for e in entries if e.key in found]
        have = {e.key for e in keep}
        for k in sorted(found):
            if k in have:
                continue
            e = Entry(0)
            if '\x04' in k:
                e.ctx, e.msgid = k.split('\x04', 1)
            else:
                e.msgid = k
            e.msgstr = ''
            if rel.endswith('ug.po'):
                e.flags.add('fuzzy')
            keep.append(e)
        for e in keep:
            if conversions(e.msgid):
                e.flags.add('c-format')
        keep.sort(key=lambda e: (e.msgid, e.ctx or ''))
        with open(path, 'w', encoding='utf-8') as f:
            f.write(header_text)
            for e in keep:
                write_entry(f, e)
        print(f'catalogue: {rel}: {len(keep)} entries, {len(keep) - len(have)} added, '
              f'{len(entries) - len(have)} dropped')


def main():
    global TOP
    args = sys.argv[1:]
    if '--top' in args:
        TOP = os.path.abspath(args[args.index('--top') + 1])
    found, problems = extract_all()
    if '--sync' in args:
        sync(found)
    for rel in CATALOGUES:
        try:
            _, entries = parse(os.path.join(TOP, rel))
        except PoError as err:
            problems.append(str(err))
            continue
        have = {e.key: e for e in entries}
        for k in sorted(found):
            e = have.get(k)
            shown = k.replace('\x04', ' | ')
            if e is None:
                problems.append(f'{rel}: no entry for {shown!r} (used at {found[k][0]})')
            elif not e.msgstr:
                problems.append(f'{rel}:{e.line}: no translation of {shown!r}')
            else:
                why = markup_problem(e.msgid, e.msgstr)
                if not why and (conversions(e.msgid) or 'c-format' in e.flags):
                    why = format_problem(e.msgid, e.msgstr)
                if why:
                    problems.append(f'{rel}:{e.line}: {shown!r}: {why}')
        for k, e in have.items():
            if k not in found:
                problems.append(f'{rel}:{e.line}: {k.replace(chr(4), " | ")!r} is used nowhere in src/')
        fuzzy = sum(1 for e in entries if e.fuzzy)
        print(f'catalogue: {rel}: {len(entries)} entries, {fuzzy} fuzzy')
    print(f'catalogue: {len(found)} message ids in src/')
    for p in problems:
        print('catalogue: ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
