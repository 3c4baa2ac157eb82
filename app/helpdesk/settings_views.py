"""Helpdesk settings (resource TicketSettings): teams and members, assignment rules, SLA, calendar."""

import re

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.validators import Unique
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, TimeField
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.access import CREATE
from app.core.formatting import jakarta_today
from app.core.ids import db_integer_id
from app.core.names import TICKET_SETTINGS
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.core.views import VendorModelView
from app.helpdesk import holidays
from app.helpdesk.models import (
    CATEGORIES,
    PRIORITIES,
    AssignmentRule,
    CalendarSettings,
    Holiday,
    SlaPolicy,
    Team,
    TeamMember,
)
from app.helpdesk.services import can_work_tickets


class _Settings(VendorModelView):
    class_permission_name = TICKET_SETTINGS


def _clock(value) -> str:
    return value.strftime("%H:%M") if value is not None else "-"


def _select(label, mapping):
    return SelectField(label, choices=list(mapping.items()), validators=[DataRequired()])


class TeamMemberView(_Settings):
    route_base = "/vendor/helpdesk/members"
    list_title = _l("Team members")
    show_title = _l("Team member")
    add_title = _l("New team member")
    edit_title = _l("Edit team member")
    datamodel = SQLAInterface(TeamMember)
    list_columns = ["team", "user", "max_open_tickets", "active"]
    add_columns = edit_columns = ["team", "user", "max_open_tickets", "active"]
    label_columns = {
        "team": _l("Team"),
        "user": _l("Agent"),
        "max_open_tickets": _l("Open ticket cap"),
        "active": _l("Active"),
    }
    description_columns = {"max_open_tickets": _l("Empty = no cap.")}
    formatters_columns = {"max_open_tickets": lambda cap: cap or _("No cap")}
    extra = {
        "max_open_tickets": IntegerField(_l("Open ticket cap"), validators=[Optional(), NumberRange(min=1, max=1000)])
    }
    add_form_extra_fields = edit_form_extra_fields = extra
    add_form_query_rel_fields = edit_form_query_rel_fields = {"user": [["tenant_id", FilterEqual, None]]}

    def pre_add(self, item):
        if item.user is not None and item.user.tenant_id is not None:
            raise ValueError(_l("Only vendor staff can be agents."))
        if item.user is not None and not can_work_tickets(item.user.id):
            raise ValueError(_l("This staff member's role cannot work tickets; give the role ticket access first."))

    pre_update = pre_add


class TeamView(_Settings):
    route_base = "/vendor/helpdesk/teams"
    list_title = _l("Teams")
    show_title = _l("Team")
    add_title = _l("New team")
    edit_title = _l("Edit team")
    datamodel = SQLAInterface(Team)
    list_columns = ["name"]
    add_columns = edit_columns = ["name"]
    show_columns = ["name"]
    related_views = [TeamMemberView]
    label_columns = {"name": _l("Name")}


class AssignmentRuleView(_Settings):
    route_base = "/vendor/helpdesk/rules"
    list_title = _l("Assignment rules")
    show_title = _l("Assignment rule")
    add_title = _l("New assignment rule")
    edit_title = _l("Edit assignment rule")
    datamodel = SQLAInterface(AssignmentRule)
    list_columns = add_columns = edit_columns = ["category", "team"]
    label_columns = {"category": _l("Category"), "team": _l("Team")}
    formatters_columns = {"category": lambda code: CATEGORIES.get(code, code)}
    # One rule per category: a second one is a message next to the field, not the database's error.
    add_form_extra_fields = edit_form_extra_fields = {
        "category": SelectField(
            _l("Category"),
            choices=list(CATEGORIES.items()),
            validators=[
                DataRequired(),
                Unique(datamodel, "category", _l("This category already has a rule; edit that one instead.")),
            ],
        )
    }


