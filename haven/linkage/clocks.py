"""Linkage's part of the shared deadline machinery. Registered by ``LinkageConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from haven.deadlines import kinds

# Intake opened a case for a person the register probably knows under a case the
# caseworker may not see (issue 14): the national coordinator looks at both and
# decides (merge, share, or nothing). Detail, no personal data: {"hidden_case": id,
# "asked_by": user id}; the task's own case is the new intake.
HIDDEN_MATCH = kinds.register(
    "linkage_hidden_match",
    gettext_lazy("Look at a possible duplicate found at intake"),
    owner="linkage",
    # The coordinator is on neither case's team: it looks from the duplicates review.
    off_team_link=lambda detail: reverse("linkage:review_queue"),
)

# A national coordinator proposed to merge two cases of one person (the review queue):
# a supervisor of the national coordinator approves or refuses it. The task's case is
# the surviving case; detail {"merge": id}. Closed by the decision.
MERGE_APPROVAL = kinds.register(
    "linkage_merge_approval",
    gettext_lazy("Approve or refuse a merge of two cases of one person"),
    owner="linkage",
    closed_by_record=gettext_lazy("Closed by a supervisor's decision on the merge."),
    # The coordinator's supervisors approve without being on either case's team.
    off_team_link=lambda detail: reverse("linkage:merge_detail", args=[detail["merge"]]),
)

# Two cases of one person were merged: an organisation on the absorbed case's team but
# not on the surviving case's is told that the person is now known under the surviving
# case (its pseudonymous reference, no name), and gains no access through the merge.
# The task's case is the absorbed case (theirs); detail {"merge": id, "surviving": ref}.
MERGED_ELSEWHERE = kinds.register(
    "linkage_merged_elsewhere",
    gettext_lazy("This person is now known under another case"),
    owner="linkage",
)

# The coordinators' staff are told in the app (a desk notification naming the new
# case's pseudonymous reference): the task's case is not theirs to see.
HIDDEN_MATCH_EVENT = kinds.NotificationEvent(
    key="linkage_hidden_match",
    label=gettext_lazy(
        "Intake found a person probably known under a case its caseworker may not see: "
        "look at the possible duplicate."
    ),
    subject=gettext_lazy("a possible duplicate was found at intake"),
)


# The supervisors of the national coordinator are told in the app that a merge waits
# for one of them (the surviving case is not theirs to see, so the task is not on
# their list of deadlines; the queue page lists the merges waiting).
MERGE_APPROVAL_EVENT = kinds.NotificationEvent(
    key="linkage_merge_approval",
    label=gettext_lazy(
        "A merge of two cases of one person waits for a supervisor of the national "
        "coordinator: see Possible duplicates on the coordination desk."
    ),
    subject=gettext_lazy("a merge waits for your approval"),
)


def register() -> None:
    """Importing this module registers the task kinds; this registers the events."""
    kinds.event_register(HIDDEN_MATCH_EVENT)
    kinds.event_register(MERGE_APPROVAL_EVENT)
