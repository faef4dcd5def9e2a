"""S-01 questionnaires: create, edit as a new version, the default one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import is_company_level
from estates.selectors import staff_of
from surveys import permissions
from surveys.models import (
    DEFAULT_ITEMS,
    Questionnaire,
    QuestionnaireItem,
)
from surveys.services._common import _deny


def _clean_items(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned, seen = [], set()
    for code, label in items:
        code, label = (code or "").strip(), (label or "").strip()
        if not code or not label:
            continue
        if code in seen:
            raise DomainError(_("Item code %(code)s appears twice.") % {"code": code}, code="duplicate_item")
        seen.add(code)
        cleaned.append((code, label))
    if not cleaned:
        raise DomainError(_("A questionnaire needs at least one item."), code="no_items")
    return cleaned


@transaction.atomic
def questionnaire_create(*, name: str, site: Any = None, items: Iterable[tuple[str, str]] | None = None,
                         intro: str = "", actor: User | None = None) -> Questionnaire:
    if actor is not None and not permissions.can_organise(actor, getattr(site, "pk", None)):
        raise _deny(_("You may not create questionnaires here."))
    if items is None:  # the default items are stored as data in the site's language (zh-hans)
        with translation.override(settings.LANGUAGE_CODE):
            items = [(c, str(lbl)) for c, lbl in DEFAULT_ITEMS]
    items = _clean_items(items)
    q = Questionnaire.objects.create(site=site, name=name, intro=intro)
    QuestionnaireItem.objects.bulk_create(
        [QuestionnaireItem(questionnaire=q, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
    return q


@transaction.atomic
def questionnaire_edit(*, questionnaire: Questionnaire, name: str, items: Iterable[tuple[str, str]],
                       intro: str = "", actor: User | None = None) -> Questionnaire:
    """SPEC S-01: a frozen questionnaire (used by a campaign) is never changed; edits make a new version."""
    if actor is not None and not permissions.can_edit_questionnaire(actor, questionnaire):
        raise _deny(_("You may not edit this questionnaire."))
    items = _clean_items(items)
    q = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    # A site's organiser editing the company-wide questionnaire gets a version of their own site's.
    own_site = None
    if q.site_id is None and actor is not None and not is_company_level(actor):
        own_site = getattr(staff_of(actor), "site", None)
    if q.frozen or own_site is not None:
        root = q
        while root.previous is not None:  # the first version of this questionnaire
            root = root.previous
        lineage = _lineage_ids(root)
        top = Questionnaire.objects.filter(pk__in=lineage).aggregate(v=Max("version"))["v"] or q.version
        new = Questionnaire.objects.create(site=own_site or q.site, name=name, intro=intro, version=top + 1,
                                           previous=q)
        QuestionnaireItem.objects.bulk_create(
            [QuestionnaireItem(questionnaire=new, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
        return new
    q.name, q.intro = name, intro
    q.save(update_fields=["name", "intro", "updated_at"])
    q.items.all().delete()  # not frozen → no campaign and no rating refers to these rows
    QuestionnaireItem.objects.bulk_create(
        [QuestionnaireItem(questionnaire=q, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
    return q


def _lineage_ids(root: Questionnaire) -> list[int]:
    ids, frontier = [root.pk], [root.pk]
    while frontier:
        frontier = list(Questionnaire.objects.filter(previous_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def questionnaire_default(*, site: Any) -> Questionnaire:
    """The newest questionnaire of the site, else the newest company-wide one, else a new default one."""
    q = (Questionnaire.objects.filter(site=site).order_by("-created_at", "-id").first()
         or Questionnaire.objects.filter(site__isnull=True).order_by("-created_at", "-id").first())
    return q or questionnaire_create(name=_("Resident satisfaction survey"))
