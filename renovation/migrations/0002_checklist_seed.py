"""Company template data: the review checklist of SPEC R-02 (seed 004 审批重点) and the acceptance items."""

from django.db import migrations

ITEMS = [
    ("structure", "未拆改承重墙、柱、梁、楼板等主体结构"),
    ("waterproofing", "未钻凿地面和房顶的防水层"),
    ("floor_load", "楼板面装修荷载不超过设计要求"),
    ("light_walls", "新增内墙采用轻质材料"),
    ("facade", "外观不变(阳台、窗台、天台)"),
    ("air_conditioner", "空调安装在指定位置,冷凝水排入专用管道"),
    ("awnings", "窗台及阳台无违章搭建雨阳篷"),
    ("fire_materials", "装修材料符合防火规定"),
    ("common_areas", "不影响、不占用公用部位"),
    ("utilities", "供水、供电管线及智能化设施管线受保护"),
    ("change_of_use", "不改变房屋及配套设施的使用功能"),
]


def seed(apps, schema_editor):
    item = apps.get_model("renovation", "ChecklistItem")
    for order, (code, title) in enumerate(ITEMS, start=1):
        item.objects.get_or_create(code=code, defaults={"title": title, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("renovation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
