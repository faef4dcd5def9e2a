"""SPEC O-01: bulk import of sites, zones, buildings, departments and staff from CSV/XLSX.

Every row is checked and saved on its own (a savepoint each): a bad row is reported with its row number,
column and reason, and the good rows are kept. Rows are matched by their natural key (site code, zone
name, building number, department name, login name), so importing the same file twice creates nothing
new. `check_only` runs the same import and rolls it back: the report of what would happen.

Every save goes through the registry services, so the permission of each row is the one of the page that
edits it, and simple-history records who imported what.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.roles import Role
from core.uploads import TABLE_KINDS, check_file
from core.validators import normalize_phone, to_half_width
from estates import permissions as perms
from estates.imports.unit_rows import read_table
from estates.models import Building, Company, Department, Site, Staff, Zone
from estates.services import registry_record_save, staff_create, staff_set_roles

MAX_ROWS = 5000

# kind → its columns: (key, header aliases, required)
COLUMNS: dict[str, list[tuple[str, tuple[str, ...], bool]]] = {
    "sites": [("code", ("代码", "编码", "项目代码", "管理处代码", "code"), True),
              ("name", ("名称", "项目名称", "管理处", "小区名称", "name"), True),
              ("address", ("地址", "address"), False),
              ("phone", ("电话", "服务中心电话", "phone"), False),
              ("households", ("户数", "总户数", "households"), False),
              ("company", ("公司", "所属公司", "company"), False)],
    "zones": [("name", ("片区", "片区名称", "名称", "zone", "name"), True)],
    "buildings": [("number", ("楼栋", "楼栋号", "楼号", "栋号", "building", "number"), True),
                  ("name", ("名称", "楼栋名称", "name"), False),
                  ("floors", ("楼层数", "层数", "floors"), False),
                  ("zone", ("片区", "zone"), False)],
    "departments": [("name", ("部门", "部门名称", "名称", "department", "name"), True),
                    ("kind", ("类型", "部门类型", "kind"), True)],
    "staff": [("username", ("登录名", "账号", "用户名", "username"), True),
              ("name", ("姓名", "name"), True),
              ("phone", ("电话", "手机", "手机号", "phone"), False),
              ("employee_no", ("工号", "员工编号", "employee_no"), False),
              ("department", ("部门", "department"), False),
              ("zone", ("片区", "zone"), False),
              ("roles", ("角色", "岗位", "roles"), False)],
}
REGISTRY_KINDS = [("sites", gettext_lazy("Sites")), ("zones", gettext_lazy("Zones")),
                  ("buildings", gettext_lazy("Buildings")), ("departments", gettext_lazy("Departments")),
                  ("staff", gettext_lazy("Staff"))]
EXAMPLES = {
    "sites": [["SSTY", "阳光花园", "滨河路 8 号", "0755-12345678", "1200", ""]],
    "zones": [["东区"], ["西区"]],
    "buildings": [["3", "3 号楼", "18", "东区"]],
    "departments": [["工程部", "工程维修"], ["保洁部", "保洁"]],
    "staff": [["zhangwei", "张伟", "13812345678", "E1001", "工程部", "", "班组员工"]],
}
SPLIT = re.compile(r"[,，、;；/\s]+")


@dataclass
class RegistryImportResult:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}
    check_only: bool = False

    @property
    def good(self) -> int:
        return self.created + self.updated + self.unchanged


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _norm(h: str) -> str:
    s = re.sub(r"\s", "", to_half_width(h or "")).lower()
    return re.sub(r"\(.*?\)$", "", s).strip("*:：") or s


def _layout(kind: str, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row (one of the first five with most known headers) and key → column."""
    aliases = {_norm(a): key for key, names, _req in COLUMNS[kind] for a in names}
    best, best_map = 0, {}  # type: tuple[int, dict[str, int]]
    for i, row in enumerate(rows[:5]):
        m: dict[str, int] = {}
        for j, h in enumerate(row):
            key = aliases.get(_norm(h))
            if key and key not in m:
                m[key] = j
        if len(m) > len(best_map):
            best, best_map = i, m
    missing = [names[0] for key, names, req in COLUMNS[kind] if req and key not in best_map]
    if missing:
        raise DomainError(_("The file has no column %(cols)s.") % {"cols": "、".join(missing)}, code="columns")
    return best, best_map


