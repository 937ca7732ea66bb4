/*
 * numbers.c - reading one quantity as Chinese official texts write it.
 *
 *   quantity := numeral [余|多] [multiplier] [余|多] [unit] [post-op]
 *   numeral  := 47 | 2.4 | 1,200 | 十五 | 两千 | 三百六十 | 二〇二六
 *   multiplier := 万 | 亿 | 千 | 百 | 千万 | 百万 | 万亿
 *   unit     := a measure word (人 人次 个 户 公里 平方米 元 % ...) or a
 *               duration (分钟 小时 天 个工作日 ...)
 *   post-op  := 以上 | 及以上 | 以下 | 及以下 | 以内 | 之内 | 左右
 *
 * 47万人以上 is 470000 人 >=; 400余万 is 4000000 >= with no unit; 21万多名 is
 * 210000 名 >=; 7.58亿元 is 758000000 元; 百分之十五 is 15 %.
 *
 * This file only reads; whether a quantity is a target is decided by
 * targets.c from its context. A numeral-like run that does not parse as a
 * whole (十四五) is no quantity at all.
 */
#include <math.h>
#include <stdlib.h>

#include "base/util.h"
#include "extract/xint.h"

static const struct {
    const char *ch;
    double v;
} CN_UNIT[] = {{"十", 10}, {"百", 100}, {"千", 1000}, {"万", 1e4}, {"亿", 1e8}};

/* Measure words. Longest match wins, so 人次 beats 人 and 平方米 beats 米. */
static const char *const UNITS[] = {
    "人次", "人", "名", "批次", "剂次", "架次", "车次", "班次", "户次", "台次", "件次", "位", "户",
    "家", "所", "个百分点", "百分点", "个", "场次", "场", "次", "期", "轮", "批", "项", "件", "套",
    "间", "栋", "幢", "座", "处", "条", "张", "台", "辆", "艘", "架", "支", "只", "头", "匹", "棵",
    "株", "亩", "公顷", "平方公里", "平方米", "立方米", "公里", "千米", "延米", "米", "千瓦时",
    "千瓦", "兆瓦", "吨", "公斤", "千克", "元", "块", "份", "册", "盏", "口", "眼", "课时", "学时",
    "笔", "例", "人份", "剂", "斤", "床", "趟", "个点", "微克/立方米", "毫克/升", "%", "‰", "m²",
    "㎡", "km", "部", "把", "双", "根", "盒", "箱", "瓶", "袋", "篇",
    /* rates per population (孕产妇死亡率10/10万): the 万 names the base */
    "/10万", "/100万", "/万", "/千", "/1000", NULL};

/* Durations: a target only with a comparison (控制在15分钟以内). */
static const char *const TIME_UNITS[] = {"分钟", "小时", "天", "个工作日", "工作日",
                                         "个月", "周",   "秒", NULL};

/* Words that follow a unit character but make it another word (支持, 次性). */
static const char *const NOT_AFTER_UNIT[] = {"持", "付", "出", "援", "撑", "性", NULL};
/* 部 is a measure word (电梯1000部) except in 部门, 部分, 部署 … (10部门联合). */
static const char *const NOT_AFTER_BU[] = {"门", "分", "署", "队", "委", "长",
                                           "属", "件", "落", "位", "级", NULL};

/* Called at every character of every item: one decode and a switch, not
 * a dozen string compares. */
static int cn_digit(const char *s, size_t i, size_t end, size_t *len)
{
    size_t n;
    uint32_t c;

    if (i >= end || (unsigned char)s[i] < 0xE3)
        return -1;
    c = xcp(s, i, end, &n);
    *len = n;
    switch (c) {
    case 0x96F6: /* 零 */
    case 0x3007: /* 〇 */
        return 0;
    case 0x4E00: /* 一 */
        return 1;
    case 0x4E8C: /* 二 */
    case 0x4E24: /* 两 */
        return 2;
    case 0x4E09: /* 三 */
        return 3;
    case 0x56DB: /* 四 */
        return 4;
    case 0x4E94: /* 五 */
        return 5;
    case 0x516D: /* 六 */
        return 6;
    case 0x4E03: /* 七 */
        return 7;
    case 0x516B: /* 八 */
        return 8;
    case 0x4E5D: /* 九 */
        return 9;
    default:
        return -1;
    }
}

