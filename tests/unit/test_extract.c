/*
 * test_extract.c - src/extract: numerals, quantities, and every target rule
 * and exclusion on small texts written for the purpose (none taken from the
 * seed announcement). Each case is one item of a two-item list; the expected
 * targets of item 1 are written "value unit op[^parent]" joined by "; ".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "extract/extract.h"
#include "extract/xint.h"

/* ---- numerals ---- */

static double cn(const char *s)
{
    return ss_xnum_chinese(s, 0, strlen(s));
}

static void test_chinese_numerals(void **state)
{
    (void)state;
    assert_true(cn("十五") == 15);
    assert_true(cn("两千") == 2000);
    assert_true(cn("三百六十") == 360);
    assert_true(cn("一百零五") == 105);
    assert_true(cn("二十") == 20);
    assert_true(cn("一万二千") == 12000);
    assert_true(cn("二〇二六") == 2026);
    assert_true(cn("十四五") < 0);
    assert_true(cn("十十") < 0);
}

static void qty(const char *s, double value, const char *unit, int approx, int post_op)
{
    struct xqty q;
    size_t n = strlen(s);

    assert_int_equal(ss_xqty_read(s, 0, n, &q), 1);
    if (q.value != value)
        fail_msg("%s: value %g, want %g", s, q.value, value);
    if (strlen(unit) != q.ue - q.ub || memcmp(s + q.ub, unit, q.ue - q.ub) != 0)
        fail_msg("%s: unit '%.*s', want '%s'", s, (int)(q.ue - q.ub), s + q.ub, unit);
    assert_int_equal(q.approx, approx);
    assert_int_equal(q.post_op, post_op);
}

static void test_quantities(void **state)
{
    (void)state;
    qty("47万人以上", 470000, "人", 0, 1);
    qty("400余万", 4000000, "", 1, 0);
    qty("21万多名", 210000, "名", 1, 0);
    qty("7.58亿元", 758000000, "元", 0, 0);
    qty("3011万平方米", 30110000, "平方米", 0, 0);
    qty("4.2万人次", 42000, "人次", 0, 0);
    qty("1,200个", 1200, "个", 0, 0);
    qty("5千米", 5, "千米", 0, 0);
    qty("5千人", 5000, "人", 0, 0);
    qty("三十余万", 300000, "", 1, 0);
    qty("两千个以内", 2000, "个", 0, 2);
    qty("12分钟以内", 12, "分钟", 0, 2);
    qty("95%以上", 95, "%", 0, 1);
    qty("200元/人", 200, "元/人", 0, 0);
    qty("一千二百场", 1200, "场", 0, 0);
}

/* ---- targets in context ---- */

static char *targets_of_item1(const char *item)
{
    struct ss_buf text, out;
    struct ss_xplan *p = NULL;
    struct ss_err err;
    size_t i;

    ss_buf_init(&text, 1 << 20);
    ss_buf_printf(&text, "关于发布2025年民生实事的公告\n1.%s\n2.新建公园1个。\n特此公告。\n", item);
    assert_int_equal(ss_extract(text.data, text.len, &p, &err), 0);
    ss_buf_init(&out, 1 << 16);
    if (p->nprojects >= 1 && p->projects[0].no == 1) {
        const struct ss_xproject *pr = &p->projects[0];
        for (i = 0; i < pr->ntargets; i++) {
            const struct ss_xtarget *t = &pr->targets[i];
            ss_buf_printf(&out, "%s", i ? "; " : "");
            ss_buf_num(&out, t->value, 6);
            ss_buf_printf(&out, " %s %s", t->unit, t->op);
            if (t->parent >= 0)
                ss_buf_printf(&out, "^%ld", t->parent);
        }
    }
    ss_xplan_free(p);
    ss_buf_cleanup(&text);
    {
        size_t n;
        char *r = ss_buf_detach(&out, &n);
        return r ? r : ss_xstrdup("");
    }
}

struct tcase {
    const char *item, *want;
};

