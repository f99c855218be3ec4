# dmsim: the two commands a newcomer runs are `make report` and `make test`.
# Each installs what it needs by itself: npm packages from package-lock.json, and Debian
# packages only for the test steps that drive real Jupyter clients and a real browser, and
# for the sharded-sweep tests (a one-machine Slurm cluster; GNU parallel over a throwaway sshd).

NODE        ?= node
NPM_STAMP   := node_modules/.dmsim-npm-stamp
DEB_STAMP   := node_modules/.dmsim-deb-stamp
TEST_DEBS   := jupyter-nbconvert python3-nbclient python3-jupyter-client jupyter-core \
               python3-jupyter-kernel-test python3-nbformat python3-ipykernel chromium \
               slurmctld slurmd slurm-client munge parallel openssh-server openssh-client
TSC         := $(NODE) node_modules/typescript/bin/tsc

.PHONY: all test report bench typecheck setup clean kernelspec

all: test

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DEB_STAMP): $(NPM_STAMP) scripts/ensure-debian-packages.sh Makefile
	scripts/ensure-debian-packages.sh $(TEST_DEBS)
	@touch $@

# npm packages, and the JavaScript mirror of kernel-lib that `dmsim sweep` runs from
# (bin/js-mirror.mjs; also built on first use, and again whenever a source changes).
setup: $(NPM_STAMP)
	$(NODE) bin/js-mirror.mjs

typecheck: $(NPM_STAMP)
	$(TSC) --noEmit -p .

# Type-check first: a type error is a failure, not a warning.
test: $(NPM_STAMP) $(DEB_STAMP) typecheck
	$(NODE) node_modules/mocha/bin/mocha.js

# Executes every notebook in process and writes reports/ (no Python involved).
report: $(NPM_STAMP)
	$(NODE) bin/dmsim.js report

# Benchmarks print one JSON object per line.
bench: $(NPM_STAMP)
	@$(NODE) --import ./bin/register-ts.mjs bench/run.ts

# A project-local kernelspec: `JUPYTER_PATH=build/jupyter jupyter lab` then finds "dmsim".
kernelspec: $(NPM_STAMP)
	$(NODE) bin/dmsim.js kernel install --data-dir build/jupyter

clean:
	rm -rf .cache test-output
