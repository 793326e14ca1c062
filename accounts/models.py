from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A staff member. What they may see and do comes from their center memberships."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username