def _words(choices: Any) -> dict[str, str]:
    """Code, English and Chinese label → code."""
    out = {}
    for value, label in choices:
        out[str(value).lower()] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                out[str(label).lower()] = value
    return out


def _label(key: str, kind: str, header: list[str], mapping: dict[str, int]) -> str:
    i = mapping.get(key)
    if i is not None and i < len(header) and header[i]:
        return header[i]
    return next(names[0] for k, names, _r in COLUMNS[kind] if k == key)


def _validation(err: ValidationError) -> RowError:
    if hasattr(err, "error_dict"):
        name, errors = next(iter(err.message_dict.items()))
        return RowError(name, " ".join(errors))
    return RowError("", " ".join(err.messages))


class _Importer:
    def __init__(self, *, kind: str, site: Site | None, actor: User) -> None:
        self.kind, self.site, self.actor = kind, site, actor
        self.dept_kinds = _words(Department.Kind.choices)
        self.roles = _words(Role.choices)

    def _zone(self, name: str) -> Zone | None:
        if not name:
            return None
        zone = Zone.objects.filter(site=self.site, name=name).first()
        if zone is None:
            raise RowError("zone", _("No zone of this name at the site."))
        return zone

    def _save(self, instance: Any, created: bool, changed: bool) -> str:
        if not (created or changed):
            return "unchanged"
        registry_record_save(instance=instance, actor=self.actor, reason=str(_("Import")))
        return "created" if created else "updated"

    @staticmethod
    def _set(obj: Any, values: dict) -> bool:
        changed = False
        for k, v in values.items():
            if v not in ("", None) and getattr(obj, k) != v:
                setattr(obj, k, v)
                changed = True
        return changed

    def sites(self, v: dict) -> str:
        code = v["code"].upper()
        site = Site.objects.filter(code=code).first()
        created = site is None
        if created:
            companies = Company.objects.filter(name=v["company"]) if v.get("company") else Company.objects.all()
            company = companies.first() if companies.count() == 1 else None
            if company is None:
                raise RowError("company", _("Name the company this site belongs to."))
            site = Site(company=company, code=code)
        households = None
        if v.get("households"):
            if not v["households"].isdigit():
                raise RowError("households", _("Enter a whole number."))
            households = int(v["households"])
        changed = self._set(site, {"name": v["name"], "address": v.get("address"), "phone": v.get("phone"),
                                   "households": households})
        return self._save(site, created, changed)

    def zones(self, v: dict) -> str:
        zone = Zone.objects.filter(site=self.site, name=v["name"]).first()
        if zone is not None:
            return "unchanged"
        return self._save(Zone(site=self.site, name=v["name"]), True, True)

    def buildings(self, v: dict) -> str:
        building = Building.objects.filter(site=self.site, number=v["number"]).first()
        created = building is None
        building = building or Building(site=self.site, number=v["number"])
        floors = None
        if v.get("floors"):
            if not v["floors"].isdigit():
                raise RowError("floors", _("Enter a whole number."))
            floors = int(v["floors"])
        zone = self._zone(v.get("zone", ""))
        changed = self._set(building, {"name": v.get("name"), "floors": floors, "zone": zone})
        return self._save(building, created, changed)

    def departments(self, v: dict) -> str:
        kind = self.dept_kinds.get(v["kind"].lower())
        if kind is None:
            raise RowError("kind", _("Unknown department type."))
        dept = Department.objects.filter(site=self.site, name=v["name"]).first()
        created = dept is None
        dept = dept or Department(site=self.site, name=v["name"], kind=kind)
        changed = self._set(dept, {"kind": kind})
        return self._save(dept, created, changed)

    def staff(self, v: dict) -> str:
        dept = None
        if v.get("department"):
            dept = Department.objects.filter(site=self.site, name=v["department"]).first()
            if dept is None:
                raise RowError("department", _("No department of this name at the site."))
        zone = self._zone(v.get("zone", ""))
        try:
            phone = normalize_phone(v.get("phone", ""))
        except ValidationError as err:
            raise RowError("phone", " ".join(err.messages)) from err
        roles = []
        for word in filter(None, SPLIT.split(v.get("roles", ""))):
            role = self.roles.get(word.lower())
            if role is None:
                raise RowError("roles", _("Unknown role: %(role)s.") % {"role": word})
            roles.append(role)
        staff = Staff.objects.filter(user__username=v["username"]).select_related("user").first()
        if staff is None:
            if get_user_model().objects.filter(username=v["username"]).exists():
                raise RowError("username", _("This login name is taken."))
            # no password in a spreadsheet: the login is unusable until one is set on the staff page
            staff = staff_create(actor=self.actor, site=self.site, username=v["username"],
                                 password=secrets.token_urlsafe(32), name=v["name"], phone=phone,
                                 employee_no=v.get("employee_no", ""), department=dept, zone=zone, roles=roles)
            staff.user.set_unusable_password()
            staff.user.save(update_fields=["password"])
            return "created"
        if staff.site_id != getattr(self.site, "pk", None):
            raise RowError("username", _("This login belongs to another site."))
        changed = self._set(staff, {"name": v["name"], "phone": phone, "employee_no": v.get("employee_no"),
                                    "department": dept, "zone": zone})
        result = self._save(staff, False, changed)
        if roles and set(roles) != set(Group.objects.filter(user=staff.user).values_list("name", flat=True)):
            staff_set_roles(staff=staff, roles=sorted(set(roles)), actor=self.actor)
            result = "updated"
        return result


