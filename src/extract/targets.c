/*
 * targets.c - which quantities in an item are targets, and how to state them.
 *
 * Every numeral in the item is read as a quantity (numbers.c); the context
 * then rules it in or out. Out:
 *   - no measure word and no 万/亿 (years 2026年, ages 65岁, grades 二级,
 *     names 二十大: 年 岁 级 大 are not measure words);
 *   - ordinals (第十五), quoted names (“一件事”), model numbers (5G, 4A);
 *   - the first end of a range (0—14岁);
 *   - the count of the list itself (十件民生实事, 10项实事);
 *   - sessions (十届十五次全会);
 *   - per-unit specifications (每户安装1个);
 *   - scope counts that only say where (在14个地(州、市)46个县…193处: only
 *     the last is counted);
 *   - policy rates (本金1%的贴息, 5%配套资金);
 *   - durations without a comparison (15分钟生活圈; but 控制在30分钟以内 is in);
 *   - a lone 一 except in 一次/一期/一场/一轮.
 * Op: 以上/不少于/至少/超过/余/多 -> ">=", 以内/以下/不超过/控制在 -> "<=".
 * Parent: targets after 其中 in the same sentence are parts of the target
 * stated just before it.
 *
 * A target's text is its clause (between , ; : 。), cut between targets
 * that share a clause at the last 、 (or 及/和) between them.
 */
#include <stdlib.h>

#include "base/util.h"
#include "extract/xint.h"

static const char *const PLACE_WORDS[] = {"地", "州", "市", "县",   "区", "旗",   "盟",
                                          "省", "乡", "镇", "街道", "师", "团场", NULL};

static const char *const POLICY_NOUNS[] = {"贴息", "补贴", "补助", "奖励", "利率", "费率",
                                           "比例", "配套", "资金", "奖补", "折扣", "优惠",
                                           "首付", "报销", "贷款", NULL};

static const char *const POLICY_BEFORE[] = {"本金", "按照", "按", "给予", "利率", "费率", NULL};

static const char *const MONEY_WORDS[] = {"资金", "投资", "投入", "补助", "补贴",
                                          "经费", "金额", "款",   NULL};

static const struct {
    const char *w;
    const char *op;
} PRE_OPS[] = {
    {"不少于", ">="}, {"不低于", ">="}, {"不超过", "<="}, {"不多于", "<="},
    {"不高于", "<="}, {"控制在", "<="}, {"至少", ">="},   {"超过", ">="},
    {"多于", ">="},   {"高于", ">="},   {"大于", ">="},   {"逾", ">="},
    {"低于", "<="},   {"少于", "<="},   {"小于", "<="},   {"不到", "<="},
};

/* Words a metric does not start with. */
static const char *const METRIC_LEAD[] = {"全年", "年内", "今年", "当年", "年底前", "底前", "力争",
                                          "累计", "实现", "完成", "其中", "全部",   "共",   NULL};
/* Words that end the noun phrase after a quantity. */
static const char *const METRIC_CUT[] = {"开展", "实施", "提供", "建设", "进行", "接入",
                                         "向",   "等",   "上门", "纳入", "参加", "享受",
                                         "深入", "完成", "免费", "(",    NULL};
/* Verbs a metric taken from before the number does not start with. */
/* Words that end the words before a number but are not the metric
 * (…达到95%, 力争控制在…, 惠及6万户); 达到 before 达. */
static const char *const METRIC_TAIL[] = {"达到", "达",   "为",     "到",   "力争",
                                          "确保", "保持", "稳定在", "惠及", NULL};
static const char *const METRIC_VERB[] = {"实施", "开展", "举办", "推动", "组织", "择优", NULL};

static int is_cn_numeral_char(const char *s, size_t i, size_t end)
{
    static const char *const C[] = {"零", "〇", "一", "二", "两", "三", "四", "五", "六",
                                    "七", "八", "九", "十", "百", "千", "万", "亿", NULL};
    return xat_any(s, i, end, C) > 0;
}

/* A clause longer than this is not prose; capping it keeps the work per
 * number bounded (no quadratic time on a megabyte without punctuation). */
#define MAX_CLAUSE_CHARS 400

/* Start of the clause holding position i, not before lo. */
static size_t clause_start(const char *s, size_t lo, size_t i)
{
    size_t steps = 0;

    while (i > lo && steps++ < MAX_CLAUSE_CHARS) {
        size_t p = xprev(s, lo, i), len;
        if (xis_clause_end(xcp(s, p, i, &len)))
            break;
        i = p;
    }
    return i;
}

