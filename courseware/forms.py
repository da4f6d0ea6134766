from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from courseware.accounts import check_not_reserved
from courseware.models import Course


class SignUpForm(UserCreationForm[User]):
    email = forms.EmailField(required=True, help_text="For resetting your password.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self) -> str:
        username = super().clean_username()
        check_not_reserved(username)
        return username


class NewCourseForm(forms.ModelForm[Course]):
    class Meta:
        model = Course
        fields = ["title", "slug", "open_enrolment"]
        help_texts = {"slug": "Letters, digits and hyphens: the course's address."}

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug == "new":
            raise forms.ValidationError("“new” is taken by this page's address: choose another.")
        return slug
