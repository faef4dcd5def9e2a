"""Issue 13.4: phones stored before the one phone rule are rewritten in its canonical form
(13812345678, 0755-12345678); a number the rule cannot read is left as it was."""

from django.core.exceptions import ValidationError
from django.db import migrations


def canonical_phones(apps, schema_editor):
    from core.validators import normalize_phone

    for model, fields in (("Resident", ("phone", "phone2")), ("Staff", ("phone",)), ("Site", ("phone",))):
        Model = apps.get_model("estates", model)
        for row in Model.objects.only("pk", *fields).iterator():
            changes = {}
            for field in fields:
                value = getattr(row, field)
                try:
                    canonical = normalize_phone(value)
                except ValidationError:
                    continue
                if canonical != value:
                    changes[field] = canonical
            if changes:
                Model.objects.filter(pk=row.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("estates", "0004_import_layout")]

    operations = [migrations.RunPython(canonical_phones, migrations.RunPython.noop)]
