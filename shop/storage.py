"""A storage named in STORAGES, for a FileField whose files must not share the
default (public) media storage."""

from django.core.files.storage import storages
from django.utils.functional import LazyObject


class NamedStorage(LazyObject):
    """The storage STORAGES names `alias`, looked up at every use.

    A FileField evaluates its storage once, at import; looking the alias up
    each time (from Django's cached storages) lets a settings change reach
    it, as it reaches `default_storage`.
    """

    def __init__(self, alias: str):
        super().__init__()
        self.__dict__["_alias"] = alias

    def _setup(self):
        self._wrapped = storages[self._alias]

    def __getattr__(self, name):
        return getattr(storages[self._alias], name)
