# Pure cgroup v2 tests: Debian's kernel in qemu, every controller (tests/vm/README.md).
#
#   make vm-image        fetch the kernel and build the static part of the image (cached)
#   make vm-check        build, then run every VM test, one boot each
#   make vm-check VM_TESTS=tests/vm/smoke.sh     only these (VM_SYSTEMD_TESTS= for none of systemd's)
VM_TESTS ?= tests/vm/smoke.sh $(sort $(wildcard tests/vm/t_*.sh))
# The same kernel with the host's systemd as PID 1: cgcompat.service (tests/vm/systemd/README.md).
VM_SYSTEMD_TESTS ?= $(sort $(wildcard tests/vm/systemd/t_*.sh))

.PHONY: vm-image vm-check
vm-image:
	tests/vm/run-vm.sh --prepare

# The systemd VM tests install the package: this tree's, and a second build of it with a
# higher version for t_package.sh to upgrade to.
.PHONY: vm-debs
vm-debs: deb
	rm -rf $(DEB_OUT)/upgrade
	tools/build-deb $(DEB_OUT)/upgrade $(VERSION)+upgrade >/dev/null

vm-check: all vm-image $(if $(strip $(VM_SYSTEMD_TESTS)),vm-debs)
	@failed=; for t in $(VM_TESTS); do \
		echo "== vm: $$t"; \
		BUILD=$(BUILD) tests/vm/run-vm.sh $$t || failed="$$failed $$t"; \
	done; \
	for t in $(VM_SYSTEMD_TESTS); do \
		echo "== vm (systemd): $$t"; \
		BUILD=$(BUILD) tests/vm/systemd/run-systemd-vm.sh $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "vm-check: failed:$$failed" >&2; exit 1; fi
