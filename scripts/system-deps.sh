#!/usr/bin/env bash
# Chromium (Debian's, for Playwright), a CJK font, and PostgreSQL (for make test-pg).
# Installed with apt when missing and we are root; otherwise say what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qiE "Noto Sans CJK|WenQuanYi|Droid Sans Fallback" || need+=(fonts-wqy-microhei)
{ command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统依赖：${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
else
  echo "缺少系统依赖：${need[*]}（请以 root 运行：apt-get install ${need[*]}）" >&2
  exit 1
fi
