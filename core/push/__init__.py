"""Web push: members who installed the site on their phone (its manifest, its service worker) hear of urgent
notifications by a push to that phone, beside text messages and WeChat (in mainland China, Chrome's push service
is blocked: there web push is the extra, not the way)."""
