"""pofile.py - a small, strict reader of GNU gettext .po files.

Used by scripts/po2c.py (the catalogue compiled into the binary) and by
scripts/catalogue.py (the check that code and catalogues agree). It reads
what shishi's catalogues hold: msgctxt, msgid, msgstr, comments and flags.
Plural forms (msgid_plural) are refused: no message of shishi's needs one
(Chinese and Uyghur do not inflect for number, and the English messages
are written around it). Obsolete entries (#~) are skipped. Any other line
is an error naming its file and line.
"""
import re

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
           'f': '\f', 'v': '\v', '?': '?'}


class PoError(Exception):
    pass


class Entry:
    def __init__(self, line):
        self.line = line
        self.ctx = None
        self.msgid = None
        self.msgstr = None
        self.flags = set()
        self.comments = []   # "# ..." translator comments
        self.extracted = []  # "#. ..." comments for translators
        self.refs = []       # "#: file:line"

    @property
    def key(self):
        return self.msgid if self.ctx is None else self.ctx + '\x04' + self.msgid

    @property
    def fuzzy(self):
        return 'fuzzy' in self.flags


def unquote(s, where):
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise PoError(f'{where}: expected a quoted string, got {s!r}')
    body, out, i = s[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == '"':
            raise PoError(f'{where}: unescaped " inside a string')
        if c == '\\':
            if i + 1 >= len(body):
                raise PoError(f'{where}: string ends in a backslash')
            n = body[i + 1]
            if n in ESCAPES:
                out.append(ESCAPES[n])
                i += 2
                continue
            m = re.match(r'[0-7]{1,3}', body[i + 1:])
            if m:
                out.append(chr(int(m.group(), 8)))
                i += 1 + len(m.group())
                continue
            raise PoError(f'{where}: unknown escape \\{n}')
        out.append(c)
        i += 1
    return ''.join(out)


def quote(s):
    """A .po string literal for s (one line; the writer splits at \\n)."""
    out = []
    for c in s:
        if c == '\\':
            out.append('\\\\')
        elif c == '"':
            out.append('\\"')
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif ord(c) < 0x20:
            out.append('\\%03o' % ord(c))
        else:
            out.append(c)
    return '"' + ''.join(out) + '"'


def parse(path):
    """The header (a dict) and the entries of the .po file at path."""
    entries, header, cur, field = [], {}, None, None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')

    def finish():
        nonlocal cur
        if cur is None:
            return
        if cur.msgid is None or cur.msgstr is None:
            raise PoError(f'{path}:{cur.line}: an entry needs msgid and msgstr')
        if cur.msgid == '' and cur.ctx is None:
            for h in cur.msgstr.split('\n'):
                if ':' in h:
                    k, v = h.split(':', 1)
                    header[k.strip()] = v.strip()
        else:
            entries.append(cur)
        cur = None

    for n, raw in enumerate(lines, 1):
        where = f'{path}:{n}'
        line = raw.strip()
        if not line:
            continue
        if line.startswith('#~'):
            continue
        if line.startswith('#'):
            if cur is not None and cur.msgstr is not None:
                finish()
            if cur is None:
                cur = Entry(n)
            if line.startswith('#,'):
                cur.flags |= {x.strip() for x in line[2:].split(',') if x.strip()}
            elif line.startswith('#.'):
                cur.extracted.append(line[2:].strip())
            elif line.startswith('#:'):
                cur.refs += line[2:].split()
            elif line.startswith('#|'):
                pass
            else:
                cur.comments.append(line[1:].strip())
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)\s+(".*")$', line)
        if m:
            kw = m.group(1)
            if kw == 'msgid_plural' or kw.startswith('msgstr['):
                raise PoError(f'{where}: plural forms are not used in shishi\'s catalogues')
            if kw in ('msgctxt', 'msgid') and cur is not None and cur.msgstr is not None:
                finish()
            if cur is None:
                cur = Entry(n)
            if kw == 'msgctxt':
                if cur.msgid is not None or cur.ctx is not None:
                    raise PoError(f'{where}: msgctxt out of place')
                cur.ctx = unquote(m.group(3), where)
            elif kw == 'msgid':
                if cur.msgid is not None:
                    raise PoError(f'{where}: a second msgid in one entry')
                cur.msgid = unquote(m.group(3), where)
            else:
                if cur.msgid is None or cur.msgstr is not None:
                    raise PoError(f'{where}: msgstr out of place')
                cur.msgstr = unquote(m.group(3), where)
            field = kw
            continue
        if line.startswith('"'):
            if cur is None or field is None:
                raise PoError(f'{where}: a string continues nothing')
            s = unquote(line, where)
            if field == 'msgctxt':
                cur.ctx += s
            elif field == 'msgid':
                cur.msgid += s
            else:
                cur.msgstr += s
            continue
        raise PoError(f'{where}: cannot read {raw!r}')
    finish()
    seen = {}
    for e in entries:
        if e.key in seen:
            raise PoError(f'{path}:{e.line}: msgid {e.msgid!r} repeats the entry at line {seen[e.key]}')
        seen[e.key] = e.line
    return header, entries


def write_entry(f, e):
    """Write one entry the way msgcat does (long strings split at \\n)."""
    for c in e.comments:
        f.write(f'# {c}\n' if c else '#\n')
    for c in e.extracted:
        f.write(f'#. {c}\n')
    if e.refs:
        f.write('#: ' + ' '.join(e.refs) + '\n')
    if e.flags:
        f.write('#, ' + ', '.join(sorted(e.flags, key=lambda x: (x != 'fuzzy', x))) + '\n')
    for kw, s in (('msgctxt', e.ctx), ('msgid', e.msgid), ('msgstr', e.msgstr)):
        if s is None:
            continue
        parts = s.split('\n')
        if len(parts) > 1:
            f.write(f'{kw} ""\n')
            for i, p in enumerate(parts):
                if i < len(parts) - 1:
                    f.write(quote(p + '\n') + '\n')
                elif p:
                    f.write(quote(p) + '\n')
        else:
            f.write(f'{kw} {quote(s)}\n')
    f.write('\n')