static const struct tcase CASES[] = {
    /* numbers */
    {"全年新增城镇就业８万人以上。", "80000 人 >="},
    {"建成社区食堂十五个，培训护理员两千人。", "15 个 =; 2000 人 ="},
    {"改造燃气管道三百六十公里。", "360 公里 ="},
    {"新增绿地1.2万平方米，筹集资金7.58亿元。", "12000 平方米 =; 758000000 元 ="},
    {"开展培训4.2万人次。", "42000 人次 ="},
    {"城镇调查失业率控制在5.5%以内。", "5.5 % <="},
    {"居民医保参保率达到百分之九十五。", "95 % ="},
    /* op words */
    {"举办招聘会不少于100场，提供岗位至少5000个，服务超过3万人。",
     "100 场 >=; 5000 个 >=; 30000 人 >="},
    {"为21万多名老年人体检，为400余万学生筛查。", "210000 名 >=; 4000000 人 >="},
    {"力争新增市场主体1万户以上。", "10000 户 >="},
    {"平均候诊时间不超过30分钟，办件时限控制在3个工作日以内。", "30 分钟 <=; 3 个工作日 <="},
    {"空气质量超标天数控制在20天以下。", "20 天 <="},
    {"基本养老保险参保率稳定在95%左右。", "95 % ="},
    /* several targets in a sentence, breakdowns */
    {"新增承诺单位500家、示范企业180家及示范街区12条。", "500 家 =; 180 家 =; 12 条 ="},
    {"改造管网900公里，其中:供热管网300公里、供水管网600公里。",
     "900 公里 =; 300 公里 =^0; 600 公里 =^0"},
    {"新增学位2万个，其中公办学位1.5万个。", "20000 个 =; 15000 个 =^0"},
    /* not targets: ages, grades, scope, per-unit, policy, names, counts */
    {"为3周岁以下婴幼儿家庭发放补贴，惠及1.5万户。", "15000 户 ="},
    {"为3000名0—14岁残疾儿童提供康复服务。", "3000 名 ="},
    {"为65岁及以上老年人免费体检20万人。", "200000 人 ="},
    {"二级以上医院全部接入平台，三级及以上公路通达率100%。", "100 % ="},
    {"面向4年级及以上学生开展1次监测。", "1 次 ="},
    {"在12个市(州)80个县(市、区)实施供水工程维修150处。", "150 处 ="},
    {"在5个县开展试点，建设示范村20个。", "20 个 ="},
    {"为困难家庭每户安装1个报警器，每个县至少建成1家中心。", ""},
    {"对个人消费贷款给予本金1%的贴息，安排3%配套资金。", ""},
    {"新增10%的招生计划。", "10 % ="},
    {"学习贯彻二十大精神，落实十届十五次全会部署，办好十件民生实事。", ""},
    {"开展“双百”行动和“一件事一次办”改革，建设“15分钟生活圈”30个。", "30 个 ="},
    {"2025年完成第三批改造任务，新建5G基站1万个。", "10000 个 ="},
    {"创建4A级景区3个，开通12345热线分中心2个。", "3 个 =; 2 个 ="},
    {"落实“十四五”规划，实行一户一档，建立一批示范点。", ""},
    {"每千人口拥有托位数达到4.5个。", "4.5 个 ="},
    {"为6个月以下婴儿接种疫苗，PM2.5浓度控制在30微克/立方米以内。", "30 微克/立方米 <="},
    {"惠及30万残疾人，巩固提升95万农村居民供水保障水平。", "300000 人 =; 950000 人 ="},
    {"投入补助资金1.5亿，开展一次性补贴发放。", "150000000 元 ="},
    {"实现全覆盖。", ""},
    {"粮食产量稳定在600亿斤以上。", "60000000000 斤 >="},
    {"推行“最多跑一次”，实现一次办好，建设一批示范点。", ""},
    {"实施“粤菜师傅”“南粤家政”两项工程，开展甲、乙等三个专项行动，培训3万人次。", "30000 人次 ="},
    {"惠及数十万群众，新增就业逾2万人。", "20000 人 >="},
    {"企业开办时间压缩至1个工作日，不动产登记缩短到3个工作日以内。", "1 个工作日 =; 3 个工作日 <="},
    {"建设保障房1万套(含公租房2000套)，改造管网50公里。", "10000 套 =; 2000 套 =^0; 50 公里 ="},
    {"新建学校10所。改造道路网络，推进城市更新和片区综合整治，其中雨水管网20公里。",
     "10 所 =; 20 公里 ="},
    {"改造管网900公里。其中，供热管网300公里。", "900 公里 =; 300 公里 =^0"},
    /* letters glued to the number, units read from the text after it */
    {"在车站配备AED40台，新增5G基站300个。", "40 台 =; 300 个 ="},
    {"淘汰燃煤锅炉65蒸吨，港口吞吐量达到30万标准箱。", "65 蒸吨 =; 300000 标准箱 ="},
    {"新增变电容量5万千伏安，新增装机2.5万kW。", "50000 千伏安 =; 25000 kW ="},
    {"开通地铁3号线，拨打12345热线，落实2026年任务。", ""},
    {"落实120急救，拨打110报警，新增储气能力3万标方。", "30000 标方 ="},
    /* numeral-led place names */
    {"在五台县、三座塔乡新建学校2所。", "2 所 ="},
    {"全市十二个区县全部通达，三所乡镇学校完成改造。", "3 所 ="},
    /* standards, pools, the list's own count */
    {"低保标准由600元提高到700元，补贴由500元/月提高至650元/月。", ""},
    {"养老金最低标准提高到200元，惠及老人800名。", "800 名 ="},
    {"从20件候选项目中确定十个民生实事项目。", ""},
    {"日处理能力每日300吨。", "300 吨 ="},
    {"新增学位约2400个。", "2400 个 ="},
    {"坚持三个原则:一是群众点单，二是人大票决，建设驿站5个。", "5 个 ="},
};

