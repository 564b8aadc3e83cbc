"""WeChat template messages (模板消息): urgent notifications sent by the club's service account to members who
signed in with it and follow it, in the template the owner chose for each kind in the admin area. Inside mainland
China this, with text messages, is what reaches a phone."""
