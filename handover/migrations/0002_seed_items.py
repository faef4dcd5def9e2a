"""SPEC H-01 / seed 004 §B, §D, §E: the document checklist and the inspection item lists, as editable data."""

from django.db import migrations

DOCUMENTS = [
    "产权资料：项目批文、用地批文、建筑规划许可", "产权资料：小业主资料",
    "消防验收合格证", "物业综合验收合格证书", "住宅使用说明书", "住宅质量保证书",
    "竣工图纸（平面、建筑、结构、水电、附属工程及隐蔽管线）", "地质勘察报告", "工程合同及开、竣工报告",
    "图纸会审记录", "工程设计变更通知（含质量事故处理记录）", "隐蔽工程验收签证", "沉降观察记录",
    "竣工验收证明书", "水电卫生器具等设备的检验合格证书", "砂浆混凝土试压报告", "供水试压报告",
]
UNIT = [
    "梁、柱、板主体", "墙面", "地（楼）面", "楼梯、扶手", "插座", "接线盒", "开关", "给排水系统", "照明系统",
    "门窗", "三表（水、电、气表）", "厨卫防水防渗",
]
PUBLIC = [
    "物业公共设施及其水电", "基础设施", "弱电系统", "智能化系统", "消防系统", "公共绿化", "停车场系统",
    "标识标志及相关公共配套",
]


def seed(apps, schema_editor):
    Item = apps.get_model("handover", "ChecklistItem")
    for scope, texts in (("document", DOCUMENTS), ("unit", UNIT), ("public", PUBLIC)):
        for i, text in enumerate(texts, start=1):
            Item.objects.get_or_create(scope=scope, text=text, defaults={"position": i})


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