static void test_target_rules(void **state)
{
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(CASES); i++) {
        char *got = targets_of_item1(CASES[i].item);
        if (strcmp(got, CASES[i].want) != 0) {
            print_error("case %zu: %s\n   got:  %s\n   want: %s\n", i, CASES[i].item, got,
                        CASES[i].want);
            bad++;
        }
        free(got);
    }
    assert_int_equal(bad, 0);
}

/* ---- plans ---- */

static struct ss_xplan *extract(const char *s)
{
    struct ss_xplan *p = NULL;
    struct ss_err err;

    assert_int_equal(ss_extract(s, strlen(s), &p, &err), 0);
    return p;
}

static void test_headings(void **state)
{
    static const char *const LISTS[] = {
        "一、就业帮扶。新增就业1万人。\n二、教育提质。新建学校2所。\n",
        "（一）就业帮扶。新增就业1万人。\n（二）教育提质。新建学校2所。\n",
        "(1)就业帮扶。新增就业1万人。\n(2)教育提质。新建学校2所。\n",
        "第一件：就业帮扶。新增就业1万人。\n第二件：教育提质。新建学校2所。\n",
        "一是就业帮扶。新增就业1万人；二是教育提质。新建学校2所。\n",
        "1、就业帮扶。新增就业1万人。\n2、教育提质。新建学校2所。\n",
        "①就业帮扶。新增就业1万人。\n②教育提质。新建学校2所。\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(LISTS); i++) {
        struct ss_buf b;
        struct ss_xplan *p;
        ss_buf_init(&b, 4096);
        ss_buf_printf(&b, "某市人民政府关于2025年两件民生实事的公告\n%s特此公告。\n", LISTS[i]);
        p = extract(b.data);
        if (p->nprojects != 2)
            fail_msg("list %zu: %zu projects", i, p->nprojects);
        assert_int_equal(p->projects[0].no, 1);
        assert_int_equal(p->projects[1].no, 2);
        assert_string_equal(p->projects[0].title, "就业帮扶");
        assert_string_equal(p->projects[1].title, "教育提质");
        assert_true(p->projects[0].ntargets == 1 && p->projects[0].targets[0].value == 10000);
        assert_true(p->projects[1].ntargets == 1 && p->projects[1].targets[0].value == 2);
        ss_xplan_free(p);
        ss_buf_cleanup(&b);
    }
}

