"""Who is told what, per programme, as versioned data.

A programme's emails follow its newest `RoutingTable` (the default table, the handbook's SOP
loaded from the catalogue and its template files, until a PD first edits the programme's
own): for every event, the roles its email reaches, whom a reply reaches and its wording.
This module finds an event's row for a cohort, checks a row's templates, and holds the rules
no table can break. Saving an edit is `services.routing_row_save`.
"""

import functools
from dataclasses import replace
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.template.defaulttags import DebugNode, ForNode, LoadNode, WithNode
from django.template.loader_tags import ExtendsNode, IncludeNode

from .catalogue import (
    BY_CODE,
    CATALOGUE,
    HEALTH_DATA_CONTEXT_KEYS,
    NAMED_PEOPLE,
    CatalogueRow,
    NamedPerson,
    Recipient,
)
from .models import RoutingRow, RoutingTable

TABLE_CODES = tuple(row.code for row in CATALOGUE if row.per_programme and row.template)
TEMPLATE_SUFFIXES = {"subject": "_subject.txt", "text": ".txt", "html": ".html"}
DEFAULT_TABLE_CHANGE = "The handbook's SOP, S1-S17 and the rows the apps add."

# The rules no table can break. They are applied whenever a row is read for sending, and an
# edit that would break one is refused with the rule's own words.
CCG_ADMIN_SICKNESS_RULE = "The CCG admin mailbox is told of sickness only for CCG project days."
SICKNESS_DATES_RULE = "A sickness email is given only the dates, never a reason or a note."
MUST_REACH = {
    "S14": (Recipient.PD, "A concern a CCG Supervisor raises about a trainee always reaches "
                          "the Programme Directors."),
    "ABS-DECISION": (Recipient.TRAINEE, "A trainee is always told the decision on their own "
                                        "leave request."),
}

# What every SOP template is given, whatever the event (see services._sop_renderer).
COMMON_NAMES = frozenset({"recipient", "replies_reach", "link", "site_url", "row", "cohort",
                          "ccg", "placement", "trainee", "placements", "attachment_names",
                          "about"})
# All a sickness row's template is given: dates, and the names of the people and places.
HEALTH_DATA_NAMES = HEALTH_DATA_CONTEXT_KEYS | {"recipient", "replies_reach", "link",
                                                 "site_url", "row", "cohort", "ccg", "trainee"}


def target_value(target: Recipient | NamedPerson) -> str:
    return target.context_key if isinstance(target, NamedPerson) else Recipient(target).value


def target_from_value(value: str) -> Recipient | NamedPerson:
    return NAMED_PEOPLE[value] if value in NAMED_PEOPLE else Recipient(value)


def template_source(name: str) -> str:
    return engines["django"].engine.get_template(name).source


def default_rows() -> list[RoutingRow]:
    """The handbook's table: the catalogue's roles and its template files, row by row."""
    return [RoutingRow(code=row.code, recipients=[r.value for r in row.recipients],
                       reply_to=[target_value(t) for t in row.reply_to],
                       **{f"{part}_template": template_source(f"{row.template}{suffix}")
                          for part, suffix in TEMPLATE_SUFFIXES.items()})
            for row in CATALOGUE if row.code in TABLE_CODES]


def default_table() -> RoutingTable:
    """The newest default table; version 1 is made from the catalogue if none exists (a
    database emptied after its migrations, as tests that flush it do)."""
    table = RoutingTable.objects.filter(programme__isnull=True).order_by("-version").first()
    if table is not None:
        return table
    try:
        with transaction.atomic():
            table = RoutingTable.objects.create(programme=None, version=1,
                                                change=DEFAULT_TABLE_CHANGE)
            RoutingRow.objects.bulk_create([replace_table(row, table) for row in default_rows()])
    except IntegrityError:  # made meanwhile by another request
        table = RoutingTable.objects.get(programme__isnull=True, version=1)
    return table


def replace_table(row: RoutingRow, table: RoutingTable, **changes) -> RoutingRow:
    """A copy of a row for another table version, with some fields changed."""
    fields = {name: getattr(row, name) for name in (
        "code", "recipients", "reply_to", "subject_template", "text_template", "html_template")}
    return RoutingRow(table=table, **{**fields, **changes})


def edited_row(row: RoutingRow, table: RoutingTable, *, recipients: list[str],
               reply_to: list[str], subject: str, text: str) -> RoutingRow:
    """A row as an edit leaves it, for a table version. A changed text drops the row's HTML
    template: the HTML part is then made from the text (render_email)."""
    return replace_table(row, table, recipients=recipients, reply_to=reply_to,
                         subject_template=subject, text_template=text,
                         html_template=row.html_template if text == row.text_template else "")


def _newest_first(rows, programme_id):
    """A programme's own versions before the default's, newest first."""
    return rows.filter(Q(table__programme_id=programme_id) | Q(table__programme__isnull=True)
                       ).order_by(F("table__programme_id").desc(nulls_last=True),
                                  "-table__version")


