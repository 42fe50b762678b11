"""Justice's part of the shared deadline machinery: the task a "possible
compelled offence" flag opens (R-33). Registered by ``JusticeConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from haven.deadlines import kinds


def _inform_words(detail: dict[str, Any], country: str) -> str:
    if detail.get("inform") == "prosecutor":
        return gettext("Weigh not prosecuting or penalising the person for the flagged offence.")
    return gettext("Inform the prosecutor or the defence of the flagged offence.")


# R-33, CETS Art. 26, Dir Art. 8: the prosecutor (or the defence) must know that an
# offence may have been compelled. Detail: {"offence": id, "inform": "prosecutor"|"lead"}.
COMPELLED_OFFENCE_INFORM = kinds.register(
    "compelled_offence_inform",
    gettext_lazy("Possible compelled offence: inform the prosecutor"),
    owner="justice",
    describe=_inform_words,
)


def register() -> None:
    """Importing this module registered the kinds; nothing else to start."""
