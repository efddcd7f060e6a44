# SPDX-License-Identifier: GPL-3.0-or-later

# Installation layout and the Debian package (issue #8).
#
# Included from the top-level CMakeLists.txt after src/, so every target and
# install() rule of the project exists when CPack is configured here.
#
#   cmake -S . -B build-pkg -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIST_BUILD_TESTS=OFF
#   ninja -C build-pkg
#   (cd build-pkg && cpack -G DEB)        # -> mist-monitor_<version>_<arch>.deb
#
# Two install components:
#   - the default one ("Unspecified"): the executable, man page, bash
#     completion and, with the GUI, the .desktop entry, AppStream metainfo and
#     icons, all relative to CMAKE_INSTALL_PREFIX, so `cmake --install` into
#     /usr/local or a home directory works as usual;
#   - "system" (EXCLUDE_FROM_ALL): the systemd unit and /etc/mist-monitor/
#     server.conf. They name absolute paths (/usr/bin/mist-monitor,
#     /var/lib/mist-monitor) that only hold for the distribution package, so
#     a plain `cmake --install` leaves them out; the .deb has them, and
#     `cmake --install BUILD --component system` installs them by hand.
#
# Translations need nothing here: qt_add_translations() embeds the .qm files
# in the executable (resource prefix /i18n).

include(GNUInstallDirs)

