#!/usr/bin/env bash
# `npm run up` / `npm run destroy`: pulumi up (or destroy) on a stack kept in a local file
# backend under .pulumi-state/, so no Pulumi Cloud account is needed.
# Env: STACK (default dev), PULUMI_CONFIG_PASSPHRASE (encrypts the stack's secrets; required).
set -euo pipefail
cd "$(dirname "$0")/.."

# The project's own CLI first: the `pulumi` devDependency (pulumi/pulumi, directory npm) runs the
# CLI of exactly its version, downloaded on first use into ~/.pulumi/versions/ (or $PULUMI_HOME).
# A `pulumi` on PATH is used only when that package is not installed.
if [ -x node_modules/.bin/pulumi ]; then
  pulumi_cli="$PWD/node_modules/.bin/pulumi"
  version="$(node -p 'require("pulumi/package.json").version')"
  if ! out="$("$pulumi_cli" version 2>&1)"; then
    echo "Could not get the Pulumi CLI v$version: the project's pulumi package downloads it on first use, and that failed:" >&2
    echo "$out" | sed 's/^/  /' >&2
    echo "Let this machine reach the download host (get.pulumi.com), or install the CLI v$version and put it on PATH." >&2
    exit 1
  fi
elif command -v pulumi >/dev/null; then
  pulumi_cli="$(command -v pulumi)"
else
  echo "No Pulumi CLI: run npm ci first (it installs the project's pulumi package), or put one on PATH." >&2
  exit 1
fi
pulumi() { "$pulumi_cli" "$@"; }
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