static double cn_unit(const char *s, size_t i, size_t end, size_t *len)
{
    size_t k, n;

    for (k = 0; k < SS_ARRAY_LEN(CN_UNIT); k++)
        if ((n = xat(s, i, end, CN_UNIT[k].ch)) > 0) {
            *len = n;
            return CN_UNIT[k].v;
        }
    return 0;
}

int ss_xnum_starts(const char *s, size_t i, size_t end)
{
    size_t len;

    if (i >= end)
        return 0;
    if (xis_digit((unsigned char)s[i]))
        return 1;
    return cn_digit(s, i, end, &len) >= 0 || xat(s, i, end, "十") > 0;
}

/* End of the run of numeral characters starting at i. */
static size_t cn_run_end(const char *s, size_t i, size_t end)
{
    size_t len;

    while (i < end) {
        if (cn_digit(s, i, end, &len) >= 0 || cn_unit(s, i, end, &len) > 0)
            i += len;
        else
            break;
    }
    return i;
}

double ss_xnum_chinese(const char *s, size_t b, size_t e)
{
    double total = 0, section = 0, u;
    int digit = -1, units = 0;
    size_t i = b, len;

    /* A string of digits only (二〇二六) is read place by place. */
    for (i = b; i < e; i += len)
        if (cn_digit(s, i, e, &len) < 0) {
            units = 1;
            break;
        }
    if (!units) {
        for (i = b; i < e; i += len)
            total = total * 10 + cn_digit(s, i, e, &len);
        return b < e ? total : -1;
    }
    for (i = b; i < e; i += len) {
        int d = cn_digit(s, i, e, &len);
        if (d >= 0) {
            if (digit > 0)
                return -1; /* 十四五: two digits in a row */
            digit = d;
            continue;
        }
        u = cn_unit(s, i, e, &len);
        if (u <= 0)
            return -1;
        if (u >= 1e4) {
            section += digit > 0 ? digit : 0;
            if (section == 0 && total == 0)
                return -1;
            if (u == 1e4 && total >= 1e8)
                total += section * u; /* 一亿二千万 */
            else
                total = (total + section) * u;
            section = 0;
        } else {
            if (digit < 0 && !(u == 10 && section == 0 && i == b))
                return -1;
            section += (digit < 0 ? 1 : digit) * u;
        }
        digit = -1;
    }
    return total + section + (digit > 0 ? digit : 0);
}

double ss_xnum_tidy(double v)
{
    double r = round(v);

    if (fabs(v - r) <= 1e-7 * fmax(1.0, fabs(v)))
        return r;
    return round(v * 1e6) / 1e6;
}

/* Arabic numeral at i: 1,234.5 ; returns end or i when none. */
static size_t arabic(const char *s, size_t i, size_t end, double *v)
{
    char tmp[40];
    size_t k = 0, j = i, group;

    while (j < end && xis_digit((unsigned char)s[j])) {
        if (k < 30)
            tmp[k++] = s[j];
        j++;
    }
    group = j - i;
    /* thousands separators: 1,200 (1-3 digits, then groups of exactly 3) */
    while (group <= 3 && j + 3 < end + 0 && s[j] == ',' && xis_digit((unsigned char)s[j + 1]) &&
           xis_digit((unsigned char)s[j + 2]) && xis_digit((unsigned char)s[j + 3]) &&
           (j + 4 >= end || !xis_digit((unsigned char)s[j + 4]))) {
        if (k < 30) {
            tmp[k++] = s[j + 1];
            tmp[k++] = s[j + 2];
            tmp[k++] = s[j + 3];
        }
        j += 4;
    }
    if (j + 1 < end && s[j] == '.' && xis_digit((unsigned char)s[j + 1])) {
        if (k < 30)
            tmp[k++] = '.';
        j++;
        while (j < end && xis_digit((unsigned char)s[j])) {
            if (k < 30)
                tmp[k++] = s[j];
            j++;
        }
    }
    tmp[k] = '\0';
    if (k >= 30 || ss_parse_double(tmp, v) != SS_OK)
        *v = -1;
    return j;
}

