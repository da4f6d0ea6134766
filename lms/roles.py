"""Which LTI roles make someone staff of the course they launch from.

Platforms send every role a person holds in one `roles` list: context roles (their part in this
course), and institution and system roles (their part elsewhere: a student who teaches another
course carries `institution/person#Instructor`). Only context roles count, as LTI 1.3 defines
them (https://www.imsglobal.org/spec/lti/v1p3/#role-vocabularies):

- `http://purl.imsglobal.org/vocab/lis/v2/membership#<Role>`, a principal context role;
- `http://purl.imsglobal.org/vocab/lis/v2/membership/<Role>#<SubRole>`, a sub-role of `<Role>`;
- `<Role>` alone, the deprecated simple name of a context role.

Staff are the principal roles Instructor, Administrator and ContentDeveloper and their sub-roles
(a teaching assistant is `membership/Instructor#TeachingAssistant`). Learner, Mentor, Member,
Manager and Officer, and every sub-role of Learner (such as `membership/Learner#Instructor`), stay
learners.
"""

from __future__ import annotations

from collections.abc import Iterable

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
CONTEXT_ROLES = frozenset(
    {"Administrator", "ContentDeveloper", "Instructor", "Learner", "Mentor", "Manager", "Member",
     "Officer"}
)  # fmt: skip
STAFF_ROLES = frozenset({"Administrator", "ContentDeveloper", "Instructor"})


def context_role(role: object) -> str | None:
    """The principal context role a role string names, or None for any other role or value."""
    if not isinstance(role, str):
        return None
    if role in CONTEXT_ROLES:
        return role
    if role.startswith(MEMBERSHIP + "#"):
        name = role[len(MEMBERSHIP) + 1 :]
    elif role.startswith(MEMBERSHIP + "/"):
        name, _, sub_role = role[len(MEMBERSHIP) + 1 :].partition("#")
        if not sub_role:
            return None
    else:
        return None
    return name if name in CONTEXT_ROLES else None


def is_course_staff(roles: Iterable[object]) -> bool:
    """True when one of the roles is a staff context role (or a sub-role of one)."""
    return any(context_role(role) in STAFF_ROLES for role in roles)
