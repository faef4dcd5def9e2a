"""Demo surveys (SPEC §5) at each demo site: a valid past campaign, an invalid one, one collecting now."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import translation

from estates.models import Site, Staff
from estates.selectors import users_with_roles
from surveys import services
from surveys.models import Campaign

DEMO_TAG = "[demo]"

# (title, days ago opened, sample size, forms returned, closed?)
PLAN = [
    ("2026年上半年业主满意度调查", 190, 40, 37, True),  # 92.5 % → valid
    ("2026年10月停水事件专项调查", 40, 30, 22, False),  # 73.3 % → invalid (ad hoc)
    ("2026年下半年业主满意度调查", 2, 40, 14, None),  # collecting
]
COMMENTS = ["电梯维修不及时", "保安巡逻认真", "垃圾清运时间希望固定", "绿化养护很好", "前台服务态度好", ""]
EXPECTATIONS = ["希望增加停车位", "希望开通线上报修", "希望增加儿童游乐设施", ""]


def _user(site, role: str) -> Any:

    return users_with_roles(site_id=site.pk, roles=[role]).order_by("id").first()


def seed(*, now: datetime, stdout: Any = None) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _seed(now=now, stdout=stdout)


def _seed(*, now: datetime, stdout: Any) -> None:

    rng = random.Random(2026)
    for site in Site.objects.filter(code__in=["SSTY", "LYXQ"]).order_by("code"):
        if Campaign.objects.filter(site=site, title__startswith=PLAN[0][0]).exists():
            continue
        cs, director, desk = (_user(site, r) for r in ("cs_supervisor", "site_director", "front_desk"))
        if not (cs and director and desk):
            continue
        questionnaire = services.questionnaire_default(site=site)
        for n, (title, days_ago, size, returned, closed) in enumerate(PLAN):
            opened = now - timedelta(days=days_ago)
            kind = Campaign.Kind.AD_HOC if "专项" in title else Campaign.Kind.ROUTINE
            campaign = services.campaign_create(
                site=site, title=title, kind=kind, questionnaire=questionnaire, sample_size=size,
                incident="10月12日3号楼停水18小时" if kind == Campaign.Kind.AD_HOC else "",
                seed=1000 + n, actor=cs, now=opened - timedelta(days=3))
            services.campaign_approve(campaign=campaign, actor=director, now=opened - timedelta(days=1))
            tokens = services.campaign_open(campaign=campaign, actor=cs, now=opened)
            items = list(questionnaire.items.all())
            weak = {"engineering": 0.35, "fees": 0.25} if n == 0 else {"engineering": 0.45, "cleaning": 0.4}
            households = list(campaign.households.select_related("unit").order_by("position"))
            for i, h in enumerate(households[:returned]):
                ratings = {}
                for item in items:
                    bad = weak.get(item.code, 0.08)
                    x = rng.random()
                    ratings[item.pk] = 1 if x > 0.55 else 2 if x > bad + 0.1 else 3 if x > bad else rng.choice([4, 5])
                profile = {"comments": rng.choice(COMMENTS), "expectations": rng.choice(EXPECTATIONS),
                           "age_band": rng.choice(["u30", "30_44", "45_59", "60p"]),
                           "gender": rng.choice(["m", "f"]), "resident_type": rng.choice(["owner", "owner", "tenant"]),
                           "occupation": rng.choice(["employee", "business", "retired", "other"])}
                at = opened + timedelta(hours=4 + i)
                if closed is None and i % 3 == 0:
                    services.response_submit_by_link(token=tokens[h.pk], ratings=ratings, profile=profile, now=at)
                else:
                    services.response_enter_paper(campaign=campaign, unit_code=h.unit.code, ratings=ratings,
                                                  profile=profile, actor=desk, now=at)
            if closed is not None:
                services.campaign_close(campaign=campaign, actor=cs, now=opened + timedelta(days=6, hours=8))
            if n == 0:

                owner = Staff.objects.filter(site=site, user__groups__name="dept_supervisor").first() \
                    or Staff.objects.get(user=cs)
                eng = questionnaire.items.filter(code="engineering").first()
                act = services.corrective_action_create(
                    campaign=campaign, description="报修24小时内上门，每周通报未完成工单", item=eng, owner=owner,
                    due_date=date.fromordinal((opened + timedelta(days=40)).toordinal()), actor=cs,
                    now=opened + timedelta(days=8))
                services.corrective_action_finish(action=act, note="已执行，工程部每周例会通报", actor=cs,
                                                  now=opened + timedelta(days=35))
                services.corrective_action_create(
                    campaign=campaign, description="收费公示栏每月更新，增加缴费方式说明", owner=owner,
                    item=questionnaire.items.filter(code="fees").first(),
                    due_date=date.fromordinal((now + timedelta(days=20)).toordinal()), actor=cs,
                    now=opened + timedelta(days=8))
        if stdout is not None:
            stdout.write(f"surveys: {site.code} 3 campaigns")
