"""Administrative regions the app refers to: Liaoning's 14 prefecture-level cities."""

from __future__ import annotations

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


def city_name(code: str | None, *, english: bool = False) -> str:
    """Name of a Liaoning city by code, or the code itself when unknown."""
    if not code:
        return ""
    names = LIAONING_CITIES.get(code)
    if names is None:
        return code
    return names[1] if english else names[0]


def city_code_for_name(name: str) -> str | None:
    """Code of a Liaoning city given its Chinese name, with or without the 市 suffix."""
    bare = name.strip().removesuffix("市")
    for code, (zh, en) in LIAONING_CITIES.items():
        if bare in (zh, en) or bare.lower() == en.lower():
            return code
    return None