static void test_plan_metadata(void **state)
{
    struct ss_xplan *p;

    (void)state;
    p = extract("网站首页 > 通知公告\n"
                "北岭省人民政府关于发布北岭省2025年十件民生实事的公告\n"
                "经研究决定，2025年实施以下民生实事：\n"
                "1.新建幼儿园10所。\n2.新增床位500张。\n"
                "省政府将对以上民生实事跟踪督办。\n特此公告。\n\n北岭省人民政府\n"
                "2025年1月9日\n相关推荐\n3.某地发生交通事故2起\n");
    assert_string_equal(p->title, "北岭省2025年十件民生实事");
    assert_string_equal(p->issuer, "北岭省人民政府");
    assert_string_equal(p->published, "2025-01-09");
    assert_int_equal(p->year, 2025);
    assert_int_equal(p->nprojects, 2);
    ss_xplan_free(p);

    p = extract("某县人民政府关于2025年民生实事的通知\n1.新建公厕5座。\n2.硬化道路3公里。\n"
                "某县人民政府\n二〇二五年三月一日\n");
    assert_string_equal(p->published, "2025-03-01");
    assert_string_equal(p->issuer, "某县人民政府");
    ss_xplan_free(p);
}

static void test_sections(void **state)
{
    struct ss_xplan *p;

    (void)state;
    /* the list is section 二 of a longer document; section 三 follows */
    p = extract("某省人民政府关于印发2025年民生实事实施方案的通知\n"
                "一、总体要求\n坚持以人民为中心，办好3件民生实事。\n"
                "二、民生实事项目\n（一）新建幼儿园10所。\n（二）新增床位500张。\n"
                "（三）改造管网20公里。\n三、保障措施\n（一）加强组织领导。建立2个专班。\n"
                "（二）强化资金保障。\n");
    assert_int_equal(p->nprojects, 3);
    assert_int_equal(p->projects[2].ntargets, 1);
    assert_true(p->projects[2].targets[0].value == 20);
    assert_string_equal(p->title, "2025年民生实事实施方案");
    ss_xplan_free(p);
}

static void test_unnumbered(void **state)
{
    struct ss_xplan *p;

    (void)state;
    p = extract("某镇2025年民生实事\n确定2025年为民办实事如下：新建广场1个；修复道路5公里；"
                "新增路灯200盏。\n");
    assert_int_equal(p->nprojects, 3);
    assert_string_equal(p->projects[2].title, "新增路灯200盏");
    assert_true(p->projects[1].targets[0].value == 5);
    ss_xplan_free(p);

    p = extract("某县2025年民生实事项目\n办好以下民生实事：\n新建幼儿园2所\n改造危房120户\n"
                "完善排水设施\n某县人民政府\n2025年3月1日\n");
    assert_int_equal(p->nprojects, 3);
    assert_int_equal(p->projects[2].ntargets, 0);
    assert_string_equal(p->published, "2025-03-01");
    ss_xplan_free(p);
}

static void test_encodings(void **state)
{
    /* "关于2025年民生实事的公告\n1.新建学校２所。\n2.新增床位5张。\n" in GB18030 */
    static const char GB[] =
        "\xb9\xd8\xd3\xda"
        "2025"
        "\xc4\xea\xc3\xf1\xc9\xfa\xca\xb5\xca\xc2\xb5\xc4\xb9\xab"
        "\xb8\xe6\n1.\xd0\xc2\xbd\xa8\xd1\xa7\xd0\xa3\xa3\xb2\xcb\xf9\xa1\xa3\n2."
        "\xd0\xc2\xd4\xf6\xb4\xb2\xce\xbb"
        "5"
        "\xd5\xc5\xa1\xa3\n";
    struct ss_xplan *p = NULL;
    struct ss_err err;

    (void)state;
    assert_int_equal(ss_extract(GB, sizeof GB - 1, &p, &err), 0);
    assert_int_equal(p->nprojects, 2);
    assert_true(p->projects[0].targets[0].value == 2);
    assert_string_equal(p->projects[0].targets[0].unit, "所");
    assert_string_equal(p->title, "2025年民生实事");
    ss_xplan_free(p);

    assert_int_equal(ss_extract("abc\0def", 7, &p, &err), SS_EINVAL);
    assert_null(p);
    assert_non_null(strstr(err.msg, "NUL"));
    assert_int_equal(ss_extract("abc \x80\x80\xff\xfe x \xff", 13, &p, &err), SS_EINVAL);
    assert_null(p);
}

