"""Single sign-on with the school's own accounts (the `sso` extra): OpenID Connect and SAML 2.0
through django-allauth's providers, configured per board or school in the admin (docs/sso.md)."""
