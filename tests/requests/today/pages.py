"""Reading the Vandaag blocks from the home page as a user sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    heading: str
    count: int
    links: list[tuple[str, str]]  # (href, text)
    text: str


def blocks(html: str) -> dict[str, Block]:
    found = {}
    for key, body in re.findall(r'data-block="([^"]+)">(.*?)</section>', html, re.DOTALL):
        heading = re.search(r"<h3[^>]*>(.*?)<span", body, re.DOTALL).group(1).strip()
        count = int(re.search(r'today-block__count">(\d+)<', body).group(1))
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', body)
        found[key] = Block(heading, count, links, re.sub(r"<[^>]+>", " ", body))
    return found