class SlaPolicyView(_Settings):
    route_base = "/vendor/helpdesk/sla"
    list_title = _l("SLA policies")
    show_title = _l("SLA policy")
    add_title = _l("New SLA policy")
    edit_title = _l("Edit SLA policy")
    datamodel = SQLAInterface(SlaPolicy)
    list_columns = add_columns = edit_columns = ["priority", "first_response_minutes", "resolution_minutes"]
    label_columns = {
        "priority": _l("Priority"),
        "first_response_minutes": _l("First response (business minutes)"),
        "resolution_minutes": _l("Resolution (business minutes)"),
    }
    formatters_columns = {"priority": lambda code: PRIORITIES.get(code, code)}
    add_form_extra_fields = edit_form_extra_fields = {
        "priority": _select(_l("Priority"), PRIORITIES),
        "first_response_minutes": IntegerField(
            _l("First response (business minutes)"), validators=[DataRequired(), NumberRange(min=1, max=100000)]
        ),
        "resolution_minutes": IntegerField(
            _l("Resolution (business minutes)"), validators=[DataRequired(), NumberRange(min=1, max=1000000)]
        ),
    }


WEEKDAYS = (
    ("0", _l("Monday")),
    ("1", _l("Tuesday")),
    ("2", _l("Wednesday")),
    ("3", _l("Thursday")),
    ("4", _l("Friday")),
    ("5", _l("Saturday")),
    ("6", _l("Sunday")),
)


def weekday_names(stored: str | None) -> str:
    """ "0,1,2,3,4" as "Senin, Selasa, Rabu, Kamis, Jumat"."""
    names = dict(WEEKDAYS)
    return ", ".join(str(names[code]) for code in re.findall(r"[0-6]", stored or ""))


class WeekdaysField(SelectMultipleField):
    """Ticks one box per weekday; stored as the comma-separated weekday numbers the calendar reads."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        super().process_data(re.findall(r"[0-6]", value) if isinstance(value, str) else value)

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(sorted(set(self.data or []))))


class CalendarView(_Settings):
    route_base = "/vendor/helpdesk/calendar"
    list_title = _l("Business hours")
    show_title = _l("Business hours")
    add_title = _l("New business hours")
    edit_title = _l("Edit business hours")
    datamodel = SQLAInterface(CalendarSettings)
    list_columns = show_columns = add_columns = edit_columns = ["workdays", "open_time", "close_time"]
    search_columns = ["workdays"]
    list_template = "helpdesk/calendar_list.html"
    label_columns = {"workdays": _l("Working days"), "open_time": _l("Opens (WIB)"), "close_time": _l("Closes (WIB)")}
    formatters_columns = {"workdays": weekday_names, "open_time": _clock, "close_time": _clock}
    add_form_extra_fields = edit_form_extra_fields = {
        "workdays": WeekdaysField(
            _l("Working days"), choices=WEEKDAYS, validators=[DataRequired()], render_kw={"class": "list-unstyled"}
        ),
        "open_time": TimeField(_l("Opens (WIB)"), validators=[DataRequired()]),
        "close_time": TimeField(_l("Closes (WIB)"), validators=[DataRequired()]),
    }

    def pre_add(self, item):
        if item.open_time is None or item.close_time is None or item.open_time >= item.close_time:
            raise ValueError(_l("Opening time must be earlier than closing time."))

    pre_update = pre_add


class HolidayView(_Settings):
    route_base = "/vendor/helpdesk/holidays"
    list_title = _l("Holidays")
    show_title = _l("Holiday")
    add_title = _l("New holiday")
    edit_title = _l("Edit holiday")
    datamodel = SQLAInterface(Holiday)
    list_columns = add_columns = edit_columns = ["day", "name"]
    search_columns = ["day", "name"]
    base_order = ("day", "asc")
    label_columns = {"day": _l("Date"), "name": _l("Holiday")}
    list_template = "helpdesk/holiday_list.html"
    method_permission_name = {**_Settings.method_permission_name, "import_year": CREATE}

    def render_template(self, template, **kwargs):
        years = [year for year in holidays.importable_years() if year >= jakarta_today().year]
        return super().render_template(template, import_years=years, **kwargs)

    @expose("/import", methods=["POST"])
    @has_access
    def import_year(self):
        try:
            with transaction():
                done = holidays.import_year(db_integer_id(request.form.get("year")) or 0)
        except FieldError as error:
            flash(str(error), "danger")
        else:
            flash(
                _("%(year)s: %(added)s holidays added, %(kept)s already in the calendar.", **done.__dict__),
                "success",
            )
        return redirect(url_for(".list"))
