from core import forms
from core.access import ORG_ROLES, Role
from orgs.models import Org


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label="密码", max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TotpForm(forms.Form):
    code = forms.RegexField(label="动态验证码", regex=r"^\s*\d{6}\s*$", max_length=10,
                            error_messages={"invalid": "请输入手机验证器上显示的6位数字"},
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, max_length=256,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="新密码", strip=False, max_length=256,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text="至少8位，含大写字母、小写字母、数字、特殊字符中的三类；不能与最近5次密码相同。")
    new_password2 = forms.CharField(label="确认新密码", strip=False, max_length=256,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class UserCreateForm(forms.Form):
    username = forms.RegexField(label="用户名", max_length=150, regex=r"^[A-Za-z0-9_.@-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"})
    full_name = forms.CharField(label="姓名", max_length=50)
    initial_password = forms.CharField(label="初始密码", strip=False, max_length=256,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                       help_text="账号持有人首次登录时必须修改。")


class GrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in Role if r in ORG_ROLES])
    org_code = forms.CharField(label="党组织代码", max_length=32, help_text="授权覆盖该组织及其全部下级组织")

    def clean_org_code(self):
        code = self.cleaned_data["org_code"].strip().upper()
        org = Org.objects.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(f"组织代码 {code} 不存在")
        self.cleaned_data["org"] = org
        return code
