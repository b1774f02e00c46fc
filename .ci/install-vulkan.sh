#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (lavapipe) from bookworm-backports, so Dawn (the
# `webgpu` npm package) finds an adapter on a machine without a GPU. Bookworm's own Mesa 22.3
# is too old: Dawn returns a null adapter with it.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "install-vulkan: needs root (apt-get); skipping" >&2
  exit 0
fi

if dpkg-query -W -f='${Version}\n' mesa-vulkan-drivers 2>/dev/null | grep -q '~bpo12'; then
  echo "install-vulkan: backports Mesa already installed"
  exit 0
fi

list=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$list" ]; then
  cat >"$list" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports libvulkan1 mesa-vulkan-drivers >/dev/null
dpkg-query -W -f='install-vulkan: mesa-vulkan-drivers ${Version}\n' mesa-vulkan-drivers
