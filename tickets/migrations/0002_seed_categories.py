"""SPEC T-03/T-04: the category list and a starter paid-service price list, as editable data."""

from decimal import Decimal

from django.db import migrations

# code, name, department kind, completion policy, follow-up, emergency, paid, agreement, internal, contractor
U, UW, CL, N, S, AG = ("ticket.urgent.complete", "ticket.urgent.complete.wd", "ticket.cleaning.complete",
                       "ticket.normal.complete", "ticket.supervisor.complete", "ticket.agreement.complete")
FE, FP = "ticket.followup.engineering", "ticket.followup.property"
CATEGORIES = [
    ("drain", "下水道/马桶堵塞", "engineering", U, FE, False, False, False, False, False),
    ("pipe-leak", "水管漏水", "engineering", U, FE, False, False, False, False, False),
    ("lamp", "更换灯管/灯具", "engineering", UW, FE, False, False, False, False, False),
    ("door-lock", "门锁损坏", "engineering", UW, FE, False, False, False, False, False),
    ("movein-cleaning", "入住前清洁", "cleaning", CL, FP, False, False, False, False, False),
    ("repair", "其他维修", "engineering", N, FE, False, False, False, False, False),
    ("cleaning", "保洁服务", "cleaning", N, FP, False, False, False, False, False),
    ("order", "秩序维护", "security", N, FP, False, False, False, False, False),
    ("greening", "绿化服务", "greening", N, FP, False, False, False, False, False),
    ("internal-equipment", "内部设备故障", "engineering", S, FE, False, False, False, True, False),
    ("internal-work", "内部维修/清洁", "engineering", S, FE, False, False, False, True, False),
    ("leak-sealing", "堵漏工程", "engineering", S, FE, False, False, False, True, False),
    ("paid-repair", "有偿维修（协议）", "engineering", AG, FE, False, True, True, False, False),
    ("paid-cleaning", "有偿保洁（协议）", "cleaning", AG, FP, False, True, True, False, False),
    ("contractor", "特约工程（窗帘/玻璃/家具）", "contractor", N, FE, False, True, False, False, True),
    ("em-outage", "紧急：停水停电停空调（跨楼层）", "engineering", U, FE, True, False, False, False, False),
    ("em-lift", "紧急：电梯故障", "engineering", U, FE, True, False, False, False, False),
    ("em-water", "紧急：跑水", "engineering", U, FE, True, False, False, False, False),
    ("em-fire", "紧急：火情", "security", U, FP, True, False, False, False, False),
    ("em-crime", "紧急：匪情", "security", U, FP, True, False, False, False, False),
]
PRICES = [
    ("疏通下水道", "次", "50.00", "engineering"), ("更换水龙头（人工）", "个", "20.00", "engineering"),
    ("更换灯管（人工）", "支", "10.00", "engineering"), ("更换门锁（人工）", "把", "40.00", "engineering"),
    ("安装晾衣架", "套", "60.00", "engineering"), ("入户保洁", "小时", "35.00", "cleaning"),
    ("玻璃清洗", "平方米", "5.00", "cleaning"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    PriceItem = apps.get_model("tickets", "PriceItem")
    for i, (code, name, kind, policy, follow, em, paid, agr, internal, contr) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults=dict(
            name=name, department_kind=kind, completion_policy=policy, followup_policy=follow, is_emergency=em,
            is_paid=paid, needs_agreement=agr, is_internal=internal, is_contractor=contr, sort=(i + 1) * 10))
    for name, unit, price, kind in PRICES:
        PriceItem.objects.get_or_create(site=None, name=name, defaults=dict(unit=unit, price=Decimal(price),
                                                                              department_kind=kind))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
