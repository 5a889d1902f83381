# The mount helpers: one binary, tools/mount_helper.c, that mount(8) runs as
# /sbin/mount.container and (only where installed by choice) /sbin/mount.cgroup.
# tools/served.c, what the running daemon serves, is shared with cgcompatctl.
HELPER_SRC := tools/mount_helper.c tools/served.c

all: $(BUILD)/mount.container $(BUILD)/mount.cgroup

$(BUILD)/mount.container: $(call obj,$(HELPER_SRC)) $(BUILD)/libcgcompat.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The same program: it tells the two apart by the name it is run as.
$(BUILD)/mount.cgroup: $(BUILD)/mount.container
	ln -sf mount.container $@


# mount(8) looks for helpers in /sbin only, whatever PREFIX is. mount.cgroup only when asked
# (make install MOUNT_CGROUP=1): while it is there, every `mount -t cgroup` on the machine
# goes through it, and a hierarchy no view serves can no longer be mounted with mount(8).
.PHONY: install-mount-helpers
install: install-mount-helpers
install-mount-helpers: $(BUILD)/mount.container
	install -D -m 0755 $(BUILD)/mount.container $(DESTDIR)/sbin/mount.container
	$(if $(MOUNT_CGROUP),ln -sf mount.container $(DESTDIR)/sbin/mount.cgroup)

# The Debian package (debian/): build/deb/cgcompat_<version>_<arch>.deb, then lintian on it,
# which must report no error and no warning. The build dependencies are installed from
# debian/control with apt-get build-dep, as anyone building the package would.
DEB_OUT := build/deb
.PHONY: deb deb-deps
deb-deps:
	@dpkg-query -W -f='$${Status}\n' debhelper lintian dpkg-dev 2>/dev/null | grep -c 'ok installed' | grep -qx 3 || \
		{ echo "installing: the package's build dependencies and lintian"; \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debhelper lintian dpkg-dev; }
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq . >/dev/null

deb: deb-deps
	rm -f $(DEB_OUT)/cgcompat_*
	tools/build-deb $(DEB_OUT)
	lintian --fail-on error,warning --info $(DEB_OUT)/cgcompat_$(VERSION)_*.deb