static size_t clause_end(const char *s, size_t i, size_t hi)
{
    size_t steps = 0;

    while (i < hi && steps++ < MAX_CLAUSE_CHARS) {
        size_t len;
        if (xis_clause_end(xcp(s, i, hi, &len)))
            break;
        i += len;
    }
    return i;
}

/* 1 if a quantity with a unit starts somewhere in s[b..e). */
static int later_quantity(const char *s, size_t b, size_t e)
{
    size_t i = b, len;

    while (i < e) {
        struct xqty q;
        if (ss_xnum_starts(s, i, e)) {
            if (ss_xqty_read(s, i, e, &q) && (q.ue > q.ub || q.mult))
                return 1;
            i = q.ne > i ? q.ne : i + 1;
            continue;
        }
        xcp(s, i, e, &len);
        i += len;
    }
    return 0;
}

/* Op word before the numeral: nearest one ending within 4 characters. */
static const char *pre_op(const char *s, size_t cb, size_t nb)
{
    size_t p = nb, k, steps;

    for (steps = 0; steps <= 4 && p > cb; steps++) {
        for (k = 0; k < SS_ARRAY_LEN(PRE_OPS); k++)
            if (xbefore(s, cb, p, PRE_OPS[k].w))
                return PRE_OPS[k].op;
        p = xprev(s, cb, p);
    }
    return NULL;
}

/* 每千人口/每万人…: a rate being defined (每千人口托位数达到4.5个), not a
 * per-unit specification. p is just after 每. */
static int per_capita_rate(const char *s, size_t p, size_t e)
{
    static const char *const M[] = {"十万", "百", "千", "万", NULL};
    size_t n = xat_any(s, p, e, M);

    return n && xat(s, p + n, e, "人");
}

/* 1 if position i sits between “ and ” within the clause cb..ce. */
static int in_quotes(const char *s, size_t cb, size_t i, size_t ce)
{
    size_t p, len;
    int open = 0;

    for (p = cb; p < i; p += len) {
        uint32_t c = xcp(s, p, i, &len);
        if (c == 0x201C)
            open = 1;
        else if (c == 0x201D)
            open = 0;
    }
    if (!open)
        return 0;
    for (p = i; p < ce; p += len) {
        uint32_t c = xcp(s, p, ce, &len);
        if (c == 0x201D)
            return 1;
        if (c == 0x201C)
            return 0;
    }
    return 0;
}

/* 压缩至, 缩短到 …: a duration being brought down to a figure. */
static int reduced_to(const char *s, size_t cb, size_t nb)
{
    static const char *const V[] = {"压缩至", "压缩到", "压减至", "缩短至", "缩短到", "减少至",
                                    "减少到", "降至",   "降低至", "降低到", "缩减至", NULL};
    size_t k;

    for (k = 0; V[k]; k++)
        if (xbefore(s, cb, nb, V[k]))
            return 1;
    return 0;
}

static int unit_is(const char *s, const struct xqty *q, const char *u)
{
    size_t n = strlen(u);

    return q->ue - q->ub == n && memcmp(s + q->ub, u, n) == 0;
}

/* 每年, 每日 …: a rate in time (日处理能力每日300吨), not a per-unit
 * specification. */
static const char *const PER_TIME[] = {"年", "日", "天", "月", "小时", NULL};

/* 五台县, 七台河市, 三座塔乡: a Chinese numeral, a measure word, at most two
 * characters and one place suffix is a name (not 五个县: 个 counts places;
 * not 三所乡镇学校: 乡镇 is a noun of places). */
static int place_name(const char *s, const struct xqty *q, size_t e)
{
    static const char *const SUFFIX[] = {"县", "市", "区", "州", "镇", "乡", "村", "旗", NULL};
    size_t i = q->ue, k, len;

    if (q->ue == q->ub || q->mult || (q->ue - q->ub == 3 && xat(s, q->ub, q->ue, "个")))
        return 0;
    for (k = 0; k < 3 && i < e; k++) {
        size_t n = xat_any(s, i, e, SUFFIX);
        if (n)
            return !xat_any(s, i + n, e, SUFFIX);
        if (!xis_cjk(xcp(s, i, e, &len)))
            return 0;
        i += len;
    }
    return 0;
}

/* A money standard being set: 元 and, in the clause, 标准 before the
 * figure or 由/从 … 提高到/调整为 around it. */