/* Traditional script: read in simplified, strings in simplified, spans
 * into the text as written; no list: every paragraph, flagged; the
 * numbers left out are listed. */
static void test_script_spans_fallback(void **state)
{
    static const char T[] = "某縣今年辦好一批實事\n\n縣裡將新建學校３所，惠及學生1200名。\n"
                            "全縣十二個鄉鎮將實現寬帶覆蓋，改造危房80戶。\n";
    struct ss_xplan *p = extract(T);
    const struct ss_xtarget *t;

    (void)state;
    assert_int_equal(p->converted, 1);
    assert_int_equal(p->fallback, 1);
    assert_int_equal(p->nprojects, 2);
    assert_int_equal(p->nsource, strlen(T));
    assert_memory_equal(p->source, T, p->nsource);
    t = &p->projects[0].targets[0];
    assert_string_equal(t->text, "县里将新建学校３所");
    assert_true(t->value == 3);
    assert_string_equal(t->unit, "所");
    assert_int_equal(t->src_e - t->src_b, strlen("縣裡將新建學校３所"));
    assert_memory_equal(p->source + t->src_b, "縣裡將新建學校３所", t->src_e - t->src_b);
    t = &p->projects[1].targets[0];
    assert_memory_equal(p->source + t->src_b, "改造危房80戶", t->src_e - t->src_b);
    assert_memory_equal(p->source + p->projects[1].title_b, "全縣", 6);
    assert_int_equal(p->nnumbers, 1); /* 十二個 (places), not a target */
    assert_true(p->numbers[0].value == 12);
    assert_int_equal(p->numbers[0].project, 1);
    assert_memory_equal(p->source + p->numbers[0].src_b, "十二個",
                        p->numbers[0].src_e - p->numbers[0].src_b);
    ss_xplan_free(p);

    p = extract("某镇2025年民生实事\n确定2025年为民办实事如下：新建广场1个；修复道路5公里。\n");
    assert_int_equal(p->converted, 0);
    assert_int_equal(p->fallback, 0);
    ss_xplan_free(p);
}

static void test_empty_and_json(void **state)
{
    struct ss_xplan *p;
    struct ss_buf b;
    struct ss_json j;

    (void)state;
    p = extract("关于做好安全工作的通知\n请各单位加强值班。\n");
    assert_int_equal(p->nprojects, 0);
    assert_true(p->nwarnings >= 1);
    ss_buf_init(&b, 1 << 16);
    ss_json_init(&j, &b, 0);
    ss_xplan_json(p, &j);
    assert_int_equal(b.err, 0);
    assert_non_null(strstr(b.data, "\"projects\":[]"));
    ss_buf_cleanup(&b);
    ss_xplan_free(p);

    p = extract("");
    assert_int_equal(p->nprojects, 0);
    ss_xplan_free(p);

    p = extract("关于2025年民生实事的公告\n1.新增就业1万人以上，其中困难人员2000人。\n"
                "2.新建公园1个。\n");
    ss_buf_init(&b, 1 << 16);
    ss_json_init(&j, &b, 0);
    ss_xplan_json(p, &j);
    assert_non_null(strstr(b.data, "\"value\":10000,\"unit\":\"人\",\"op\":\">=\"}"));
    assert_non_null(strstr(b.data, "\"value\":2000,\"unit\":\"人\",\"op\":\"=\",\"parent\":0}"));
    ss_buf_cleanup(&b);
    ss_xplan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_numerals), cmocka_unit_test(test_quantities),
        cmocka_unit_test(test_target_rules),     cmocka_unit_test(test_headings),
        cmocka_unit_test(test_plan_metadata),    cmocka_unit_test(test_unnumbered),
        cmocka_unit_test(test_encodings),        cmocka_unit_test(test_empty_and_json),
        cmocka_unit_test(test_sections),         cmocka_unit_test(test_script_spans_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