static size_t approx_word(const char *s, size_t i, size_t end)
{
    size_t n;

    if ((n = xat(s, i, end, "余")) || (n = xat(s, i, end, "多")))
        return n;
    return 0;
}

static double multiplier(const char *s, size_t i, size_t end, size_t *len)
{
    static const struct {
        const char *w;
        double v;
    } M[] = {{"万亿", 1e12}, {"千万", 1e7}, {"百万", 1e6}, {"亿", 1e8},
             {"万", 1e4},    {"千", 1e3},   {"百", 1e2}};
    size_t k;

    for (k = 0; k < SS_ARRAY_LEN(M); k++)
        if ((*len = xat(s, i, end, M[k].w)) > 0)
            return M[k].v;
    *len = 0;
    return 1;
}

/* Characters a unit written out of the list above does not start with
 * (2026年, 3号线, 二级, 10强, 三成) and characters that end a noun of
 * people or places rather than a unit (残疾人, 中小学生, 农户, 县). */
static const char *const NOT_UNIT_FIRST[] = {
    "年", "月", "日", "号", "时", "岁", "级", "倍", "届", "代", "成", "折", "分", "线",
    "路", "楼", "层", "型", "类", "版", "星", "强", "大", "小", "中", "多", "余", "后",
    "前", "内", "外", "上", "下", "万", "亿", "十", "度", "周", "个", "以", "及", "和",
    "等", "的", "是", "在", "为", "至", "到", "余", "左", "了", "将", NULL};
static const char *const NOT_UNIT_LAST[] = {"人", "生", "者", "员", "民", "众", "童", "士",
                                            "属", "户", "工", "娃", "师", "县", "市", "区",
                                            "州", "镇", "乡", "村", "省", "旗", NULL};
/* What may follow a unit: the clause ends, the next item, a comparison. */
static const char *const AFTER_UNIT[] = {"、", "以上", "以下", "以内", "左右", "及",
                                         "和", "等",   "(",    ")",    "。",   NULL};

/* How a compound unit begins (千伏安, 兆帕, 标方, 立方千米): a scale or a
 * physical prefix. */
static const char *const UNIT_PREFIX[] = {"千", "兆", "吉", "万", "标", "蒸", "立方", "平方",
                                          "毫", "微", "公", "延", "亿", "百", NULL};

/* 1 if the character at i is a measure word of one character in UNITS
 * (the 吨 of 蒸吨, the 箱 of 标准箱). */
static int one_char_unit(const char *s, size_t i, size_t end)
{
    size_t k, len;

    xcp(s, i, end, &len);
    for (k = 0; UNITS[k]; k++)
        if (strlen(UNITS[k]) == len && memcmp(s + i, UNITS[k], len) == 0)
            return 1;
    return 0;
}

/* A unit written after the number but not in the lists (120蒸吨, 60万标准箱,
 * 8万千伏安, 1.2万kW): up to three CJK characters or two to six letters
 * that end where the clause or the phrase does; of two or three characters,
 * shaped like a unit: a prefix first or a measure word last (not 120急救,
 * 110报警). Its length, or 0. */
static size_t free_unit(const char *s, size_t i, size_t end)
{
    size_t j = i, n = 0, len, last = i;
    uint32_t c = i < end ? xcp(s, i, end, &len) : 0;

    if (xis_alpha(c)) {
        while (j < end && (xis_alpha((unsigned char)s[j]) || s[j] == '/') && n < 7)
            j++, n++;
        if (n < 2 || n > 6)
            return 0;
    } else {
        if (!xis_cjk(c) || xat_any(s, i, end, NOT_UNIT_FIRST))
            return 0;
        while (j < end && n < 4) {
            c = xcp(s, j, end, &len);
            if (!xis_cjk(c) || xat_any(s, j, end, AFTER_UNIT) || ss_xnum_starts(s, j, end))
                break;
            last = j;
            j += len;
            n++;
        }
        if (n == 0 || n > 3 || (n >= 2 && xat_any(s, last, j, NOT_UNIT_LAST)))
            return 0;
        if (n >= 2 && !xat_any(s, i, j, UNIT_PREFIX) && !one_char_unit(s, last, j))
            return 0;
    }
    if (j < end) {
        c = xcp(s, j, end, &len);
        if (!(xis_clause_end(c) || c == ' ' || xat_any(s, j, end, AFTER_UNIT)))
            return 0;
    }
    return j - i;
}

