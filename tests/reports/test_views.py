"""Report pages and downloads: who may see them, and who gets exact counts (SPEC §1, §8)."""

import io
from datetime import date

import openpyxl
import pytest

from stegvis.core.models import AuditEntry
from stegvis.core.roles import Role

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2026-01-01&date_to=2026-12-31"


@pytest.fixture
def data(scope, intervention, other_intervention, make_enrolment):
    for _ in range(6):
        make_enrolment(date(2026, 1, 10), date(2026, 4, 1), "arbete")
    for _ in range(2):
        make_enrolment(date(2026, 1, 10), gender="man")
    make_enrolment(date(2026, 2, 1), intervention=other_intervention)
    return intervention


@pytest.fixture
def lead(federation, intervention, make_member):
    return make_member(federation, Role.INTERVENTION_LEAD, "lena", interventions=[intervention])


@pytest.fixture
def steering(federation, make_member):
    return make_member(federation, Role.STEERING, "stina")


def url(slug, path=""):
    return f"/f/{slug}/rapporter/{path}"


def test_admin_sees_exact_counts_on_the_report_page(client, data, admin, federation):
    client.force_login(admin.user)
    response = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "visas som &lt;5" not in html
    table = response.context["report"].table
    assert table.total.values == [6, 2, 0, 8]


def test_report_page_defaults_to_this_year(client, data, admin):
    client.force_login(admin.user)
    response = client.get(url("alfa", "age-gender/"))
    form = response.context["form"]
    assert form.cleaned_data["date_from"].month == 1
    assert form.cleaned_data["date_from"].day == 1


def test_external_checkbox_hides_small_cells_for_the_admin_too(client, data, admin):
    client.force_login(admin.user)
    response = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}&external=on"))
    assert response.context["report"].table.total.values[1] == "<5"
    assert "visas som &lt;5" in response.content.decode()


def test_lead_gets_exact_counts_for_every_intervention(client, data, lead):
    # Intervention leads report on the federation's interventions to the board: exact counts,
    # also for interventions they are not assigned to and for all interventions together.
    client.force_login(lead.user)
    own = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}"))
    assert own.context["report"].table.total.values == [6, 2, 0, 8]
    other = client.get(url("alfa", f"age-gender/?intervention=INS-2&{PERIOD}"))
    assert other.context["report"].table.total.values == [1, 0, 0, 1]
    everything = client.get(url("alfa", f"age-gender/?{PERIOD}"))
    assert not everything.context["report"].is_suppressed


def test_case_worker_gets_exact_counts_for_own_intervention_only(client, data, case_worker):
    client.force_login(case_worker.user)
    own = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}"))
    assert own.context["report"].table.total.values == [6, 2, 0, 8]
    other = client.get(url("alfa", f"age-gender/?intervention=INS-2&{PERIOD}"))
    assert other.context["report"].table.total.values[0] == "<5"
    everything = client.get(url("alfa", f"age-gender/?{PERIOD}"))
    assert everything.context["report"].is_suppressed
    assert everything.context["forced_external"]


def test_steering_always_gets_small_cells_hidden(client, data, steering):
    client.force_login(steering.user)
    response = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}"))
    assert response.status_code == 200
    assert response.context["report"].table.total.values == ["..", "<5", 0, 8]


def test_case_worker_sees_reports_but_cannot_download(client, data, case_worker):
    client.force_login(case_worker.user)
    assert client.get(url("alfa")).status_code == 200
    assert client.get(url("alfa", "age-gender.xlsx")).status_code == 403


def test_steering_downloads_the_reports_it_sees_with_small_cells_hidden(client, data, steering):
    client.force_login(steering.user)
    page = client.get(url("alfa", f"age-gender/?intervention=INS-1&{PERIOD}")).content.decode()
    assert "Ladda ner XLSX" in page
    response = client.get(url("alfa", f"age-gender.csv?intervention=INS-1&{PERIOD}"))
    assert response.status_code == 200
    total = response.content.decode("utf-8").splitlines()[-1].split(";")
    assert total[2:] == ["..", "<5", "0", "8"]
    entry = AuditEntry.objects.get(action="export", actor_username="stina")
    assert entry.detail["external"] is True


def test_association_leader_has_no_reports(client, data, federation, make_member):
    leader = make_member(federation, Role.ASSOCIATION_LEADER, "leif")
    client.force_login(leader.user)
    assert client.get(url("alfa")).status_code == 403
    assert client.get(url("alfa", "age-gender/")).status_code == 403


