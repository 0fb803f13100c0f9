# Hall kiosk — build, run and test.
#   make run    start the kiosk with simulators and an embedded back office
#   make test   vet, staticcheck, unit, integration, fuzz seeds, the race detector
#               over the packages without Fyne, a smoke test of the real binary,
#               the release package with its deploy checks, and the same for arm64
#               (cross-built, tested under qemu-user)
# See README.md for the rest.

GO        ?= go
BIN       := bin
FUZZTIME  ?= 5m
SOAKKILLS ?= 1000
export CGO_ENABLED := 1
# The architecture `make package` builds for: the host's unless given on
# the command line (make package ARCH=arm64 cross-builds on an amd64
# machine). ":=" so that an ARCH in the environment (kernel-style x86_64)
# is not taken for a Debian architecture.
HOST_ARCH := $(shell dpkg --print-architecture)
ARCH      := $(HOST_ARCH)
# The hall's locale, as deploy/hallkiosk.service sets it. (Any other works
# too: internal/clocale makes C.UTF-8 and the like readable for Fyne.)
export LANG := zh_CN.UTF-8

.PHONY: all build clips deps-build deps-test deps-run deps-arm64 run test test-arm64 vet staticcheck unit race smoke fuzz bench soak screenshots package clean

all: build

deps-build:
	@scripts/deps.sh build
deps-test:
	@scripts/deps.sh test
deps-run:
	@scripts/deps.sh run
deps-arm64:
	@scripts/deps.sh arm64

# The kiosk is built with the release package's tags (no emoji font, Fyne's
# release mode), so `make run`, the smoke test and the benchmarks run the
# binary a hall gets.
KIOSK_TAGS := no_emoji,release

# The voice clips: espeak-ng speaks the voice.* and reason.* translations
# into assets/voice, which the kiosk embeds (docs/voice.md). Made again
# when a translation or the voice script changes; not kept in git.
CLIPS := assets/voice/MANIFEST
$(CLIPS): assets/i18n/zh_Hans.json assets/i18n/en.json $(wildcard voice/*.go voice/mkclips/*.go)
	@scripts/deps.sh build
	$(GO) run ./voice/mkclips -out assets/voice

clips: $(CLIPS)

build: deps-build $(CLIPS)
	$(GO) build -tags $(KIOSK_TAGS) -o $(BIN)/kiosk ./cmd/kiosk
	$(GO) build -o $(BIN)/backoffice ./cmd/backoffice

run: deps-run build
	@scripts/run.sh

vet: deps-build
	$(GO) vet ./...
	$(GO) vet -tags ci ./ui/...

# Static analysis: staticcheck (honnef.co/go/tools, pinned by the tool
# directive in go.mod, so a fresh clone runs it with no global install).
# Every build configuration: the default one, the ui tests' ci tag and the
# e2e tests' tag. A finding fails the build.
staticcheck: deps-build
	$(GO) tool staticcheck ./...
	$(GO) tool staticcheck -tags ci ./ui/...
	$(GO) tool staticcheck -tags e2e ./e2e/...

# Unit and integration tests (pseudo-terminal simulators, SQLite, a real
# HTTP back office), including every fuzz target's seed corpus. ui/ runs on
# Fyne's headless driver.
unit: deps-test
	$(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v '/ui$$')
	$(GO) test -count=1 -tags ci -timeout 20m ./ui/...

# The tests of every package without Fyne again, under the race detector
# (scripts/race.sh says which and why not the others).
race: deps-test
	@scripts/race.sh

# The real binary under Xvfb, driven with xdotool.
smoke: deps-test build
	@scripts/smoke.sh

# The release package too: the deploy recipe (units verified with
# systemd-analyze, the packaged binary started against the simulators) is
# exercised on every run, not only when someone releases. So is the arm64
# build: kiosks in halls run on arm64 boards too.
test: vet staticcheck unit race smoke package test-arm64

# arm64 on this amd64 machine: the tests of every package without Fyne
# under qemu-user, then the arm64 package, its checks and the packaged
# kiosk and back office under qemu-user against native simulators.
test-arm64: deps-arm64 $(CLIPS)
	@scripts/test-arm64.sh
	@ARCH=arm64 scripts/package.sh

# Long fuzz runs: every Fuzz target in the tree for FUZZTIME each.
fuzz: deps-build
	@scripts/fuzz.sh $(FUZZTIME)

bench: deps-test build
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $$($(GO) list ./... | grep -v '/ui$$')
	$(GO) test -tags ci -run '^$$' -bench ResidentMemory -benchtime 2x -timeout 30m ./ui/
	$(GO) test -tags ci -run '^$$' -bench PromptLatency -benchtime 50x -timeout 10m ./ui/
	KIOSK_BIN=$(CURDIR)/bin/kiosk $(GO) test -tags e2e -run '^$$' -bench 'StartToFirstFrame|TapToCut' -benchtime 5x -timeout 20m ./e2e/
	KIOSK_BIN=$(CURDIR)/bin/kiosk KIOSK_TAGS=$(KIOSK_TAGS) $(GO) test -tags e2e -run '^$$' -bench Footprint -benchtime 1x -timeout 90m ./e2e/

soak: deps-build
	SOAK_KILLS=$(SOAKKILLS) $(GO) test -count=1 -run 'Crash' -timeout 60m ./offline/

# Every citizen screen (both languages, normal and elder mode, landscape and
# portrait) and every technician page, to screenshots/, which git ignores:
# the technician pages show the time and temporary paths, and the whole set
# is 36 MB, which every regeneration would add to the history. The tests
# check the layout of all of them whether or not PNGs are written (make
# unit). The few in docs/screenshots are copied from the set: citizen
# screens on the tests' fixed clock, with no path in them, so a second run
# changes no byte. Nine of them, with the six queue pages in docs/pages and
# the printed ticket, keep docs/ to 16 pictures.
SHOTS    := screenshots
SHOWCASE := home_zh_normal_1280x800 home_zh_elder_1280x800 home_unavailable_en_elder_1280x800 \
	ticket_card_zh_normal_1280x800 ticket_done_zh_normal_1280x800 guide_detail_zh_normal_1080x1920 \
	progress_result_en_normal_1280x800 rating_scores_zh_normal_1280x800 diag-pin

screenshots: deps-test
	rm -rf $(SHOTS)
	mkdir -p $(SHOTS) docs/screenshots
	$(GO) test -count=1 -tags ci -run TestScreenshots ./ui/ -args -screenshots=$(CURDIR)/$(SHOTS)
	$(GO) test -count=1 -tags ci -run TestTechScreenshots ./ui/techui/ -args -screenshots=$(CURDIR)/$(SHOTS)
	rm -f docs/screenshots/*.png
	cp $(SHOWCASE:%=$(SHOTS)/%.png) docs/screenshots/
	HALLKIOSK_PAGE_SHOTS=$(CURDIR)/docs/pages $(GO) test -count=1 -run TestPageScreenshotsRepeat ./backoffice/pages/

package: $(if $(filter $(HOST_ARCH),$(ARCH)),deps-test,deps-$(ARCH)) $(CLIPS)
	@ARCH=$(ARCH) scripts/package.sh

clean:
	rm -rf $(BIN) dist
