"""English and 简体中文: every string of every page, from ``static/i18n/*.json``.

Each file holds one lab's (or the shared layout's) strings as ``{"en": {...}, "zh": {...}}``,
so labs add their strings without touching each other's files.
"""

import hashlib
from pathlib import Path

import orjson
from starlette.requests import Request

LANGUAGES = ("en", "zh")
DEFAULT = "en"
COOKIE = "gradlab_lang"


class Translations:
    def __init__(self, folder: Path) -> None:
        self.strings: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        for path in sorted(folder.glob("*.json")):
            data = orjson.loads(path.read_bytes())
            for lang in LANGUAGES:
                for key, text in data.get(lang, {}).items():
                    if key in self.strings[lang]:
                        raise ValueError(f"{path.name}: key {key!r} ({lang}) is defined twice")
                    self.strings[lang][key] = text
        self.payload = {lang: orjson.dumps(self.strings[lang]) for lang in LANGUAGES}
        self.version = hashlib.sha256(b"".join(self.payload.values())).hexdigest()[:10]

    def get(self, lang: str, key: str) -> str:
        """The text for ``key``; English when the language lacks it, the key itself when both do."""
        return self.strings.get(lang, {}).get(key) or self.strings[DEFAULT].get(key) or key


def choose_language(request: Request) -> str:
    """``?lang=`` first, then the remembered cookie, then the browser's preference."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    accept = request.headers.get("accept-language", "").lower()
    return "zh" if accept.startswith("zh") else DEFAULT