def test_outsider_gets_404(client, data, outsider):
    client.force_login(outsider.user)
    for path in ["", "age-gender/", "age-gender.xlsx", "paket.pdf", "sus-export.csv"]:
        assert client.get(url("alfa", path)).status_code == 404, path


def test_unknown_report_is_404(client, data, admin):
    client.force_login(admin.user)
    assert client.get(url("alfa", "nope/")).status_code == 404
    assert client.get(url("alfa", "age-gender.docx")).status_code == 404


def test_lead_downloads_xlsx_with_the_page_numbers_and_it_is_logged(client, data, lead):
    client.force_login(lead.user)
    response = client.get(url("alfa", f"exit-gender.xlsx?intervention=INS-1&{PERIOD}"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="alfa-avslutsorsak-och-kon-'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {r[0]: list(r[2:]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["arbete"] == [6, 0, 0, 6]
    entry = AuditEntry.objects.filter(action="export", object_type="report").get()
    assert entry.actor_username == "lena"
    assert entry.detail["format"] == "xlsx"


def test_csv_download_has_a_byte_order_mark_for_excel(client, data, admin):
    client.force_login(admin.user)
    response = client.get(url("alfa", f"age-gender.csv?{PERIOD}"))
    assert response.content.startswith("\ufeffkod;benamning".encode())


def test_pdf_and_package_downloads(client, data, admin):
    client.force_login(admin.user)
    pdf = client.get(url("alfa", f"flow.pdf?{PERIOD}"))
    assert pdf.content.startswith(b"%PDF")
    package = client.get(url("alfa", f"paket.xlsx?{PERIOD}"))
    workbook = openpyxl.load_workbook(io.BytesIO(package.content))
    assert "Ålder och kön" in workbook.sheetnames
    assert "Budget och utfall" in workbook.sheetnames
    assert client.get(url("alfa", f"paket.pdf?{PERIOD}")).content.startswith(b"%PDF")


def test_sus_export_is_for_the_admin_and_logs_each_person(client, data, admin, lead):
    client.force_login(lead.user)
    assert client.get(url("alfa", "sus-export.csv")).status_code == 403
    client.force_login(admin.user)
    response = client.get(url("alfa", f"sus-export.csv?intervention=INS-1&{PERIOD}"))
    lines = response.content.decode("utf-8-sig").strip().split("\r\n")
    assert lines[0].startswith("personnummer;gender;start_date;end_date;exit_reason")
    assert len(lines) == 1 + 8
    assert AuditEntry.objects.filter(action="read", reason="SUS-export").count() == 8
    assert AuditEntry.objects.filter(action="export", object_type="sus_export").count() == 1


def test_admin_sets_the_small_cell_threshold(client, data, admin, lead, federation):
    client.force_login(lead.user)
    assert (
        client.post(url("alfa", "installningar/"), {"small_cell_threshold": 3}).status_code == 403
    )
    client.force_login(admin.user)
    response = client.post(url("alfa", "installningar/"), {"small_cell_threshold": 3})
    assert response.status_code == 302
    federation.refresh_from_db()
    assert federation.setting("small_cell_threshold") == 3
    client.post(url("alfa", "installningar/"), {"small_cell_threshold": 0})
    federation.refresh_from_db()
    assert federation.setting("small_cell_threshold") == 3


def test_index_lists_reports_and_goals(client, data, admin):
    from stegvis.interventions.models import ResultGoal

    ResultGoal.objects.create(
        intervention=data, title="Minst 50 % till arbete", metric="work_or_studies", target=50
    )
    client.force_login(admin.user)
    html = client.get(url("alfa", f"?{PERIOD}")).content.decode()
    assert "Ålder och kön" in html
    assert "Minst 50 % till arbete" in html
    assert "100 %" in html  # 6 of 6 exited went to work


def test_navigation_shows_reports_to_roles_with_aggregates(client, data, steering, federation):
    client.force_login(steering.user)
    html = client.get(f"/f/{federation.slug}/").content.decode()
    assert f'href="/f/{federation.slug}/rapporter/"' in html


def test_dashboard_shows_result_goals_to_steering_but_not_to_case_workers(
    client, data, steering, case_worker
):
    from stegvis.interventions.models import ResultGoal

    ResultGoal.objects.create(
        intervention=data, title="Minst 30 nya deltagare", metric="participants", target=30
    )
    client.force_login(steering.user)
    html = client.get("/f/alfa/").content.decode()
    assert "Resultatmål" in html
    assert "Minst 30 nya deltagare" in html
    client.force_login(case_worker.user)
    assert "Minst 30 nya deltagare" not in client.get("/f/alfa/").content.decode()