set(MIST_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(MIST_PACKAGING_BINARY_DIR ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${MIST_PACKAGING_BINARY_DIR})

# The AppStream component id; the .desktop file keeps the short name
# mist-monitor.desktop because the app announces itself under that name
# (QGuiApplication::setDesktopFileName("mist-monitor"): the Wayland app id).
set(MIST_APPSTREAM_ID io.github.mist_monitor.MistMonitor)

set(MIST_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE STRING
    "Where the package installs mist-monitor.service (Debian 12: /lib/systemd/system)")

# --- man page (gzipped, as Debian wants it) and bash completion -------------
find_program(MIST_GZIP gzip REQUIRED)
add_custom_command(
    OUTPUT ${MIST_PACKAGING_BINARY_DIR}/mist-monitor.1.gz
    COMMAND ${MIST_GZIP} -9 -n -c ${MIST_PACKAGING_DIR}/mist-monitor.1
            > ${MIST_PACKAGING_BINARY_DIR}/mist-monitor.1.gz
    DEPENDS ${MIST_PACKAGING_DIR}/mist-monitor.1
    COMMENT "Compressing the man page"
    VERBATIM)
add_custom_target(mist-monitor-manpage ALL DEPENDS ${MIST_PACKAGING_BINARY_DIR}/mist-monitor.1.gz)
install(FILES ${MIST_PACKAGING_BINARY_DIR}/mist-monitor.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${MIST_PACKAGING_DIR}/mist-monitor.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME mist-monitor)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/INSTALL.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian wants the licence as doc/<package>/copyright (machine-readable; it
# points at /usr/share/common-licenses/GPL-3 rather than shipping a copy).
install(FILES ${MIST_PACKAGING_DIR}/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- desktop integration (only with the desktop app) ------------------------
if(MIST_BUILD_GUI)
  install(FILES ${MIST_PACKAGING_DIR}/mist-monitor.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${MIST_PACKAGING_DIR}/${MIST_APPSTREAM_ID}.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${CMAKE_SOURCE_DIR}/resources/mist-monitor.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

  # PNGs for the hicolor theme, rendered from the SVG at build time by a tiny
  # Qt SVG tool (the same renderer as the app's window icon; no rsvg needed).
  set(MIST_ICON_SIZES 16 22 24 32 48 64 128 256 512)
  add_executable(mist-render-icon ${MIST_PACKAGING_DIR}/tools/render-icon.cpp)
  target_link_libraries(mist-render-icon PRIVATE Qt6::Core Qt6::Gui Qt6::Svg)
  set_target_properties(mist-render-icon PROPERTIES
      AUTOMOC OFF AUTOUIC OFF AUTORCC OFF
      RUNTIME_OUTPUT_DIRECTORY ${MIST_PACKAGING_BINARY_DIR})
  list(JOIN MIST_ICON_SIZES " " MIST_ICON_SIZES_TEXT)
  set(MIST_ICON_PNGS)
  foreach(size IN LISTS MIST_ICON_SIZES)
    list(APPEND MIST_ICON_PNGS ${MIST_PACKAGING_BINARY_DIR}/icons/${size}x${size}/apps/mist-monitor.png)
  endforeach()
  add_custom_command(
      OUTPUT ${MIST_ICON_PNGS}
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
              $<TARGET_FILE:mist-render-icon> ${CMAKE_SOURCE_DIR}/resources/mist-monitor.svg
              ${MIST_PACKAGING_BINARY_DIR}/icons ${MIST_ICON_SIZES}
      DEPENDS mist-render-icon ${CMAKE_SOURCE_DIR}/resources/mist-monitor.svg
      COMMENT "Rendering the application icon to PNG (${MIST_ICON_SIZES_TEXT} px)"
      VERBATIM)
  add_custom_target(mist-monitor-icons ALL DEPENDS ${MIST_ICON_PNGS})
  foreach(size IN LISTS MIST_ICON_SIZES)
    install(FILES ${MIST_PACKAGING_BINARY_DIR}/icons/${size}x${size}/apps/mist-monitor.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()
endif()

# --- the headless server as a system service (package only) -----------------
install(FILES ${MIST_PACKAGING_DIR}/mist-monitor.service
        DESTINATION ${MIST_SYSTEMD_UNIT_DIR}
        COMPONENT system EXCLUDE_FROM_ALL)
install(FILES ${MIST_PACKAGING_DIR}/server.conf
        DESTINATION /etc/mist-monitor
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        COMPONENT system EXCLUDE_FROM_ALL)

# --- CPack: one .deb with every component ------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mist-monitor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Mist Monitor")
set(MIST_DEB_MAINTAINER "Mist Monitor maintainers <maintainers@users.noreply.r-seed-e5090801.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${MIST_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "live container logs, deployments and host metrics for Mist servers")
set(CPACK_PACKAGE_DESCRIPTION
    "Mist Monitor shows the live logs of Docker containers, the progress of
deployments (git clone, image build, container swap) and host metrics (CPU,
memory, disk, Docker counts) of servers that run apps with Mist.
.
One executable: a Qt desktop app with an embedded server, the same server
headless (mist-monitor --server, shipped as the systemd service
mist-monitor.service, disabled until you enable it) and command-line
subcommands for accounts, apps, deployments, logs and metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

# Every install component, the EXCLUDE_FROM_ALL "system" one included, goes
# into the one package (a component install is what picks up EXCLUDE_FROM_ALL
# rules; ALL_COMPONENTS_IN_ONE keeps it a single mist-monitor package).
get_cmake_property(MIST_INSTALL_COMPONENTS COMPONENTS)
set(CPACK_COMPONENTS_ALL ${MIST_INSTALL_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # mist-monitor_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries from dpkg-shlibdeps (needs dpkg-dev); the rest is what the
# linker cannot see: Qt plugins loaded at run time, the git executable the
# deployments run, adduser for the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(MIST_DEB_DEPENDS "adduser" "git" "libqt6sql6-sqlite")
if(MIST_BUILD_GUI)
  list(APPEND MIST_DEB_DEPENDS "qt6-qpa-plugins" "libqt6svg6")
endif()
list(JOIN MIST_DEB_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# docker.io: the engine on the same host (a remote one works too);
# ca-certificates: https for git clones, --url and tcp:// engines.
# qt6-translations-l10n (desktop): Qt's own words in dialogs ("Cancel") in the user's language.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "docker.io, ca-certificates")
if(MIST_BUILD_GUI)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${CPACK_DEBIAN_PACKAGE_RECOMMENDS}, qt6-translations-l10n")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland, gnome-keyring | kwalletmanager")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${MIST_PACKAGING_DIR}/debian/conffiles
    ${MIST_PACKAGING_DIR}/debian/postinst
    ${MIST_PACKAGING_DIR}/debian/prerm
    ${MIST_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
