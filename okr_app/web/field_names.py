"""The API's names of fields and kinds as the forms label them, in the messages they show.

A refused field shows the API's own message; where that names another field ("Must differ
from start_value.") or a kind ("Required for kind stay_above."), the page says it with the
labels the person sees on the form.
"""

import re

from okr_app.web.formatting import KIND_CHOICES

#: The forms' labels of the fields the API's messages name.
LABELS = {
    "start_value": "Start value",
    "target_value": "Target value",
    "range_min": "Range from",
    "range_max": "Range to",
    "current_value": "Current value",
    "due_on": "Due on",
    "check_in_every_days": "Check in every (days)",
    "parent_id": "Part of",
    "expires_at": "Expires at",
    "key_result_ids": "Only these key results",
    "current_password": "Current password",
    "new_password": "New password",
}
KINDS = {value: label for value, label in KIND_CHOICES if value}
#: Messages about fields a form does not have, in the form's words.
REWORDED = {
    "Send exactly one of value, progress, delta and done.": "Enter a value.",
    "Missing data for required field.": "Required.",
}
NAMES = re.compile(rf"\bkind ({'|'.join(KINDS)})\b|\b({'|'.join(LABELS)})\b")


def worded(messages):
    """Return an API message, or a field's list or dict of them, in the form's words."""
    if isinstance(messages, dict):
        return {key: worded(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [worded(item) for item in messages]
    if not isinstance(messages, str):
        return messages
    return NAMES.sub(_label, REWORDED.get(messages, messages))


def _label(match):
    """Return the label of a kind or field name matched in a message."""
    kind, name = match.groups()
    return f"the kind “{KINDS[kind]}”" if kind else f"“{LABELS[name]}”"
