"""Walk the pages a user can reach and read what a person sees on them (issue 20.1).

`english_words()` is the vocabulary a Chinese page must not show: every word of the project's own
message ids (every app's catalog and the top-level one: labels, status values, history kinds, policy
names, help texts) and the policy labels of the policy table. A Latin word on a page that is in it is
an untranslated string, a status or kind code, a rule code or a login name. Latin words outside it
(people's names typed in Latin, brands) are not judged, nor are words in capitals (acronyms and codes:
PDF, UTF-8, the site code SSTY) and text a page marks as not to be translated — `<code>`, `<kbd>`,
`<samp>` or any element with the HTML attribute `translate="no"` (a login name on the staff page, a
policy code beside its name, a key on the keyboard).

`walk(client, start)` fetches every start page and follows the links, `hx-get` fragments and GET
forms it finds, one page per URL name (the first record of each kind stands for the others)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z]{3,}")

# Latin tokens a Chinese page may show, each for a reason (everything else from the vocabulary fails):
ALLOWED = {
    # file types and technical names Chinese users read as they are
    "pdf", "csv", "xlsx", "excel", "url", "http", "https", "html", "png", "jpg", "jpeg", "wechat",
    # the language switch names the other language in that language
    "english",
    # a key as printed on the keyboard; the public-holiday library's own name (its source on the holidays page)
    "ctrl", "chinesecalendar",
}
# Pages not judged: files (PDF, spreadsheets, images), the admin site (Django's own UI), plumbing.
SKIP_NAMES = {"logout", "set_language", "healthz", "healthz_web", "core:inbox_read_all", "portal:login"}
SKIP_ROUTE = re.compile(r"(\.pdf|\.xlsx|\.png|\.<str:fmt>|/xlsx/|/photo/|/photos/|/documents?/<int|"
                        r"/download|/signature|/file|/export|fmt>/)$|^admin/|/pack\.pdf$")
SKIP_PATH = re.compile(r"^/(admin|static|media|i18n)/|\.(pdf|xlsx|csv|png|jpg|zip)$")


def _po_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def _msgids(text: str) -> Iterable[str]:
    """msgid and msgid_plural strings of a .po file (multi-line ones joined)."""
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            if current is not None:
                yield "".join(current)
            current = [line.split(" ", 1)[1].strip().strip('"')]
        elif line.startswith('"') and current is not None:
            current.append(line.strip().strip('"'))
        else:
            if current is not None:
                yield "".join(current)
            current = None
    if current is not None:
        yield "".join(current)


def english_words() -> set[str]:
    from core.policies import POLICY_TABLE

    words: set[str] = set()
    for po in _po_files():
        for msgid in _msgids(po.read_text(encoding="utf-8")):
            # placeholders (%(name)s, {{ x }}) are not words a user sees
            msgid = re.sub(r"%\(\w+\)[sd]|\{\{[^}]*\}\}|\{[^}]*\}|<[^>]+>", " ", msgid)
            words |= {w.lower() for w in WORD.findall(msgid)}
    for p in POLICY_TABLE:
        words |= {w.lower() for w in WORD.findall(f"{p.code} {p.name}")}
    return words - ALLOWED


class Reader(HTMLParser):
    """What a person sees (text, titles, placeholders, labels, alt texts) and where the page leads."""

    SEEN_ATTRS = ("title", "placeholder", "aria-label", "alt")
    VERBATIM = ("code", "kbd", "samp")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._stack: list[tuple[str, bool]] = []  # open elements: (tag, not to be read)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._collect_links(tag, a)
        if tag in ("script", "style"):
            self._hidden += 1
            return
        verbatim = tag in self.VERBATIM or a.get("translate") == "no"
        if tag not in self.VOID:
            self._stack.append((tag, verbatim))
        if verbatim or self._verbatim():
            return
        self.text.extend(a[k] for k in self.SEEN_ATTRS if a.get(k))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.text.append(a["value"])

    def _verbatim(self) -> bool:
        return any(v for _, v in self._stack)

    def _collect_links(self, tag: str, a: dict[str, str]) -> None:
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append(a["hx-get"])
        if tag == "form" and a.get("method", "get").lower() == "get" and a.get("action") is not None:
            self.links.append(a["action"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1
            return
        for i in range(len(self._stack) - 1, -1, -1):  # close up to the matching element (lenient HTML)
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._verbatim() and data.strip():
            self.text.append(data)


ADDRESS = re.compile(r"\S+@\S+|https?://\S+")  # e-mail addresses and links are addresses, not words


def foreign_words(text: str, vocabulary: set[str]) -> list[str]:
    """The project's English words in a text a person reads (capitals are acronyms and codes)."""
    return [w for w in WORD.findall(ADDRESS.sub(" ", text)) if not w.isupper() and w.lower() in vocabulary]


@dataclass
class Finding:
    user: str
    path: str
    word: str
    context: str


@dataclass
class Walk:
    findings: list[Finding] = field(default_factory=list)
    seen_names: set[str] = field(default_factory=set)
    pages: int = 0
    errors: list[str] = field(default_factory=list)


def _route_of(path: str) -> tuple[str, str] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, str(match.route)


def walk(client, *, user_label: str, start: Iterable[str], vocabulary: set[str], done: set[str],
         result: Walk, per_user: int = 400) -> None:
    """Fetch the pages of one logged-in client. `done` holds the URL names already judged for this
    user (each name once per user); a detail page is judged for the first user who reaches it."""
    queue = list(start)
    budget = per_user
    while queue and budget:
        path = queue.pop(0)
        parts = urlsplit(path)
        if parts.netloc or not parts.path.startswith("/") or SKIP_PATH.search(parts.path):
            continue
        route = _route_of(parts.path)
        if route is None or route[0] in SKIP_NAMES or SKIP_ROUTE.search(route[1]):
            continue
        name, pattern = route
        key = name if "<" not in pattern else f"{name}#detail"
        if key in done or ("<" in pattern and name in result.seen_names):
            continue
        done.add(key)
        budget -= 1
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        result.pages += 1
        result.seen_names.add(name)
        if response.status_code >= 500:
            result.errors.append(f"{user_label} {path}: {response.status_code}")
            continue
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
            continue
        if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
            continue
        reader = Reader()
        reader.feed(response.content.decode())
        for chunk in reader.text:
            for word in foreign_words(chunk, vocabulary):
                result.findings.append(Finding(user_label, path, word, " ".join(chunk.split())[:120]))
        queue.extend(urljoin(path, link) for link in reader.links if not link.startswith(("#", "javascript:")))
