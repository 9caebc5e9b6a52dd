#!/usr/bin/env bash
# Makes the secret files deploy/compose.yaml reads, once; existing files are kept.
# Stripe: put your secret key (sk_...) and webhook signing secret (whsec_...) in stripe_api_key and
# stripe_webhook_secret. Left empty, the write API starts localstripe, a local fake (demo only).
set -euo pipefail
cd "$(dirname "$0")"
umask 077
chmod 700 .
keep() { [ -s "$1" ]; }
random() { openssl rand -hex 24; }
if ! keep postgres_password; then random > postgres_password; fi
if ! keep database_url; then
    printf 'postgresql://ecolaura:%s@postgres:5432/ecolaura\n' "$(cat postgres_password)" > database_url
fi
keep identity_signing_key.pem || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out identity_signing_key.pem 2>/dev/null
keep badge_signing_key.pem || openssl genpkey -algorithm ED25519 -out badge_signing_key.pem 2>/dev/null
keep provenance_signing_key.pem || openssl genpkey -algorithm ED25519 -out provenance_signing_key.pem 2>/dev/null
keep grafana_admin_password || random > grafana_admin_password
touch stripe_api_key stripe_webhook_secret
# The containers run as uid 10001 and see these files through bind mounts: they must be readable
# by it. The folder itself stays private to you (0700).
chmod 644 postgres_password database_url identity_signing_key.pem badge_signing_key.pem provenance_signing_key.pem \
    grafana_admin_password stripe_api_key stripe_webhook_secret
echo "secrets ready in $(pwd)"