def routing_row(code: str, programme_id: int | None) -> RoutingRow | None:
    """The row a programme's emails for this event follow now (its table joined), or None
    for an email outside the tables. One query."""
    if code not in TABLE_CODES:
        return None
    row = _newest_first(RoutingRow.objects.select_related("table").filter(code=code),
                        programme_id).first()
    if row is None:
        default_table()
        row = _newest_first(RoutingRow.objects.select_related("table").filter(code=code),
                            programme_id).first()
    return row


def current_table(programme_id: int | None) -> RoutingTable:
    own = (RoutingTable.objects.filter(programme_id=programme_id).order_by("-version").first()
           if programme_id is not None else None)
    return own or default_table()


def with_rules(catalogue_row: CatalogueRow, recipients: list[str],
               reply_to: list[str]) -> CatalogueRow:
    """The catalogue row as a table names it, with the rules applied whatever the table says:
    the people a row must reach are added, and the CCG admin mailbox is taken off sickness
    that is not about a CCG day."""
    roles = [Recipient(value) for value in recipients]
    targets = [target_from_value(value) for value in reply_to]
    if not catalogue_row.about_ccg_day:
        targets = [t for t in targets if t != Recipient.CCG_ADMIN]
    if (catalogue_row.health_data and not catalogue_row.about_ccg_day
            and not catalogue_row.recipients_from_event):
        roles = [r for r in roles if r != Recipient.CCG_ADMIN]
    if catalogue_row.code in MUST_REACH and MUST_REACH[catalogue_row.code][0] not in roles:
        roles.append(MUST_REACH[catalogue_row.code][0])
    return replace(catalogue_row, recipients=tuple(roles), reply_to=tuple(targets))


def routed(code: str, programme_id: int | None) -> tuple[CatalogueRow, RoutingRow | None]:
    """An event's catalogue row as the programme's table has it now, and the table's row
    (None for emails outside the tables, which keep the catalogue's)."""
    catalogue_row = BY_CODE.get(code)
    if catalogue_row is None:
        raise ValueError(f"No row {code!r} in the email catalogue.")
    row = routing_row(code, programme_id)
    if row is None:
        return catalogue_row, None
    return with_rules(catalogue_row, row.recipients, row.reply_to), row


def rule_problems(catalogue_row: CatalogueRow, recipients: list[str],
                  reply_to: list[str]) -> dict[str, list[str]]:
    """The rules an edit of a row's recipients and reply-to would break, by field."""
    problems: dict[str, list[str]] = {}
    if (catalogue_row.health_data and not catalogue_row.about_ccg_day
            and not catalogue_row.recipients_from_event and Recipient.CCG_ADMIN in recipients):
        problems["recipients"] = [CCG_ADMIN_SICKNESS_RULE]
    if Recipient.CCG_ADMIN in reply_to and not catalogue_row.about_ccg_day:
        problems["reply_to"] = [
            CCG_ADMIN_SICKNESS_RULE if catalogue_row.health_data else
            "The CCG admin mailbox may be a reply address only for an email about a CCG day: "
            "a reply about any other day may carry health data the CCG must not see."]
    required = MUST_REACH.get(catalogue_row.code)
    if required and required[0] not in recipients:
        problems.setdefault("recipients", []).append(required[1])
    return problems


# Templates ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def compiled(source: str):
    """A template compiled from its source. Table rows never change, so neither does this."""
    return engines["django"].from_string(source).template


def offered_names(catalogue_row: CatalogueRow) -> list[str]:
    """The variables an event's templates may use: what every SOP email is given and what
    the event's own handbook wording uses; for sickness, the dates and names only."""
    if catalogue_row.health_data:
        return sorted(HEALTH_DATA_NAMES)
    used: set[str] = set()
    for suffix in TEMPLATE_SUFFIXES.values():
        used |= _names_used(template_source(f"{catalogue_row.template}{suffix}"))[0]
    return sorted(COMMON_NAMES | used)


@functools.lru_cache(maxsize=1)
def handbook_attributes() -> frozenset[str]:
    """The attributes the handbook's wording looks up on its variables (`full_name` of
    `trainee.full_name`): all an edited template may look up. A relation the wording never
    follows (a trainee's absences and their notes) stays out of every email."""
    return frozenset(attribute for row in CATALOGUE if row.code in TABLE_CODES
                     for suffix in TEMPLATE_SUFFIXES.values()
                     for attribute in _names_used(
                         template_source(f"{row.template}{suffix}"))[2])


