from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhenwu.notices.models import Robot, RobotKind


class RobotForm(forms.ModelForm):
    """Add or change a robot. The stored URL is shown masked and the secret never: sending the
    masked URL back keeps the stored one, an empty secret keeps the stored secret."""

    clear_secret = forms.BooleanField(label=_("清除已保存的加签密钥"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Robot
        fields = ["kind", "name", "url", "secret", "enabled", "daily_digest", "send_time"]
        widgets = {
            "url": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "secret": forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            ),
            "send_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        robot = self.instance
        # No empty choice (「---------」): a robot is one kind or the other, DingTalk by default.
        self.fields["kind"].choices = RobotKind.choices
        self.fields["kind"].initial = RobotKind.DINGTALK
        if robot.pk:
            self.initial["url"] = robot.masked_url
            self.initial["version"] = robot.version
            self.fields["url"].required = False
            self.fields["secret"].help_text = (
                _("已保存的密钥不再显示；留空表示不修改。")
                if robot.secret
                else self.fields["secret"].help_text
            )
        else:
            del self.fields["clear_secret"]
            del self.fields["version"]
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = "form-check-input"
            elif isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "form-select"
            elif not isinstance(f.widget, forms.HiddenInput):
                f.widget.attrs["class"] = "form-control"

    def _post_clean(self):
        # The model's rules run in the service (the one write path), on the values it keeps.
        pass
