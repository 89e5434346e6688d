"""一件事联办: merged form, parallel fan-out, dependencies, derived state, combined notices, idempotency, design."""

from __future__ import annotations

import pytest

from yiwang.applications.forms_data import FormInvalid
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application
from yiwang.applications.selectors import inbox_for
from yiwang.applications.services import act
from yiwang.bundles.merging import MergeConflict, merge_forms, merge_materials
from yiwang.bundles.models import BundleApplication, BundleItem, BundleState
from yiwang.bundles.services import (
    DependencyCycle,
    advance_bundle,
    bundle_items,
    children_of,
    derive_state,
    ordered_items,
    resubmit_bundle,
    set_dependencies,
    submit_bundle,
)
from yiwang.bundles.tests.conftest import ANSWERS, licence_content
from yiwang.core.models import Notification


def _submit(bundle, agent, plan, key="bundle-key-0001", **answers):
    return submit_bundle(
        bundle,
        user=agent,
        form_data={**ANSWERS, **answers},
        uploads={"name:经营场所平面图": plan},
        idempotency_key=key,
    )


def _child(application, item) -> Application:
    child = next(c for c in children_of(application) if c.bundle_item.item_id == item.pk)
    assert child.application is not None
    return child.application


def _notices(agent, kind):
    return Notification.objects.filter(recipient=agent, channel="portal", dedupe_key__contains=f":{kind}")


def test_merged_form_asks_shared_fields_once_and_maps_answers_back(bundle, food_item, tax_item):
    items = ordered_items(bundle_items(bundle))
    assert [bi.item.name for bi in items] == ["企业设立登记", "新办纳税人涉税事项", "食品经营许可（新办）"]
    form = merge_forms(items)
    uscc_fields = [name for name, f in form.fields.items() if f.spec.get("x-element") == "entity.uscc"]
    assert uscc_fields == ["taxpayer_uscc"]  # 统一社会信用代码 asked once for both items
    premises = form.fields["business_premises"]  # identical field name asked once, strictest bound, required
    assert premises.spec["maxLength"] == 100 and premises.required
    food = next(bi for bi in items if bi.item_id == food_item.pk)
    tax = next(bi for bi in items if bi.item_id == tax_item.pk)
    answers = {
        "taxpayer_uscc": "91330106MA2XXXXX0X",
        "business_premises": "文三路",
        "accounting_system": "小企业会计准则",
    }
    assert form.answers_for(food.pk, answers) == {"uscc": "91330106MA2XXXXX0X", "business_premises": "文三路"}
    assert form.answers_for(tax.pk, answers) == answers
    assert sorted(form.mapping["taxpayer_uscc"]) == sorted([(tax.pk, "taxpayer_uscc"), (food.pk, "uscc")])
    materials = {m.name: m for m in merge_materials(items)}
    assert len(materials["经营场所平面图"].sources) == 2  # one upload for both departments
    assert materials["营业执照"].produced_in_bundle  # the registration in the bundle issues it: not asked


def test_conflicting_specs_are_refused_at_design_time(bundle, tax_item):
    tax_item.form_schema["properties"]["main_business_format"] = {"type": "string", "title": "业态", "enum": ["其他"]}
    tax_item.save()
    with pytest.raises(MergeConflict) as caught:
        merge_forms(ordered_items(bundle_items(bundle)))
    assert caught.value.field == "main_business_format"
    assert "enum" in str(caught.value.message)


def test_submit_fans_out_at_once_and_repeats_return_the_first(
    org, make_official, bundle, agent, plan, food_item, registration_item, tax_item, tax_office
):
    application = _submit(bundle, agent, plan)
    children = children_of(application)
    started = {c.bundle_item.item.name for c in children if c.application}
    assert started == {"企业设立登记", "新办纳税人涉税事项"}  # 串联改并联: both departments at once
    waiting = next(c for c in children if c.application is None)
    assert waiting.bundle_item.item_id == food_item.pk
    samr = make_official("samr", org.xihu_samr)
    tax = make_official("tax", tax_office)
    assert [a.item_id for a in inbox_for(samr)] == [registration_item.pk]
    assert [a.item_id for a in inbox_for(tax)] == [tax_item.pk]
    tax_case = _child(application, tax_item)
    assert tax_case.form_data["taxpayer_uscc"] == tax_case.applicant_id  # 免填 through the merged form
    assert tax_case.materials.get().file_name == "平面图.pdf"
    assert application.state == BundleState.SUBMITTED
    assert all(c.application.in_bundle for c in children if c.application)  # told through the bundle

    again = _submit(bundle, agent, plan)
    assert again.pk == application.pk
    assert BundleApplication.objects.count() == 1 and Application.objects.count() == 2


