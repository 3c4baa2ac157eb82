"""Forms of the helpdesk pages (CSRF-protected); business rules are checked in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, TextAreaField

from app.helpdesk.models import CATEGORIES, PRIORITIES, STATUSES


def _choices(mapping):
    return [(key, label) for key, label in mapping.items()]


class NewTicketForm(FlaskForm):
    title = StringField(_l("Title"))
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES), validate_choice=False)
    priority = SelectField(_l("Priority"), choices=_choices(PRIORITIES), default="sedang", validate_choice=False)
    description = TextAreaField(_l("Description"))
    attachments = MultipleFileField(_l("Attachments (PNG, JPEG or PDF, at most 5 MB each)"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Message"))
    attachments = MultipleFileField(_l("Attachments"))
    reopen = BooleanField(_l("Reopen this ticket"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"))
    attachments = MultipleFileField(_l("Attachments"))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(STATUSES), validate_choice=False)
    priority = SelectField(_l("Priority"), choices=_choices(PRIORITIES), validate_choice=False)


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Agent"), choices=[], validate_choice=False)