static int money_standard(const char *s, size_t cb, size_t ce, const struct xqty *q)
{
    static const char *const RAISE[] = {"提高到", "提高至", "提升到", "提升至", "上调到",
                                        "上调至", "调整为", "调整到", "调整至", "增加到",
                                        "增加至", "提标至", "提高为", NULL};
    size_t p, len;
    int raise = 0;

    if (!(q->ue > q->ub && xat(s, q->ub, q->ue, "元")))
        return 0;
    if (xhas(s, cb, q->b, "标准"))
        return 1;
    for (p = cb; p < ce; p += len) {
        if (xat_any(s, p, ce, RAISE))
            raise = 1;
        xcp(s, p, ce, &len);
    }
    return raise && (xhas(s, cb, q->b, "由") || xhas(s, cb, q->b, "从"));
}

/* The context rules of the file comment. cb..ce is the clause. */
static int is_target(const char *s, size_t b, size_t e, size_t cb, size_t ce, const struct xqty *q,
                     const char *op)
{
    size_t len = 0, alen = 0, p;
    uint32_t prev = 0, next = 0, after_num = 0;
    int has_unit = q->ue > q->ub || q->percent;

    if (q->b > b)
        prev = xcp(s, xprev(s, b, q->b), q->b, &len);
    if (q->e < e)
        next = xcp(s, q->e, e, &len);
    if (q->ne < e)
        after_num = xcp(s, q->ne, e, &alen);
    if (q->value <= 0)
        return 0;
    if (xbefore(s, b, q->b, "第") || prev == 0x201C /* “ */ || prev == 0x300A /* 《 */ ||
        prev == 0x2018 || prev == 0x300C || next == 0x201D || next == 0x300B || next == 0x2019 ||
        next == 0x300D)
        return 0;
    /* model numbers (G30, H7N9, PM2.5) have no measure word; a device
     * named in letters and then counted (配备AED300台) has one */
    if (!q->chinese && (prev == '.' || prev == '-' || prev == '/' ||
                        (xis_alpha(prev) && (!has_unit || q->free_unit))))
        return 0;
    if (q->chinese && place_name(s, q, e))
        return 0;
    if (!has_unit && xis_alpha(after_num))
        return 0;
    /* first end of a range: 0—14岁, 3-5年 */
    if (after_num == 0x2014 || after_num == '-' || after_num == '~' || after_num == 0x2013 ||
        xat(s, q->ne, e, "至") || xat(s, q->ne, e, "到")) {
        size_t r = q->ne + alen;
        if (r < e && ss_xnum_starts(s, r, e))
            return 0;
    }
    /* a lone 一 is an article or a slogan (一次办好, 跑一次, 一批), not a count */
    if (q->chinese && q->single_yi)
        return 0;
    /* a Chinese count summing up names (“A”“B”三项工程, A、B等三个行动) and
     * vague counts (数十万, 几百) */
    if (q->chinese && (prev == 0x201D || prev == 0x2019 || prev == 0x7B49 /* 等 */))
        return 0;
    if (prev == 0x6570 /* 数 */ || prev == 0x51E0 /* 几 */)
        return 0;
    if (!has_unit) {
        if (!q->mult)
            return 0;
        if (next == 0x5E74 /* 年 */ || next == 0x5C81 /* 岁 */ || next == 0x7EA7 /* 级 */ ||
            next == 0x500D /* 倍 */ || next == 0x5C4A /* 届 */)
            return 0;
    }
    if (q->time_unit) {
        /* 控制在12分钟以内 and 压缩至3个工作日 end their clause; 6个月以下婴儿 is
         * an age, 15分钟生活圈 a name */
        if ((!op && !reduced_to(s, cb, q->b)) || unit_is(s, q, "周") || xat(s, q->ue, e, "岁") ||
            xat(s, q->ue, e, "年") || (q->e < e && !xis_clause_end(next)))
            return 0;
    }
    /* the list's own count: 十件民生实事, 10项实事, 十个民生实事项目,
     * 实事项目共5项 */
    if ((unit_is(s, q, "件") || unit_is(s, q, "项")) &&
        (xhas(s, q->ue, q->ue + 18 < e ? q->ue + 18 : e, "实事") ||
         xhas(s, q->ue, q->ue + 9 < e ? q->ue + 9 : e, "民生") || xhas(s, cb, q->b, "实事")))
        return 0;
    if (unit_is(s, q, "个") && (xat(s, q->ue, e, "民生") || xat(s, q->ue, e, "实事")))
        return 0;
    /* a count announcing what follows (坚持三个原则：一是…, 做好5个方面工作:) */
    if (ce < e && s[ce] == ':' && xnchars(s, q->e, ce) <= 6 && !later_quantity(s, q->e, ce))
        return 0;
    /* the pool the list was chosen from: 从15件候选项目中 */
    if (xhas(s, cb, q->b, "从") && xnchars(s, cb, q->b) <= 12 && xhas(s, q->e, ce, "中"))
        return 0;
    /* a standard raised from one level to another (由每人每月600元提高到800元,
     * 标准调整为1800元) is a policy parameter */
    if (money_standard(s, cb, ce, q))
        return 0;
    /* sessions: 十届十五次全会 */
    if (unit_is(s, q, "次") &&
        (xbefore(s, b, q->b, "届") || xat(s, q->ue, e, "全会") || xat(s, q->ue, e, "会议") ||
         xat(s, q->ue, e, "全体") || xat(s, q->ue, e, "常委") || xat(s, q->ue, e, "代表")))
        return 0;
    /* per-unit specifications: 每户安装1个, 每个县(市、区)至少建成1家 */
    for (p = q->b; p > cb; p = xprev(s, cb, p))
        if (xbefore(s, cb, p, "每") && !xat_any(s, p, q->b, PER_TIME) &&
            !per_capita_rate(s, p, q->b))
            return 0;
    /* inside quotation marks: a name (“一件事一次办”) */
    if (in_quotes(s, cb, q->b, ce))
        return 0;
    /* scope: 在14个地(州、市)46个县(市、区)实施…193处; in Chinese numerals
     * (全市十二个区县) a count of places never is a target */
    if ((unit_is(s, q, "个") || !has_unit) && xat_any(s, q->ue, e, PLACE_WORDS)) {
        if (q->chinese)
            return 0;
        if (later_quantity(s, q->e, ce))
            return 0;
        for (p = q->b; p > cb && xnchars(s, p, q->b) <= 6; p = xprev(s, cb, p))
            if (xbefore(s, cb, p, "在"))
                return 0;
    }
    if (q->percent) {
        /* 给予本金1%, 按3%: a rate applied, within six characters before */
        for (p = q->b; p > cb && xnchars(s, p, q->b) < 6;) {
            p = xprev(s, cb, p);
            if (xat_any(s, p, q->b, POLICY_BEFORE))
                return 0;
        }
        if (next == 0x7684 /* 的 */ && xat_any(s, q->e + 3, e, POLICY_NOUNS))
            return 0;
        if (xis_cjk(next) && next != 0x7684 && next != 0x53CA /* 及 */ && next != 0x548C /* 和 */ &&
            next != 0x6216 /* 或 */ && next != 0x3001 /* 、 */)
            return 0;
    }
    return 1;
}

