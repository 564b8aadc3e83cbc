"""Moderation: members flag posts, enough flags hide a post until a moderator reviews it, moderators act from a
review queue (keep, hide, delete, silence, suspend, remove from the circle), bans from a circle, silencing, and a
log of every action."""
