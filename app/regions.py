"""Administrative regions the app refers to: Liaoning's 14 prefecture-level cities."""

from __future__ import annotations

from app.translation import N_, Message

LIAONING_PROVINCE_CODE = "21"

# Code → (Chinese name, English name); codes are the first four digits of the GB/T 2260 region code.
LIAONING_CITIES: dict[str, tuple[str, str]] = {
    "2101": ("沈阳", "Shenyang"),
    "2102": ("大连", "Dalian"),
    "2103": ("鞍山", "Anshan"),
    "2104": ("抚顺", "Fushun"),
    "2105": ("本溪", "Benxi"),
    "2106": ("丹东", "Dandong"),
    "2107": ("锦州", "Jinzhou"),
    "2108": ("营口", "Yingkou"),
    "2109": ("阜新", "Fuxin"),
    "2110": ("辽阳", "Liaoyang"),
    "2111": ("盘锦", "Panjin"),
    "2112": ("铁岭", "Tieling"),
    "2113": ("朝阳", "Chaoyang"),
    "2114": ("葫芦岛", "Huludao"),
}


# The same names marked for translation (English ids, Chinese in the catalogue), for labels in the UI.
CITY_LABELS: dict[str, Message] = {
    "2101": N_("Shenyang"), "2102": N_("Dalian"), "2103": N_("Anshan"), "2104": N_("Fushun"),
    "2105": N_("Benxi"), "2106": N_("Dandong"), "2107": N_("Jinzhou"), "2108": N_("Yingkou"),
    "2109": N_("Fuxin"), "2110": N_("Liaoyang"), "2111": N_("Panjin"), "2112": N_("Tieling"),
    "2113": N_("Chaoyang"), "2114": N_("Huludao"),
}


def city_name(code: str | None, *, english: bool | None = None) -> str:
    """Name of a Liaoning city by code (the code itself when unknown).

    Without `english` the name is a marked label that the edge shows in the user's language; with it, the
    plain English (True) or Chinese (False) name.
    """
    if not code:
        return ""
    names = LIAONING_CITIES.get(code)
    if names is None:
        return code
    if english is None:
        return CITY_LABELS[code]
    return names[1] if english else names[0]


def city_choices() -> list[tuple[str, Message]]:
    """(code, marked name) of every city, for select lists."""
    return list(CITY_LABELS.items())


def city_code_for_name(name: str) -> str | None:
    """Code of a Liaoning city given its Chinese name, with or without the 市 suffix."""
    bare = name.strip().removesuffix("市")
    for code, (zh, en) in LIAONING_CITIES.items():
        if bare in (zh, en) or bare.lower() == en.lower():
            return code
    return None