def _allowed(kind: str, site: Site | None, actor: User) -> bool:
    if kind == "sites":
        return perms.can_manage_sites(actor)
    if site is None:
        return False
    if kind == "staff":
        return perms.can_manage_staff(actor, site.pk)
    return perms.can_manage_structure(actor, site.pk)


def registry_import(*, kind: str, upload: Any, actor: User, site: Site | None = None,
                    check_only: bool = False) -> RegistryImportResult:
    """Import one registry file; returns the row report. Refuses a user who could not edit these records."""
    if kind not in COLUMNS:
        raise DomainError(_("Choose what the file contains."), code="kind")
    if kind != "sites" and site is None:
        raise DomainError(_("Choose the site."), code="site")
    if not _allowed(kind, site, actor):
        raise DomainError(_("You are not allowed to do this."), code="not_allowed")
    stored = check_file(upload, TABLE_KINDS, group="table")  # issue 13: by content, before it is parsed
    rows = read_table(stored, upload.name)
    if not rows:
        raise DomainError(_("The file is empty."), code="empty")
    header_at, mapping = _layout(kind, rows)
    header = rows[header_at]
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise DomainError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS}, code="too_many")
    result = RegistryImportResult(kind=kind, check_only=check_only)
    importer = _Importer(kind=kind, site=site, actor=actor)
    apply: Callable[[dict], str] = getattr(importer, kind)
    required = [key for key, _n, req in COLUMNS[kind] if req]
    with transaction.atomic():
        for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if not any(row):
                continue
            result.total += 1
            values = {k: re.sub(r"\s+", " ", row[i]).strip() if i < len(row) else "" for k, i in mapping.items()}
            try:
                for key in required:
                    if not values.get(key):
                        raise RowError(key, _("This is required."))
                with transaction.atomic():  # a savepoint: a failing row leaves the others
                    outcome = apply(values)
            except RowError as err:
                column = _label(err.column, kind, header, mapping) if err.column in mapping else err.column
                result.errors.append({"row": number, "column": column, "message": err.message})
                continue
            except ValidationError as err:
                e = _validation(err)
                result.errors.append({"row": number, "column": e.column, "message": e.message})
                continue
            except (DomainError, IntegrityError) as err:
                result.errors.append({"row": number, "column": "", "message": getattr(err, "message", str(err))})
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
        if check_only:
            transaction.set_rollback(True)
    return result


def registry_template_csv(kind: str) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([names[0] for _k, names, _r in COLUMNS[kind]])
    w.writerows(EXAMPLES[kind])
    return out.getvalue().encode("utf-8-sig")
