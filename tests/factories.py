"""factory_boy factories for the registry; apps add theirs in tests/<app>/factories.py."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from estates.models import Building, Company, Department, Resident, Site, Staff, Unit, Zone


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = "深圳嘉华物业管理有限公司"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"测试小区{n}")
    code = factory.Sequence(lambda n: f"S{n:03d}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"第{n}片区")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    site = factory.SubFactory(SiteFactory)
    zone = factory.SubFactory(ZoneFactory, site=factory.SelfAttribute("..site"))
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 18


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    site = factory.SelfAttribute("building.site")
    entrance = "1"
    room = factory.Sequence(lambda n: f"{(n % 18) + 1}{(n % 4) + 1:02d}")
    floor = factory.LazyAttribute(lambda o: int(o.room[:-2]))
    code = factory.LazyAttribute(lambda o: f"{o.building.number}-{o.entrance}-{o.room}")
    area = Decimal("89.50")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    unit = factory.SubFactory(UnitFactory)
    site = factory.SelfAttribute("unit.site")
    name = factory.Iterator(["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"])
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = "440301198001011234"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("site", "name")

    site = factory.SubFactory(SiteFactory)
    kind = Department.Kind.ENGINEERING
    name = factory.LazyAttribute(lambda o: str(Department.Kind(o.kind).label))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-Secret-123")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


def make_staff(site, *roles, department=None, zone=None, username=None, name=None) -> Staff:
    """A staff member at `site` (None = head office) holding `roles` (core.roles.Role codes)."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    staff = StaffFactory(user=user, site=site, department=department, zone=zone,
                         **({"name": name} if name else {}))
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    return staff
