# SPDX-License-Identifier: GPL-2.0-or-later
#
# packaging.cmake — "cpack -G DEB" makes a Debian package of the plugin.
#
# Included at the end of CMakeLists.txt, after the plugin's install() rules.
# A plugin only loads into the Wireshark minor version it was built against,
# so the package is named for that version and depends on exactly that
# libwireshark: capture-triage_0.1.0_wireshark-4.0_amd64.deb depends on
# "libwireshark16 (>= 4.0), libwireshark16 (<< 4.1~)".  Build one package per
# Debian release, on that release (tests/versions/chroot-test.sh gives one).
#
#   cmake -S . -B build-deb -DTRIAGE_INSTALL_SCOPE=system -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)

if(TRIAGE_ENGINES_ONLY)
    return()
endif()

# A package installs into the system plugin folder; a personal-folder build
# would package paths under the builder's HOME.
if(NOT TRIAGE_PLUGIN_DESTINATION STREQUAL "${Wireshark_PLUGIN_INSTALL_DIR}/epan")
    message(STATUS "No Debian package from this build: configure with -DTRIAGE_INSTALL_SCOPE=system for cpack")
    return()
endif()

# Debian names a shared library's package after its soname:
# libwireshark.so.16 is in libwireshark16.
set(_triage_soname "")
get_target_property(_triage_configurations epan IMPORTED_CONFIGURATIONS)
foreach(_triage_configuration IN LISTS _triage_configurations)
    get_target_property(_triage_soname epan IMPORTED_SONAME_${_triage_configuration})
    if(_triage_soname)
        break()
    endif()
endforeach()
if(NOT _triage_soname MATCHES "^libwireshark\\.so\\.([0-9]+)$")
    message(FATAL_ERROR "Cannot tell libwireshark's soname (got '${_triage_soname}'): no package name to depend on")
endif()
set(_triage_library_package "libwireshark${CMAKE_MATCH_1}")
math(EXPR _triage_next_minor "${Wireshark_MINOR_VERSION} + 1")
# "~" sorts before anything, so 4.1~rc1 (another plugin ABI) is excluded too.
set(_triage_depends
    "${_triage_library_package} (>= ${TRIAGE_WIRESHARK_ABI}), ${_triage_library_package} (<< ${Wireshark_MAJOR_VERSION}.${_triage_next_minor}~)")

execute_process(COMMAND dpkg --print-architecture
                OUTPUT_VARIABLE _triage_architecture OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE _triage_dpkg_status)
if(NOT _triage_dpkg_status EQUAL 0)
    message(STATUS "No Debian package from this build: dpkg is not available")
    return()
endif()

# Debian wants the licence beside the documentation.
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION "${TRIAGE_DOC_DESTINATION}" RENAME copyright
        COMPONENT plugin)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME capture-triage)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Capture Triage developers" CACHE STRING "The package's Maintainer field")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark plugin: TCP handshake RTT, policy findings, destinations and ports")
# CPack puts the summary first and indents these lines itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Capture Triage answers the first questions asked of a VM's packet capture:
how long connections take to set up, whether anything unwanted is talking,
and who the machine talks to on which ports.  It adds tshark -z triage
reports, Statistics and Analyze menu entries, triage.* packet fields and
expert infos.  Built for Wireshark ${TRIAGE_WIRESHARK_ABI}.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_triage_architecture})
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_triage_depends}")
# libc and GLib versions come from the binary itself, when the tools that
# read them are there (dpkg-dev and file); libwireshark depends on both anyway.
find_program(TRIAGE_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(TRIAGE_FILE_UTILITY file)
if(TRIAGE_DPKG_SHLIBDEPS AND TRIAGE_FILE_UTILITY)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
    message(STATUS "Debian package: no libc/GLib versions in Depends (install dpkg-dev and file for them)")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
set(CPACK_DEBIAN_FILE_NAME
    "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}_wireshark-${TRIAGE_WIRESHARK_ABI}_${_triage_architecture}.deb")
set(CPACK_STRIP_FILES ON)
# Only what install() names: the plugin, its README and the licence.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};plugin;/")
include(CPack)
