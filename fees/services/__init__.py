"""Fees services (write side); every rule lives here and re-checks its permission (STYLE §2, §6)."""

from fees.services.bank import (  # noqa: F401
    bank_batch_create,
    bank_batch_csv,
    bank_batch_xlsx,
    bank_result_import,
)
from fees.services.billing import (  # noqa: F401
    bill_rerun_unit,
    bill_run_chunk,
    bill_run_execute,
    bill_run_now,
    bill_run_start,
    charge_item_create,
    one_off_bill_issue,
    tariff_set,
    work_order_charge_post,
    work_order_charges_post_pending,
)
from fees.services.common import balance, month_start, receipt_issue  # noqa: F401
from fees.services.deposits import deposit_deduct, deposit_held, deposit_refund, deposit_take  # noqa: F401
from fees.services.meters import meter_reading_record, meter_readings_import  # noqa: F401
from fees.services.notices import notice_email_send, notice_emails_queue, notice_emails_resend_pending  # noqa: F401
from fees.services.payments import (  # noqa: F401
    credit_apply,
    ledger_entry_reverse,
    payment_post,
    payment_reverse,
)
from fees.services.reminders import reminder_create, reminder_record_outcome  # noqa: F401
