"""``haven seed_demo``: synthetic organisations, accounts and cases for a demo."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from haven.demo import services as demo


class Command(BaseCommand):
    help = (
        "Create the demo organisations (every type, in Finland and Estonia), the demo accounts "
        "and synthetic cases, through the same services as real data. Does nothing if demo "
        "data is already present. Refused unless HAVEN_DEMO_MODE or HAVEN_DEBUG is on: the "
        "demo passwords are public."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=demo.DEFAULT_CASES, help="how many cases to create"
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="random seed (same seed, same data)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError(
                _("Demo accounts have public passwords: seed only with HAVEN_DEMO_MODE=1.")
            )
        if options["cases"] < 0:
            raise CommandError(_("--cases cannot be negative."))
        if demo.demo_data_present():
            self.stdout.write(_("Demo data is already present; nothing was changed."))
        else:
            summary = demo.seed_demo(cases=options["cases"], seed=options["seed"])
            self.stdout.write(self._summary(summary))
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (synthetic data only):"))
        self.stdout.write(demo.accounts_table(demo.demo_accounts()))

    def _summary(self, summary: demo.SeedSummary) -> str:
        def counts(counter: dict[str, int]) -> str:
            return ", ".join(f"{key} {value}" for key, value in sorted(counter.items()))

        return "\n".join(
            [
                _(
                    "Seeded %(orgs)d organisations, %(users)d accounts and %(cases)d cases "
                    "in %(s).1f s."
                )
                % {
                    "orgs": summary.organisations,
                    "users": summary.users,
                    "cases": summary.cases,
                    "s": summary.seconds,
                },
                _("By status: %s") % counts(summary.statuses),
                _("By country: %s") % counts(summary.countries),
                _("By lead organisation type: %s") % counts(summary.lead_types),
                _("Presumed or verified children: %d") % summary.children,
                _("Other organisations added to teams: %d") % summary.team_members_added,
                _("Indicator sets loaded: %d") % summary.indicator_sets_loaded,
                _("Screenings by outcome: %s") % counts(summary.screenings),
                _("Decisions: %s") % counts(summary.decisions),
                _("Reconsiderations %(r)d, reflection extensions %(e)d, early ends %(x)d")
                % {"r": summary.reconsiderations, "e": summary.extensions, "x": summary.early_ends},
                _("Deadline sweep: %(m)d reminded, %(s)d escalated")
                % {"m": summary.reminded, "s": summary.escalated},
                _("Cooperation agreements %(a)d (%(e)d ended), %(p)d proposals waiting")
                % {
                    "a": summary.agreements,
                    "e": summary.agreements_ended,
                    "p": summary.agreements_proposed,
                },
                _("Service directory entries %d") % summary.directory_entries,
                _("Shelter places %d") % summary.shelter_places,
                _("Return profiles %(p)d, return plans %(r)d, follow-ups after return %(f)d")
                % {
                    "p": summary.returns.profiles,
                    "r": summary.returns.plans,
                    "f": summary.returns.follow_ups,
                },
                _(
                    "Consents %(c)d (%(g)d by a guardian, %(w)d withdrawn), "
                    "%(r)d refusals of police sharing, %(v)d children heard without a guardian"
                )
                % {
                    "c": summary.consents,
                    "g": summary.consents_by_guardian,
                    "w": summary.consents_withdrawn,
                    "r": summary.refusals,
                    "v": summary.child_views,
                },
                *self._assistance(summary.assistance),
                *self._referrals(summary.referrals),
                _("Erasure requests waiting for a second approver: %d") % summary.erasure_requests,
                _("Protected statistics releases: %d") % summary.protected_releases,
                _("Possible duplicates in the review queue: %d") % summary.duplicate_pairs,
                _("Parties linked to cases (an employer shared by two): %d") % summary.party_links,
            ]
        )

    def _referrals(self, counts: demo.ReferralCounts) -> list[str]:
        def by_state(counter: dict[str, int]) -> str:
            return ", ".join(f"{key} {value}" for key, value in sorted(counter.items()))

        crossborder = (
            _("Cross-border packages exported: %d") % counts.crossborder_exported
            if counts.crossborder_configured
            else _("Cross-border: skipped (no focal point keys configured)")
        )
        return [
            _(
                "Referrals: %(s)s (%(o)d overdue, %(e)d escalated by the sweep, %(a)d with "
                "information asked and given); consents recorded for them %(c)d; "
                "support-referral agreements %(m)d"
            )
            % {
                "s": by_state(counts.referrals),
                "o": counts.overdue,
                "e": counts.escalated,
                "a": counts.information_answered,
                "c": counts.consents,
                "m": counts.agreements,
            },
            _("Lead transfers: %s") % by_state(counts.lead_transfers),
            _("Requests for access waiting for the case lead: %d") % counts.access_requests,
            _(
                "Desk: consultations %(c)d (%(l)d linked to a case, %(r)d routed), "
                "public concern reports: %(p)s"
            )
            % {
                "c": counts.consultations,
                "l": counts.consultations_linked,
                "r": counts.consultations_routed,
                "p": by_state(counts.reports),
            },
            crossborder,
        ]

    def _assistance(self, counts: demo.AssistanceCounts) -> list[str]:
        services = ", ".join(f"{key} {value}" for key, value in sorted(counts.services.items()))
        return [
            _(
                "Assessments %(a)d (%(v)d needs assessments in a second version), "
                "assistance plans %(p)d, services: %(s)s (%(f)d financial support in EUR)"
            )
            % {
                "a": counts.assessments,
                "v": counts.second_versions,
                "p": counts.plans,
                "s": services,
                "f": counts.financial_support,
            },
            _(
                "Closures of assistance %(c)d (%(r)d reopened), cooperation records %(o)d, "
                "dependants %(d)d, residence permits %(m)d, open detention records %(x)d"
            )
            % {
                "c": counts.closures,
                "r": counts.reopened,
                "o": counts.cooperation,
                "d": counts.dependants,
                "m": counts.permits,
                "x": counts.detentions,
            },
            _(
                "Proceedings %(p)d, compensation claims %(c)d, possible compelled offences "
                "flagged %(o)d"
            )
            % {
                "p": counts.proceedings,
                "c": counts.compensation_claims,
                "o": counts.compelled_offences,
            },
            _(
                "Children: %(g)d guardians appointed (%(n)d children still without one), "
                "best-interests records %(b)d (%(t)d determinations), family tracings %(f)d"
            )
            % {
                "g": counts.guardians,
                "n": counts.children_without_guardian,
                "b": counts.best_interests,
                "t": counts.determinations,
                "f": counts.tracings,
            },
        ]