def test_invalid_merged_form_changes_nothing(bundle, agent, plan):
    with pytest.raises(FormInvalid) as caught:
        _submit(bundle, agent, plan, accounting_system="自创准则", business_scope="")
    assert set(caught.value.errors) == {"accounting_system", "business_scope"}
    assert not BundleApplication.objects.exists() and not Application.objects.exists()


def test_dependent_item_starts_after_its_prerequisite_completes_and_one_result_notice(
    org, make_official, bundle, agent, plan, enterprise, food_item, registration_item, tax_item, tax_office
):
    application = _submit(bundle, agent, plan)
    samr = make_official("samr", org.xihu_samr)
    tax = make_official("tax", tax_office)
    registration = _child(application, registration_item)
    act(registration, "accept", actor=samr)
    assert advance_bundle(application).state == BundleState.IN_PROGRESS
    act(registration, "approve", actor=samr)
    assert all(c.application is None for c in children_of(application) if c.bundle_item.item_id == food_item.pk)
    act(registration, "complete", actor=samr, certificate_content=licence_content(enterprise))
    advance_bundle(application)
    food = _child(application, food_item)
    assert food.state == State.SUBMITTED
    assert food.materials.filter(certificate__isnull=False).exists()  # 营业执照 from the bundle's own result
    advance_bundle(application)  # idempotent: nothing started twice
    assert Application.objects.filter(item=food_item).count() == 1
    for official, case in ((samr, food), (tax, _child(application, tax_item))):
        for action in ("accept", "approve", "complete"):
            act(case, action, actor=official)
        assert _notices(agent, "completed").count() == 0  # the bundle is not done until every item is
        application = advance_bundle(application)
    assert application.state == BundleState.COMPLETED
    advance_bundle(application)
    notices = _notices(agent, "completed")
    assert notices.count() == 1
    body = notices.get().body
    registration.refresh_from_db()
    food.refresh_from_db()
    assert registration.result_certificate.number in body and food.result_certificate.number in body


def test_corrections_of_two_departments_reach_the_applicant_as_one_notice(
    org, make_official, bundle, agent, plan, registration_item, tax_item, tax_office
):
    application = _submit(bundle, agent, plan)
    samr = make_official("samr", org.xihu_samr)
    tax = make_official("tax", tax_office)
    act(_child(application, registration_item), "request_correction", actor=samr, items=["经营范围应按规范表述填写"])
    act(_child(application, tax_item), "request_correction", actor=tax, items=["平面图须标注财务室"])
    application = advance_bundle(application)
    advance_bundle(application)
    assert application.state == BundleState.CORRECTION_REQUESTED
    notices = _notices(agent, "correction")
    assert notices.count() == 1
    body = notices.get().body
    assert "西湖区市场监督管理局" in body and "经营范围应按规范表述填写" in body
    assert "西湖区税务局" in body and "平面图须标注财务室" in body

    application = resubmit_bundle(application, actor=agent, form_data={"business_scope": "餐饮服务；食品销售"})
    assert application.state == BundleState.SUBMITTED
    assert _child(application, registration_item).form_data["business_scope"] == "餐饮服务；食品销售"
    assert _child(application, tax_item).state == State.SUBMITTED


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([State.SUBMITTED, State.SUBMITTED, None], BundleState.SUBMITTED),
        ([State.ACCEPTED, State.SUBMITTED, None], BundleState.IN_PROGRESS),
        ([State.COMPLETED, State.ACCEPTED, None], BundleState.IN_PROGRESS),
        ([State.CORRECTION_REQUESTED, State.ACCEPTED, None], BundleState.CORRECTION_REQUESTED),
        ([State.REFUSED, State.CORRECTION_REQUESTED, None], BundleState.REFUSED),
        ([State.DENIED, State.COMPLETED, None], BundleState.REFUSED),
        ([State.COMPLETED, State.COMPLETED, None], BundleState.IN_PROGRESS),
        ([State.COMPLETED, State.COMPLETED, State.COMPLETED], BundleState.COMPLETED),
    ],
)
def test_derived_state(states, expected):
    assert derive_state(states) == expected


def test_designer_refuses_a_dependency_cycle(bundle, admin_user, food_item, registration_item):
    food = BundleItem.objects.get(bundle=bundle, item=food_item)
    registration = BundleItem.objects.get(bundle=bundle, item=registration_item)
    with pytest.raises(DependencyCycle) as caught:
        set_dependencies(registration, [food], actor=admin_user)
    assert "循环" in str(caught.value.message) and "企业设立登记" in str(caught.value.message)
    assert not registration.depends_on.exists()  # nothing changed
    with pytest.raises(DependencyCycle):
        set_dependencies(food, [food], actor=admin_user)


