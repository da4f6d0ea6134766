from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from courseware.accounts import check_not_reserved


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="For resetting your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = super().clean_username()
        check_not_reserved(username)
        return username
