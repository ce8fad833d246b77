"""Staff sign-in: the lockout after failed sign-ins (django-axes), two-factor sign-in
(django-otp) and their pages in the admin's look."""
