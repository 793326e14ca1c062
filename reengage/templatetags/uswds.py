"""Render Django form widgets with the USWDS classes and the ARIA links to hints and errors."""

from django import forms, template

register = template.Library()

WIDGET_CLASSES = {
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
}


@register.simple_tag
def uswds_widget(field: forms.BoundField):
    widget = field.field.widget
    css = next(
        (name for kind, name in WIDGET_CLASSES.items() if isinstance(widget, kind)), "usa-input"
    )
    if field.errors and css == "usa-input":
        css += " usa-input--error"
    attrs = {"class": " ".join(filter(None, [css, widget.attrs.get("class")]))}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