static size_t unit_at(const char *s, size_t i, size_t end, int *time)
{
    size_t n = xat_any(s, i, end, UNITS), t = xat_any(s, i, end, TIME_UNITS);

    *time = 0;
    if (t > n) {
        *time = 1;
        n = t;
    }
    if (n && xat_any(s, i + n, end, NOT_AFTER_UNIT) &&
        (xat(s, i, end, "支") || xat(s, i, end, "次")))
        return 0;
    if (n && xat(s, i, end, "部") && xat_any(s, i + n, end, NOT_AFTER_BU))
        return 0;
    return n;
}

int ss_xqty_read(const char *s, size_t i, size_t end, struct xqty *q)
{
    size_t j, n, run;
    double v, m;
    int time;

    memset(q, 0, sizeof *q);
    q->b = q->nb = i;
    if (i >= end)
        return 0;
    if (xis_digit((unsigned char)s[i])) {
        j = arabic(s, i, end, &v);
        q->ne = j;
        if (v < 0)
            return 0;
    } else {
        run = cn_run_end(s, i, end);
        q->ne = run;
        if (run == i)
            return 0;
        /* a trailing 万/亿 is read as the multiplier (when nothing bigger
         * comes before it), so 三十余万 and 三十万 go the same way */
        j = run;
        {
            size_t p = xprev(s, i, j);
            if (p > i && cn_unit(s, p, j, &n) >= 1e4 && !xhas(s, i, p, "万") &&
                !xhas(s, i, p, "亿"))
                j = p;
        }
        v = ss_xnum_chinese(s, i, j);
        if (v < 0)
            return 0;
        q->chinese = 1;
        q->single_yi = xat(s, i, j, "一") == j - i;
        q->mult = xhas(s, i, j, "万") || xhas(s, i, j, "亿");
        q->ne = j;
    }
    if (xbefore(s, 0, i, "百分之")) {
        q->b = i - strlen("百分之");
        q->percent = 1;
        q->value = v;
        q->ub = q->ue = j;
        q->e = j;
        goto post;
    }
    while (j < end && s[j] == ' ')
        j++;
    if ((n = approx_word(s, j, end))) {
        q->approx = 1;
        j += n;
    }
    if (!unit_at(s, j, end, &time)) {
        m = multiplier(s, j, end, &n);
        if (n) {
            v *= m;
            j += n;
            q->mult = q->mult || m >= 1e4;
            if ((n = approx_word(s, j, end))) {
                q->approx = 1;
                j += n;
            }
        }
    }
    q->value = ss_xnum_tidy(v);
    q->ub = q->ue = j;
    if ((n = unit_at(s, j, end, &time)) > 0) {
        int t2;
        /* 元/人, 元/月: a rate's unit goes on after the slash */
        if (j + n < end && s[j + n] == '/') {
            static const char *const PER[] = {"人", "月", "年", "天", "日", "次", "户", "亩", NULL};
            size_t per = unit_at(s, j + n + 1, end, &t2);
            if (!per)
                per = xat_any(s, j + n + 1, end, PER);
            if (per)
                n += 1 + per;
        }
        q->ue = j + n;
        q->time_unit = time;
        q->percent = xat(s, j, end, "%") || xat(s, j, end, "‰");
        j += n;
    } else if (!q->chinese && q->ne - q->nb < 5 + (size_t)(q->mult || xhas(s, q->nb, q->ne, "."))) {
        /* not a hotline (12345热线): a short figure, or one multiplied out */
        if ((n = free_unit(s, j, end)) > 0) {
            q->ue = j + n;
            q->free_unit = 1;
            j += n;
        }
    }
    q->e = j;
post:
    j = q->e;
    if ((n = xat(s, j, end, "及以上")) || (n = xat(s, j, end, "以上")))
        q->post_op = 1;
    else if ((n = xat(s, j, end, "及以下")) || (n = xat(s, j, end, "以下")) ||
             (n = xat(s, j, end, "以内")) || (n = xat(s, j, end, "之内")))
        q->post_op = 2;
    else if ((n = xat(s, j, end, "左右")))
        q->post_op = 0;
    q->e = j + n;
    return 1;
}