static void push(struct xtgts *t, const struct xtgt *x)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = ss_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = *x;
}

void ss_xtgts_cleanup(struct xtgts *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->v[i].unit);
    free(t->v);
    memset(t, 0, sizeof *t);
}

static char *unit_text(const char *s, size_t cb, const struct xqty *q)
{
    size_t k;

    if (q->ue > q->ub)
        return ss_xstrndup(s + q->ub, q->ue - q->ub);
    if (q->percent)
        return ss_xstrdup("%");
    for (k = 0; MONEY_WORDS[k]; k++)
        if (xhas(s, cb, q->b, MONEY_WORDS[k]))
            return ss_xstrdup("元");
    return ss_xstrdup("人");
}

/* A sub-list marker opening a clause: (1) 一是 ②; its length or 0. */
static size_t sub_marker(const char *s, size_t b, size_t e)
{
    size_t i = b, len;
    uint32_t c;

    if (b >= e)
        return 0;
    c = xcp(s, b, e, &len);
    if (c >= 0x2460 && c <= 0x2473)
        return len;
    if (c == '(') {
        for (i = b + 1; i < e && i < b + 8 && s[i] != ')'; i++)
            ;
        return i < e && s[i] == ')' ? i + 1 - b : 0;
    }
    while (i < e && is_cn_numeral_char(s, i, e) && i < b + 6)
        i += 3;
    if (i > b && (len = xat(s, i, e, "是")))
        return i + len - b;
    return 0;
}

