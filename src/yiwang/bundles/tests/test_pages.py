"""The applicant's pages and the administrators' designer."""

from __future__ import annotations

from yiwang.bundles.models import BundleApplication, BundleItem
from yiwang.bundles.tests.conftest import ANSWERS


def test_list_apply_and_status(client, bundle, agent, plan):
    client.force_login(agent)
    assert "开办企业一件事" in client.get("/bundles/").content.decode()
    page = client.get("/bundles/start-business/apply/").content.decode()
    assert page.count('name="taxpayer_uscc"') == 1 and 'name="uscc"' not in page  # asked once
    assert page.count('name="business_premises"') == 1
    assert "readonly" in page  # 免填 fields are read-only
    assert page.count('type="file"') == 1  # the shared floor plan, once; the licence comes from the bundle
    response = client.post(
        "/bundles/start-business/apply/", {**ANSWERS, "idempotency_key": "page-key-0001", "material_0": plan}
    )
    application = BundleApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bundles/applications/{application.number}/"
    status = client.get(response["Location"]).content.decode()
    assert "西湖区税务局" in status and "等待前置事项办结" in status
    assert application.number in client.get("/bundles/").content.decode()  # 我的一件事


def test_apply_shows_field_errors(client, bundle, agent):
    client.force_login(agent)
    response = client.post("/bundles/start-business/apply/", {"idempotency_key": "page-key-0002"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not BundleApplication.objects.exists()


def test_designer_is_for_administrators_and_refuses_cycles(client, bundle, admin_user, agent, food_item):
    client.force_login(agent)
    assert client.get("/bundles/design/start-business/").status_code == 404
    assert client.get("/bundles/design/").status_code == 404
    client.force_login(admin_user)
    assert "开办企业一件事" in client.get("/bundles/design/").content.decode()
    page = client.get("/bundles/design/start-business/").content.decode()
    assert "合并后的表单" in page and "办理顺序" in page
    food = BundleItem.objects.get(bundle=bundle, item=food_item)
    registration = food.depends_on.get()
    response = client.post(
        "/bundles/design/start-business/",
        {"action": "depends", "bundle_item": registration.pk, "depends_on": [food.pk]},
    )
    assert response.status_code == 422 and "循环" in response.content.decode()
    assert not registration.depends_on.exists()


def test_demo_bundles(org):
    from yiwang.bundles.demo import ensure_demo_bundles
    from yiwang.demo.catalog import ensure_demo_catalog

    ensure_demo_catalog()
    bundles = ensure_demo_bundles("330100")
    assert {b.name for b in bundles} >= {"开办企业一件事", "出生一件事", "退休一件事", "迁户落户一件事"}
    assert len(ensure_demo_bundles("330100")) == len(bundles)  # idempotent


def test_applicant_corrects_once_on_the_status_page(client, org, make_official, bundle, agent, plan, tax_office):
    from yiwang.applications.services import act
    from yiwang.bundles.services import submit_bundle

    application = submit_bundle(
        bundle, user=agent, form_data=ANSWERS, uploads={"name:经营场所平面图": plan}, idempotency_key="page-key-0003"
    )
    tax_case = application.children.get(bundle_item__item__department=tax_office).application
    act(tax_case, "request_correction", actor=make_official("tax", tax_office), items=["经营场所写到门牌号"])
    client.force_login(agent)
    url = f"/bundles/applications/{application.number}/"
    page = client.get(url).content.decode()
    assert "经营场所写到门牌号" in page and "补正后重新提交" in page
    response = client.post(url, {**ANSWERS, "business_premises": "文三路 100 号 1 幢 101 室"})
    assert response.status_code == 302
    tax_case.refresh_from_db()
    assert tax_case.state == "submitted" and tax_case.form_data["business_premises"] == "文三路 100 号 1 幢 101 室"


def test_the_applicant_withdraws_on_the_status_page(client, bundle, agent, plan):
    from yiwang.bundles.models import BundleApplication
    from yiwang.bundles.services import submit_bundle

    application = submit_bundle(
        bundle, user=agent, form_data=ANSWERS, uploads={"name:经营场所平面图": plan}, idempotency_key="page-key-0009"
    )
    client.force_login(agent)
    page = client.get(f"/bundles/applications/{application.number}/").content.decode()
    assert "确认撤回全部未办结事项" in page
    response = client.post(f"/bundles/applications/{application.number}/", {"withdraw": "1", "reason": "改期"})
    assert response.status_code == 302
    assert BundleApplication.objects.get(pk=application.pk).state == "withdrawn"
    page = client.get(f"/bundles/applications/{application.number}/").content.decode()
    assert "已撤回，不再办理" in page and "确认撤回全部未办结事项" not in page
