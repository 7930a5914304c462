#!/usr/bin/env bash
# macOS: sign (optional), verify, package into a .dmg and notarize (optional) RecScope.app.
# NOT run or tested here (no Mac). Called by `python packaging/build.py` on macOS after the
# frozen self-test passed; see packaging/README.md, "macOS".
#   build-dmg.sh dist/RecScope.app 0.1.0 dist
# Env: CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)" (PyInstaller already signed
#      every binary with it when set at build time; unset = ad-hoc signature, runs locally only)
#      NOTARY_PROFILE=<keychain profile from `xcrun notarytool store-credentials`> (optional)
set -euo pipefail
APP=${1:?path to RecScope.app}; VERSION=${2:?version}; OUT=${3:-dist}
HERE=$(cd "$(dirname "$0")" && pwd)
DMG="$OUT/RecScope-$VERSION-macos-$(uname -m).dmg"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  # re-sign the outer bundle with the hardened runtime and our entitlements (inner binaries
  # were signed by PyInstaller with the same identity)
  codesign --force --options runtime --timestamp \
    --entitlements "$HERE/entitlements.plist" --sign "$CODESIGN_IDENTITY" "$APP"
fi
codesign --verify --deep --strict --verbose=2 "$APP"

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "RecScope $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose "$DMG"
fi
echo "wrote $DMG"
