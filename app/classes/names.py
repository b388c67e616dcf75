"""Students' display names: their own text (cleaned, capped), or a friendly alias."""

import secrets
import unicodedata

MAX_NAME = 40  # characters of a display name

ADJECTIVES = ["Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Keen", "Kind", "Lively",
              "Lucky", "Merry", "Nimble", "Patient", "Quick", "Quiet", "Sunny", "Swift", "Witty", "Bold"]
ANIMALS = ["Otter", "Panda", "Fox", "Heron", "Koala", "Lynx", "Owl", "Puffin", "Rabbit", "Seal",
           "Tiger", "Whale", "Yak", "Zebra", "Badger", "Crane", "Dolphin", "Falcon", "Gecko", "Ibis"]


def clean_name(name: str) -> str:
    """A name as shown: control and format characters dropped, spaces collapsed. It stays text:
    the pages put it in with textContent, never as HTML."""
    kept = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())


def friendly_alias(taken: set[str]) -> str:
    """An alias like 'Curious Otter', not one already in the class while one is free."""
    for _ in range(50):
        alias = f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"
        if alias not in taken:
            return alias
    n = 2
    while f"{alias} {n}" in taken:
        n += 1
    return f"{alias} {n}"
