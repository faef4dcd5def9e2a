"""Issue 20.1: a Chinese user finds no English on any page.

The demo data (`seed_demo`: two estates, orders, complaints, surveys, fees…) is loaded (`demo_db`); then, for
every role of one estate, the company roles and the demo resident, every page reachable from `/` is
rendered in zh-hans (links, HTMX fragments and GET forms followed; each record page once, for the
first user who reaches it), and the site director and company leader also open every URL pattern
without arguments (the pages no menu links to, and the refusals: 403 pages are pages too). A Latin word on a page that
belongs to the project's own English — a message id of any catalog, a policy label or code — fails
the test with the page and the text around it. See tests/project/pagewalk.py for what is read and
the short list of Latin tokens allowed (file types, the language switch)."""

import time
from collections import defaultdict

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.roles import Role
from estates.demo import demo_logins
from tests.project.pagewalk import SKIP_NAMES, SKIP_ROUTE, Walk, english_words, walk

pytestmark = pytest.mark.django_db


def _pages_without_arguments() -> list[str]:
    out: list[str] = []

    def visit(resolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x) or None
                visit(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and "<" not in prefix + str(p.pattern):
                name = f"{namespace}:{p.name}" if namespace else p.name
                route = prefix + str(p.pattern)
                if name not in SKIP_NAMES and not SKIP_ROUTE.search(route):
                    out.append(reverse(name))

    visit(get_resolver(), "", None)
    return out


def _staff_users() -> list[str]:
    """One estate's logins for every role, and the company's."""
    names = [u for u, _ in demo_logins()]
    return [u for u in names if u.startswith("ssty_") and not u.endswith("_2")] + [
        u for u in names if u in (Role.COMPANY_LEADER.value, Role.EXECUTIVE.value)]


# SPEC W-01, X-05; issue 20.1
def test_no_english_on_any_page_for_any_role(client, django_user_model, demo_db):
    # demo_db: seed_demo with the demo estates at a tenth of their size (every kind of record, a fraction
    # of the rows), built once per test database (tests/conftest.py)
    started = time.monotonic()
    vocabulary = english_words()
    assert {"received", "registered", "escalated", "draft", "approved"} <= vocabulary  # the set is real
    starts = ["/", *_pages_without_arguments()]
    result = Walk()
    users = _staff_users()
    assert len(users) == len(Role)  # every role: the estate's and the two company ones
    seeded = time.monotonic()
    everything = {"ssty_site_director", Role.COMPANY_LEADER.value}
    for username in users:
        client.force_login(django_user_model.objects.get(username=username))
        walk(client, user_label=username, start=starts if username in everything else ["/"],
             vocabulary=vocabulary, done=set(), result=result)
    resident = django_user_model.objects.filter(resident_account__isnull=False).first()
    if resident is not None:
        client.force_login(resident)
        walk(client, user_label="resident", start=["/portal/"], vocabulary=vocabulary, done=set(), result=result)
    client.logout()
    walk(client, user_label="anonymous", start=["/login/", "/portal/p/login/"], vocabulary=vocabulary,
         done=set(), result=result)

    by_place: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        by_place[f"{f.path} [{f.user}]"].add(f"{f.word!r} in “{f.context}”")
    report = "\n".join(f"{place}: {'; '.join(sorted(words))}" for place, words in sorted(by_place.items()))
    print(f"no-english walk: demo data {seeded - started:.1f} s, {result.pages} pages, "
          f"{len(result.seen_names)} URL names, {time.monotonic() - seeded:.1f} s")
    assert not result.errors, "\n".join(result.errors)
    assert not result.findings, f"English on Chinese pages ({len(result.findings)}):\n{report}"