def _names_used(source: str) -> tuple[set[str], list[str], set[str]]:
    """The variables a template looks up (in what it includes and extends too), less those it
    sets itself; the tags and templates it may not use; and the attributes it looks up on
    any variable (list positions aside)."""
    found: set[str] = set()
    attributes: set[str] = set()
    local: set[str] = {"forloop", "block"}
    refused: list[str] = []
    seen: set[int] = set()

    def template_named(expression) -> str | None:
        name = expression.var if isinstance(expression, FilterExpression) else None
        return name if isinstance(name, str) else None

    def follow(name: str | None, tag: str) -> None:
        if name is None or not name.startswith("mail/"):
            refused.append(f"{{% {tag} %}} of a template outside the email templates")
        else:
            walk(engines["django"].engine.get_template(name).nodelist)

    def walk(item) -> None:
        if id(item) in seen:
            return
        seen.add(id(item))
        if isinstance(item, Variable):
            if item.lookups:
                found.add(item.lookups[0])
                attributes.update(part for part in item.lookups[1:] if not part.isdigit())
        elif isinstance(item, FilterExpression):
            walk(item.var)
            for _function, arguments in item.filters:
                for _is_lookup, argument in arguments:
                    walk(argument)
        elif isinstance(item, list | tuple | NodeList):
            for part in item:
                walk(part)
        elif isinstance(item, dict):
            for part in item.values():
                walk(part)
        elif type(item).__module__.startswith("django.template"):
            if isinstance(item, LoadNode | DebugNode):
                refused.append("{% load %}" if isinstance(item, LoadNode) else "{% debug %}")
                return
            if isinstance(item, ForNode):
                local.update(item.loopvars)
            if isinstance(item, WithNode):
                local.update(item.extra_context)
            if isinstance(item, ExtendsNode):
                follow(template_named(item.parent_name), "extends")
            if isinstance(item, IncludeNode):
                follow(template_named(item.template), "include")
            for attribute, value in vars(item).items():
                if attribute not in ("origin", "token", "parent_name", "template") and (
                        isinstance(value, Node | NodeList | FilterExpression | Variable
                                   | list | tuple | dict) or type(value).__module__.startswith(
                            "django.template")):
                    walk(value)
            if isinstance(item, Node) and getattr(item, "asvar", None):
                local.add(item.asvar)

    walk(compiled(source).nodelist)
    return found - local, refused, attributes


def template_problems(catalogue_row: CatalogueRow, source: str) -> list[str]:
    """Why a row's template source cannot be used ([] when it can): it does not compile, it
    uses a tag or template it may not, or a variable the event does not offer."""
    try:
        names, refused, attributes = _names_used(source)
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        return [f"This template does not render: {exc}"]
    problems = [f"Templates may not use {what}." for what in dict.fromkeys(refused)]
    unknown_attributes = sorted(attributes - handbook_attributes())
    if unknown_attributes:
        listed = ", ".join(f".{attribute}" for attribute in unknown_attributes)
        problems.append(f"{listed}: not something the email templates may look up (they may "
                        "use what the handbook's wording uses).")
    unknown = sorted(names - set(offered_names(catalogue_row)))
    if unknown:
        listed = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        problems.append(f"{listed}: not a variable this email offers."
                        + (f" {SICKNESS_DATES_RULE}" if catalogue_row.health_data else ""))
    return problems


def health_data_context(context: dict) -> dict:
    """What a sickness row's template is given: the dates and plain names, no model objects
    (a trainee's record leads to their absences and notes; these lead nowhere)."""
    def addressee(person):
        return SimpleNamespace(name=person.name, email=person.email, roles=list(person.roles),
                               roles_display=person.roles_display,
                               role_codes=list(person.role_codes))

    trainee, cohort = context.get("trainee"), context.get("cohort")
    safe = {key: value for key, value in context.items()
            if key in HEALTH_DATA_CONTEXT_KEYS | {"link", "site_url", "row"}}
    safe.update(
        trainee=(SimpleNamespace(full_name=trainee.full_name, email=trainee.email)
                 if trainee is not None else None),
        cohort=SimpleNamespace(name=cohort.name) if cohort is not None else None,
        ccg=SimpleNamespace(name=cohort.ccg.name) if cohort is not None else None)
    if "recipient" in context:
        safe["recipient"] = addressee(context["recipient"])
    safe["replies_reach"] = [SimpleNamespace(name=reply.name, email=reply.email)
                             for reply in context.get("replies_reach", ())]
    return safe


def routing_row_problems(catalogue_row: CatalogueRow, *, recipients: list[str],
                         reply_to: list[str], subject: str, text: str) -> dict[str, list[str]]:
    """Everything wrong with an edit of a row, by field: the rules it would break, and
    templates that use what they may not or do not render for an invented trainee."""
    from .examples import example_context  # the example cohort is built on the services

    problems = rule_problems(catalogue_row, recipients, reply_to)
    context = example_context(with_rules(catalogue_row, recipients, reply_to))
    if catalogue_row.health_data:
        context = health_data_context(context)
    for field, source in (("subject", subject), ("text", text)):
        found = template_problems(catalogue_row, source)
        if not found:
            try:
                compiled(source).render(Context(context, autoescape=False))
            except Exception as exc:  # noqa: BLE001 - whatever the template does, say so
                found = [f"This template does not render: {exc}"]
        if found:
            problems.setdefault(field, []).extend(found)
    return problems
