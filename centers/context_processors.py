from .access import staff_access


def staff_roles(request) -> dict:
    """The signed-in user's roles, for role-aware navigation."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"staff": staff_access(user)}
