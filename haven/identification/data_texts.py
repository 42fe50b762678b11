"""The texts of identification's shipped data files that readers see, in the order a
translator reads them: the indicator file's element names, set titles and indicator
labels, then the pathways' labels, standards of proof and reason templates.

``haven/identification/data/i18n/<lang>.yaml`` translates exactly these
(``haven.lib.datatext``); the tests check each file against this list, extracted
with the loaders' own code.
"""

from __future__ import annotations

from pathlib import Path

from haven.identification import loader, pathways
from haven.lib import datatext

SHIPPED_PATHWAYS = Path(__file__).resolve().parent / "data" / "pathways.yaml"


def shipped_texts() -> list[str]:
    indicator_texts = loader.data_texts(loader.load_shipped())
    pathway_texts = pathways.data_texts(
        pathways.parse_pathways(SHIPPED_PATHWAYS.read_text(encoding="utf-8"))
    )
    return datatext.unique([*indicator_texts, *pathway_texts])
