"""SPEC A-04: the company's starter checklists per area (editable data; seed 002 §8, seed 004 §A)."""

from django.db import migrations

# area, name, [(item, weight, max score)]
CHECKLISTS = [
    ("cs", "客服服务巡检表", [("前台接待仪容仪表、礼貌用语", 1, 10), ("报事单登记、派工、回访记录完整", 2, 10),
                         ("公告栏信息及时、整洁", 1, 10), ("片区业主认知（姓名与房号）", 1, 10)]),
    ("cleaning", "保洁质量巡检表", [("楼道、梯间地面无垃圾、无污渍", 2, 10), ("电梯轿厢干净无异味", 1, 10),
                                 ("垃圾桶定时清运、外观清洁", 1, 10), ("公共玻璃、扶手无积尘", 1, 10)]),
    ("greening", "绿化养护巡检表", [("草坪修剪整齐、无杂草", 1, 10), ("乔灌木无病虫害、无枯枝", 1, 10),
                                 ("绿地内无垃圾、无踩踏", 1, 10)]),
    ("security", "秩序维护巡检表", [("岗位人员在岗、着装规范", 1, 10), ("来访登记、车辆停放有序", 2, 10),
                                 ("消防通道畅通、消防设施完好", 2, 10)]),
    ("engineering", "维修及设施巡检表", [("公共照明完好", 1, 10), ("给排水无跑冒滴漏", 2, 10),
                                    ("门禁、对讲、电梯运行正常", 2, 10), ("设备房整洁、记录齐全", 1, 10)]),
]


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for area, name, items in CHECKLISTS:
        template, created = Template.objects.get_or_create(name=name, defaults={"area": area})
        if not created:
            continue
        for i, (text, weight, top) in enumerate(items, start=1):
            Item.objects.create(template=template, position=i, text=text, weight=weight, max_score=top)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
