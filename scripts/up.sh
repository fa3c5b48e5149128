#!/usr/bin/env bash
# `npm run up` / `npm run destroy`: pulumi up (or destroy) on a stack kept in a local file
# backend under .pulumi-state/, so no Pulumi Cloud account is needed.
# Env: STACK (default dev), PULUMI_CONFIG_PASSPHRASE (encrypts the stack's secrets; required).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v pulumi >/dev/null || { echo "The Pulumi CLI is not on PATH; install it first (see README.md, Prerequisites)." >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "No Docker engine answers 'docker info'; start Docker first." >&2; exit 1; }
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  echo "Set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): it encrypts this stack's secrets." >&2
  exit 1
fi

mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}"
stack="${STACK:-dev}"
pulumi stack select --create "$stack"
if ! pulumi config get password --stack "$stack" >/dev/null 2>&1; then
  # A random password, stored only as an encrypted secret in Pulumi.<stack>.yaml.
  pulumi config set --secret password "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" --stack "$stack"
fi

action="${1:-up}"
shift || true
pulumi "$action" --stack "$stack" "$@"
