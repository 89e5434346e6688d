"""Pages: the public verification page, the wallet, a certificate's page and its PDF."""

from __future__ import annotations

import re
import zlib

import pytest
from django.test import override_settings

from yiwang.certificates.tests.factories import OTHER_PERSON_ID, OTHER_USCC, PERSON_ID
from yiwang.core.models import AuditEntry


def test_public_verify_page_shows_status_in_words(issue, client):
    cert = issue()
    response = client.get(f"/certificates/verify/{cert.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "核验结果：有效" in html and "alert-success" in html and 'role="status"' in html
    assert "食品经营许可证" in html and "西湖区市场监督管理局" in html

    form = client.get("/certificates/verify/", {"number": cert.number})
    assert "核验结果：有效" in form.content.decode()
    assert '<label for="cert-number"' in client.get("/certificates/verify/").content.decode()


def test_public_verify_page_masks_a_person(issue, client):
    cert = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    html = client.get(f"/certificates/verify/{cert.number}/").content.decode()
    assert "张*" in html and PERSON_ID not in html and "1990-03-07" not in html


def test_public_verify_page_for_unknown_and_tampered(issue, client):
    response = client.get("/certificates/verify/NO-SUCH-0001/")
    assert response.status_code == 404 and "核验结果：未找到" in response.content.decode()
    cert = issue()
    from yiwang.certificates.models import Certificate

    Certificate.objects.filter(pk=cert.pk).update(holder_name="冒名公司")
    html = client.get(f"/certificates/verify/{cert.number}/").content.decode()
    assert "核验结果：数据被篡改" in html and "冒名公司" not in html


def test_wallet_shows_only_the_holders_certificates(issue, client, person_user, agent_user):
    mine = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    someone_else = issue(cert_type="id_card", holder_id=OTHER_PERSON_ID, holder_name="王五")
    company = issue()
    other_company = issue(holder_id=OTHER_USCC, holder_name="别家餐饮有限公司")

    assert client.get("/certificates/mine/").status_code == 302  # login required
    client.force_login(person_user)
    html = client.get("/certificates/mine/").content.decode()
    assert mine.number in html and "<caption>" in html
    assert someone_else.number not in html and company.number not in html

    client.force_login(agent_user)
    html = client.get("/certificates/mine/").content.decode()
    assert company.number in html
    assert other_company.number not in html and mine.number not in html


def test_detail_and_pdf_are_for_the_holder_and_officials_in_scope(issue, client, person_user, org, make_official):
    cert = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    other = issue(cert_type="id_card", holder_id=OTHER_PERSON_ID, holder_name="王五")
    client.force_login(person_user)
    detail = client.get(f"/certificates/{cert.number}/")
    assert detail.status_code == 200 and "<svg" in detail.content.decode()
    assert client.get(f"/certificates/{other.number}/").status_code == 404
    assert client.get(f"/certificates/{other.number}/pdf/").status_code == 404

    client.force_login(make_official("shangcheng_clerk", org.shangcheng_samr))
    assert client.get(f"/certificates/{cert.number}/pdf/").status_code == 404
    client.force_login(make_official("xihu_other_clerk", org.xihu_samr))
    assert client.get(f"/certificates/{cert.number}/pdf/").status_code == 200
    assert AuditEntry.objects.filter(action="certificate.export_pdf", object_id=str(cert.pk)).count() == 1


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated, so that font dictionaries inside object streams can be read."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


@override_settings(YIWANG_PUBLIC_BASE_URL="https://zwfw.example.gov.cn/")
def test_pdf_embeds_a_cjk_font_and_the_qr_url(issue, client, person_user):
    cert = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    client.force_login(person_user)
    response = client.get(f"/certificates/{cert.number}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-?S(ans|erif)-?CJK", text), "a subset of Noto CJK is used"
    assert re.search(rb"/FontFile[23]?\s", text), "the font program is embedded"
    assert f"https://zwfw.example.gov.cn/certificates/verify/{cert.number}/".encode() in text


def test_qr_url_defaults_to_the_request_host(issue, client, person_user):
    cert = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    client.force_login(person_user)
    html = client.get(f"/certificates/{cert.number}/").content.decode()
    assert f"http://testserver/certificates/verify/{cert.number}/" in html


def test_the_pdf_renderer_never_fetches_from_the_network():
    from yiwang.certificates.pdf import offline_url_fetcher

    fetcher = offline_url_fetcher()
    for url in ("https://fonts.example.com/noto.woff2", "http://192.0.2.1/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="protocol"):
            fetcher.fetch(url)


def test_a_corrupted_ciphertext_shows_that_certificate_as_damaged_and_the_others_as_they_are(issue, client, agent_user):
    """One overwritten holder code must not take the holder's wallet down: that certificate is shown damaged."""
    from django.db import connection

    from yiwang.certificates.models import Certificate

    good = issue()
    bad = issue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_id FROM certificates_certificate WHERE id = %s", [bad.pk])
        (token,) = cursor.fetchone()
        corrupted = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        cursor.execute("UPDATE certificates_certificate SET holder_id = %s WHERE id = %s", [corrupted, bad.pk])
    client.force_login(agent_user)

    wallet = client.get("/certificates/mine/")
    assert wallet.status_code == 200
    html = wallet.content.decode()
    assert good.number in html and bad.number in html and "数据被篡改" in html
    detail = client.get(f"/certificates/{bad.number}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'id="damaged"' in page and "杭州西湖味道餐饮有限公司</td>" not in page
    assert client.get(f"/certificates/{bad.number}/pdf/").status_code == 302
    assert client.get(f"/certificates/{good.number}/").status_code == 200
    assert Certificate.objects.filter(pk=bad.pk).exists()
