"""Web push (the phone that installed the site): the manifest and service worker that make it installable, a
browser's subscription kept for its session alone, only at the push services the site names, and a push that
arrives signed (VAPID) and readable only by that browser (aes128gcm), at a real HTTP server standing in for the
push service."""

from __future__ import annotations

from core.push.models import PushSubscription
from core.testing import another_browser, run, sign_in, wait_for_jobs


def test_the_site_can_be_installed_a_manifest_icons_a_service_worker_and_an_offline_page(client):
    page = client.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'src="/static/quanzi.js"' in page
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    body = manifest.json()
    assert body["name"] == "Quanzi 圈子" and body["start_url"] == "/" and body["display"] == "standalone"
    for icon in body["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    worker = client.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript") and "showNotification" in worker.text
    assert worker.headers["cache-control"] == "no-cache"  # a new version reaches phones at once
    offline = client.get("/offline")
    assert offline.status_code == 200 and "离线" in offline.text
    assert client.get("/static/quanzi.js").status_code == 200


def test_a_subscription_is_kept_only_at_a_known_push_service_and_with_a_browsers_keys(quanzi_site, push_service):
    site = quanzi_site(push_services=(push_service.url,))
    csrf = sign_in(site, "mei")
    headers = {"X-CSRF-Token": csrf}
    key = site.get("/api/v1/push/key").json()["public_key"]
    assert len(key) == 87  # a P-256 point, uncompressed, base64url: what applicationServerKey takes
    bad = [
        dict(push_service.subscribe(), endpoint="http://169.254.169.254/latest/meta-data"),  # the server's own network
        dict(push_service.subscribe(), endpoint="https://fcm.googleapis.com.evil.example/send/x"),
        dict(push_service.subscribe(), keys={"p256dh": "AAAA", "auth": "AAAA"}),
    ]
    for subscription in bad:
        refused = site.post("/api/v1/me/push-subscriptions", json=subscription, headers=headers)
        assert refused.status_code == 400, refused.text
    assert site.post("/api/v1/me/push-subscriptions", json=push_service.subscribe()).status_code == 403  # no CSRF
    guest = another_browser(site)
    assert guest.post("/api/v1/me/push-subscriptions", json=push_service.subscribe()).status_code == 401
    assert run(site, PushSubscription.all().count()) == 0
    first, second = push_service.subscribe(), push_service.subscribe()
    assert site.post("/api/v1/me/push-subscriptions", json=first, headers=headers).status_code == 201
    assert site.post("/api/v1/me/push-subscriptions", json=second, headers=headers).status_code == 201
    kept = run(site, PushSubscription.all().values_list("endpoint", flat=True))
    assert kept == [second["endpoint"]]  # a browser's new subscription replaces its old one


def test_logging_out_of_one_phone_ends_its_pushes_and_forgets_its_pages(quanzi_site, push_service):
    site = quanzi_site(push_services=(push_service.url,))
    phone, computer = another_browser(site), another_browser(site)
    endpoints = {}
    for browser in (phone, computer):
        browser.csrf = sign_in(browser, "mei")
        endpoints[browser] = push_service.subscribe()
        made = browser.post(
            "/api/v1/me/push-subscriptions", json=endpoints[browser], headers={"X-CSRF-Token": browser.csrf}
        )
        assert made.status_code == 201
    out = phone.post("/logout", data={"csrf_token": phone.csrf}, follow_redirects=False)
    assert out.headers["clear-site-data"] == '"cache", "storage"'  # the kept pages and the service worker
    kept = run(site, PushSubscription.all().values_list("endpoint", flat=True))
    assert kept == [endpoints[computer]["endpoint"]]


def test_a_push_is_signed_by_the_sites_key_and_readable_by_that_browser_alone(quanzi_site, push_service):
    from core.contract.kinds import Reach
    from core.push.sending import send_reach

    site = quanzi_site(push_services=(push_service.url,))
    csrf = sign_in(site, "mei")
    subscription = push_service.subscribe()
    site.post("/api/v1/me/push-subscriptions", json=subscription, headers={"X-CSRF-Token": csrf})
    reach = Reach("events.reminder", "“理事会” starts in an hour", "理事会", "https://club.example/t/1", "zh_CN")
    user = run(site, PushSubscription.first().prefetch_related("user")).user
    run(site, send_reach(site.app.state.site, user, reach))
    (pushed,) = push_service.wait(1)
    assert pushed["payload"] == {
        "title": "Quanzi 圈子",
        "body": "“理事会” starts in an hour",
        "url": "https://club.example/t/1",
        "tag": "events.reminder",
    }
    assert pushed["vapid_key"] == site.get("/api/v1/push/key").json()["public_key"]
    assert pushed["ttl"] > 0 and pushed["urgency"] == "high"
    wait_for_jobs(site)


def test_only_the_sites_push_services_pass_the_check(quanzi_site):
    from core.config import load_config
    from core.push.service import at_known_service

    config = load_config({"QUANZI_DATA_DIR": "/tmp/quanzi-push-check"})
    assert at_known_service(config, "https://fcm.googleapis.com/fcm/send/abc")
    assert at_known_service(config, "https://web.push.apple.com/QGZ")
    assert at_known_service(config, "https://wns2-db5p.notify.windows.com/w/?token=x")
    assert not at_known_service(config, "https://push.apple.com.evil.example/x")
    assert not at_known_service(config, "http://fcm.googleapis.com/fcm/send/abc")  # not https
    assert not at_known_service(config, "https://fcm.googleapis.com:8443/fcm/send/abc")
    assert not at_known_service(config, "https://127.0.0.1/x")
