"""Survey use cases (SPEC §5, S-01..S-06). One module per stage; everything is re-exported here so
`from surveys import services` keeps working."""

# the names tests and callers reached on the old single module
from decimal import Decimal

from core.errors import DomainError
from surveys.services._common import (
    COLLECTION,
    NEW_SERVICE_WINDOW,
    ROUTINE_CADENCE,
    add_months,
    hash_token,
)
from surveys.services.campaigns import (
    _validity,
    campaign_approve,
    campaign_cancel,
    campaign_close,
    campaign_close_by_deadline,
    campaign_create,
    campaign_open,
    household_reissue,
    sample_draw,
    sample_frame,
)
from surveys.services.follow_up import corrective_action_create, corrective_action_finish, routine_campaigns_propose
from surveys.services.questionnaires import questionnaire_create, questionnaire_default, questionnaire_edit
from surveys.services.responses import household_for_token, link_open, response_enter_paper, response_submit_by_link

__all__ = [
    "Decimal",
    "DomainError",
    "VALID_DEN",
    "VALID_NUM",
    "_validity",
    "COLLECTION",
    "NEW_SERVICE_WINDOW",
    "ROUTINE_CADENCE",
    "add_months",
    "campaign_approve",
    "campaign_cancel",
    "campaign_close",
    "campaign_close_by_deadline",
    "campaign_create",
    "campaign_open",
    "corrective_action_create",
    "corrective_action_finish",
    "hash_token",
    "household_for_token",
    "household_reissue",
    "link_open",
    "questionnaire_create",
    "questionnaire_default",
    "questionnaire_edit",
    "response_enter_paper",
    "response_submit_by_link",
    "routine_campaigns_propose",
    "sample_draw",
    "sample_frame",
]
