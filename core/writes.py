"""The mechanics every service uses to write a record: partial, and only what differs.

``write`` sets the given fields (an unset field is kept) and saves only if something changed; ``ChildPlan`` makes a
record's children exactly the given rows, matched by natural key, so an unchanged child is neither
deleted nor re-created and writes no history row; ``sync_related`` does the same for a many-to-many
field. A service validates everything first (``ChildPlan`` builds and checks its rows before any write),
then writes, so a refused write leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

UNCOMPARED = ("created_at", "updated_at")


def snapshot(instance: models.Model) -> tuple:
    """The stored values of ``instance``'s own fields, to tell whether an edit changed anything."""
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name not in UNCOMPARED)


def write(instance: models.Model, values: Mapping, *, exclude: Sequence[str] = (), validate: bool = True) -> bool:
    """Set ``values`` (an unset field is kept), validate, and save if the record is new or differs from before.

    The comparison is made after validation, so a value the model normalises (a state's country) is not a
    change. True if it wrote.
    """
    before = snapshot(instance) if instance.pk is not None else None
    for name, value in values.items():
        setattr(instance, name, value)
    if validate:
        instance.full_clean(exclude=list(exclude) or None)
    if before is not None and snapshot(instance) == before:
        return False
    instance.save()
    return True


def _key_value(instance: models.Model, name: str):
    f = instance._meta.get_field(name)
    return getattr(instance, f.attname)


@dataclass
class ChildPlan:
    """What to write so the children of a record are exactly some rows, matched by natural key."""

    model: type[models.Model]
    parent_field: str
    deletes: list[models.Model] = field(default_factory=list)
    updates: list[models.Model] = field(default_factory=list)
    creates: list[models.Model] = field(default_factory=list)
    #: Validation messages by ``<error_key>.<row index>.<field>``, as the API names a nested field.
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        parent: models.Model,
        model: type[models.Model],
        parent_field: str,
        key: Sequence[str],
        rows: Iterable[Mapping],
        *,
        error_key: str,
        existing: Iterable[models.Model] | None = None,
    ) -> ChildPlan:
        """Compare ``rows`` (dicts of field values) with the stored children of ``parent`` and check each row."""
        plan = cls(model, parent_field)
        if existing is None:
            existing = model._default_manager.filter(**{parent_field: parent}) if parent.pk is not None else []
        stored = {tuple(_key_value(child, k) for k in key): child for child in existing}
        given = {}  # natural key -> (row index, row, unsaved child); the same child twice: the last one counts
        for index, row in enumerate(rows):
            probe = model(**row)
            given[tuple(_key_value(probe, k) for k in key)] = (index, row, probe)
        seen = set(given)
        for row_key, (index, row, probe) in given.items():
            child = stored.get(row_key)
            before = None
            if child is None:
                child = probe
            else:
                before = snapshot(child)
                for name, value in row.items():
                    setattr(child, name, value)
            try:
                child.full_clean(exclude=[parent_field], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, texts in exc.message_dict.items():
                        plan.errors[f"{error_key}.{index}" + ("" if name == NON_FIELD_ERRORS else f".{name}")] = texts
                else:
                    plan.errors[f"{error_key}.{index}"] = exc.messages
                continue
            if before is None:
                plan.creates.append(child)
            elif snapshot(child) != before:
                plan.updates.append(child)
        plan.deletes = [child for row_key, child in stored.items() if row_key not in seen]
        return plan

    @property
    def changed(self) -> bool:
        return bool(self.deletes or self.updates or self.creates)

    def apply(self, parent: models.Model) -> bool:
        """Write the plan under ``parent``: deletes, then updates, then creates (so dated windows never overlap
        in between). True if anything was written."""
        for child in self.deletes:
            child.delete()
        for child in [*self.updates, *self.creates]:
            setattr(child, self.parent_field, parent)
        for child in self.updates:
            child.save()
        for child in self.creates:
            child.save()
        return self.changed


def sync_related(parent: models.Model, name: str, wanted: Iterable[models.Model]) -> bool:
    """Make the many-to-many ``name`` of ``parent`` exactly ``wanted``; True if it changed."""
    wanted = list(wanted)
    manager = getattr(parent, name)
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return True