/* Split clauses shared by several targets, then trim the texts. */
static void cut_texts(const char *s, struct xtgts *t, size_t first)
{
    static const char *const SEPS[] = {"、", "以及", "及", "和", "并", NULL};
    size_t i, k, p;

    for (i = first; i + 1 < t->n; i++) {
        struct xtgt *a = &t->v[i], *z = &t->v[i + 1];
        size_t cut = 0, cutlen = 0;
        if (a->cb != z->cb)
            continue;
        for (k = 0; SEPS[k] && !cut; k++)
            for (p = a->q.e; p < z->q.b; p++)
                if (xat(s, p, z->q.b, SEPS[k])) {
                    cut = p;
                    cutlen = strlen(SEPS[k]);
                }
        if (!cut) /* 组织100家以上企业开展招聘活动200场: at the verb of the second */
            for (p = a->q.e; p < z->q.b && !cut; p++)
                if (xat_any(s, p, z->q.b, METRIC_CUT))
                    cut = p;
        if (cut) {
            a->te = cut;
            z->tb = cut + cutlen;
        } else {
            a->te = a->q.e;
            z->tb = a->q.e;
        }
    }
    for (i = first; i < t->n; i++) {
        struct xtgt *x = &t->v[i];
        size_t n;
        for (;;) {
            size_t hb, he;
            if ((n = xat(s, x->tb, x->te, "其中")) || (n = xat(s, x->tb, x->te, " ")) ||
                (n = xat(s, x->tb, x->te, "、")) || (n = sub_marker(s, x->tb, x->q.b)) ||
                (n = xbullet(s, x->tb, x->q.b)) || (n = xbracket_head(s, x->tb, x->q.b, &hb, &he)))
                x->tb += n;
            else
                break;
        }
        while (x->te > x->tb && (s[x->te - 1] == ' ' || xbefore(s, x->tb, x->te, "、")))
            x->te = xprev(s, x->tb, x->te);
    }
}

/* Skip an age or grade phrase (65岁及以上, 0—14岁, 二级及以上) at b. */
static size_t skip_qualifier(const char *s, size_t b, size_t e)
{
    static const char *const TAIL[] = {"周岁", "岁", "年级", "级", NULL};
    static const char *const OPS[] = {"及以上", "以上", "及以下", "以下", NULL};
    size_t i = b, n;
    struct xqty q;

    /* the number's own end: "60周岁" must not read as 60 周 (weeks) */
    while (i < e && ss_xnum_starts(s, i, e) && ss_xqty_read(s, i, e, &q) &&
           (q.ue == q.ub || xat_any(s, q.ne, e, TAIL))) {
        i = q.ne;
        if (xat(s, i, e, "\xE2\x80\x94") || xat(s, i, e, "-")) {
            i += xat(s, i, e, "-") ? 1 : 3;
            continue;
        }
        if (!(n = xat_any(s, i, e, TAIL)))
            return b;
        i += n;
        i += xat_any(s, i, e, OPS);
        return i;
    }
    return b;
}

static void find_metric(const char *s, struct xtgt *x)
{
    size_t b = x->q.e, e = x->te, p, n, k, len;
    uint32_t c;

    while (b < e && s[b] == ' ')
        b++;
    b = skip_qualifier(s, b, e);
    c = b < e ? xcp(s, b, e, &len) : 0;
    if (b < e && (xis_cjk(c) || c == 0x201C || xis_alpha(c)) && !xat_any(s, b, e, METRIC_CUT)) {
        /* 32个功能完备的零工市场: the noun after the measure word */
        for (p = b; p < e; p += len) {
            if (xat_any(s, p, e, METRIC_CUT))
                break;
            xcp(s, p, e, &len);
        }
        e = p;
        for (p = b; p < e; p += len) {
            if (xat(s, p, e, "的") && p + 3 < e)
                b = p + 3;
            xcp(s, p, e, &len);
        }
        x->mb = b;
        x->me = e;
        return;
    }
    /* 城镇新增就业47万人: the words before the number */
    b = x->tb;
    e = x->q.b;
    if (xat(s, b, e, "在")) {
        /* 在14个地(州、市)…实施X: the locative phrase goes */
        for (p = b; p < e; p += len) {
            if (xat_any(s, p, e, METRIC_VERB)) {
                b = p;
                break;
            }
            xcp(s, p, e, &len);
        }
    }
    for (k = 0; k < 8; k++) {
        if ((n = xat_any(s, b, e, METRIC_LEAD)) > 0 || (n = xat_any(s, b, e, METRIC_VERB)) > 0)
            b += n;
        else if (b + 7 <= e && xis_digit((unsigned char)s[b]) && xat(s, b + 4, e, "年"))
            b += 7;
        else
            break;
    }
    for (k = 0; k < 4; k++) {
        size_t m;
        int cut = 0;
        for (m = 0; m < SS_ARRAY_LEN(PRE_OPS); m++)
            if ((n = xbefore(s, b, e, PRE_OPS[m].w))) {
                e -= n;
                cut = 1;
                break;
            }
        for (m = 0; !cut && METRIC_TAIL[m]; m++)
            if ((n = xbefore(s, b, e, METRIC_TAIL[m]))) {
                e -= n;
                cut = 1;
            }
        if (!cut)
            break;
    }
    x->mb = b;
    x->me = e > b ? e : b;
}

