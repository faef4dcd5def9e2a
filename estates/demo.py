"""Demo company, two sites and their people (`manage.py seed_demo`). Idempotent and fast (bulk_create).

Usernames are `<site code lower>_<role>` (e.g. `ssty_front_desk`), head office `company_leader` and
`executive`, and the superuser `admin`; everyone's password is DEMO_PASSWORD.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from core.calendar_source import load_work_calendar
from core.roles import COMPANY_ROLES, Role
from estates.models import Building, Company, Department, DutyShift, Resident, Site, Staff, Unit, Zone

DEMO_PASSWORD = "propserv-demo"  # noqa: S105 - printed on purpose: demo logins only
COMPANY = "嘉华物业"

# code, name, address, zones, buildings, entrances, floors, rooms per floor and entrance
SITES = [
    ("SSTY", "山水庭苑", "深圳市南山区山水路88号", ["一片区", "二片区", "三片区"], 10, 2, 15, 2),
    ("LYXQ", "荔园小区", "深圳市福田区荔园路16号", ["东片区", "西片区"], 10, 2, 10, 2),
]
DEPARTMENTS = [
    (Department.Kind.CUSTOMER_SERVICE, "客服部"),
    (Department.Kind.ENGINEERING, "工程维修部"),
    (Department.Kind.SECURITY, "秩序维护部"),
    (Department.Kind.CLEANING, "保洁部"),
    (Department.Kind.GREENING, "绿化部"),
    (Department.Kind.FINANCE, "财务部"),
    (Department.Kind.CONTRACTOR, "鑫达特约工程队"),
    (Department.Kind.DEVELOPER, "华盛地产（开发商）"),
]
ROLE_DEPARTMENT = {
    Role.DEPT_SUPERVISOR: Department.Kind.ENGINEERING, Role.DEPT_STAFF: Department.Kind.ENGINEERING,
    Role.SECURITY_SUPERVISOR: Department.Kind.SECURITY, Role.SECURITY_OFFICER: Department.Kind.SECURITY,
    Role.FINANCE: Department.Kind.FINANCE,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢钟姜崔谭陆汪范廖石金贾夏韦付方邹熊白孟秦邱侯江尹薛阎段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"  # noqa: E501
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "玉兰", "晓东", "文博", "子涵", "雨桐",
         "浩然", "欣怡", "梓萱", "宇轩", "思远", "嘉怡", "俊杰", "婷婷", "国庆", "春梅", "丽华", "永刚", "晓燕", "红梅",
         "家豪", "佳琪", "诗涵", "志明", "淑珍", "德华", "美玲", "振华", "金凤", "立新", "雪梅", "卫东", "慧敏", "泽宇"]
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187", "188", "189",
                   "133", "153", "177", "180", "181", "199"]
AREA_CODES = ["440305", "440304", "440303", "440306", "430104", "360102", "450103", "510107", "421102", "441302"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random, born: date, female: bool) -> str:
    """A well-formed 18-digit resident ID (GB 11643 check digit); fictitious."""
    seq = rng.randrange(100) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    body = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _username(site_code: str | None, role: str, n: int = 1) -> str:
    base = f"{site_code.lower()}_{role}" if site_code else role
    return base if n == 1 else f"{base}_{n}"


def demo_logins() -> list[tuple[str, str]]:
    out = [("admin", "超级管理员 / superuser"),
           ("company_leader", f"{COMPANY} {Role.COMPANY_LEADER.label}"),
           ("executive", f"{COMPANY} {Role.EXECUTIVE.label}")]
    for code, name, *_rest in SITES:
        for role in Role:
            if role in COMPANY_ROLES:
                continue
            out.append((_username(code, role.value), f"{name} {role.label}"))
        out.append((_username(code, Role.FRONT_DESK.value, 2), f"{name} {Role.FRONT_DESK.label} 2"))
    return [(u, str(d)) for u, d in out]


def seed(*, now: datetime | None = None, stdout=None) -> None:
    now = now or timezone.now()
    if Site.objects.filter(code__in=[s[0] for s in SITES]).count() == len(SITES):
        if stdout:
            stdout.write("estates: demo sites exist, skipped")
        return
    rng = random.Random(20261123)
    company, _ = Company.objects.get_or_create(name=COMPANY)
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: argon2 per user would be slow
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for role in Role:
        if role.value not in groups:
            groups[role.value] = Group.objects.create(name=role.value)

    def user(username: str, *, superuser: bool = False):
        u, _created = User.objects.get_or_create(username=username, defaults={
            "email": f"{username}@propserv.local", "password": password, "is_staff": superuser,
            "is_superuser": superuser})
        return u

    user("admin", superuser=True)
    for role in COMPANY_ROLES:
        u = user(role.value)
        u.groups.add(groups[role.value])
        Staff.objects.get_or_create(user=u, defaults={"site": None, "name": _name(rng), "phone": _mobile(rng)})

    for code, name, address, zone_names, n_buildings, entrances, floors, rooms in SITES:
        if Site.objects.filter(code=code).exists():
            continue
        site = Site.objects.create(company=company, name=name, code=code, address=address,
                                   phone=f"0755-{rng.randrange(10**7, 10**8)}")
        zones = [Zone.objects.create(site=site, name=z) for z in zone_names]
        depts = {kind: Department.objects.create(site=site, kind=kind, name=dname) for kind, dname in DEPARTMENTS}
        staff: dict[str, Staff] = {}

        def make(role: Role, n: int = 1, zone: Zone | None = None, *, site=site, depts=depts, code=code) -> Staff:
            u = user(_username(code, role.value, n))
            u.groups.add(groups[role.value])
            dept = depts[ROLE_DEPARTMENT.get(role, Department.Kind.CUSTOMER_SERVICE)]
            return Staff.objects.create(user=u, site=site, name=_name(rng), phone=_mobile(rng), department=dept,
                                        zone=zone, employee_no=f"{code}{rng.randrange(1000, 9999)}")

        for role in Role:
            if role in COMPANY_ROLES:
                continue
            zone = zones[0] if role in (Role.ZONE_STAFF, Role.ZONE_MANAGER) else None
            staff[role.value] = make(role, zone=zone)
        staff["front_desk_2"] = make(Role.FRONT_DESK, 2)
        zones[0].manager = staff[Role.ZONE_MANAGER.value]
        zones[0].save()
        for i, z in enumerate(zones[1:], start=2):
            z.manager = make(Role.ZONE_MANAGER, i, zone=z)
            z.save()
            make(Role.ZONE_STAFF, i, zone=z)

        buildings = Building.objects.bulk_create([
            Building(site=site, zone=zones[(b - 1) * len(zones) // n_buildings], number=str(b), name=f"{b}栋",
                     floors=floors) for b in range(1, n_buildings + 1)])
        units = []
        for b in buildings:
            for e in range(1, entrances + 1):
                for fl in range(1, floors + 1):
                    for r in range(1, rooms + 1):
                        room = f"{fl}{(e - 1) * rooms + r:02d}"
                        occ = rng.choices(list(Unit.Occupancy), weights=[85, 8, 7])[0]
                        units.append(Unit(site=site, building=b, entrance=str(e), room=room,
                                          code=f"{b.number}-{e}-{room}", floor=fl, occupancy=occ,
                                          area=Decimal(rng.choice(["68.50", "89.20", "96.80", "112.35", "128.60",
                                                                   "143.90"]))))
        units = Unit.objects.bulk_create(units)
        residents = []
        for u in units:
            if u.occupancy != Unit.Occupancy.OCCUPIED:
                continue
            owner_name = _name(rng)
            kind = Resident.Kind.TENANT if rng.random() < 0.15 else Resident.Kind.OWNER
            born = date(rng.randrange(1955, 1998), rng.randrange(1, 13), rng.randrange(1, 29))
            residents.append(Resident(site=site, unit=u, name=owner_name, kind=kind, phone=_mobile(rng),
                                      id_number=_id_number(rng, born, rng.random() < 0.5),
                                      move_in_date=date(rng.randrange(2012, 2026), rng.randrange(1, 13), 1)))
            for _m in range(rng.choice([0, 1, 1, 2])):
                relation = rng.choice(["配偶", "子女", "父母"])
                surname = owner_name[0] if relation != "配偶" else rng.choice(SURNAMES)
                residents.append(Resident(site=site, unit=u, name=surname + rng.choice(GIVEN),
                                          kind=Resident.Kind.MEMBER, relation=relation,
                                          phone=_mobile(rng) if rng.random() < 0.6 else ""))
        Resident.objects.bulk_create(residents, batch_size=500)
        site.households = sum(1 for u in units if u.occupancy == Unit.Occupancy.OCCUPIED)
        site.save(update_fields=["households"])
        _roster(site, staff["front_desk"], staff["front_desk_2"], now, with_gap=(code == "SSTY"))
        if stdout:
            stdout.write(f"estates: {name} — {len(units)} units, {len(residents)} residents")


def _roster(site: Site, morning: Staff, afternoon: Staff, now: datetime, *, with_gap: bool) -> None:
    """This week's front-desk roster; on one working day the afternoon shift ends early (a visible gap)."""

    cal = load_work_calendar()
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    working = [d for d in days if cal.is_working_day(d)]
    gap_day = working[2] if len(working) > 2 else (working[0] if working else None)
    shifts = []
    for d in working:
        shifts.append(DutyShift(site=site, staff=morning, date=d, start=site.office_open, end=time(13, 0)))
        end = time(17, 0) if with_gap and d == gap_day else site.office_close
        shifts.append(DutyShift(site=site, staff=afternoon, date=d, start=time(13, 0), end=end))
    DutyShift.objects.bulk_create(shifts)
