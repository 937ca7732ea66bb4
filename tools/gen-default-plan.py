#!/usr/bin/env python3
"""Generate data/embed/plan-default.json, the plan `shishi init` installs.

usage: tools/gen-default-plan.py TRUTH.json > data/embed/plan-default.json

The targets (text, metric, value, unit, op, parent) come from the labelled
truth file of the seed announcement (shared/truth/). This script adds what
the announcement implies but does not label:
  - kind: rate / change / amount / count, by unit and wording;
  - the responsible department, where the subject makes it plain
    (jobs -> human resources and social security ...); "unknown" otherwise;
  - a construction-season profile for works measured in km, bridges and
    sites, which in this region are built from April to October;
  - the plan period (the calendar year) and the issuing unit (code 65).
Run it again after the truth file changes; the output is committed.
"""
import json
import re
import sys

P = "自治区"
LEAD = {  # project no -> lead department implied by the subject
    1: P + "人力资源和社会保障厅", 2: P + "民政厅", 3: P + "卫生健康委员会",
    4: P + "教育厅", 5: P + "残疾人联合会", 6: P + "住房和城乡建设厅",
    7: P + "市场监督管理局", 8: P + "卫生健康委员会",
    9: None,  # science, culture and sport: three departments, none named
    10: None,  # rural water and roads: two departments, none named
}
# (project, words in the target's text) -> department, where the target
# itself names its field more precisely than the project does.
TARGET_DEPT = [
    (1, "退役军人", P + "退役军人事务厅"),
    (1, "提供就业岗位", P + "退役军人事务厅"),
    (8, "红十字", P + "红十字会"),
    (8, "应急救护", P + "红十字会"),
    (8, "医保影像云", P + "医疗保障局"),
    (8, "优抚", P + "退役军人事务厅"),
    (9, "科技特派员", P + "科学技术厅"),
    (9, "农牧民", P + "科学技术厅"),
    (9, "科普", P + "科学技术协会"),
    (9, "体育", P + "体育局"),
    (9, "赛事", P + "体育局"),
    (10, "供水", P + "水利厅"),
    (10, "公路", P + "交通运输厅"),
    (10, "充电设施", P + "交通运输厅"),
]
# Cumulative share due by the end of each month for outdoor works.
SEASON = [0, 0, 0.02, 0.08, 0.2, 0.35, 0.5, 0.65, 0.8, 0.93, 1, 1]


def kind(t):
    if t["unit"] == "%":
        return "change" if re.search("较上年|增加|增长|新增|提高|下降|减少", t["text"]) else "rate"
    if t["unit"].endswith("元"):
        return "amount"
    return "count"


def main():
    truth = json.load(open(sys.argv[1], encoding="utf-8"))
    plan = dict(truth["plan"])
    year = plan["year"]
    plan.update({"period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
                 "top_org": "65", "yellow_pp": 10, "red_pp": 30})
    projects = []
    for p in truth["projects"]:
        lead = LEAD.get(p["no"])
        targets = []
        for t in p["targets"]:
            o = {k: t[k] for k in ("text", "metric", "value", "unit", "op")}
            if "parent" in t:
                o["parent"] = t["parent"]
            o["kind"] = kind(t)
            dept = lead
            for no, words, d in TARGET_DEPT:
                if no == p["no"] and words in t["text"]:
                    dept = d
                    break
            if dept:
                o["dept"] = dept
            if t["unit"] in ("公里", "座", "处"):
                o["profile"] = SEASON
            targets.append(o)
        projects.append({"no": p["no"], "title": p["title"],
                         "lead_dept": lead or "unknown", "targets": targets})
    json.dump({"plan": plan, "projects": projects}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
