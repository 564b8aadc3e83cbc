"""Quanzi's feature plugins: one package each (see docs/plugins.md). A plugin installed as a distribution puts its
package here too (``plugins.NAME``, with a ``quanzi.plugins`` entry point): the package's path takes in every
``plugins`` folder on ``sys.path``."""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