/* 1 if a breakdown word at i can refer to a total ending at from: a few
 * words apart, at most one sentence end between. */
static int near_enough(const char *s, size_t from, size_t i)
{
    size_t p, len, chars = 0, ends = 0;

    for (p = from; p < i; p += len) {
        uint32_t c = xcp(s, p, i, &len);
        ends += c == 0x3002 || c == ';' || c == '\n';
        chars++;
    }
    return chars <= 16 && ends <= 1;
}

void ss_xtargets_find(const char *s, size_t b, size_t e, struct xtgts *out)
{
    size_t i = b, first = out->n, len;
    long parent = -1;
    int in_paren = 0, semi = 0;

    while (i < e) {
        uint32_t c = xcp(s, i, e, &len);
        struct xqty q;
        size_t n;

        if ((n = xat(s, i, e, "其中")) || (n = xat(s, i, e, "(含"))) {
            /* the parts of the target just stated (in this sentence or
             * the one before, a few words back) */
            parent = -1;
            semi = 0;
            in_paren = s[i] == '(';
            if (out->n > first && near_enough(s, out->v[out->n - 1].q.e, i))
                parent = (long)(out->n - 1 - first);
            i += n;
            continue;
        }
        if (c == 0x3002 || c == '\n' || (c == ')' && in_paren)) {
            parent = -1;
            in_paren = 0;
        }
        if (c == ';')
            semi = 1;
        if (ss_xnum_starts(s, i, e)) {
            size_t pl;
            uint32_t pc = i > b ? xcp(s, xprev(s, b, i), i, &pl) : 0;
            int chinese = !xis_digit(c);
            int blocked =
                xis_digit(pc) || (chinese && i > b && is_cn_numeral_char(s, xprev(s, b, i), i));
            if (blocked) {
                i += len;
                continue;
            }
            if (ss_xqty_read(s, i, e, &q)) {
                size_t cb = clause_start(s, b, q.b), ce = clause_end(s, q.e, e);
                const char *op = q.post_op == 1 ? ">=" : q.post_op == 2 ? "<=" : NULL;
                if (!op && q.approx)
                    op = ">=";
                if (!op)
                    op = pre_op(s, cb, q.b);
                if (is_target(s, b, e, cb, ce, &q, op)) {
                    struct xtgt x;
                    memset(&x, 0, sizeof x);
                    x.q = q;
                    x.cb = x.tb = cb;
                    x.te = ce;
                    memcpy(x.op, op ? op : "=", strlen(op ? op : "=") + 1);
                    x.unit = unit_text(s, cb, &q);
                    /* past a ；the breakdown goes on only in the total's unit
                     * (其中：A 2个、B 3个；每千人口…3.2人 is a new target) */
                    if (parent >= 0 && semi &&
                        strcmp(x.unit, out->v[first + (size_t)parent].unit) != 0)
                        parent = -1;
                    x.parent = parent;
                    push(out, &x);
                    i = q.e > i ? q.e : i + len;
                    continue;
                }
            }
            n = q.ne > i ? q.ne : i + len;
            i = n;
            continue;
        }
        i += len;
    }
    cut_texts(s, out, first);
    for (i = first; i < out->n; i++)
        find_metric(s, &out->v[i]);
}

size_t ss_xtargets_count(const char *s, size_t b, size_t e)
{
    struct xtgts t;
    size_t n;

    memset(&t, 0, sizeof t);
    ss_xtargets_find(s, b, e, &t);
    n = t.n;
    ss_xtgts_cleanup(&t);
    return n;
}
