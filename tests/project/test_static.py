"""Issue 20.8: a first `make run` does not spend minutes compressing the CJK fonts in collectstatic, and
says what each step does."""

import subprocess
from pathlib import Path

from django.conf import settings
from whitenoise.storage import CompressedStaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]


def test_fonts_are_not_compressed_by_collectstatic(tmp_path, settings):
    fonts = sorted((ROOT / "static" / "fonts").glob("*.otf"))
    assert fonts, "the PDF fonts are shipped as static files"
    for font in fonts:
        (tmp_path / font.name).write_bytes(font.read_bytes()[:4096])  # a slice is enough to be judged
    (tmp_path / "app.css").write_text("body { color: #123456; }\n" * 200)
    settings.STATIC_ROOT = str(tmp_path)
    storage = CompressedStaticFilesStorage(location=str(tmp_path))
    names = [f.name for f in fonts] + ["app.css"]
    list(storage.post_process({n: (storage, n) for n in names}))
    made = {p.name for p in tmp_path.iterdir()}
    assert "app.css.gz" in made  # text is still compressed
    assert not {n for n in made if n.endswith((".otf.gz", ".otf.br"))}


def test_the_production_storage_skips_font_formats():
    skip = set(settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS)
    assert {"otf", "ttf", "woff", "woff2"} <= skip and not {"css", "js", "svg", "html"} & skip


# issue 20.8: each step of the first start is announced (the dry run shows the plan without doing it)
def test_make_run_announces_its_steps():
    script = (ROOT / "bin" / "run").read_text()
    steps = [line for line in script.splitlines() if line.startswith("step ")]
    assert [s.split('"')[1].split(":")[0] for s in steps] == ["database", "static files", "demo data"]
    out = subprocess.run(["bash", "-n", "bin/run"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
