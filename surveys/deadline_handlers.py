"""Domain reaction to the survey collection clock (SPEC S-03, §15 `survey.collection`)."""

from datetime import datetime

from core.deadlines import breach_handler
from core.models import Deadline
from surveys.models import Campaign
from surveys.services import campaign_close_by_deadline


@breach_handler("survey.collection")
def close_collection(deadline: Deadline, now: datetime) -> None:
    """Seven days are over: close the campaign and compute its validity (SPEC S-04)."""

    campaign = deadline.subject
    if isinstance(campaign, Campaign):
        campaign_close_by_deadline(campaign=campaign, now=now)
