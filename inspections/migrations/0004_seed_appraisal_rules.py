"""Seed 002 §8(三) 各专业部门员工月度考评分组成, as the company table (A-05). Editable data; a site's
own rows for a post replace these."""

from django.db import migrations

# post: [(part, weight %)]; columns of the seed: 员工自检 / 片区小组自检评分 / 主管级评分 / 主任级评分,
# and for the department supervisors the CS supervisor's 5 % from the zone ranking and 5 % from the
# public-area inspection (§8(一), §8(二)).
COMPOSITION = {
    "cs_supervisor": [("self", 50), ("director", 50)],  # 客户主管: 自检 50 % + 管理处主任 50 %
    "front_desk": [("self", 50), ("supervisor", 50)],  # 前台接待员: 自检 50 % + 客服主管 50 %
    "zone_staff": [("self", 50), ("supervisor", 50)],  # 片区客户人员: 自检 50 % + 客服主管 50 %
    "dept_supervisor": [("self", 50), ("ranking", 5), ("inspection", 5), ("director", 40)],  # 协管队长/工程主管/环境主管
    "team_leader": [("self", 50), ("supervisor", 50)],  # 各班长: 自检 50 % + 部门主管 50 %
    "dept_staff": [("zone_team", 30), ("supervisor", 70)],  # 员工: 片区小组 30 % + 部门主管 70 %
}


def seed(apps, schema_editor):
    Rule = apps.get_model("inspections", "AppraisalRule")
    if Rule.objects.filter(site__isnull=True).exists():
        return
    for post, parts in COMPOSITION.items():
        for part, weight in parts:
            Rule.objects.create(site=None, post=post, part=part, weight=weight)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_assessmentmonth_appraisal_locked_at_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
