#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing (Debian).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql-15)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# npm: the official JSON-LD contexts for the credential test (make jsonld-contexts) and the
# OpenID Connect identity provider of the SSO tests (make sso-idps); node comes with it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# xmlsec1: signatures of the SAML identity provider in the SSO tests (pysaml2, tests/sso).
command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
# WeasyPrint (certificates as PDF).
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
