"""Who may see and do what: the one place that decides (the access layer).

- ``scope``: what one viewer may see, computed once per request; every rendering of the circle rule (the SQL the hot
  paths run, the ORM filter, the single-circle check, search's audience keys) comes from it.
- ``circles``: what a viewer may do in one circle (``CircleAccess``).
- ``threads``: what a viewer may do with one thread and what is attached to it (``ThreadAccess``).
- ``site``: the site's own roles (its administrators and its staff) and what each may do to a member's account.
- ``audience``: who may see objects that are not a circle's content (a complaint, an order), declared by plugins.
- ``actions``: the named actions that plugins may veto through ``check_permission``.

What a viewer may not see is "not found".
"""
