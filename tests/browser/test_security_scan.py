"""A browser walk over every kind of page, as the PMO and as an IIB member: the page fixture fails on any
Content-Security-Policy violation, and axe runs on each page."""
from tests.browser.conftest import sign_in_as, visit
from tests.personas import HEIDI_ROBINSON, RICHARD_CARR


def test_no_page_breaks_the_content_security_policy_for_an_officer(page, app, ids):
    visit(page, "/password/forgot")
    sign_in_as(page, HEIDI_ROBINSON)
    for path in [
        "/",
        "/periods",
        *(f"/periods/{period_id}" for period_id in ids.periods.values()),
        f"/periods/{ids.periods['nov_dec']}/report",
        f"/periods/{ids.periods['sep_oct']}/report",
        "/workstreams",
        f"/workstreams/{ids.workstreams['GOV']}",
        f"/updates/{ids.update('GOV', 'nov_dec')}",
        f"/updates/{ids.update('GOV', 'nov_dec')}/edit",
        f"/updates/{ids.update('GOV', 'sep_oct')}",
        f"/updates/{ids.update('GOV', 'sep_oct')}/review",
        f"/programmes/{ids.programme}/people",
        f"/programmes/{ids.programme}/people/invite",
        f"/workstreams/{ids.workstreams['GOV']}/people",
        "/outbox",
        "/account",
    ]:
        visit(page, path)


def test_no_page_breaks_the_content_security_policy_for_a_reader(page, app, ids):
    sign_in_as(page, RICHARD_CARR)
    for path in ["/", "/periods", f"/periods/{ids.periods['sep_oct']}/report", f"/workstreams/{ids.workstreams['PTN']}"]:
        visit(page, path)
