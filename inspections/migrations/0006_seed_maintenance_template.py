"""Seed 004 §5B 房屋年度养护计划 as the company template (SPEC O-05). Editable data."""

from django.db import migrations

# item, cadence, due month (half-yearly: the first of the two months; before the rainy season: unused)
LINES = [
    ("房屋基础及承重结构检查", "yearly", 3),
    ("外墙清洗，较大面积渗漏局部翻新", "two_years", 10),
    ("住户外窗台密封维护检查", "before_rainy", 4),
    ("避雷网刷油漆防锈", "yearly", 4),
    ("疏通屋面雨水口", "half_yearly", 4),
    ("屋面防水层检修，翻新更换老化部分", "yearly", 3),
    ("消防箱油漆，消防带晾晒", "yearly", 9),
    ("消防疏散设施维护", "yearly", 11),
    ("公共地面维护，补换损坏或空鼓地砖", "half_yearly", 6),
    ("通道门厅、楼梯间墙壁天棚及扶手栏杆刷新", "two_years", 8),
    ("通道门厅、楼梯间墙面铲除抹灰翻新", "three_years", 8),
    ("屋面出烟口盖板及防护罩维护", "yearly", 10),
    ("上下水管道刷油漆", "yearly", 5),
    ("上下水管道检修，紧固管道固定码", "yearly", 11),
    ("雨水口检查，更换不合格部分", "before_rainy", 4),
]


def seed(apps, schema_editor):
    Line = apps.get_model("inspections", "MaintenanceTemplateLine")
    if Line.objects.exists():
        return
    for i, (item, cadence, month) in enumerate(LINES, start=1):
        Line.objects.create(item=item, cadence=cadence, due_month=month, department_kind="engineering",
                            position=i * 10)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_maintenancetemplateline_equipment_equipmentdocument_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