def test_periodic_run_starts_the_dependant(org, make_official, bundle, agent, plan, enterprise, registration_item):
    from django.core.management import call_command

    from yiwang.bundles.tasks import advance_open_bundles

    application = _submit(bundle, agent, plan)
    samr = make_official("samr", org.xihu_samr)
    registration = _child(application, registration_item)
    for action in ("accept", "approve"):
        act(registration, action, actor=samr)
    act(registration, "complete", actor=samr, certificate_content=licence_content(enterprise))
    assert advance_open_bundles.call() == 1
    assert all(c.application for c in children_of(application))
    call_command("advance_bundles")
    assert Application.objects.count() == 3


def test_a_licence_issued_in_the_bundle_is_shared_with_the_items_that_started_without_it(
    org, make_official, bundle, agent, plan, enterprise, registration_item, tax_item
):
    from yiwang.bundles.services import asked_materials
    from yiwang.catalog.models import MaterialRequirement
    from yiwang.certificates.models import CertificateType

    licence_type = CertificateType.objects.get(code="business_licence")
    late = MaterialRequirement.objects.create(
        item=tax_item, position=2, name="营业执照", requirement="deficiency_allowed", certificate_type=licence_type
    )
    materials = merge_materials(ordered_items(bundle_items(bundle)))
    asked = [m.name for m, _by_cert in asked_materials(materials, enterprise.uscc)]
    assert "营业执照" not in asked  # the bundle issues it: not asked of the applicant (容缺, shared later)

    application = _submit(bundle, agent, plan)
    tax = _child(application, tax_item)
    assert not tax.materials.filter(requirement=late).exists()
    samr = make_official("samr", org.xihu_samr)
    registration = _child(application, registration_item)
    for action in ("accept", "approve"):
        act(registration, action, actor=samr)
    act(registration, "complete", actor=samr, certificate_content=licence_content(enterprise))
    advance_bundle(application)
    advance_bundle(application)  # idempotent: shared once
    shared = tax.materials.filter(requirement=late)
    registration.refresh_from_db()
    assert [m.certificate_id for m in shared] == [registration.result_certificate_id]
    assert tax.events.filter(action="share_result").count() == 1


def test_a_required_licence_is_still_asked_when_the_item_does_not_wait_for_it(bundle, enterprise, tax_item):
    from yiwang.bundles.services import asked_materials
    from yiwang.catalog.models import MaterialRequirement
    from yiwang.certificates.models import CertificateType

    licence_type = CertificateType.objects.get(code="business_licence")
    MaterialRequirement.objects.create(
        item=tax_item, position=2, name="营业执照", requirement="required", certificate_type=licence_type
    )
    materials = merge_materials(ordered_items(bundle_items(bundle)))
    assert "营业执照" in [m.name for m, _by_cert in asked_materials(materials, enterprise.uscc)]


def test_withdrawing_stops_every_open_part_and_the_waiting_ones_never_start(
    org, make_official, bundle, agent, plan, enterprise, food_item, registration_item, tax_item
):
    from yiwang.bundles.services import withdraw_bundle
    from yiwang.core.errors import Conflict, PermissionDenied
    from yiwang.core.models import AuditEntry

    application = _submit(bundle, agent, plan)
    samr = make_official("samr", org.xihu_samr)
    with pytest.raises(PermissionDenied):
        withdraw_bundle(application, actor=samr)
    registration = _child(application, registration_item)
    for action in ("accept", "approve"):
        act(registration, action, actor=samr)
    act(registration, "complete", actor=samr, certificate_content=licence_content(enterprise))  # decided: stays

    application = withdraw_bundle(application, actor=agent, reason="不开了")
    assert application.state == BundleState.WITHDRAWN
    assert _child(application, tax_item).state == State.WITHDRAWN
    registration.refresh_from_db()
    assert registration.state == State.COMPLETED and registration.result_certificate is not None
    advance_bundle(application)
    assert not Application.objects.filter(item=food_item).exists()  # its prerequisite completed, but withdrawn
    assert AuditEntry.objects.filter(action="bundle.withdraw").count() == 1
    assert _notices(agent, "withdrawn").count() == 1
    with pytest.raises(Conflict):
        withdraw_bundle(application, actor=agent)


def test_a_refused_part_is_told_once_with_its_reason_and_the_parts_that_will_not_start(
    org, make_official, bundle, agent, plan, registration_item
):
    application = _submit(bundle, agent, plan)
    samr = make_official("samr", org.xihu_samr)
    act(_child(application, registration_item), "refuse", actor=samr, note="拟设立企业名称与在先登记字号近似")
    assert advance_bundle(application).state == BundleState.REFUSED
    advance_bundle(application)
    notices = _notices(agent, "refused")
    assert notices.count() == 1
    body = notices.get().body
    assert "企业设立登记" in body and "拟设立企业名称与在先登记字号近似" in body
    assert "以其结果为前提的事项不再办理：食品经营许可（新办）" in body  # the tax item does not wait: not listed
