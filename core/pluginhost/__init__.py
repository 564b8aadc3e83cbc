"""Finding plugins (``host.discover``), enabling them (``settings_file``: plugins.toml) and calling their hooks
(``host.PluginHost``; ``running``: the host of this process, for the services' events)."""
