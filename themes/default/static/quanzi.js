// The site's one script, on every page, and nothing needs it: it installs the service worker (pages already seen
// open offline; pushes arrive) and runs the settings page's "notify this device" buttons.
"use strict";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

function pushKey(base64url) {
  const raw = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function pushSettings(box) {
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const status = box.querySelector("[data-push-status]");
  const call = (method, body) =>
    fetch("/api/v1/me/push-subscriptions", {
      method,
      headers: { "content-type": "application/json", "x-csrf-token": box.dataset.csrf },
      body: JSON.stringify(body),
    });
  const registration = await navigator.serviceWorker.ready;
  const shown = (subscribed) => {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  };
  shown(Boolean(await registration.pushManager.getSubscription()));
  box.hidden = false;
  on.addEventListener("click", async () => {
    if ((await Notification.requestPermission()) !== "granted") {
      status.textContent = box.dataset.denied;
      return;
    }
    try {
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: pushKey(box.dataset.pushKey),
      });
      const answer = await call("POST", subscription.toJSON());
      if (!answer.ok) throw new Error(String(answer.status));
      window.location.assign("/settings?done=push#notification-settings");
    } catch (error) {
      status.textContent = box.dataset.failed;
    }
  });
  off.addEventListener("click", async () => {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await call("DELETE", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    window.location.assign("/settings?done=push-off#notification-settings");
  });
}

const pushBox = document.querySelector("[data-push-key]");
if (pushBox && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window) {
  pushSettings(pushBox);
}
